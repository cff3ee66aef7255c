package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/heraldhq/herald/publish"
)

// TestPublishSSRFThroughMain is issue 13's case, tried as a new member
// would: `brand add X`, `target add webhook:x http://127.0.0.1:PORT/admin`,
// publish, and read the internal service's answer on the card. Without
// HERALD_ALLOW_PRIVATE_SOURCES the target is refused when added, and a
// target stored while private addresses were allowed is refused when
// dialled; with it, the card shows the status, never the answer.
func TestPublishSSRFThroughMain(t *testing.T) {
	var hits atomic.Int32
	admin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"message":"ADMIN-ONLY: db password hunter2"}`)
	}))
	defer admin.Close()
	const refusal = "points at a private network address; Herald refuses it unless HERALD_ALLOW_PRIVATE_SOURCES=true"
	hook := admin.URL + "/admin"

	t.Run("ErrPrivateAtAdd", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "herald.db")
		c := startConsole(t, map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "127.0.0.1:0"})
		c.send("brand add X", "Brand X created")
		for _, u := range []string{hook, "http://169.254.169.254/latest/meta-data/", "http://[::ffff:127.0.0.1]:1/", "http://10.0.0.1/hook"} {
			c.send("target add webhook:x "+u+" --secret "+webhookSecret, refusal)
		}
		c.send("target add discord-webhook:x "+admin.URL+"/api/webhooks/123456789012345678/tok", refusal)
		c.send("target add mastodon:x "+admin.URL+" --secret t", refusal)
		c.send("target list", "Targets of X")
		if strings.Contains(c.out.String(), "is set up for X") {
			t.Errorf("a private target was set up:\n%s", c.out.String())
		}
	})
	t.Run("ErrPrivateAtDial", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "herald.db")
		env := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "127.0.0.1:0", "HERALD_ALLOW_PRIVATE_URLS": "true"}
		c := startConsole(t, env)
		c.send("brand add X", "Brand X created")
		c.send("policy none", "no longer need review")
		c.send("target add webhook:x "+hook+" --secret "+webhookSecret, "webhook:x is set up for X")
		c.stop()
		delete(env, "HERALD_ALLOW_PRIVATE_URLS")
		c = startConsole(t, env)
		ro := openRO(t, db)
		defer ro.Close()
		c.send(`draft "hello" --to webhook:x`, "Draft #1 created")
		c.send("submit 1", "approved")
		c.send("publish 1", "#1")
		waitFor(t, "draft 1 failed", func() bool { return ro.draftState(t, 1) == "failed" }, c.out.String)
		if d := ro.byTarget(t, 1)["webhook:x"]; d.State != publish.Failed || !strings.Contains(d.Error, refusal) {
			t.Errorf("draft 1 on webhook:x is %s with %q; want failed with the guard's refusal", d.State, d.Error)
		}
	})
	if n := hits.Load(); n != 0 {
		t.Fatalf("the internal service got %d requests", n)
	}
	t.Run("OKAllowPrivateStatusOnly", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "herald.db")
		c := startConsole(t, map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "127.0.0.1:0", "HERALD_ALLOW_PRIVATE_SOURCES": "true"})
		ro := openRO(t, db)
		defer ro.Close()
		c.send("brand add X", "Brand X created")
		c.send("policy none", "no longer need review")
		c.send("target add webhook:x "+hook+" --secret "+webhookSecret, "webhook:x is set up for X")
		c.send(`draft "hello" --to webhook:x`, "Draft #1 created")
		c.send("submit 1", "approved")
		c.send("publish 1", "#1")
		waitFor(t, "draft 1 failed", func() bool { return ro.draftState(t, 1) == "failed" }, c.out.String)
		waitFor(t, "the failure on the card", func() bool { return strings.Contains(c.out.String(), "✗ webhook:x failed — ") }, c.out.String)
		d := ro.byTarget(t, 1)["webhook:x"]
		if !strings.Contains(d.Error, "403 Forbidden") || strings.Contains(d.Error, "hunter2") {
			t.Errorf("the delivery's error is %q; want the status without the answer", d.Error)
		}
		if out := c.out.String(); strings.Contains(out, "hunter2") || strings.Contains(out, "ADMIN-ONLY") {
			t.Errorf("the internal answer reached chat:\n%s", out)
		}
		if n := hits.Load(); n != 1 {
			t.Errorf("the internal service got %d requests, want 1 (allowed)", n)
		}
	})
}
