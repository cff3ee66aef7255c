package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/testclock"
)

// TestSourceSSRFThroughMain is the SSRF acceptance of issue 5 through Main
// and the console: without HERALD_ALLOW_PRIVATE_SOURCES, source URLs typed
// in chat that point at loopback, a private network or the cloud metadata
// address — by address or by a name that resolves to loopback — are
// refused with a message that says why and how to allow them, nothing is
// stored and nothing is fetched; with HERALD_ALLOW_PRIVATE_SOURCES=true the
// loopback feed is accepted and polled; and a stored source that points at
// loopback is refused again when it is fetched. (Redirects to loopback and
// names resolving to loopback at dial time are unit-tested on the guarded
// client: internal/httpx/httpx_test.go TestNewHTTPClientRedirect and
// TestNewHTTPClientGuard; names with a private address among public ones
// in mentions/guard_test.go TestCheckSourceURL.)
func TestSourceSSRFThroughMain(t *testing.T) {
	feed := mustRead(t, "../../mentions/sources/rss/testdata/googlealerts.xml")
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/atom+xml")
		w.Write(feed)
	}))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	port := u.Port()
	const refusal = "points at a private network address; Herald refuses it unless HERALD_ALLOW_PRIVATE_SOURCES=true"
	clock := testclock.New(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	set := func(m *Main) { m.Clock, m.PollEvery = clock, 5*time.Millisecond }

	t.Run("ErrPrivate", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "herald.db")
		env := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "127.0.0.1:0"}
		c := startConsoleWith(t, env, set)
		c.send("brand add Acme", "Brand Acme created")
		for _, tt := range []struct{ line, shown string }{
			{"source add rss http://127.0.0.1:" + port + "/feed", "http://127.0.0.1:" + port + "/feed"},
			{"source add rss http://10.0.0.1/feed", "http://10.0.0.1/feed"},
			{"source add rss http://169.254.169.254/latest/meta-data", "http://169.254.169.254/latest/meta-data"},
			{"source add rss http://localhost:" + port + "/feed", "http://localhost:" + port + "/feed"},
			{"source add mastodon http://127.0.0.1:" + port + " #acme", "http://127.0.0.1:" + port},
		} {
			out := c.send(tt.line, refusal)
			if want := tt.shown + " " + refusal; !strings.Contains(out, want) {
				t.Errorf("%s: the answer does not say %q:\n%s", tt.line, want, out)
			}
			if strings.Contains(out, "added source") {
				t.Errorf("%s: the answer says it was added:\n%s", tt.line, out)
			}
		}
		c.send("source list", "Acme has no sources yet")
		c.stop()

		ro := openRO(t, db)
		defer ro.Close()
		var n int
		if err := ro.QueryRow(`SELECT COUNT(*) FROM sources`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d sources stored after the refusals, want none", n)
		}
		if got := hits.Load(); got != 0 {
			t.Errorf("the loopback feed got %d requests, want none", got)
		}
	})

	t.Run("OKAllowPrivate", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "herald.db")
		env := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "127.0.0.1:0",
			"HERALD_ALLOW_PRIVATE_SOURCES": "true"}
		c := startConsoleWith(t, env, set)
		c.send("brand add Acme", "Brand Acme created")
		c.send("watch add acme", "added watch #1")
		c.send(fmt.Sprintf("source add rss http://127.0.0.1:%s/feed", port), "added source #1")
		waitFor(t, "the loopback feed to be polled", func() bool { return hits.Load() > 0 }, c.out.String)
		ro := openRO(t, db)
		defer ro.Close()
		waitFor(t, "a successful poll of the loopback feed", func() bool { return ro.polledSince(t, nil) == 1 }, c.out.String)
		if n := ro.mentions(t); n == 0 {
			t.Error("the loopback feed was polled but gave no mention")
		}
	})
	t.Run("ErrPrivateAtConnection", func(t *testing.T) {
		// The guard holds when a source is fetched, not only when it is
		// added: a feed named by a host that resolves to loopback,
		// accepted while private sources were allowed, is refused at
		// connection time once the server restarts without
		// HERALD_ALLOW_PRIVATE_SOURCES — as a name re-resolving to a
		// private address after it was checked would be.
		db := filepath.Join(t.TempDir(), "herald.db")
		env := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "127.0.0.1:0",
			"HERALD_ALLOW_PRIVATE_SOURCES": "true"}
		c := startConsoleWith(t, env, set)
		c.send("brand add Acme", "Brand Acme created")
		c.send("source add rss http://localhost:"+port+"/feed", "added source #1")
		ro := openRO(t, db)
		defer ro.Close()
		waitFor(t, "a successful poll while allowed", func() bool { return ro.polledSince(t, nil) == 1 }, c.out.String)
		c.stop()

		before := hits.Load()
		delete(env, "HERALD_ALLOW_PRIVATE_SOURCES")
		clock.Advance(time.Hour)
		c = startConsoleWith(t, env, set)
		lastError := func() (msg string) {
			if err := ro.QueryRow(`SELECT last_error_msg FROM sources WHERE id = 1 AND last_error > last_success`).Scan(&msg); err != nil {
				return ""
			}
			return msg
		}
		waitFor(t, "the poll after the restart to fail", func() bool { return lastError() != "" }, c.out.String)
		if msg := lastError(); !strings.Contains(msg, "private network address") {
			t.Errorf("the source's last error is %q, want the private-address refusal", msg)
		}
		if got := hits.Load(); got != before {
			t.Errorf("the loopback feed got %d requests after the restart, want none", got-before)
		}
		c.send("source list", "points at a private network address")
	})
}
