package publish_test

import (
	"context"
	"testing"
	"time"

	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/publish"
)

// TestLeases: a delivery another replica is sending under a live lease is
// left alone (it is not a crash); once the lease has expired it is
// recovered like one: resent with the same key to a network that honours
// it. A renewed lease keeps it.
func TestLeases(t *testing.T) {
	p, net := dedup()
	e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": p}, opt: publish.Options{Owner: "a", LeaseTTL: time.Minute}})
	d := e.scheduled(t, "Hello", "webhook:main", start.Add(time.Minute))
	e.clock.Advance(time.Minute)
	// Replica a's post has arrived, but a hears nothing back yet (a stall
	// longer than its lease, or a network partition).
	entered, resume := make(chan struct{}), make(chan struct{})
	net.hook = func(context.Context, publish.Post) {
		close(entered)
		<-resume
	}
	aDone := make(chan error, 1)
	go func() { aDone <- e.sched.Tick(t.Context()) }()
	<-entered
	net.hook = nil
	if got := e.delivery(t, d.ID); got.State != publish.Sending {
		t.Fatalf("the delivery is %s; want sending", got.State)
	}
	if n, _, err := e.store.LeaseCounts(t.Context(), "a", e.clock.Now()); err != nil || n != 1 {
		t.Fatalf("a holds %d leases (%v); want 1: it was working on it", n, err)
	}
	b := publish.NewScheduler(e.svc, e.events, nil, publish.Options{Owner: "b", LeaseTTL: time.Minute})
	e.clock.Advance(30 * time.Second)
	if err := b.Tick(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := e.delivery(t, d.ID); got.State != publish.Sending || len(net.Calls()) != 1 {
		t.Fatalf("b moved a's live delivery: %s, %d calls; want sending, 1 call", got.State, len(net.Calls()))
	}
	key := publish.DeliveryKey(d.ID, d.Rev, e.delivery(t, d.ID).Target)
	if lost, err := e.store.RenewLeases(t.Context(), "a", []string{key}, e.clock.Now().Add(time.Minute)); err != nil || lost != 0 {
		t.Fatalf("RenewLeases(a) = %d, %v", lost, err)
	}
	e.clock.Advance(45 * time.Second) // past the first lease, within the renewed one
	if err := b.Tick(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := e.delivery(t, d.ID); got.State != publish.Sending {
		t.Fatalf("b moved a's renewed delivery: %s", got.State)
	}
	e.clock.Advance(time.Minute) // a is gone: its lease expires
	if err := b.Tick(t.Context()); err != nil {
		t.Fatal(err)
	}
	calls := net.Calls()
	if len(calls) != 2 || calls[0].Key != calls[1].Key || net.Copies(calls[0].Key) != 1 {
		t.Fatalf("after the lease expired: %d calls; want one resend with the same key, one copy", len(calls))
	}
	if got := e.delivery(t, d.ID); got.State != publish.Delivered {
		t.Errorf("the delivery is %s (%s); want delivered", got.State, got.Error)
	}
	close(resume) // a hears back at last: its outcome no longer applies
	if err := <-aDone; err != nil {
		t.Errorf("a's tick: %v; want its stale outcome dropped (compare-and-set)", err)
	}
	if got := e.delivery(t, d.ID); got.State != publish.Delivered || got.Attempts != 2 {
		t.Errorf("after a came back the delivery is %s after %d attempts; want delivered after 2", got.State, got.Attempts)
	}
	e.wantState(t, d.ID, approvals.StatePublished)
	if mine, others, err := e.store.LeaseCounts(t.Context(), "b", e.clock.Now()); err != nil || mine+others != 0 {
		t.Errorf("leases left: %d of b, %d of others (%v); want none once all is done", mine, others, err)
	}
}
