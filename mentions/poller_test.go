package mentions_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/mentions"
)

// fakeSource answers polls from a script: each poll takes the next step
// (the last one repeats) and records the request.
type fakeSource struct {
	mu       sync.Mutex
	steps    []func(r mentions.Request) (mentions.Batch, error)
	requests []mentions.Request
}

func (f *fakeSource) Poll(_ context.Context, r mentions.Request) (mentions.Batch, error) {
	f.mu.Lock()
	f.requests = append(f.requests, r)
	i := min(len(f.requests), len(f.steps)) - 1
	step := f.steps[i]
	f.mu.Unlock()
	return step(r)
}

func (f *fakeSource) polls() []mentions.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

func batch(cursor string, items ...mentions.Item) func(mentions.Request) (mentions.Batch, error) {
	return func(mentions.Request) (mentions.Batch, error) {
		return mentions.Batch{Items: items, Cursor: cursor}, nil
	}
}

func fail(err error) func(mentions.Request) (mentions.Batch, error) {
	return func(mentions.Request) (mentions.Batch, error) { return mentions.Batch{}, err }
}

// opener returns an open function serving the fakes by source id.
func opener(fakes map[int64]any) func(mentions.Spec) (any, error) {
	return func(s mentions.Spec) (any, error) {
		if f, ok := fakes[s.ID]; ok {
			return f, nil
		}
		return nil, fmt.Errorf("no fake for source %d", s.ID)
	}
}

var pollOpts = mentions.PollerOptions{Jitter: -1, MinBackoff: time.Minute, MaxBackoff: time.Hour, Concurrency: 2}

func TestPoller(t *testing.T) {
	e := newEnv(t, mentions.Options{})
	ctx := t.Context()
	e.watch(t, `acme OR "acme corp"`, acmeSlack)
	rss := e.source(t, mentions.Spec{Kind: "rss", URL: "https://feeds.example/a"})
	hn := e.source(t, mentions.Spec{Kind: "hn"})
	e.source(t, mentions.Spec{Kind: "webhook"}) // never polled
	feed := &fakeSource{steps: []func(mentions.Request) (mentions.Batch, error){
		batch("c1", item("1", "https://e.com/1", "acme one", "x")),
		batch("c2", item("1", "https://e.com/1", "acme one", "x"), item("2", "https://e.com/2", "acme two", "y")),
	}}
	search := &fakeSource{steps: []func(mentions.Request) (mentions.Batch, error){
		fail(errors.New("connection refused")),
		fail(errors.New("connection refused")),
		fail(&httpx.Error{Status: 429, RetryAfter: 3 * time.Hour, Err: errors.New("HTTP 429")}),
		func(mentions.Request) (mentions.Batch, error) { panic("boom") },
		batch("h1", item("9", "https://e.com/9", "acme from hn", "z")),
	}}
	p := mentions.NewPoller(e.svc, opener(map[int64]any{rss.Spec.ID: feed, hn.Spec.ID: search}), e.clock, nil, pollOpts)
	health := func(id int64) mentions.SourceStatus {
		st, err := e.store.Source(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	tick := func() {
		t.Helper()
		if err := p.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("OK", func(t *testing.T) {
		tick()
		st := health(rss.Spec.ID)
		if st.Cursor != "c1" || st.ItemsSeen != 1 || !st.LastSuccess.Equal(t0) || !st.NextPoll.Equal(t0.Add(15*time.Minute)) {
			t.Errorf("rss after a poll = %+v", st)
		}
		reqs := feed.polls()
		if len(reqs) != 1 || reqs[0].Cursor != "" || !slices.Equal(reqs[0].Terms, []string{"acme", "acme corp"}) {
			t.Errorf("requests = %+v", reqs)
		}
		if got := eventKinds(e.notes.take()); !slices.Equal(got, []string{"mention"}) {
			t.Errorf("events = %v", got)
		}
	})
	t.Run("Backoff", func(t *testing.T) {
		st := health(hn.Spec.ID)
		if st.Failures != 1 || st.LastErrorMsg != "connection refused" || !st.LastError.Equal(t0) || !st.NextPoll.Equal(t0.Add(time.Minute)) {
			t.Fatalf("hn after a failure = %+v", st)
		}
		e.clock.Advance(time.Minute)
		tick() // at t0+1m: the second failure doubles the wait
		if n := len(feed.polls()); n != 1 {
			t.Errorf("rss polled %d times before its interval", n)
		}
		st = health(hn.Spec.ID)
		if st.Failures != 2 || !st.NextPoll.Equal(e.clock.Now().Add(2*time.Minute)) {
			t.Errorf("hn after two failures = %+v", st)
		}
	})
	t.Run("RetryAfter", func(t *testing.T) {
		e.clock.Advance(2 * time.Minute)
		tick()
		st := health(hn.Spec.ID)
		if st.Failures != 3 || !st.NextPoll.Equal(e.clock.Now().Add(3*time.Hour)) {
			t.Errorf("after a 429 with Retry-After 3h: failures %d, next in %v", st.Failures, st.NextPoll.Sub(e.clock.Now()))
		}
	})
	t.Run("PanicIsAnError", func(t *testing.T) {
		e.clock.Advance(3 * time.Hour)
		tick()
		st := health(hn.Spec.ID)
		if st.Failures != 4 || st.LastErrorMsg != "the source panicked: boom" {
			t.Errorf("after a panic = %+v", st)
		}
		// The other source was polled all the same.
		if st := health(rss.Spec.ID); st.Cursor != "c2" || st.ItemsSeen != 3 {
			t.Errorf("rss beside a panicking source = %+v", st)
		}
		if got := eventKinds(e.notes.take()); !slices.Equal(got, []string{"mention"}) {
			t.Errorf("events = %v, want one mention (the known one is not repeated)", got)
		}
	})
	t.Run("SuccessResets", func(t *testing.T) {
		e.clock.Advance(time.Hour)
		tick()
		st := health(hn.Spec.ID)
		if st.Failures != 0 || st.Cursor != "h1" || !st.LastSuccess.Equal(e.clock.Now()) {
			t.Errorf("after a success = %+v", st)
		}
		if !st.NextPoll.Equal(e.clock.Now().Add(5 * time.Minute)) {
			t.Errorf("next poll in %v, want 5m", st.NextPoll.Sub(e.clock.Now()))
		}
	})
	t.Run("ResumeAfterRestart", func(t *testing.T) {
		e2 := e.restart(t)
		again := &fakeSource{steps: []func(mentions.Request) (mentions.Batch, error){batch("c3")}}
		p2 := mentions.NewPoller(e2.svc, opener(map[int64]any{rss.Spec.ID: again, hn.Spec.ID: search}), e2.clock, nil, pollOpts)
		e2.clock.Advance(time.Hour)
		if err := p2.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		reqs := again.polls()
		if len(reqs) != 1 || reqs[0].Cursor != "c2" {
			t.Errorf("after a restart the feed was asked %+v, want cursor c2", reqs)
		}
	})
	t.Run("ErrOpen", func(t *testing.T) {
		bad := e.source(t, mentions.Spec{Kind: "reddit"})
		tick()
		st := health(bad.Spec.ID)
		if st.Failures != 1 || st.LastErrorMsg == "" {
			t.Errorf("a source that cannot be opened = %+v", st)
		}
	})
}

func TestBackoff(t *testing.T) {
	e := newEnv(t, mentions.Options{})
	p := mentions.NewPoller(e.svc, opener(nil), e.clock, nil, pollOpts)
	tests := []struct {
		n    int
		err  error
		want time.Duration
	}{
		{1, errors.New("x"), time.Minute},
		{2, errors.New("x"), 2 * time.Minute},
		{5, errors.New("x"), 16 * time.Minute},
		{7, errors.New("x"), time.Hour},
		{50, errors.New("x"), time.Hour},
		{1, &httpx.Error{Status: 429, RetryAfter: 10 * time.Minute, Err: errors.New("x")}, 10 * time.Minute},
		{7, &httpx.Error{Status: 429, RetryAfter: 10 * time.Minute, Err: errors.New("x")}, time.Hour},
		{1, &httpx.Error{Status: 429, RetryAfter: 72 * time.Hour, Err: errors.New("x")}, 24 * time.Hour},
		{1, fmt.Errorf("wrapped: %w", &httpx.Error{Status: 503, RetryAfter: 5 * time.Minute, Err: errors.New("x")}), 5 * time.Minute},
	}
	for _, tt := range tests {
		if got := p.Backoff(tt.n, tt.err); got != tt.want {
			t.Errorf("Backoff(%d, %v) = %v, want %v", tt.n, tt.err, got, tt.want)
		}
	}
	// With jitter, within ±10%.
	pj := mentions.NewPoller(e.svc, opener(nil), e.clock, nil, mentions.PollerOptions{MinBackoff: time.Minute})
	for range 100 {
		if d := pj.Backoff(1, errors.New("x")); d < 54*time.Second || d > 66*time.Second {
			t.Fatalf("jittered backoff %v outside ±10%% of 1m", d)
		}
	}
}

// fakeStreamer emits one batch per connection, then fails; it records
// the cursors it was started from.
type fakeStreamer struct {
	mu      sync.Mutex
	cursors []string
	n       int
}

func (f *fakeStreamer) Stream(ctx context.Context, cursor string, emit func(context.Context, mentions.Batch) error) error {
	f.mu.Lock()
	f.cursors = append(f.cursors, cursor)
	f.n++
	n := f.n
	f.mu.Unlock()
	b := mentions.Batch{Cursor: fmt.Sprintf("t%d", n), Items: []mentions.Item{
		{ExternalID: fmt.Sprintf("at://%d", n), Text: fmt.Sprintf("acme post %d", n), Author: fmt.Sprintf("u%d", n)},
	}}
	if err := emit(ctx, b); err != nil {
		return err
	}
	if n == 2 {
		panic("stream bug")
	}
	return errors.New("websocket closed")
}

func TestStream(t *testing.T) {
	e := newEnv(t, mentions.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	e.watch(t, "acme", acmeSlack)
	src := e.source(t, mentions.Spec{Kind: "bluesky"})
	fs := &fakeStreamer{}
	waits := make(chan time.Duration, 10)
	opts := pollOpts
	opts.After = func(d time.Duration) <-chan time.Time {
		waits <- d
		c := make(chan time.Time, 1)
		if len(waits) >= 3 {
			cancel() // third reconnection: stop
		}
		c <- time.Time{}
		return c
	}
	p := mentions.NewPoller(e.svc, opener(map[int64]any{src.Spec.ID: fs}), e.clock, nil, opts)

	// Tick leaves a streaming source to Run: it pushes its next poll away.
	if err := p.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	st, _ := e.store.Source(ctx, src.Spec.ID)
	if !st.NextPoll.After(t0) || st.Failures != 0 {
		t.Errorf("streaming source after Tick = %+v", st)
	}

	p.Stream(ctx, src.Spec.ID, fs)
	if want := []string{"", "t1", "t2"}; !slices.Equal(fs.cursors[:3], want) {
		t.Errorf("stream resumed from %v, want %v", fs.cursors, want)
	}
	ms, err := e.store.RecentMentions(t.Context(), e.acme.ID, t0.Add(-time.Hour), 10)
	if err != nil || len(ms) < 3 {
		t.Fatalf("stored %d mentions, %v; want 3", len(ms), err)
	}
	st, _ = e.store.Source(t.Context(), src.Spec.ID)
	if st.LastErrorMsg == "" || st.ItemsSeen < 3 {
		t.Errorf("stream health = %+v", st)
	}
	close(waits)
	for d := range waits {
		if d != time.Minute {
			t.Errorf("reconnected after %v; a stream that delivered starts its backoff afresh (1m)", d)
		}
	}
}

// blockingStreamer emits one batch, then holds the connection until its
// context ends; it reports both on channels.
type blockingStreamer struct {
	emitted, stopped chan struct{}
}

func (f *blockingStreamer) Stream(ctx context.Context, cursor string, emit func(context.Context, mentions.Batch) error) error {
	err := emit(ctx, mentions.Batch{Cursor: "t1", Items: []mentions.Item{{ExternalID: "at://1", Text: "acme live", Author: "u1"}}})
	close(f.emitted)
	<-ctx.Done()
	close(f.stopped)
	return err
}

func TestRunStreams(t *testing.T) {
	e := newEnv(t, mentions.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	e.watch(t, "acme", acmeSlack)
	src := e.source(t, mentions.Spec{Kind: "bluesky"})
	fs := &blockingStreamer{emitted: make(chan struct{}), stopped: make(chan struct{})}
	opts := pollOpts
	opts.Every = 5 * time.Millisecond
	p := mentions.NewPoller(e.svc, opener(map[int64]any{src.Spec.ID: fs}), e.clock, nil, opts)
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()

	<-fs.emitted
	st, err := e.store.Source(t.Context(), src.Spec.ID)
	if err != nil || st.Cursor != "t1" || st.ItemsSeen != 1 {
		t.Errorf("streamed source = %+v, %v", st, err)
	}
	// Removing the source stops its stream at Run's next tick.
	if _, err := e.svc.RemoveSource(t.Context(), alice, src.Spec.ID); err != nil {
		t.Fatal(err)
	}
	<-fs.stopped
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}
