package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/media/mediatest"
	"github.com/heraldhq/herald/publish/targets/meta/metatest"
)

// TestConnectFacebook drives the connect flow through Main for a Facebook
// Page: the command answers with Meta's login dialog, the fake consents
// and sends the browser to Herald's callback, the choice of Page comes
// back in chat as buttons, a click connects the Page (with its own
// token), the channel is told; a post goes to the Page's feed; an
// ambiguous answer is settled from the Page's posts; a revoked token
// (Graph API code 190) makes the next post fail with Reconnect.
func TestConnectFacebook(t *testing.T) {
	fb := metatest.New(herald.SystemClock{}, "meta-app", "meta-secret")
	defer fb.Close()
	fb.SetPerson(metatest.Person{ID: "1001", Name: "Alice Martin", Pages: []string{"501", "502"}})
	fb.AddPage(metatest.Page{ID: "501", Name: "Acme SAS"})
	fb.AddPage(metatest.Page{ID: "502", Name: "Acme Kids"})

	addr := freeAddr(t)
	db := filepath.Join(t.TempDir(), "herald.db")
	c := startConsole(t, map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": addr,
		"HERALD_PUBLIC_URL": "http://" + addr, "META_APP_ID": "meta-app", "META_APP_SECRET": "meta-secret",
		"HERALD_META_API_URL": fb.URL + "/v24.0", "HERALD_META_AUTH_URL": fb.URL + "/v24.0", "HERALD_SECRET_KEY": newSecretKey(t)})
	c.send("brand add Acme", "Brand Acme created")
	c.send("policy none", "no longer need review")
	c.send("target add facebook:acme https://facebook.com/acme --secret tok", "target connect facebook:acme")

	out := c.send("target connect facebook:acme", "Sign in to connect facebook:acme")
	m := linkRE.FindStringSubmatch(out)
	if m == nil || !strings.HasPrefix(m[1], fb.URL+"/v24.0/dialog/oauth?") || !strings.Contains(m[1], "pages_manage_posts") {
		t.Fatalf("no link to Meta's login dialog in:\n%s", out)
	}
	from := len(c.out.String())
	status, page := browse(t, m[1])
	if status != http.StatusOK || !strings.Contains(page, "choose in chat") {
		t.Fatalf("callback page %d:\n%s", status, page)
	}
	waitFor(t, "the choice of Page in chat", func() bool {
		return strings.Contains(c.out.String()[from:], "target choose facebook:acme 502")
	}, func() string { return c.out.String()[from:] })
	for _, want := range []string{"Acme SAS", "Acme Kids", "target choose facebook:acme 501"} {
		if !strings.Contains(c.out.String()[from:], want) {
			t.Errorf("the choice misses %q:\n%s", want, c.out.String()[from:])
		}
	}
	c.send("target choose facebook:acme 501 --brand Acme", "now posts as Acme SAS")
	c.send("target list", "facebook:acme  as Acme SAS, connected by alice")
	if !strings.Contains(c.out.String(), "facebook:acme connected by alice as Acme SAS") {
		t.Errorf("the channel was not told:\n%s", c.out.String())
	}

	const text = "Launch day (at last) https://acme.example/launch"
	c.send(`draft "`+text+`" --to facebook:acme`, "Draft #1 created")
	c.send("submit 1", "approved")
	c.send("publish 1", "#1")
	ro := openRO(t, db)
	waitFor(t, "draft 1 published", func() bool { return ro.draftState(t, 1) == "published" }, c.out.String)
	if ps := fb.Posts(); len(ps) != 1 || ps[0].Account != "501" || ps[0].Text != text || ps[0].Link != "https://acme.example/launch" {
		t.Errorf("Page posts = %+v", ps)
	}

	// Facebook fails after making the post: Herald finds it among the
	// Page's posts instead of posting it twice.
	fb.Fail("/feed", http.StatusInternalServerError, 2, 0, "Service temporarily unavailable", true)
	c.send(`draft "made despite the 500" --to facebook:acme`, "Draft #2 created")
	c.send("submit 2", "approved")
	c.send("publish 2", "#2")
	waitFor(t, "draft 2 published", func() bool { return ro.draftState(t, 2) == "published" }, c.out.String)
	if ps := fb.Posts(); len(ps) != 2 {
		t.Errorf("%d Page posts after an ambiguous answer; want 2 (no second copy)", len(ps))
	}

	fb.Revoke("501")
	c.send(`draft "third" --to facebook:acme`, "Draft #3 created")
	c.send("submit 3", "approved")
	c.send("publish 3", "#3")
	waitFor(t, "draft 3 failed", func() bool { return ro.draftState(t, 3) == "failed" }, c.out.String)
	waitFor(t, "the Reconnect button", func() bool {
		return strings.Contains(c.out.String(), "[Reconnect] /herald target connect facebook:acme --brand \"Acme\"")
	}, c.out.String)
	c.send("target list", "DISCONNECTED")
}

// TestConnectInstagram: one Instagram account linked to the person's Page
// is connected at the callback; a draft without a picture cannot go to
// review; with one, the container is made from Herald's signed media link
// (which the network can fetch), then published.
func TestConnectInstagram(t *testing.T) {
	ig := metatest.New(herald.SystemClock{}, "meta-app", "meta-secret")
	defer ig.Close()
	ig.SetPerson(metatest.Person{ID: "1001", Name: "Alice Martin", Pages: []string{"501"}})
	ig.AddPage(metatest.Page{ID: "501", Name: "Acme SAS", IGID: "17841405822304914", IGName: "acme.official"})

	dir := t.TempDir()
	photo := filepath.Join(dir, "opening.jpg")
	raw := mediatest.JPEG(t, 120, 80, 1)
	if err := os.WriteFile(photo, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	db := filepath.Join(dir, "herald.db")
	c := startConsole(t, map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": addr,
		"HERALD_PUBLIC_URL": "http://" + addr, "META_APP_ID": "meta-app", "META_APP_SECRET": "meta-secret",
		"HERALD_INSTAGRAM_API_URL": ig.URL + "/v24.0", "HERALD_META_AUTH_URL": ig.URL + "/v24.0",
		"HERALD_SECRET_KEY": newSecretKey(t), "HERALD_MEDIA": "file:" + filepath.Join(dir, "media")})
	c.send("brand add Acme", "Brand Acme created")
	c.send("policy none", "no longer need review")
	connectOne(t, c, "instagram:acme", ig.URL+"/v24.0/dialog/oauth?", "acme.official")

	c.send(`draft "Our new store #opening" --to instagram:acme`, "Draft #1 created")
	c.send("submit 1", "needs a picture or a video")
	c.send(`media add 1 `+photo+` --alt "The door"`, "opening.jpg")
	c.send("submit 1", "approved")
	c.send("publish 1", "#1")
	ro := openRO(t, db)
	waitFor(t, "draft 1 published", func() bool { return ro.draftState(t, 1) == "published" }, c.out.String)
	ps := ig.Posts()
	if len(ps) != 1 || ps[0].Text != "Our new store #opening" || len(ps[0].Media) != 1 || ps[0].Media[0].Alt != "The door" {
		t.Fatalf("Instagram posts = %+v", ps)
	}
	resp, err := http.Get(ps[0].Media[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("Instagram cannot fetch %s: %d %s", ps[0].Media[0].URL, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestConnectThreads drives Threads through Main with an injected clock:
// the account is connected at the callback (a long-lived token, 60
// days), a text post goes out through its container, the token is
// refreshed with th_refresh_token a week before it expires, and a
// revoked token ends with the Reconnect card.
func TestConnectThreads(t *testing.T) {
	clock := testclock.New(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
	th := metatest.New(clock, "th-app", "th-secret")
	defer th.Close()
	th.SetPerson(metatest.Person{ID: "1001", Name: "Alice Martin", ThreadsID: "2602", ThreadsName: "acme.threads"})

	addr := freeAddr(t)
	db := filepath.Join(t.TempDir(), "herald.db")
	c := startConsoleWith(t, map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": addr,
		"HERALD_PUBLIC_URL": "http://" + addr, "THREADS_APP_ID": "th-app", "THREADS_APP_SECRET": "th-secret",
		"HERALD_THREADS_API_URL": th.URL + "/v1.0", "HERALD_THREADS_AUTH_URL": th.URL},
		func(m *Main) { m.Clock, m.RefreshEvery = clock, 20*time.Millisecond })
	c.send("brand add Acme", "Brand Acme created")
	c.send("policy none", "no longer need review")
	connectOne(t, c, "threads:acme", th.URL+"/oauth/authorize?", "acme.threads")

	c.send(`draft "Hello from Herald" --to threads:acme`, "Draft #1 created")
	c.send("submit 1", "approved")
	c.send("publish 1", "#1")
	ro := openRO(t, db)
	waitFor(t, "draft 1 published", func() bool { return ro.draftState(t, 1) == "published" }, c.out.String)
	if ps := th.Posts(); len(ps) != 1 || ps[0].Type != "TEXT" || ps[0].Text != "Hello from Herald" {
		t.Errorf("Threads posts = %+v", ps)
	}

	expires := func() int64 {
		var v int64
		if err := ro.QueryRow(`SELECT expires_at FROM accounts WHERE kind = 'threads'`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	first := expires()
	clock.Advance(54 * 24 * time.Hour) // six days before the token expires
	waitFor(t, "the token refreshed", func() bool { return expires() > first }, c.out.String)
	if want := clock.Now().Add(metatest.ThreadsTTL).UnixMilli(); expires() != want {
		t.Errorf("refreshed until %d; want %d", expires(), want)
	}

	th.Revoke("2602")
	clock.Advance(54 * 24 * time.Hour) // the next refresh: Threads says code 190
	waitFor(t, "the Reconnect card", func() bool {
		return strings.Contains(c.out.String(), "[Reconnect] /herald target connect threads:acme --brand \"Acme\"")
	}, c.out.String)
}

// connectOne connects target through its network's page at authPrefix,
// as the one account the person may post as (as): connected at the
// callback, the channel told.
func connectOne(t *testing.T, c *consoleSession, target, authPrefix, as string) {
	t.Helper()
	out := c.send("target connect "+target, "Sign in to connect "+target)
	m := linkRE.FindStringSubmatch(out)
	if m == nil || !strings.HasPrefix(m[1], authPrefix) {
		t.Fatalf("no link to %s in:\n%s", authPrefix, out)
	}
	if status, page := browse(t, m[1]); status != http.StatusOK {
		t.Fatalf("callback page %d:\n%s", status, page)
	}
	waitFor(t, "the channel told", func() bool {
		return strings.Contains(c.out.String(), target+" connected by alice as "+as)
	}, c.out.String)
}
