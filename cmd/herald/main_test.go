package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/storage/sqlite"
)

var update = flag.Bool("update", false, "rewrite golden files")

// steppingOutput returns w, moving clock one second each time the console
// writes: transcripts get deterministic times, and reading the clock
// changes nothing, so what runs beside the commands (the poller, the
// digests) and reads the time cannot shift the transcript's times.
func steppingOutput(clock *testclock.Clock, w io.Writer) io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		clock.Advance(time.Second)
		return w.Write(p)
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// MustRunMain runs herald with args and env over stdin and returns stdout.
func MustRunMain(tb testing.TB, env map[string]string, stdin io.Reader, args ...string) string {
	tb.Helper()
	var out, errOut bytes.Buffer
	clock := testclock.New(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = stdin, steppingOutput(clock, &out), &errOut
	m.Clock = clock
	if err := m.ParseFlags(args, func(k string) string { return env[k] }); err != nil {
		tb.Fatalf("ParseFlags: %v", err)
	}
	err := m.Run(context.Background())
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		tb.Fatalf("Run: %v\nstderr:\n%s", err, errOut.String())
	}
	return out.String()
}

func mustOpen(tb testing.TB, name string) *os.File {
	tb.Helper()
	f, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

func golden(tb testing.TB, name, got string) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		tb.Errorf("%s differs (-want +got):\n%s", name, diff)
	}
}

// TestConsoleTranscript replays what a new user does in the console,
// through Main and the console adapter, then restarts Herald on the same
// database and reads the audit log.
func TestConsoleTranscript(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "off", "HERALD_TIMEZONE": "Europe/Paris"}

	paths := strings.NewReplacer(db, "$DB", filepath.Dir(db), "$DIR")
	first := paths.Replace(MustRunMain(t, env, mustOpen(t, "testdata/transcript.txt")))
	golden(t, "transcript.golden", first)
	for _, refusal := range []string{
		"✗ You wrote draft #1, so someone else must review it.",
		"✗ Draft #1 waits for team review; only approver or admin can decide at that stage, and you are a viewer.",
		"✗ There is no draft #1 that you can see",
		"✗ Draft #1 waits for team review; only approver or admin can decide at that stage, and you are a client.",
		"✗ You already approved revision 1 of draft #1.",
		"✗ Draft #1 changed since you saw it: revision 1 is now 2.",
	} {
		if !strings.Contains(first, refusal) {
			t.Errorf("the transcript lacks the refusal %q", refusal)
		}
	}

	second := paths.Replace(MustRunMain(t, env, mustOpen(t, "testdata/restart.txt")))
	golden(t, "restart.golden", second)

	// The store agrees: approved at revision 2 and, as it was drafted with
	// --at and targets, scheduled; the refusals wrote nothing.
	s, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	d, err := s.Draft(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != approvals.StateScheduled || d.Rev != 2 {
		t.Errorf("draft 1 is %s at revision %d, want scheduled at revision 2", d.State, d.Rev)
	}
	es, err := s.Audit(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Actor.UserID+" "+e.Action)
	}
	want := []string{"bob create", "bob submit", "carol approve", "bob edit", "carol approve", "dave approve", "dave complete", "dave schedule"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}

	// The Mastodon token is stored for publishing, and shown nowhere.
	const token = "not-a-real-token"
	for _, out := range []string{first, second} {
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, token) && !strings.HasPrefix(line, "alice> target add") {
				t.Errorf("the target's secret is shown back: %q", line)
			}
		}
	}
	a, err := s.Account(ctx, d.BrandID, herald.Target{Kind: "mastodon", Name: "main"})
	if err != nil || a.Secret != token {
		t.Errorf("the target's account = %+v, %v; want its token stored", a, err)
	}
}

// TestHTTPEndpoints checks health, readiness and metrics while the console
// runs.
func TestHTTPEndpoints(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	pr, pw := io.Pipe()
	m := NewMain()
	var out syncBuffer
	m.Stdin, m.Stdout, m.Stderr = pr, &out, io.Discard
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "127.0.0.1:0"}
	if err := m.ParseFlags(nil, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Run(context.Background()) }()
	if _, err := io.WriteString(pw, "brand add Acme\n"); err != nil {
		t.Fatal(err)
	}
	base := "http://" + waitAddr(t, m, &out)
	for path, want := range map[string]string{
		"/healthz": "ok",
		"/readyz":  "ready",
		"/metrics": `herald_commands_total{code="",command="brand add"} 1`,
	} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d, body lacks %q:\n%.2000s", path, resp.StatusCode, want, body)
		}
	}
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}

// waitAddr waits until the console has answered its first command (so the
// HTTP server is up and the metric counted) and returns the HTTP address.
func waitAddr(t *testing.T, m *Main, out *syncBuffer) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "Brand Acme created") {
		if time.Now().After(deadline) {
			t.Fatalf("the console did not answer; output:\n%s", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	return m.HTTPAddr
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
