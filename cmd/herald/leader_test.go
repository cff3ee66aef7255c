package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeCampaign leads while lead is set.
type fakeCampaign struct {
	lead     atomic.Bool
	fail     atomic.Bool
	resigned atomic.Int32
}

func (c *fakeCampaign) TryLead(context.Context) (bool, error) {
	if c.fail.Load() {
		return false, errors.New("connection lost")
	}
	return c.lead.Load(), nil
}

func (c *fakeCampaign) Resign() error { c.resigned.Add(1); return nil }

func waitUntil(t *testing.T, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 5 s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestLeadership: a single job runs only while the replica leads, stops
// when the lead is lost (or the election fails), starts again at the next
// term; gocron's elector and /readyz's status say the same; the lead is
// resigned at the end.
func TestLeadership(t *testing.T) {
	c := &fakeCampaign{}
	l := newLeadership(c, 10*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Go(func() { l.Run(ctx) })
	var runs, live atomic.Int32
	job := l.only("job", func(ctx context.Context) error {
		runs.Add(1)
		live.Add(1)
		<-ctx.Done()
		live.Add(-1)
		return nil
	})
	wg.Go(func() { job(ctx) })

	time.Sleep(50 * time.Millisecond)
	if l.Leader() || runs.Load() != 0 || l.IsLeader(ctx) == nil {
		t.Fatalf("a follower: leader %v, %d runs, IsLeader %v; want none", l.Leader(), runs.Load(), l.IsLeader(ctx))
	}
	c.lead.Store(true)
	waitUntil(t, "the job starts on the leader", func() bool { return live.Load() == 1 })
	if err := l.IsLeader(ctx); err != nil {
		t.Errorf("IsLeader on the leader: %v", err)
	}
	if leader, _, jobs := l.status(); !leader || len(jobs) != 1 || jobs[0] != "job" {
		t.Errorf("status = %v, %v; want leader running job", leader, jobs)
	}
	c.fail.Store(true) // the connection holding the lock is gone
	waitUntil(t, "the job stops when the lead is lost", func() bool { return live.Load() == 0 && !l.Leader() })
	c.fail.Store(false)
	waitUntil(t, "the job starts again at the next term", func() bool { return live.Load() == 1 && runs.Load() == 2 })
	cancel()
	wg.Wait()
	if c.resigned.Load() != 1 {
		t.Errorf("resigned %d times; want once at the end", c.resigned.Load())
	}
}

// TestLeadershipSQLite: without an election the one process leads.
func TestLeadershipSQLite(t *testing.T) {
	l := newLeadership(nil, time.Second, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	waitUntil(t, "the one process leads", l.Leader)
	cancel()
	<-done
	if l.Leader() {
		t.Error("still the leader after the end")
	}
}
