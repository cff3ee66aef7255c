package publish_test

import (
	"context"
	"testing"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/publish"
)

// tickEnds signals the end of each tick that looked for reminders: the
// last thing Tick asks storage (once a minute of the clock) is the list
// of drafts in review.
type tickEnds struct {
	publish.Store
	ch chan struct{}
}

func (s tickEnds) Drafts(ctx context.Context, f approvals.DraftFilter) ([]approvals.Draft, error) {
	ds, err := s.Store.Drafts(ctx, f)
	if len(f.States) == 1 && f.States[0] == approvals.StateInReview {
		s.ch <- struct{}{}
	}
	return ds, err
}

// wait returns the next value of ch, failing after a generous timeout.
func wait[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func TestRun(t *testing.T) {
	clock := clockwork.NewFakeClockAt(start)
	ends := make(chan struct{}, 16)
	net := newNet()
	e := newEnv(t, config{
		policy: "none",
		clock:  clock,
		opt:    publish.Options{Interval: time.Minute},
		nets:   map[string]publish.Publisher{"webhook": plainNet{net}},
		wrap:   func(s publish.Store) publish.Store { return tickEnds{s, ends} },
	})
	delivered := make(chan publish.Event, 16)
	e.events.mu.Lock()
	e.events.ch = delivered
	e.events.mu.Unlock()

	// With no review, a draft with a time is scheduled on submission,
	// without waking the scheduler.
	scheduled := e.approved(t, "On schedule", "webhook:main", start.Add(time.Minute))
	now := e.approved(t, "Right now", "webhook:main", time.Time{})

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- e.sched.Run(ctx, gocron.WithClock(clock)) }()

	wait(t, ends, "the first tick, at start") // nothing due yet
	if n := len(net.Calls()); n != 0 {
		t.Fatalf("%d posts before their time", n)
	}

	t.Run("OKTicks", func(t *testing.T) {
		ev := advanceUntil(t, ctx, clock, delivered)
		if ev.DraftID != scheduled.ID || ev.Kind != publish.EventDelivered {
			t.Fatalf("event %+v, want draft %d delivered", ev, scheduled.ID)
		}
		wait(t, ends, "the end of that tick")
		e.wantState(t, scheduled.ID, approvals.StatePublished)
	})

	t.Run("OKWake", func(t *testing.T) {
		// The clock stands still: only the wake can make a tick.
		at := clock.Now()
		if _, err := e.svc.PublishNow(t.Context(), bob, now.ID); err != nil {
			t.Fatalf("PublishNow: %v", err)
		}
		ev := wait(t, delivered, "the post published now")
		if ev.DraftID != now.ID || ev.Kind != publish.EventDelivered {
			t.Fatalf("event %+v, want draft %d delivered", ev, now.ID)
		}
		if !clock.Now().Equal(at) {
			t.Errorf("the clock moved from %s to %s", at, clock.Now())
		}
		e.wantState(t, now.ID, approvals.StatePublished)
	})

	cancel()
	if err := wait(t, done, "Run to return"); err != nil {
		t.Errorf("Run: %v", err)
	}
	if n := len(net.Calls()); n != 2 {
		t.Errorf("%d posts, want 2", n)
	}
}

// advanceUntil moves the clock a minute at a time, each once gocron waits
// on it, until the scheduled post is delivered. One minute is enough; a
// waiter other than gocron's next run (seen on a loaded machine) can let
// the first advance land before gocron set its timer, so the next advance
// makes up for it rather than the test waiting forever.
func advanceUntil(t *testing.T, ctx context.Context, clock *clockwork.FakeClock, delivered <-chan publish.Event) publish.Event {
	t.Helper()
	for range 5 {
		if err := clock.BlockUntilContext(ctx, 1); err != nil { // gocron's next run
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		select {
		case ev := <-delivered:
			return ev
		case <-time.After(5 * time.Second):
		}
	}
	t.Fatal("timed out waiting for the scheduled post")
	return publish.Event{}
}
