package publish_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/publish"
)

func TestScheduleOnTime(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		net := newNet()
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
		at := start.Add(10 * time.Minute)
		d := e.scheduled(t, "Our new store opens Monday", "webhook:main", at)

		e.clock.Set(at.Add(-time.Second))
		e.tick(t)
		if n := len(net.Calls()); n != 0 {
			t.Fatalf("a second early: %d posts, want none", n)
		}
		e.wantState(t, d.ID, approvals.StateScheduled)

		e.clock.Set(at)
		e.tick(t)
		e.clock.Advance(time.Hour)
		e.tick(t)
		calls := net.Calls()
		if len(calls) != 1 {
			t.Fatalf("%d posts, want exactly 1", len(calls))
		}
		key := publish.DeliveryKey(d.ID, d.Rev, herald.Target{Kind: "webhook", Name: "main"})
		want := publish.Post{DraftID: d.ID, Rev: d.Rev, Brand: e.brand, Target: herald.Target{Kind: "webhook", Name: "main"},
			Text: "Our new store opens Monday", Key: key, Due: at}
		if diff := cmp.Diff(want, calls[0]); diff != "" {
			t.Errorf("post (-want +got):\n%s", diff)
		}
		e.wantState(t, d.ID, approvals.StatePublished)
		got := e.delivery(t, d.ID)
		if got.State != publish.Delivered || got.Attempts != 1 || got.Receipt != receipt(key) || !got.FirstSent.Equal(at) {
			t.Errorf("delivery %+v; want delivered on the first attempt at %s with the receipt", got, at)
		}
		if diff := cmp.Diff([]publish.EventKind{publish.EventDelivered}, e.events.Kinds(d.ID)); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"schedule approved→scheduled by Bob", "publish scheduled→publishing by Herald", "succeed publishing→published by Herald"},
			actions(e.audit(t, d.ID), len(e.audit(t, d.ID))-3)); diff != "" {
			t.Errorf("audit (-want +got):\n%s", diff)
		}
	})

	t.Run("OKDaylightSaving", func(t *testing.T) {
		// Europe/Paris springs forward on 2027-03-28 at 02:00 (CET → CEST):
		// 09:00 that morning is 07:00 UTC, not 08:00.
		net := newNet()
		e := newEnv(t, config{tz: "Europe/Paris", nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
		paris := e.brand.Location()
		e.clock.Set(time.Date(2027, 3, 27, 10, 0, 0, 0, time.UTC)) // the day before, CET
		at := time.Date(2027, 3, 28, 9, 0, 0, 0, paris)
		d := e.scheduled(t, "Spring is here", "webhook:main", at)

		wantUTC := time.Date(2027, 3, 28, 7, 0, 0, 0, time.UTC)
		if got := e.draft(t, d.ID).PublishAt; !got.Equal(wantUTC) {
			t.Fatalf("PublishAt = %s, want %s", got, wantUTC)
		}
		es := e.audit(t, d.ID)
		if last := es[len(es)-1]; !strings.Contains(last.Detail, "2027-03-28 09:00 CEST") {
			t.Errorf("schedule audit detail %q does not show the time in the brand's zone", last.Detail)
		}
		for _, now := range []time.Time{
			time.Date(2027, 3, 28, 0, 59, 0, 0, time.UTC), // 01:59 CET
			time.Date(2027, 3, 28, 1, 0, 0, 0, time.UTC),  // 03:00 CEST
			wantUTC.Add(-time.Second),
		} {
			e.clock.Set(now)
			e.tick(t)
			if n := len(net.Calls()); n != 0 {
				t.Fatalf("at %s (%s in Paris): %d posts, want none yet", now.Format(time.RFC3339), now.In(paris).Format("15:04 MST"), n)
			}
		}
		e.clock.Set(wantUTC)
		e.tick(t)
		calls := net.Calls()
		if len(calls) != 1 {
			t.Fatalf("at 09:00 CEST: %d posts, want 1", len(calls))
		}
		if !calls[0].Due.Equal(wantUTC) || calls[0].Brand.Timezone != "Europe/Paris" {
			t.Errorf("post due %s in %q; want %s in Europe/Paris", calls[0].Due, calls[0].Brand.Timezone, wantUTC)
		}
		e.wantState(t, d.ID, approvals.StatePublished)
	})

	t.Run("OKScheduledWhenApproved", func(t *testing.T) {
		// A draft written with a time (`draft … --at`) is scheduled by the
		// approval itself and goes out then.
		net := newNet()
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
		at := start.Add(2 * time.Hour)
		d := e.approved(t, "Written with --at", "webhook:main", at)
		if d.State != approvals.StateScheduled || !d.PublishAt.Equal(at) {
			t.Fatalf("approved draft is %s for %s; want scheduled for %s", d.State, d.PublishAt, at)
		}
		e.clock.Set(at.Add(-time.Minute))
		e.tick(t)
		e.clock.Set(at)
		e.tick(t)
		if n := len(net.Calls()); n != 1 {
			t.Errorf("%d posts, want 1", n)
		}
		e.wantState(t, d.ID, approvals.StatePublished)
	})

	t.Run("OKEveryTarget", func(t *testing.T) {
		a, b := newNet(), newNet()
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{a}, "mastodon": dedupNet{b, time.Hour}}})
		d := e.scheduled(t, "Two targets", "webhook:one, mastodon:main, webhook:two", start.Add(time.Minute))
		e.clock.Advance(time.Minute)
		e.tick(t)
		if len(a.Calls()) != 2 || len(b.Calls()) != 1 {
			t.Errorf("webhook got %d posts, mastodon %d; want 2 and 1", len(a.Calls()), len(b.Calls()))
		}
		want := map[string]publish.DeliveryState{"webhook:one": publish.Delivered, "mastodon:main": publish.Delivered, "webhook:two": publish.Delivered}
		if diff := cmp.Diff(want, e.states(t, d.ID)); diff != "" {
			t.Errorf("deliveries (-want +got):\n%s", diff)
		}
		keys := map[string]bool{}
		for _, p := range append(a.Calls(), b.Calls()...) {
			keys[p.Key] = true
		}
		if len(keys) != 3 {
			t.Errorf("%d distinct keys for 3 targets, want 3", len(keys))
		}
		e.wantState(t, d.ID, approvals.StatePublished)
	})
}

func TestNeverPublished(t *testing.T) {
	nets := func() (*fakeNet, config) {
		net := newNet()
		return net, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}}
	}
	t.Run("OKUnscheduled", func(t *testing.T) {
		net, c := nets()
		e := newEnv(t, c)
		d := e.scheduled(t, "Not yet", "webhook:main", start.Add(time.Hour))
		v, err := e.svc.Unschedule(t.Context(), bob, d.ID)
		if err != nil {
			t.Fatalf("Unschedule: %v", err)
		}
		if v.Draft.State != approvals.StateApproved || !v.Draft.PublishAt.IsZero() {
			t.Errorf("after Unschedule: %s for %s; want approved, no time", v.Draft.State, v.Draft.PublishAt)
		}
		e.clock.Advance(2 * time.Hour)
		e.tick(t)
		if n := len(net.Calls()); n != 0 {
			t.Errorf("%d posts of an unscheduled draft", n)
		}
		e.wantState(t, d.ID, approvals.StateApproved)
		if len(e.deliveries(t, d.ID)) != 0 {
			t.Errorf("an unscheduled draft has deliveries")
		}
	})

	t.Run("OKEditedAfterApproval", func(t *testing.T) {
		net, c := nets()
		e := newEnv(t, c)
		d := e.scheduled(t, "Approved text", "webhook:main", start.Add(time.Hour))
		if _, err := e.drafts.Edit(t.Context(), bob, d.ID, "Edited text"); err != nil {
			t.Fatalf("Edit: %v", err)
		}
		e.wantState(t, d.ID, approvals.StateInReview)
		for range 3 {
			e.clock.Advance(time.Hour)
			e.tick(t)
		}
		if n := len(net.Calls()); n != 0 {
			t.Errorf("%d posts of a draft edited after approval", n)
		}
		e.wantState(t, d.ID, approvals.StateInReview)
	})

	t.Run("ErrApprovedNotScheduled", func(t *testing.T) {
		net, c := nets()
		e := newEnv(t, c)
		d := e.approved(t, "Approved only", "webhook:main", time.Time{})
		e.clock.Advance(48 * time.Hour)
		e.tick(t)
		if n := len(net.Calls()); n != 0 {
			t.Errorf("%d posts of a draft nobody scheduled", n)
		}
		e.wantState(t, d.ID, approvals.StateApproved)
	})

	t.Run("OKEditRacesClaim", func(t *testing.T) {
		// An edit and the claim of a due post race: exactly one wins. Either
		// the edit went through and nothing was sent, or the approved text
		// went out and the edit was refused.
		net, c := nets()
		e := newEnv(t, c)
		wins := map[string]int{}
		for i := range 12 {
			at := e.clock.Now().Add(time.Minute)
			d := e.scheduled(t, fmt.Sprintf("Approved text %d", i), "webhook:main", at)
			e.clock.Set(at)
			var editErr, tickErr error
			var wg sync.WaitGroup
			begin := make(chan struct{})
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-begin
				_, editErr = e.drafts.Edit(t.Context(), erin, d.ID, fmt.Sprintf("Edited text %d", i))
			}()
			go func() {
				defer wg.Done()
				<-begin
				tickErr = e.sched.Tick(t.Context())
			}()
			close(begin)
			wg.Wait()
			if tickErr != nil {
				t.Fatalf("Tick: %v", tickErr)
			}
			sent := net.CallsFor(d.ID)
			switch {
			case editErr == nil:
				wins["edit"]++
				if sent != 0 {
					t.Errorf("round %d: the edit won and %d posts went out", i, sent)
				}
				e.wantState(t, d.ID, approvals.StateInReview)
			default:
				wins["claim"]++
				wantCode(t, editErr, herald.ECONFLICT, "Edit after the claim")
				if sent != 1 {
					t.Errorf("round %d: the claim won and %d posts went out, want 1", i, sent)
				}
				for _, p := range net.Calls() {
					if p.DraftID == d.ID && (p.Text != d.Text || p.Rev != d.Rev) {
						t.Errorf("round %d: sent revision %d %q, want the approved revision %d %q", i, p.Rev, p.Text, d.Rev, d.Text)
					}
				}
				e.wantState(t, d.ID, approvals.StatePublished)
			}
		}
		t.Logf("wins: %v", wins)
	})
}

// outcomeCase is one network behaviour and what Herald makes of it.
type outcomeCase struct {
	name     string
	opt      publish.Options
	net      func() (publish.Publisher, *fakeNet)
	script   []step
	advances []time.Duration // before each further tick
	// expectations after the ticks
	calls     int
	copies    int
	delivery  publish.DeliveryState
	attempts  int
	draft     approvals.State
	events    []publish.EventKind
	errorHas  string // in the delivery's Error
	checks    int
	receiptID string
}

func plain() (publish.Publisher, *fakeNet) { n := newNet(); return plainNet{n}, n }
func dedup() (publish.Publisher, *fakeNet) { d := newDedup(time.Hour); return d, d.fakeNet }
func checker() (publish.Publisher, *fakeNet) {
	n := newNet()
	return checkNet{n}, n
}

func TestOutcomes(t *testing.T) {
	const target = "webhook:main"
	key := func(d approvals.Draft) string {
		return publish.DeliveryKey(d.ID, d.Rev, herald.Target{Kind: "webhook", Name: "main"})
	}
	tests := []outcomeCase{
		{name: "OKFirstTime", net: plain, script: []step{ok},
			calls: 1, copies: 1, delivery: publish.Delivered, attempts: 1, draft: approvals.StatePublished, events: []publish.EventKind{publish.EventDelivered}},
		{name: "OKServerErrorThenSuccess", net: plain, script: []step{fail500, ok},
			advances: []time.Duration{9 * time.Second, time.Second, time.Hour},
			calls:    2, copies: 1, delivery: publish.Delivered, attempts: 2, draft: approvals.StatePublished, events: []publish.EventKind{publish.EventDelivered}},
		{name: "OKRetryAfter", net: plain,
			script:   []step{{err: publish.TransientError(errors.New("429 Too Many Requests"), 2*time.Minute)}, ok},
			advances: []time.Duration{time.Minute, 59 * time.Second, time.Second},
			calls:    2, copies: 1, delivery: publish.Delivered, attempts: 2, draft: approvals.StatePublished, events: []publish.EventKind{publish.EventDelivered}},
		{name: "OKRetryAfterTwoHours", net: plain, // a Mastodon 429 resetting in 2 h
			script:   []step{{err: publish.TransientError(errors.New("429 Too Many Requests"), 2*time.Hour)}, ok},
			advances: []time.Duration{time.Hour, 59 * time.Minute},
			calls:    1, copies: 0, delivery: publish.Pending, attempts: 1, draft: approvals.StatePublishing, errorHas: "429"},
		{name: "OKRetryAfterTwoHoursThenSent", net: plain,
			script:   []step{{err: publish.TransientError(errors.New("429 Too Many Requests"), 2*time.Hour)}, ok},
			advances: []time.Duration{time.Hour, 59 * time.Minute, time.Minute},
			calls:    2, copies: 1, delivery: publish.Delivered, attempts: 2, draft: approvals.StatePublished, events: []publish.EventKind{publish.EventDelivered}},
		{name: "ErrGiveUpAfterMaxAttempts", net: plain, opt: publish.Options{MaxAttempts: 3},
			script: []step{fail500, fail500, fail500, ok},
			// backoff 10 s, then 20 s; nothing more after the third.
			advances: []time.Duration{10 * time.Second, 19 * time.Second, time.Second, time.Hour},
			calls:    3, copies: 0, delivery: publish.Failed, attempts: 3, draft: approvals.StateFailed,
			events: []publish.EventKind{publish.EventFailed}, errorHas: "gave up after 3 attempts: 500 Internal Server Error"},
		{name: "ErrHostileRetryAfterGivesUp", net: plain, opt: publish.Options{MaxAttempts: 3}, // a server that always says "in a year"
			script: []step{{err: publish.TransientError(errors.New("429 Too Many Requests"), 365*24*time.Hour)},
				{err: publish.TransientError(errors.New("429 Too Many Requests"), 365*24*time.Hour)},
				{err: publish.TransientError(errors.New("429 Too Many Requests"), 365*24*time.Hour)}, ok},
			// each wait capped at a day (retryafter.Max): parked 2 days at most, then failed.
			advances: []time.Duration{24 * time.Hour, 24 * time.Hour, 24 * time.Hour},
			calls:    3, copies: 0, delivery: publish.Failed, attempts: 3, draft: approvals.StateFailed,
			events: []publish.EventKind{publish.EventFailed}, errorHas: "gave up after 3 attempts: 429"},
		{name: "ErrRejected", net: plain, script: []step{reject400}, advances: []time.Duration{time.Hour, 24 * time.Hour},
			calls: 1, copies: 0, delivery: publish.Failed, attempts: 1, draft: approvals.StateFailed,
			events: []publish.EventKind{publish.EventFailed}, errorHas: "400 Bad Request: status is too long"},
		{name: "ErrAmbiguousPlain", net: plain, script: []step{lostAnswer}, advances: []time.Duration{time.Minute, time.Hour, 24 * time.Hour},
			calls: 1, copies: 1, delivery: publish.Unconfirmed, attempts: 1, draft: approvals.StateUnconfirmed,
			events: []publish.EventKind{publish.EventUnconfirmed}, errorHas: "timeout awaiting response headers"},
		{name: "ErrUnclassifiedIsAmbiguous", net: plain, script: []step{{err: errors.New("EOF"), arrived: true}},
			advances: []time.Duration{time.Hour},
			calls:    1, copies: 1, delivery: publish.Unconfirmed, attempts: 1, draft: approvals.StateUnconfirmed,
			events: []publish.EventKind{publish.EventUnconfirmed}, errorHas: "EOF"},
		{name: "OKAmbiguousDeduplicator", net: dedup, script: []step{lostAnswer, ok}, advances: []time.Duration{time.Hour},
			calls: 2, copies: 1, delivery: publish.Delivered, attempts: 2, draft: approvals.StatePublished,
			events: []publish.EventKind{publish.EventDelivered}},
		{name: "OKAmbiguousDeduplicatorLost", net: dedup, script: []step{lostPost, ok},
			calls: 2, copies: 1, delivery: publish.Delivered, attempts: 2, draft: approvals.StatePublished,
			events: []publish.EventKind{publish.EventDelivered}},
		{name: "ErrAmbiguousDeduplicatorEveryTime", net: dedup, opt: publish.Options{MaxAttempts: 5},
			script:   []step{lostAnswer, lostAnswer, lostAnswer, lostAnswer, lostAnswer, lostAnswer, lostAnswer},
			advances: []time.Duration{time.Minute, time.Minute, time.Minute, time.Hour},
			calls:    5, copies: 1, delivery: publish.Unconfirmed, attempts: 5, draft: approvals.StateUnconfirmed,
			events: []publish.EventKind{publish.EventUnconfirmed}},
		{name: "OKAmbiguousCheckerFound", net: checker, script: []step{lostAnswer}, advances: []time.Duration{time.Hour},
			calls: 1, copies: 1, delivery: publish.Delivered, attempts: 1, draft: approvals.StatePublished,
			events: []publish.EventKind{publish.EventDelivered}, checks: 1, receiptID: "found-"},
		{name: "OKAmbiguousCheckerAbsent", net: checker, script: []step{lostPost, ok}, advances: []time.Duration{time.Hour},
			calls: 2, copies: 1, delivery: publish.Delivered, attempts: 2, draft: approvals.StatePublished,
			events: []publish.EventKind{publish.EventDelivered}, checks: 1, receiptID: "id-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, net := tt.net()
			net.script(target, tt.script...)
			e := newEnv(t, config{opt: tt.opt, nets: map[string]publish.Publisher{"webhook": p}})
			d := e.scheduled(t, "Hello", target, start.Add(time.Minute))
			e.clock.Advance(time.Minute)
			e.tick(t)
			for _, a := range tt.advances {
				e.clock.Advance(a)
				e.tick(t)
			}
			calls := net.Calls()
			if len(calls) != tt.calls {
				t.Errorf("%d calls, want %d", len(calls), tt.calls)
			}
			for _, c := range calls {
				if c.Key != key(d) {
					t.Errorf("sent with key %q, want %q every time", c.Key, key(d))
				}
			}
			if got := net.Copies(key(d)); got != tt.copies {
				t.Errorf("%d copies at the destination, want %d", got, tt.copies)
			}
			got := e.delivery(t, d.ID)
			if got.State != tt.delivery || got.Attempts != tt.attempts {
				t.Errorf("delivery %s after %d attempts, want %s after %d (error %q)", got.State, got.Attempts, tt.delivery, tt.attempts, got.Error)
			}
			if !strings.Contains(got.Error, tt.errorHas) {
				t.Errorf("delivery error %q does not contain %q", got.Error, tt.errorHas)
			}
			if tt.delivery == publish.Delivered && got.Error != "" {
				t.Errorf("a delivered post keeps the error %q", got.Error)
			}
			if tt.receiptID != "" && !strings.HasPrefix(got.Receipt.ID, tt.receiptID) {
				t.Errorf("receipt %+v, want an id starting %q", got.Receipt, tt.receiptID)
			}
			if net.checks != tt.checks {
				t.Errorf("%d checks, want %d", net.checks, tt.checks)
			}
			e.wantState(t, d.ID, tt.draft)
			if diff := cmp.Diff(tt.events, e.events.Kinds(d.ID)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			for _, ev := range e.events.Events() {
				if ev.Kind == publish.EventFailed || ev.Kind == publish.EventUnconfirmed {
					if ev.Delivery.Key != key(d) || ev.Delivery.State != tt.delivery || ev.Delivery.Error == "" {
						t.Errorf("%s event carries delivery %+v; want its key, state and reason", ev.Kind, ev.Delivery)
					}
				}
			}
		})
	}

	t.Run("OKBackoffSchedule", func(t *testing.T) {
		net := newNet().script(target, fail500, fail500, fail500, ok)
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
		d := e.scheduled(t, "Hello", target, start.Add(time.Minute))
		e.clock.Advance(time.Minute)
		for i, wait := range []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second} {
			e.tick(t)
			got := e.delivery(t, d.ID)
			if got.State != publish.Pending || !got.NextAt.Equal(e.clock.Now().Add(wait)) {
				t.Fatalf("after failure %d: %s, next at %s; want pending until +%s", i+1, got.State, got.NextAt, wait)
			}
			e.clock.Advance(wait - time.Second)
			e.tick(t)
			if n := len(net.Calls()); n != i+1 {
				t.Fatalf("retried before the backoff: %d calls after failure %d", n, i+1)
			}
			e.clock.Advance(time.Second)
		}
		e.tick(t)
		if got := e.delivery(t, d.ID); got.State != publish.Delivered || got.Attempts != 4 {
			t.Errorf("delivery %s after %d attempts, want delivered after 4", got.State, got.Attempts)
		}
	})

	t.Run("ErrCheckFails", func(t *testing.T) {
		p, net := checker()
		net.checkErr = errors.New("403 Forbidden")
		net.script(target, lostAnswer)
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": p}})
		d := e.scheduled(t, "Hello", target, start.Add(time.Minute))
		e.clock.Advance(time.Minute)
		e.tick(t)
		got := e.delivery(t, d.ID)
		if got.State != publish.Unconfirmed || !strings.Contains(got.Error, "checking failed too: 403 Forbidden") {
			t.Errorf("delivery %s %q; want unconfirmed, saying the check failed", got.State, got.Error)
		}
		e.wantState(t, d.ID, approvals.StateUnconfirmed)
		if n := len(net.Calls()); n != 1 {
			t.Errorf("%d calls, want 1", n)
		}
	})

	t.Run("OKMixedTargets", func(t *testing.T) {
		// One target refuses, one delivers: the draft is failed; one is
		// unconfirmed as well: the draft waits for a person.
		net := newNet().script("webhook:bad", reject400).script("webhook:maybe", lostAnswer)
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
		d1 := e.scheduled(t, "Failed", "webhook:good, webhook:bad", start.Add(time.Minute))
		d2 := e.scheduled(t, "Unconfirmed", "webhook:bad, webhook:maybe, webhook:good", start.Add(time.Minute))
		net.script("webhook:bad", reject400)
		e.clock.Advance(time.Minute)
		e.tick(t)
		e.wantState(t, d1.ID, approvals.StateFailed)
		e.wantState(t, d2.ID, approvals.StateUnconfirmed)
		want := map[string]publish.DeliveryState{"webhook:bad": publish.Failed, "webhook:maybe": publish.Unconfirmed, "webhook:good": publish.Delivered}
		if diff := cmp.Diff(want, e.states(t, d2.ID)); diff != "" {
			t.Errorf("deliveries (-want +got):\n%s", diff)
		}
	})

	t.Run("ErrNoPublisher", func(t *testing.T) {
		// The target kind was disconnected after scheduling: a clear
		// failure, not a crash loop.
		net := newNet()
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
		d := e.scheduled(t, "Hello", "webhook:main", start.Add(time.Minute))
		e2 := *e
		e2.svc = publish.NewService(e.drafts, e.brands, e.store, e.clock) // no publishers
		e2.sched = publish.NewScheduler(e2.svc, e.events, nil, publish.Options{})
		e.clock.Advance(time.Minute)
		e2.tick(t)
		got := e.delivery(t, d.ID)
		if got.State != publish.Failed || !strings.Contains(got.Error, "not connected to webhook") {
			t.Errorf("delivery %s %q; want failed, naming the missing connection", got.State, got.Error)
		}
		e.wantState(t, d.ID, approvals.StateFailed)
	})
}

// crashAfterPost returns a hook that cancels the tick's context once the
// post reached the network: the process "dies" before it records the
// outcome, leaving the delivery in sending.
func crashAfterPost(net *fakeNet) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	net.hook = func(context.Context, publish.Post) { cancel() }
	return ctx, func() { net.hook = nil }
}

func TestCrashRecovery(t *testing.T) {
	tests := []struct {
		name     string
		net      func() (publish.Publisher, *fakeNet)
		down     time.Duration // how long Herald was down
		calls    int
		delivery publish.DeliveryState
		draft    approvals.State
		event    publish.EventKind
	}{
		{"OKDeduplicatorResends", dedup, time.Minute, 2, publish.Delivered, approvals.StatePublished, publish.EventDelivered},
		{"OKCheckerFinds", checker, time.Minute, 1, publish.Delivered, approvals.StatePublished, publish.EventDelivered},
		{"ErrPlainUnconfirmed", plain, time.Minute, 1, publish.Unconfirmed, approvals.StateUnconfirmed, publish.EventUnconfirmed},
		{"ErrDeduplicatorKeyExpired", dedup, 2 * time.Hour, 1, publish.Unconfirmed, approvals.StateUnconfirmed, publish.EventUnconfirmed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, net := tt.net()
			e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": p}})
			d := e.scheduled(t, "Hello", "webhook:main", start.Add(time.Minute))
			e.clock.Advance(time.Minute)
			ctx, stop := crashAfterPost(net)
			if err := e.sched.Tick(ctx); err == nil {
				t.Fatal("Tick whose context was cancelled mid-post returned nil")
			}
			stop()
			if got := e.delivery(t, d.ID); got.State != publish.Sending || got.Attempts != 1 {
				t.Fatalf("after the crash the delivery is %s after %d attempts; want sending, 1", got.State, got.Attempts)
			}
			e.wantState(t, d.ID, approvals.StatePublishing)

			e.clock.Advance(tt.down)
			fresh := publish.NewScheduler(e.svc, e.events, nil, publish.Options{})
			for range 3 {
				if err := fresh.Tick(t.Context()); err != nil {
					t.Fatalf("Tick after restart: %v", err)
				}
				e.clock.Advance(time.Hour)
			}
			calls := net.Calls()
			if len(calls) != tt.calls {
				t.Errorf("%d calls, want %d", len(calls), tt.calls)
			}
			if len(calls) == 2 && calls[0].Key != calls[1].Key {
				t.Errorf("resent with key %q, first sent with %q", calls[1].Key, calls[0].Key)
			}
			if n := net.Copies(calls[0].Key); n != 1 {
				t.Errorf("%d copies at the destination, want 1", n)
			}
			got := e.delivery(t, d.ID)
			if got.State != tt.delivery {
				t.Errorf("delivery %s (%q), want %s", got.State, got.Error, tt.delivery)
			}
			if tt.delivery == publish.Unconfirmed && !strings.Contains(got.Error, "stopped while sending") {
				t.Errorf("unconfirmed delivery says %q; want the reason", got.Error)
			}
			e.wantState(t, d.ID, tt.draft)
			if diff := cmp.Diff([]publish.EventKind{tt.event}, e.events.Kinds(d.ID)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMissed(t *testing.T) {
	setup := func(t *testing.T) (*env, *fakeNet, approvals.Draft) {
		net := newNet()
		e := newEnv(t, config{opt: publish.Options{Grace: time.Hour}, nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
		return e, net, e.scheduled(t, "While Herald was down", "webhook:main", start.Add(10*time.Minute))
	}
	t.Run("OKWithinGrace", func(t *testing.T) {
		e, net, d := setup(t)
		e.clock.Set(d.PublishAt.Add(59 * time.Minute)) // Herald comes back
		e.tick(t)
		if n := len(net.Calls()); n != 1 {
			t.Errorf("%d posts, want 1", n)
		}
		e.wantState(t, d.ID, approvals.StatePublished)
	})
	t.Run("OKAtGrace", func(t *testing.T) {
		e, net, d := setup(t)
		e.clock.Set(d.PublishAt.Add(time.Hour))
		e.tick(t)
		if n := len(net.Calls()); n != 1 {
			t.Errorf("%d posts exactly at the grace, want 1", n)
		}
	})
	t.Run("ErrBeyondGrace", func(t *testing.T) {
		e, net, d := setup(t)
		e.clock.Set(d.PublishAt.Add(time.Hour + time.Second))
		e.tick(t)
		e.clock.Advance(time.Hour)
		e.tick(t)
		if n := len(net.Calls()); n != 0 {
			t.Errorf("%d posts of a missed draft, want none", n)
		}
		e.wantState(t, d.ID, approvals.StateMissed)
		if len(e.deliveries(t, d.ID)) != 0 {
			t.Errorf("a missed draft has deliveries")
		}
		if diff := cmp.Diff([]publish.EventKind{publish.EventMissed}, e.events.Kinds(d.ID)); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
		es := e.audit(t, d.ID)
		if last := es[len(es)-1]; last.Action != string(approvals.ActMiss) || !cmp.Equal(last.Actor, publish.System) || !strings.Contains(last.Detail, "grace") {
			t.Errorf("last audit row %+v; want a miss by Herald explaining the grace", last)
		}

		// The thread's actions: publish now, or schedule again.
		v, err := e.svc.PublishNow(t.Context(), bob, d.ID)
		if err != nil {
			t.Fatalf("PublishNow of a missed draft: %v", err)
		}
		if v.Draft.State != approvals.StatePublishing {
			t.Errorf("after PublishNow: %s", v.Draft.State)
		}
		e.tick(t)
		if n := len(net.Calls()); n != 1 {
			t.Errorf("%d posts after PublishNow, want 1", n)
		}
		e.wantState(t, d.ID, approvals.StatePublished)
	})
	t.Run("OKRescheduleMissed", func(t *testing.T) {
		e, net, d := setup(t)
		e.clock.Set(d.PublishAt.Add(3 * time.Hour))
		e.tick(t)
		e.wantState(t, d.ID, approvals.StateMissed)
		at := e.clock.Now().Add(time.Hour)
		if _, err := e.svc.Schedule(t.Context(), bob, d.ID, at); err != nil {
			t.Fatalf("Schedule a missed draft: %v", err)
		}
		e.clock.Set(at)
		e.tick(t)
		if n := len(net.Calls()); n != 1 {
			t.Errorf("%d posts, want 1", n)
		}
	})
}

func TestManyDue(t *testing.T) {
	if testing.Short() {
		t.Skip("500 posts")
	}
	const posts = 500
	a, m := newNet(), newDedup(publish.Forever)
	e := newEnv(t, config{policy: "none", opt: publish.Options{Workers: 8, Batch: 64},
		nets: map[string]publish.Publisher{"webhook": plainNet{a}, "mastodon": m}})
	minute := start.Add(time.Hour)
	ids := make([]int64, posts)
	for i := range posts {
		at := minute.Add(time.Duration(i%60) * time.Second)
		d := e.approved(t, fmt.Sprintf("Post %d", i), "webhook:main, mastodon:main", at)
		if d.State != approvals.StateScheduled {
			t.Fatalf("draft %d is %s, want scheduled", i, d.State)
		}
		ids[i] = d.ID
	}
	e.clock.Set(minute.Add(59 * time.Second))
	var wg sync.WaitGroup
	for range 2 { // two ticks at once, as a wake during a tick would
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := e.sched.Tick(t.Context()); err != nil {
				t.Errorf("Tick: %v", err)
			}
		}()
	}
	wg.Wait()
	e.tick(t)
	count := map[string]int{}
	for _, p := range append(a.Calls(), m.Calls()...) {
		count[p.Key]++
	}
	for _, id := range ids {
		for _, tg := range []herald.Target{{Kind: "webhook", Name: "main"}, {Kind: "mastodon", Name: "main"}} {
			k := publish.DeliveryKey(id, 1, tg)
			if count[k] != 1 {
				t.Errorf("draft %d on %s: sent %d times, want exactly once", id, tg, count[k])
			}
		}
	}
	if len(count) != 2*posts {
		t.Errorf("%d distinct keys sent, want %d", len(count), 2*posts)
	}
	published, err := e.store.Drafts(t.Context(), approvals.DraftFilter{States: []approvals.State{approvals.StatePublished}})
	if err != nil {
		t.Fatal(err)
	}
	if len(published) != posts {
		t.Errorf("%d drafts published, want %d", len(published), posts)
		for _, id := range ids {
			if d := e.draft(t, id); d.State != approvals.StatePublished {
				t.Errorf("draft %d is %s with deliveries %v", id, d.State, e.states(t, id))
			}
		}
	}
	delivered := 0
	for _, k := range e.events.Kinds(0) {
		if k == publish.EventDelivered {
			delivered++
		}
	}
	if delivered != 2*posts {
		t.Errorf("%d delivered events, want %d", delivered, 2*posts)
	}
}
