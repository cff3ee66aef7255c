package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/pgtest"
	"github.com/heraldhq/herald/media/s3/s3test"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
	"github.com/heraldhq/herald/publish/targets/webhook/webhooktest"
	"github.com/heraldhq/herald/storage/postgres"
)

// pubReplica is `herald run` in a child process on a PostgreSQL database
// (see TestMain): with no chat platform configured it serves the console
// on its input, kept open, and /readyz and /metrics on addr.
type pubReplica struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *syncBuffer
	addr   string
	acked  chan int64 // the drafts its console acknowledged creating
	done   chan struct{}
}

// The settings of the replicas test: short leases and elections.
var replicaEnv = []string{"HERALD_LEASE_TTL=3s", "HERALD_ELECTION_INTERVAL=500ms", "HERALD_LOG_LEVEL=warn",
	"HERALD_ALLOW_PRIVATE_SOURCES=true"} // the fakes listen on loopback

var draftAck = regexp.MustCompile(`^  Draft #(\d+) created`)

func startPubReplica(t *testing.T, db, addr string, media []string) *pubReplica {
	t.Helper()
	r := &pubReplica{stderr: &syncBuffer{}, addr: addr, acked: make(chan int64, 64), done: make(chan struct{})}
	r.cmd = exec.Command(os.Args[0], "-test.run=^$", "run", "-as", "alice")
	r.cmd.Env = append(os.Environ(), "HERALD_CRASH_CHILD=1", "HERALD_DATABASE="+db, "HERALD_HTTP_ADDR="+addr)
	r.cmd.Env = append(r.cmd.Env, replicaEnv...)
	r.cmd.Env = append(r.cmd.Env, media...)
	r.cmd.Stderr = r.stderr
	var err error
	if r.stdin, err = r.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(r.done)
		defer close(r.acked)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := draftAck.FindStringSubmatch(sc.Text()); m != nil {
				r.acked <- atoi(m[1])
			}
		}
	}()
	t.Cleanup(r.kill)
	return r
}

func (r *pubReplica) kill() {
	r.cmd.Process.Signal(syscall.SIGKILL)
	r.cmd.Wait()
}

// ready GETs /readyz: its status and body ("" when nothing answers).
func (r *pubReplica) ready() (int, string) {
	c := http.Client{Timeout: time.Second}
	resp, err := c.Get("http://" + r.addr + "/readyz")
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (r *pubReplica) leads() bool {
	code, body := r.ready()
	return code == http.StatusOK && strings.Contains(body, "leader: yes")
}

// commands sends draft commands one at a time, each after the last was
// acknowledged, and records the acknowledged drafts, until the replica
// stops or stop is closed.
func (r *pubReplica) commands(name string, stop <-chan struct{}, mu *sync.Mutex, acked map[int64]string) {
	for k := 0; ; k++ {
		select {
		case <-stop:
			return
		default:
		}
		if _, err := fmt.Fprintf(r.stdin, "draft \"replica %s command %d\"\n", name, k); err != nil {
			return
		}
		id, ok := <-r.acked
		if !ok {
			return
		}
		mu.Lock()
		acked[id] = name
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
}

// TestReplicasPublishing is the acceptance test of several replicas: three `herald
// run` processes on one PostgreSQL database publish 1,000 posts due in the
// same minute to a fake Mastodon (which honours the idempotency key) and a
// fake signed webhook (which does not). The leader is SIGKILLed
// mid-publishing and restarted: another replica leads within 30 s, the
// killed one's leases expire and are recovered; every post is on Mastodon
// exactly once, none reached the webhook twice, and every command a
// console acknowledged is in the database.
func TestReplicasPublishing(t *testing.T) {
	posts := 1000
	if testing.Short() {
		posts = 200
	}
	db := pgtest.Database(t)
	masto := mastodontest.New(mastodontest.WithToken("masto-token"))
	defer masto.Close()
	hook := webhooktest.New(webhookSecret)
	defer hook.Close()
	hookURL, _ := url.Parse(hook.URL())
	accounts := []publish.Account{
		{Target: herald.Target{Kind: "mastodon", Name: "main"}, URL: slowProxy(t, masto.URL(), 3*time.Millisecond), Secret: "masto-token"},
		{Target: herald.Target{Kind: "webhook", Name: "zap"}, URL: slowProxy(t, hook.URL(), 3*time.Millisecond) + hookURL.Path, Secret: webhookSecret},
	}
	targets := []herald.Target{accounts[0].Target, accounts[1].Target}
	s := preparePostgres(t, db, accounts, posts, targets)
	s3srv := s3test.New("AKIAHERALD", "s3cr3t", "media") // replicas share their media
	defer s3srv.Close()
	media := []string{"HERALD_MEDIA=s3://media/herald?endpoint=" + s3srv.URL, "AWS_ACCESS_KEY_ID=AKIAHERALD", "AWS_SECRET_ACCESS_KEY=s3cr3t"}

	rs := make([]*pubReplica, 3)
	for i := range rs {
		rs[i] = startPubReplica(t, db, freeAddr(t), media)
	}
	var mu sync.Mutex
	acked := map[int64]string{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i, r := range rs {
		wg.Go(func() { r.commands(fmt.Sprint(i), stop, &mu, acked) })
	}

	leader := waitLeader(t, rs, 30*time.Second)
	checkLeaderFigures(t, rs, leader)
	waitDelivered(t, s, posts/5, 60*time.Second) // mid-publishing
	killed := time.Now()
	rs[leader].kill()
	t.Logf("the kill left %d deliveries sending, %d delivered", countRows(t, s, `SELECT count(*) FROM deliveries WHERE state = 'sending'`),
		countRows(t, s, `SELECT count(*) FROM deliveries WHERE state = 'delivered'`))
	next := waitLeader(t, rs, 30*time.Second, leader)
	t.Logf("replica %d led and was killed mid-publishing; replica %d leads %s later", leader, next, time.Since(killed).Round(10*time.Millisecond))
	rs[leader] = startPubReplica(t, db, rs[leader].addr, media) // restarted
	wg.Go(func() { rs[leader].commands(fmt.Sprint(leader)+"'", stop, &mu, acked) })

	waitSettled(t, s, 120*time.Second)
	if leads := countLeaders(rs); leads != 1 {
		t.Errorf("%d replicas say they lead; want 1", leads)
	}
	close(stop)
	for _, r := range rs {
		r.stdin.Close()
	}
	wg.Wait()
	verifyReplicas(t, s, masto, hook, posts)
	verifyAcked(t, s, acked)
}

// preparePostgres migrates db and prepares brand Acme with accounts and n
// posts to targets, due over the last 30 seconds; it returns the store
// (closed at the end of the test) to read the outcome.
func preparePostgres(t *testing.T, db string, accounts []publish.Account, n int, targets []herald.Target) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	bs, drafts, pub := domain(s, &setClock{t: now.Add(-time.Minute)}, nil)
	mustPrepare(t, bs, drafts, pub, accounts, n, targets, func(i int) time.Time {
		return now.Add(-30*time.Second + time.Duration(i)*30*time.Second/time.Duration(n))
	}, nil)
	return s
}

// checkLeaderFigures checks what /readyz and /metrics say: the leader
// runs the single jobs and reports herald_leader 1, the others 0; every
// replica reports its leases.
func checkLeaderFigures(t *testing.T, rs []*pubReplica, leader int) {
	t.Helper()
	waitUntil(t, "the leader's jobs in /readyz", func() bool {
		_, body := rs[leader].ready()
		return strings.Contains(body, "jobs: ") && strings.Contains(body, "poller") && strings.Contains(body, "digests")
	})
	for i, r := range rs {
		want := "herald_leader 0"
		if i == leader {
			want = "herald_leader 1"
		}
		waitUntil(t, fmt.Sprintf("replica %d's /metrics saying %s and its leases", i, want), func() bool {
			resp, err := http.Get("http://" + r.addr + "/metrics")
			if err != nil {
				return false
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return strings.Contains(string(b), want) && strings.Contains(string(b), `herald_publish_leases{holder="this"}`)
		})
	}
}

// waitLeader waits until exactly one replica other than those in not
// leads, and returns it.
func waitLeader(t *testing.T, rs []*pubReplica, within time.Duration, not ...int) int {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		for i, r := range rs {
			if !contains(not, i) && r.leads() {
				return i
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no replica leads after %s", within)
	return -1
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func countLeaders(rs []*pubReplica) int {
	n := 0
	for _, r := range rs {
		if r.leads() {
			n++
		}
	}
	return n
}

func countRows(t testing.TB, s *postgres.Store, q string) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func waitDelivered(t *testing.T, s *postgres.Store, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for countRows(t, s, `SELECT count(*) FROM deliveries WHERE state = 'delivered'`) < n {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d deliveries after %s", n, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitSettled(t *testing.T, s *postgres.Store, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		left := countRows(t, s, `SELECT count(*) FROM deliveries WHERE state IN ('pending', 'sending', 'checking')`) +
			countRows(t, s, `SELECT count(*) FROM drafts WHERE state IN ('scheduled', 'publishing', 'approved')`)
		if left == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries or drafts still in progress after %s", left, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// verifyReplicas checks every delivery: on Mastodon exactly once and
// delivered; on the webhook at most once, delivered or (cut short by the
// kill) unconfirmed.
func verifyReplicas(t *testing.T, s *postgres.Store, masto *mastodontest.Server, hook *webhooktest.Server, posts int) {
	t.Helper()
	rows, err := s.DB().Query(`SELECT draft_id, target, key, state, error FROM deliveries ORDER BY draft_id, target`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n, unconfirmed := 0, 0
	for rows.Next() {
		var id int64
		var target, key, state, msg string
		if err := rows.Scan(&id, &target, &key, &state, &msg); err != nil {
			t.Fatal(err)
		}
		n++
		switch target {
		case "mastodon:main":
			if c := masto.Count(key); c != 1 || state != string(publish.Delivered) {
				t.Errorf("draft #%d on Mastodon: %d statuses, delivery %s (%s); want 1 and delivered", id, c, state, msg)
			}
		case "webhook:zap":
			c := hook.Count(key)
			switch {
			case c > 1:
				t.Errorf("draft #%d reached the webhook %d times", id, c)
			case state == string(publish.Delivered) && c != 1:
				t.Errorf("draft #%d is delivered to the webhook, which has it %d times", id, c)
			case state == string(publish.Unconfirmed):
				unconfirmed++
			case state != string(publish.Delivered):
				t.Errorf("draft #%d on the webhook is %s (%s)", id, state, msg)
			}
		}
	}
	if n != 2*posts {
		t.Errorf("%d deliveries; want %d", n, 2*posts)
	}
	if got := len(masto.Statuses()); got != posts {
		t.Errorf("Mastodon has %d statuses; want %d", got, posts)
	}
	if unconfirmed > 24 { // at most what the killed replica's 8 workers had in hand
		t.Errorf("%d webhook deliveries unconfirmed; want only those the kill cut short", unconfirmed)
	}
	t.Logf("%d posts on Mastodon once each; webhook: %d unconfirmed (cut short by the kill)", posts, unconfirmed)
}

// verifyAcked checks that every draft a console acknowledged is stored.
func verifyAcked(t *testing.T, s *postgres.Store, acked map[int64]string) {
	t.Helper()
	if len(acked) < 10 {
		t.Errorf("only %d commands acknowledged: the test did too little to mean anything", len(acked))
	}
	for id, who := range acked {
		if _, err := s.Draft(context.Background(), id); err != nil {
			t.Errorf("draft #%d acknowledged by replica %s is missing: %v", id, who, err)
		}
	}
}
