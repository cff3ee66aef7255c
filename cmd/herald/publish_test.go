package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/bluesky"
	"github.com/heraldhq/herald/publish/targets/bluesky/blueskytest"
	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
	"github.com/heraldhq/herald/publish/targets/webhook/webhooktest"
)

// webhookSecret signs the generic webhook's deliveries in these tests.
const webhookSecret = "zap-signing-secret-0123456789"

// consoleSession is Main running the console on a pipe, as a person would
// type into it.
type consoleSession struct {
	t    *testing.T
	m    *Main
	in   *io.PipeWriter
	out  *syncBuffer
	done chan error
}

// startConsole runs `herald console -as alice` with env on a pipe.
func startConsole(t *testing.T, env map[string]string) *consoleSession {
	t.Helper()
	return startConsoleWith(t, env, func(*Main) {})
}

// startConsoleWith is startConsole with Main adjusted by set first (its
// clock, its poll period).
func startConsoleWith(t *testing.T, env map[string]string, set func(*Main)) *consoleSession {
	t.Helper()
	pr, pw := io.Pipe()
	c := &consoleSession{t: t, m: NewMain(), in: pw, out: &syncBuffer{}, done: make(chan error, 1)}
	set(c.m)
	c.m.Stdin, c.m.Stdout, c.m.Stderr = pr, c.out, c.out
	if err := c.m.ParseFlags([]string{"console", "-as", "alice"}, envOf(env)); err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- c.m.Run(context.Background()) }()
	t.Cleanup(c.stop)
	return c
}

// stop ends the input (the console stops at its end) and closes Main.
func (c *consoleSession) stop() {
	if c.in == nil {
		return
	}
	c.in.Close()
	c.in = nil
	select {
	case err := <-c.done:
		if err != nil {
			c.t.Errorf("Run: %v", err)
		}
	case <-time.After(20 * time.Second):
		c.t.Errorf("the console did not stop at the end of its input")
	}
	if err := c.m.Close(); err != nil {
		c.t.Errorf("Close: %v", err)
	}
}

// send types line and waits until the output that follows it contains
// want; it returns that output.
func (c *consoleSession) send(line, want string) string {
	c.t.Helper()
	from := len(c.out.String())
	if _, err := io.WriteString(c.in, line+"\n"); err != nil {
		c.t.Fatalf("%s: %v", line, err)
	}
	var got string
	waitFor(c.t, fmt.Sprintf("the answer to %q containing %q", line, want), func() bool {
		got = c.out.String()[from:]
		return strings.Contains(got, want)
	}, func() string { return c.out.String()[from:] })
	return got
}

// waitFor polls cond until it holds, or fails the test after 20 s showing
// what show returns.
func waitFor(t testing.TB, what string, cond func() bool, show func() string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 20 s for %s; got:\n%s", what, show())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// roDB is the database opened read-only beside a running Herald.
type roDB struct{ *sql.DB }

func openRO(tb testing.TB, path string) roDB {
	tb.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return roDB{db}
}

// dbDelivery is a delivery row as the test reads it.
type dbDelivery struct {
	DraftID  int64
	Target   string
	Key      string
	State    publish.DeliveryState
	Attempts int
	Due      time.Time
	URL      string
	Error    string
}

func (db roDB) deliveries(tb testing.TB, where string, args ...any) []dbDelivery {
	tb.Helper()
	rows, err := db.Query(`SELECT draft_id, target, key, state, attempts, due_at, url, error FROM deliveries `+where+` ORDER BY draft_id, rowid`, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []dbDelivery
	for rows.Next() {
		var d dbDelivery
		var due int64
		if err := rows.Scan(&d.DraftID, &d.Target, &d.Key, &d.State, &d.Attempts, &due, &d.URL, &d.Error); err != nil {
			tb.Fatal(err)
		}
		d.Due = time.UnixMilli(due).UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// byTarget returns draft id's deliveries by target.
func (db roDB) byTarget(tb testing.TB, id int64) map[string]dbDelivery {
	tb.Helper()
	out := map[string]dbDelivery{}
	for _, d := range db.deliveries(tb, "WHERE draft_id = ?", id) {
		out[d.Target] = d
	}
	return out
}

func (db roDB) draftState(tb testing.TB, id int64) string {
	tb.Helper()
	var st string
	if err := db.QueryRow(`SELECT state FROM drafts WHERE id = ?`, id).Scan(&st); err != nil {
		tb.Fatal(err)
	}
	return st
}

// count returns the rows of query, grouped by its first column (a state).
func (db roDB) count(tb testing.TB, query string) map[string]int {
	tb.Helper()
	rows, err := db.Query(query)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			tb.Fatal(err)
		}
		out[k] = n
	}
	return out
}

// auditActions lists a draft's audit actions, oldest first.
func (db roDB) auditActions(tb testing.TB, id int64) []string {
	tb.Helper()
	rows, err := db.Query(`SELECT action FROM audit WHERE draft_id = ? ORDER BY id`, id)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			tb.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// TestPublishThroughMain follows posts from the console to fakes of
// Mastodon, a generic webhook and Bluesky on loopback, and to a chat
// channel previewed in the console, through Main with the real clock and
// its scheduler: a post published now, a refusal and its retry, a post
// scheduled for later, and the calendar feed on Main's HTTP server.
func TestPublishThroughMain(t *testing.T) {
	masto := mastodontest.New(mastodontest.WithToken("masto-token"))
	defer masto.Close()
	hook := webhooktest.New(webhookSecret)
	defer hook.Close()
	sky := blueskytest.New()
	defer sky.Close()

	db := filepath.Join(t.TempDir(), "herald.db")
	// The fakes stand for public networks: their loopback addresses count
	// as public, so the networks' own words reach the cards as a public
	// network's would (what a private address answers does not).
	fakes := func(ap netip.AddrPort) bool { return ap.Addr().IsLoopback() }
	c := startConsoleWith(t, map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "127.0.0.1:0", "HERALD_TIMEZONE": "Europe/Paris"},
		func(m *Main) { m.PublicAddrs = fakes })
	c.send("brand add Acme", "Brand Acme created")
	c.send("policy none", "no longer need review")
	c.send("target add mastodon:main "+masto.URL()+" --secret masto-token", "mastodon:main is set up for Acme")
	c.send("target add webhook:zap "+hook.URL()+" --secret "+webhookSecret, "webhook:zap is set up for Acme")
	c.send("target add bluesky:main "+sky.URL()+" --handle "+blueskytest.Handle+" --secret "+blueskytest.Password, "bluesky:main is set up for Acme")
	out := c.send("target list", "Targets of Acme")
	for _, secret := range []string{"masto-token", webhookSecret, blueskytest.Password} {
		if strings.Contains(out, secret) {
			t.Errorf("target list shows a secret:\n%s", out)
		}
	}
	ro := openRO(t, db)

	// Draft #1 goes everywhere, now.
	const text1 = "Our new store opens Monday! https://acme.example/store #opening"
	c.send(`draft "`+text1+`" --to mastodon:main,webhook:zap,bluesky:main,slack:#news`, "Draft #1 created")
	c.send("submit 1", "approved")
	if st := ro.draftState(t, 1); st != "approved" {
		t.Fatalf("draft 1 is %s after submit under policy none, want approved", st)
	}
	c.send("publish 1", "#1")
	waitFor(t, "draft 1 published", func() bool { return ro.draftState(t, 1) == "published" }, func() string {
		return fmt.Sprintf("%+v\n%s", ro.byTarget(t, 1), c.out.String())
	})
	ds := ro.byTarget(t, 1)
	if len(ds) != 4 {
		t.Fatalf("draft 1 has %d deliveries, want 4: %+v", len(ds), ds)
	}
	for target, d := range ds {
		tg, _ := herald.ParseTarget(target)
		if d.State != publish.Delivered {
			t.Errorf("%s: %s (%s), want delivered", target, d.State, d.Error)
		}
		if want := publish.DeliveryKey(1, 1, tg); d.Key != want {
			t.Errorf("%s: key %q, want DeliveryKey %q", target, d.Key, want)
		}
	}

	// Mastodon: one status, carrying the delivery's key.
	mk := ds["mastodon:main"].Key
	if sts := masto.Statuses(); len(sts) != 1 || sts[0].IdempotencyKey != mk || sts[0].Text != text1 || sts[0].Authorization != "Bearer masto-token" {
		t.Errorf("Mastodon statuses = %+v; want one with Idempotency-Key %q", sts, mk)
	} else if ds["mastodon:main"].URL != sts[0].URL {
		t.Errorf("the Mastodon delivery links %q, want the status %q", ds["mastodon:main"].URL, sts[0].URL)
	}
	// Webhook: one delivery, signed, keyed, with the post.
	wk := ds["webhook:zap"].Key
	if hs := hook.Deliveries(); len(hs) != 1 || hs[0].Key != wk || !hs[0].Valid || !hs[0].Processed || hs[0].Payload.Text != text1 {
		t.Errorf("webhook deliveries = %+v; want one valid delivery with key %q", hs, wk)
	}
	// Bluesky: one record under the key's record key.
	bd := ds["bluesky:main"]
	rkey := bluesky.RecordKey(bd.Key, bd.Due)
	if ps := sky.Posts(); len(ps) != 1 || ps[0].RKey != rkey || ps[0].Text != text1 {
		t.Errorf("Bluesky posts = %+v; want one under rkey %q", ps, rkey)
	} else if !strings.HasSuffix(bd.URL, "/post/"+rkey) {
		t.Errorf("the Bluesky delivery links %q, want the post %s", bd.URL, rkey)
	}

	// The console showed the news (the card with every target ✓ and its
	// link, on the next line when the line would pass 80 columns) and
	// previewed the Slack post.
	want := []string{
		"── news from Herald ──",
		"✓ mastodon:main published", masto.Statuses()[0].URL,
		"✓ bluesky:main published", bd.URL,
		"✓ webhook:zap published",
		"✓ slack:#news published",
		"📣 slack:#news (console preview: connect slack to post there)\n  │ " + text1,
		"Draft #1 is published on mastodon:main: " + masto.Statuses()[0].URL,
	}
	waitFor(t, "the news of draft 1 in the console", func() bool {
		s := c.out.String()
		for _, w := range want {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return true
	}, c.out.String)

	out = c.send("audit 1", "Audit of draft #1")
	if !strings.Contains(out, "alice      published") || !strings.Contains(out, "Herald     published") {
		t.Errorf("audit 1 lacks alice's publish and Herald's success:\n%s", out)
	}
	if acts := strings.Join(ro.auditActions(t, 1), " "); !strings.Contains(acts, "publish succeed") {
		t.Errorf("draft 1's audit actions are %q; want publish then succeed", acts)
	}

	// Draft #2 goes to the webhook, which will refuse it; draft #3 is
	// scheduled in an hour, before #2 is published: every tick from then
	// on leaves it alone.
	c.send(`draft "Doors open at 9 tomorrow" --to webhook:zap`, "Draft #2 created")
	c.send(`draft "Save the date: our anniversary" --to mastodon:main`, "Draft #3 created")
	c.send("submit 3", "approved")
	c.send(`schedule 3 "in 1h"`, "scheduled draft #3")

	// The webhook refuses draft #2 (400), with a message people see.
	hook.FailNext(http.StatusBadRequest, `{"error":"text must mention a product"}`)
	c.send("submit 2", "approved")
	c.send("publish 2", "#2")
	waitFor(t, "draft 2 failed", func() bool { return ro.draftState(t, 2) == "failed" }, func() string {
		return fmt.Sprintf("%+v\n%s", ro.byTarget(t, 2), c.out.String())
	})
	d2 := ro.byTarget(t, 2)["webhook:zap"]
	if d2.State != publish.Failed || !strings.Contains(d2.Error, "text must mention a product") {
		t.Errorf("draft 2 on webhook:zap is %s with %q; want failed with the webhook's message", d2.State, d2.Error)
	}
	waitFor(t, "the failure in the card and its note", func() bool {
		s := c.out.String()
		return strings.Contains(s, "✗ webhook:zap failed — ") && strings.Contains(s, "webhook:zap did not take draft #2: ") &&
			strings.Contains(s, "text must mention a product. Fix what it says, then press Retry (`retry 2 webhook:zap`)")
	}, c.out.String)
	if n := hook.Count(d2.Key); n != 0 {
		t.Errorf("the refused delivery was processed %d times", n)
	}

	// Fixed (the fault was for one request): retry delivers it once.
	c.send("retry 2", "sending draft #2 again")
	waitFor(t, "draft 2 published after retry", func() bool { return ro.draftState(t, 2) == "published" }, func() string {
		return fmt.Sprintf("%+v\n%s", ro.byTarget(t, 2), c.out.String())
	})
	if n := hook.Count(d2.Key); n != 1 {
		t.Errorf("after retry the webhook processed draft 2 %d times, want 1", n)
	}

	// The scheduled draft stayed scheduled through those ticks, with no
	// delivery and nothing at Mastodon.
	if st := ro.draftState(t, 3); st != "scheduled" {
		t.Errorf("draft 3, scheduled in an hour, is %s", st)
	}
	if ds := ro.byTarget(t, 3); len(ds) != 0 {
		t.Errorf("draft 3, scheduled in an hour, has deliveries %+v", ds)
	}
	if n := masto.Count(publish.DeliveryKey(3, 1, herald.Target{Kind: "mastodon", Name: "main"})); n != 0 || len(masto.Statuses()) != 1 {
		t.Errorf("Mastodon has %d statuses for draft 3 and %d in all; want 0 and 1", n, len(masto.Statuses()))
	}

	// The calendar: the link's token opens the feed, with the scheduled post.
	out = c.send("calendar", ".ics")
	m := regexp.MustCompile(`/calendar/([a-z0-9]+)\.ics`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no calendar link in:\n%s", out)
	}
	<-c.m.Listening()
	base := "http://" + c.m.HTTPAddr + "/calendar/"
	status, ctype, body := get(t, base+m[1]+".ics")
	if status != http.StatusOK || !strings.HasPrefix(ctype, "text/calendar") {
		t.Errorf("GET the calendar: %d %s", status, ctype)
	}
	for _, w := range []string{"BEGIN:VCALENDAR", "#3 scheduled: Save the date: our anniversary", "#1 published: Our new store opens Monday!", "END:VCALENDAR"} {
		if !strings.Contains(body, w) {
			t.Errorf("the calendar lacks %q:\n%s", w, body)
		}
	}
	if status, _, _ := get(t, base+"wrong"+m[1][5:]+".ics"); status != http.StatusNotFound {
		t.Errorf("GET the calendar with a wrong token: %d, want 404", status)
	}
}

func get(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}
