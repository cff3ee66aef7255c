package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/bluesky"
	"github.com/heraldhq/herald/publish/targets/bluesky/blueskytest"
	"github.com/heraldhq/herald/publish/targets/instagram"
	"github.com/heraldhq/herald/publish/targets/mastodon"
	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
	"github.com/heraldhq/herald/publish/targets/meta"
	"github.com/heraldhq/herald/publish/targets/threads"
	"github.com/heraldhq/herald/publish/targets/webhook"
	"github.com/heraldhq/herald/publish/targets/webhook/webhooktest"
	"github.com/heraldhq/herald/storage/sqlite"
)

// setClock is a clock that reads what it was set to.
type setClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *setClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *setClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// The actor and channel that prepare databases in these tests.
var (
	testAdmin   = herald.Actor{Platform: "console", UserID: "alice", Name: "alice"}
	testChannel = herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "#general"}
)

// domain is the approvals and publishing services on a store, with the
// network publishers registered, as wire sets them up.
func domain(s store, clock herald.Clock, client *http.Client) (*brands.Service, *approvals.Service, *publish.Service) {
	bs := brands.NewService(s, clock, "UTC")
	drafts := approvals.NewService(s, bs, clock)
	pub := publish.NewService(drafts, bs, s, clock)
	pub.Register("mastodon", mastodon.New(client, clock))
	pub.Register("bluesky", bluesky.New(client, clock))
	pub.Register("webhook", webhook.New(client, clock))
	graph := meta.Options{Client: client, Clock: clock}
	pub.Register("instagram", instagram.New(instagram.Options{Options: graph, PublicLinks: true}))
	pub.Register("threads", threads.New(threads.Options{Options: graph, PublicLinks: true}))
	drafts.AddChecker(pub)
	return bs, drafts, pub
}

// mustPrepare creates brand Acme (policy none) with accounts, and n
// approved drafts to targets scheduled at due(i), through the services:
// each is scheduled when its review completes. Draft i has the media
// items(i) (none when items is nil).
func mustPrepare(tb testing.TB, bs *brands.Service, drafts *approvals.Service, pub *publish.Service, accounts []publish.Account, n int, targets []herald.Target, due func(i int) time.Time, items func(i int) []media.Item) {
	tb.Helper()
	ctx := context.Background()
	if _, err := bs.AddBrand(ctx, testAdmin, "Acme", &testChannel); err != nil {
		tb.Fatal(err)
	}
	if _, _, err := drafts.SetPolicy(ctx, testAdmin, testChannel, "Acme", "none"); err != nil {
		tb.Fatal(err)
	}
	for _, a := range accounts {
		if _, err := pub.AddTarget(ctx, testAdmin, testChannel, "Acme", a); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range n {
		nd := approvals.NewDraft{Brand: "Acme", Text: fmt.Sprintf("Post %d: our store opens at %d:00 https://acme.example/%d #acme", i, 8+i%4, i),
			Targets: targets, PublishAt: due(i)}
		if items != nil {
			nd.Media = items(i)
		}
		d, err := drafts.CreateDraft(ctx, testAdmin, testChannel, nd)
		if err != nil {
			tb.Fatal(err)
		}
		v, err := drafts.Submit(ctx, testAdmin, d.ID)
		if err != nil {
			tb.Fatal(err)
		}
		if v.Draft.State != approvals.StateScheduled {
			tb.Fatalf("draft #%d is %s after submit, want scheduled", d.ID, v.Draft.State)
		}
	}
}

// mustPrepareDB migrates a new database at db and prepares it with
// mustPrepare, through services on a clock at start whose publishers send
// with client (nil: a guarded client, which cannot reach the fakes).
func mustPrepareDB(tb testing.TB, db string, start time.Time, client *http.Client, accounts []publish.Account, n int, targets []herald.Target, due func(i int) time.Time, items func(i int) []media.Item) {
	tb.Helper()
	s, err := sqlite.Open(db)
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	bs, drafts, pub := domain(s, &setClock{t: start}, client)
	mustPrepare(tb, bs, drafts, pub, accounts, n, targets, due, items)
}

// slowProxy forwards to upstream and holds each answer for delay before
// passing it on: the post has arrived while Herald still waits, the moment
// a crash is most likely to leave a delivery whose fate Herald must find
// out. It returns the proxy's base URL.
func slowProxy(tb testing.TB, upstream string, delay time.Duration) string {
	tb.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		tb.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	rp.ErrorLog = log.New(io.Discard, "", 0) // a killed Herald leaves requests half done
	rp.ModifyResponse = func(*http.Response) error {
		time.Sleep(delay)
		return nil
	}
	srv := httptest.NewServer(rp)
	tb.Cleanup(srv.Close)
	return srv.URL
}

// child is herald's console running in a child process (see TestMain).
type child struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *syncBuffer
}

// startChild starts `herald console` on db with the real clock, its input
// kept open so that it runs until killed; env adds settings (KEY=VALUE).
func startChild(t testing.TB, db string, env ...string) *child {
	t.Helper()
	c := &child{stderr: &syncBuffer{}}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$", "console", "-as", "alice")
	c.cmd.Env = append(os.Environ(), "HERALD_CRASH_CHILD=1", "HERALD_DATABASE=sqlite:"+db, "HERALD_HTTP_ADDR=off", "HERALD_LOG_LEVEL=error",
		"HERALD_ALLOW_PRIVATE_SOURCES=true") // the fakes listen on loopback
	c.cmd.Env = append(c.cmd.Env, env...)
	c.cmd.Stderr = c.stderr
	var err error
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *child) kill() {
	c.cmd.Process.Signal(syscall.SIGKILL)
	c.cmd.Wait()
}

// crashStats is what the database shows right after a kill.
type crashStats struct {
	deliveries map[string]int // by state
	drafts     map[string]int // by state
}

func readCrashStats(t *testing.T, db string) crashStats {
	t.Helper()
	ro := openRO(t, db)
	defer ro.Close()
	return crashStats{
		deliveries: ro.count(t, `SELECT state, count(*) FROM deliveries GROUP BY state`),
		drafts:     ro.count(t, `SELECT state, count(*) FROM drafts GROUP BY state`),
	}
}

// midWork reports whether the kill left publishing half done: some posts
// claimed or delivered, others still to do.
func (s crashStats) midWork() bool {
	done := s.deliveries[string(publish.Delivered)] + s.deliveries[string(publish.Unconfirmed)] + s.deliveries[string(publish.Failed)]
	todo := s.drafts[string(approvals.StateScheduled)] + s.deliveries[string(publish.Pending)] +
		s.deliveries[string(publish.Sending)] + s.deliveries[string(publish.Checking)]
	return done > 0 && todo > 0 || s.deliveries[string(publish.Sending)] > 0
}

// TestPublishCrashExactlyOnce is the acceptance test of exactly-once
// publishing: with hundreds of posts due on Mastodon, Bluesky and a
// generic webhook, Herald is killed with SIGKILL at random moments, again
// and again, and restarted on the same database. In the end every post is
// on Mastodon and Bluesky exactly once (they honour its key) and
// delivered; the webhook, which honours no key, received each post at most
// once, and a post Herald cannot know about is unconfirmed, never sent
// twice; no post failed or was lost.
func TestPublishCrashExactlyOnce(t *testing.T) {
	posts, kills := 300, 25
	if testing.Short() {
		kills = 8
	}
	masto := mastodontest.New(mastodontest.WithToken("masto-token"))
	defer masto.Close()
	hook := webhooktest.New(webhookSecret)
	defer hook.Close()
	sky := blueskytest.New()
	defer sky.Close()
	const delay = 8 * time.Millisecond
	hookURL, _ := url.Parse(hook.URL())
	accounts := []publish.Account{
		{Target: herald.Target{Kind: "mastodon", Name: "main"}, URL: slowProxy(t, masto.URL(), delay), Secret: "masto-token"},
		{Target: herald.Target{Kind: "webhook", Name: "zap"}, URL: slowProxy(t, hook.URL(), delay) + hookURL.Path, Secret: webhookSecret},
		{Target: herald.Target{Kind: "bluesky", Name: "main"}, URL: slowProxy(t, sky.URL(), delay), Handle: blueskytest.Handle, Secret: blueskytest.Password},
	}
	targets := []herald.Target{accounts[0].Target, accounts[1].Target, accounts[2].Target}

	// The posts fell due in the last minute and a half, while Herald was
	// down: well within the grace period when it starts.
	db := filepath.Join(t.TempDir(), "herald.db")
	now := time.Now().UTC()
	mustPrepareDB(t, db, now.Add(-2*time.Minute), nil, accounts, posts, targets, func(i int) time.Time {
		return now.Add(-90*time.Second + time.Duration(i)*time.Second/time.Duration(posts)*60)
	}, nil)

	mid, sending := crashRounds(t, db, kills, rand.New(rand.NewPCG(6, 2026)))
	c, ro := runToTheEnd(t, db)
	verifyAfterCrash(t, db, nil)

	// Every post, on every target.
	ds := ro.deliveries(t, "")
	if len(ds) != posts*len(targets) {
		t.Fatalf("%d deliveries, want %d (%d posts × %d targets)", len(ds), posts*len(targets), posts, len(targets))
	}
	unconfirmed := map[int64]bool{}
	var hookUnconfirmed, hookArrived, mastoResent, skyResent int
	for _, d := range ds {
		switch d.Target {
		case "mastodon:main":
			if n := masto.Count(d.Key); n != 1 || d.State != publish.Delivered {
				t.Errorf("draft #%d on Mastodon: %d statuses, delivery %s (%s); want 1 and delivered", d.DraftID, n, d.State, d.Error)
			}
			if masto.Attempts(d.Key) > 1 {
				mastoResent++
			}
		case "bluesky:main":
			if n := sky.Count(bluesky.RecordKey(d.Key, d.Due)); n != 1 || d.State != publish.Delivered {
				t.Errorf("draft #%d on Bluesky: %d records, delivery %s (%s); want 1 and delivered", d.DraftID, n, d.State, d.Error)
			}
			if d.Attempts > 1 {
				skyResent++
			}
		case "webhook:zap":
			n := hook.Count(d.Key)
			switch {
			case n > 1:
				t.Errorf("draft #%d reached the webhook %d times", d.DraftID, n)
			case d.State == publish.Delivered && n != 1:
				t.Errorf("draft #%d is delivered to the webhook, which processed it %d times", d.DraftID, n)
			case d.State == publish.Unconfirmed:
				hookUnconfirmed++
				hookArrived += n
				unconfirmed[d.DraftID] = true
			case d.State != publish.Delivered:
				t.Errorf("draft #%d on the webhook is %s (%s); want delivered or unconfirmed", d.DraftID, d.State, d.Error)
			}
		default:
			t.Errorf("draft #%d has a delivery to %s", d.DraftID, d.Target)
		}
	}
	if n := len(masto.Statuses()); n != posts {
		t.Errorf("Mastodon has %d statuses, want %d", n, posts)
	}
	if n := len(sky.Posts()); n != posts {
		t.Errorf("Bluesky has %d posts, want %d", n, posts)
	}
	for id := int64(1); id <= int64(posts); id++ {
		want := "published"
		if unconfirmed[id] {
			want = "unconfirmed"
		}
		if st := ro.draftState(t, id); st != want {
			t.Errorf("draft #%d is %s, want %s", id, st, want)
		}
	}
	t.Logf("%d posts × %d targets, %d kills: %d landed mid-publishing, finding %d deliveries sending in all; the others came during start-up or once all was done",
		posts, len(targets), kills, mid, sending)
	t.Logf("resent with the same key after a crash: %d to Mastodon (one status each), %d to Bluesky (one record each); webhook: %d unconfirmed, of which %d had arrived",
		mastoResent, skyResent, hookUnconfirmed, hookArrived)
	if mid == 0 || sending == 0 {
		t.Errorf("no kill landed mid-publishing (%d mid, %d sending): the test proved nothing", mid, sending)
	}
	if s := c.stderr.String(); bytes.Contains([]byte(s), []byte("level=ERROR")) {
		t.Logf("the final run logged errors:\n%s", s)
	}
}

// crashRounds starts Herald on db and kills it with SIGKILL at a random
// moment, kills times, checking the database after each kill. It returns
// how many kills landed mid-publishing and how many deliveries they left
// sending in all.
func crashRounds(t *testing.T, db string, kills int, rng *rand.Rand, env ...string) (mid, sending int) {
	t.Helper()
	for round := range kills {
		c := startChild(t, db, env...)
		time.Sleep(time.Duration(20+rng.IntN(380)) * time.Millisecond) // a random moment to crash at
		c.kill()
		verifyAfterCrash(t, db, nil) // PRAGMA integrity_check
		st := readCrashStats(t, db)
		if st.midWork() {
			mid++
		}
		sending += st.deliveries[string(publish.Sending)]
		t.Logf("kill %2d: deliveries %v; drafts %v", round+1, st.deliveries, st.drafts)
	}
	return mid, sending
}

// runToTheEnd starts Herald on db a last time and lets it run until no
// delivery or draft is left in progress, then ends its input and waits for
// it to stop; it returns the stopped child and the database.
func runToTheEnd(t *testing.T, db string, env ...string) (*child, roDB) {
	t.Helper()
	c := startChild(t, db, env...)
	ro := openRO(t, db)
	deadline := time.Now().Add(90 * time.Second)
	for {
		left := ro.count(t, `SELECT 'left', count(*) FROM deliveries WHERE state IN ('pending', 'sending', 'checking')`)["left"] +
			ro.count(t, `SELECT 'left', count(*) FROM drafts WHERE state IN ('scheduled', 'publishing', 'approved')`)["left"]
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			c.kill()
			t.Fatalf("%d deliveries or drafts still in progress after the final run; stderr:\n%s", left, c.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.stdin.Close() // the console ends at the end of its input
	waited := make(chan error, 1)
	go func() { waited <- c.cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("the final run ended with %v; stderr:\n%s", err, c.stderr.String())
		}
	case <-time.After(20 * time.Second):
		c.kill()
		t.Errorf("the final run did not stop at the end of its input")
	}
	return c, ro
}
