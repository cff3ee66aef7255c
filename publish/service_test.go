package publish_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/publish"
)

// settled returns an env whose draft went to webhook:bad (refused, 400)
// and webhook:maybe (no answer): the draft is unconfirmed.
func settled(t *testing.T) (*env, *fakeNet, approvals.Draft) {
	t.Helper()
	net := newNet().script("webhook:bad", reject400).script("webhook:maybe", lostAnswer)
	e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
	d := e.scheduled(t, "Hello", "webhook:bad, webhook:maybe", start.Add(time.Minute))
	e.clock.Advance(time.Minute)
	e.tick(t)
	want := map[string]publish.DeliveryState{"webhook:bad": publish.Failed, "webhook:maybe": publish.Unconfirmed}
	if diff := cmp.Diff(want, e.states(t, d.ID)); diff != "" {
		t.Fatalf("setup: deliveries (-want +got):\n%s", diff)
	}
	e.wantState(t, d.ID, approvals.StateUnconfirmed)
	e.events.Reset()
	return e, net, e.draft(t, d.ID)
}

// refuse runs f, which must fail with code, and checks that neither the
// draft, its audit log nor its deliveries changed.
func (e *env) refuse(t *testing.T, id int64, code string, f func() error) error {
	t.Helper()
	d, audit, ds := e.draft(t, id), e.audit(t, id), e.deliveries(t, id)
	err := f()
	wantCode(t, err, code, "refused action")
	if diff := cmp.Diff(d, e.draft(t, id), equate); diff != "" {
		t.Errorf("the draft changed (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(audit, e.audit(t, id), equate); diff != "" {
		t.Errorf("the audit log changed (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(ds, e.deliveries(t, id), equate); diff != "" {
		t.Errorf("the deliveries changed (-before +after):\n%s", diff)
	}
	return err
}

func TestRetryConfirm(t *testing.T) {
	type call func(e *env, who herald.Actor, id int64, target string) (approvals.View, error)
	retry := func(e *env, who herald.Actor, id int64, target string) (approvals.View, error) {
		return e.svc.Retry(t.Context(), who, id, target)
	}
	confirm := func(e *env, who herald.Actor, id int64, target string) (approvals.View, error) {
		return e.svc.Confirm(t.Context(), who, id, target)
	}
	for name, f := range map[string]call{"Retry": retry, "Confirm": confirm} {
		t.Run(name, func(t *testing.T) {
			for _, tt := range []struct {
				name string
				who  herald.Actor
				code string
			}{
				{"ErrViewer", vic, herald.EFORBIDDEN},
				{"ErrClient", dave, herald.EFORBIDDEN},
				{"ErrNotMember", nobody, herald.ENOTFOUND},
			} {
				t.Run(tt.name, func(t *testing.T) {
					e, _, d := settled(t)
					e.refuse(t, d.ID, tt.code, func() error { _, err := f(e, tt.who, d.ID, ""); return err })
				})
			}
			t.Run("ErrBadTarget", func(t *testing.T) {
				e, _, d := settled(t)
				e.refuse(t, d.ID, herald.EINVALID, func() error { _, err := f(e, bob, d.ID, "nonsense"); return err })
			})
			t.Run("ErrOtherTarget", func(t *testing.T) {
				e, _, d := settled(t)
				err := e.refuse(t, d.ID, herald.ECONFLICT, func() error { _, err := f(e, bob, d.ID, "webhook:elsewhere"); return err })
				wantMessage(t, err, "webhook:elsewhere")
			})
			t.Run("ErrNothingToDo", func(t *testing.T) {
				net := newNet()
				e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
				d := e.scheduled(t, "Hello", "webhook:main", start.Add(time.Minute))
				e.refuse(t, d.ID, herald.ECONFLICT, func() error { _, err := f(e, bob, d.ID, ""); return err })
				e.clock.Advance(time.Minute)
				e.tick(t)
				e.refuse(t, d.ID, herald.ECONFLICT, func() error { _, err := f(e, bob, d.ID, ""); return err })
			})
			t.Run("ErrDoubleClick", func(t *testing.T) {
				e, _, d := settled(t)
				if _, err := f(e, bob, d.ID, "webhook:maybe"); err != nil {
					t.Fatalf("first click: %v", err)
				}
				e.refuse(t, d.ID, herald.ECONFLICT, func() error { _, err := f(e, bob, d.ID, "webhook:maybe"); return err })
			})
			t.Run("ErrConcurrentClicks", func(t *testing.T) {
				e, _, d := settled(t)
				errs := make([]error, 4)
				var wg sync.WaitGroup
				for i := range errs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, errs[i] = f(e, []herald.Actor{bob, erin, alice, carol}[i], d.ID, "")
					}()
				}
				wg.Wait()
				okays := 0
				for _, err := range errs {
					switch herald.ErrorCode(err) {
					case "":
						okays++
					case herald.ECONFLICT:
					default:
						t.Errorf("unexpected error %v", err)
					}
				}
				if okays != 1 {
					t.Errorf("%d clicks succeeded, want exactly 1 (%v)", okays, errs)
				}
			})
		})
	}

	t.Run("OKRetryOneTarget", func(t *testing.T) {
		e, net, d := settled(t)
		before := len(e.audit(t, d.ID))
		v, err := e.svc.Retry(t.Context(), bob, d.ID, "webhook:bad")
		if err != nil {
			t.Fatalf("Retry: %v", err)
		}
		if v.Draft.State != approvals.StatePublishing {
			t.Errorf("after Retry the draft is %s, want publishing", v.Draft.State)
		}
		for _, x := range e.deliveries(t, d.ID) {
			switch x.Target.String() {
			case "webhook:bad":
				if x.State != publish.Pending || x.Attempts != 0 || x.Error != "" {
					t.Errorf("retried delivery %+v; want pending, attempts and error cleared", x)
				}
			case "webhook:maybe":
				if x.State != publish.Unconfirmed {
					t.Errorf("the other target became %s", x.State)
				}
			}
		}
		es := e.audit(t, d.ID)
		if diff := cmp.Diff([]string{"retry unconfirmed→publishing by Bob"}, actions(es, before)); diff != "" {
			t.Errorf("audit (-want +got):\n%s", diff)
		}
		if !strings.Contains(es[len(es)-1].Detail, "webhook:bad") || strings.Contains(es[len(es)-1].Detail, "webhook:maybe") {
			t.Errorf("audit detail %q; want only the retried target", es[len(es)-1].Detail)
		}
		e.tick(t)
		bad := 0
		for _, p := range net.Calls() {
			if p.Target.Name == "bad" {
				bad++
				if p.Key != publish.DeliveryKey(d.ID, d.Rev, p.Target) {
					t.Errorf("retried with key %q", p.Key)
				}
			}
		}
		if bad != 2 {
			t.Errorf("webhook:bad got %d posts, want 2 (the refusal and the retry)", bad)
		}
		want := map[string]publish.DeliveryState{"webhook:bad": publish.Delivered, "webhook:maybe": publish.Unconfirmed}
		if diff := cmp.Diff(want, e.states(t, d.ID)); diff != "" {
			t.Errorf("deliveries (-want +got):\n%s", diff)
		}
		e.wantState(t, d.ID, approvals.StateUnconfirmed)
	})

	t.Run("OKRetryAll", func(t *testing.T) {
		e, net, d := settled(t)
		if _, err := e.svc.Retry(t.Context(), erin, d.ID, ""); err != nil {
			t.Fatalf("Retry: %v", err)
		}
		e.tick(t)
		if n := len(net.Calls()); n != 4 {
			t.Errorf("%d posts, want 4 (two targets, twice)", n)
		}
		e.wantState(t, d.ID, approvals.StatePublished)
	})

	t.Run("OKConfirmOneThenOther", func(t *testing.T) {
		e, net, d := settled(t)
		before := len(e.audit(t, d.ID))
		v, err := e.svc.Confirm(t.Context(), bob, d.ID, "webhook:maybe")
		if err != nil {
			t.Fatalf("Confirm: %v", err)
		}
		// The unconfirmed target is settled; the refused one remains.
		if v.Draft.State != approvals.StateFailed {
			t.Errorf("after Confirm the draft is %s, want failed", v.Draft.State)
		}
		got := map[string]publish.Delivery{}
		for _, x := range e.deliveries(t, d.ID) {
			got[x.Target.String()] = x
		}
		if m := got["webhook:maybe"]; m.State != publish.Delivered || !strings.Contains(m.Error, "marked as published by Bob") {
			t.Errorf("confirmed delivery %s %q", m.State, m.Error)
		}
		if got["webhook:bad"].State != publish.Failed {
			t.Errorf("the refused target became %s", got["webhook:bad"].State)
		}
		// Posted by hand on the refused target too.
		if _, err := e.svc.Confirm(t.Context(), alice, d.ID, "webhook:bad"); err != nil {
			t.Fatalf("Confirm the failed target: %v", err)
		}
		e.wantState(t, d.ID, approvals.StatePublished)
		if diff := cmp.Diff([]string{"fail unconfirmed→failed by Bob", "confirm failed→published by Alice"}, actions(e.audit(t, d.ID), before)); diff != "" {
			t.Errorf("audit (-want +got):\n%s", diff)
		}
		e.tick(t)
		if n := len(net.Calls()); n != 2 {
			t.Errorf("%d posts, want the 2 first attempts only", n)
		}
	})

	t.Run("OKConfirmKeepsState", func(t *testing.T) {
		// Two refused targets; confirming one leaves the draft failed: the
		// action is audited all the same.
		net := newNet().script("webhook:a", reject400).script("webhook:b", reject400)
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
		d := e.scheduled(t, "Hello", "webhook:a, webhook:b", start.Add(time.Minute))
		e.clock.Advance(time.Minute)
		e.tick(t)
		e.wantState(t, d.ID, approvals.StateFailed)
		before := e.draft(t, d.ID)
		n := len(e.audit(t, d.ID))
		if _, err := e.svc.Confirm(t.Context(), bob, d.ID, "webhook:a"); err != nil {
			t.Fatalf("Confirm: %v", err)
		}
		after := e.draft(t, d.ID)
		if after.State != approvals.StateFailed || after.Version != before.Version+1 {
			t.Errorf("draft %s version %d → %d; want failed, version bumped", after.State, before.Version, after.Version)
		}
		if diff := cmp.Diff([]string{"confirm failed→failed by Bob"}, actions(e.audit(t, d.ID), n)); diff != "" {
			t.Errorf("audit (-want +got):\n%s", diff)
		}
	})
}

func TestPublishNow(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		net := newNet()
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
		d := e.approved(t, "Right now", "webhook:main", time.Time{})
		select { // drain wakes from setup
		case <-e.sched.Woken():
		default:
		}
		v, err := e.svc.PublishNow(t.Context(), erin, d.ID)
		if err != nil {
			t.Fatalf("PublishNow: %v", err)
		}
		if v.Draft.State != approvals.StatePublishing || !v.Draft.PublishAt.Equal(start) {
			t.Errorf("after PublishNow: %s at %s; want publishing at %s", v.Draft.State, v.Draft.PublishAt, start)
		}
		select {
		case <-e.sched.Woken():
		default:
			t.Error("PublishNow did not wake the scheduler")
		}
		if got := e.delivery(t, d.ID); got.State != publish.Pending || got.Key != publish.DeliveryKey(d.ID, d.Rev, herald.Target{Kind: "webhook", Name: "main"}) {
			t.Errorf("delivery %+v; want pending with the draft's key", got)
		}
		e.tick(t)
		e.tick(t)
		if n := len(net.Calls()); n != 1 {
			t.Errorf("%d posts, want 1", n)
		}
		e.wantState(t, d.ID, approvals.StatePublished)
		e.refuse(t, d.ID, herald.ECONFLICT, func() error { _, err := e.svc.PublishNow(t.Context(), erin, d.ID); return err })
	})
	t.Run("OKFromScheduled", func(t *testing.T) {
		net := newNet()
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
		d := e.scheduled(t, "Sooner", "webhook:main", start.Add(24*time.Hour))
		if _, err := e.svc.PublishNow(t.Context(), bob, d.ID); err != nil {
			t.Fatalf("PublishNow: %v", err)
		}
		e.tick(t)
		e.clock.Advance(25 * time.Hour)
		e.tick(t)
		if n := len(net.Calls()); n != 1 {
			t.Errorf("%d posts, want 1", n)
		}
	})
	t.Run("ErrNotApproved", func(t *testing.T) {
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{newNet()}}})
		d := e.submitted(t, "In review", "webhook:main", time.Time{})
		e.refuse(t, d.ID, herald.ECONFLICT, func() error { _, err := e.svc.PublishNow(t.Context(), bob, d.ID); return err })
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{newNet()}}})
		d := e.approved(t, "Approved", "webhook:main", time.Time{})
		for _, who := range []herald.Actor{vic, dave} {
			e.refuse(t, d.ID, herald.EFORBIDDEN, func() error { _, err := e.svc.PublishNow(t.Context(), who, d.ID); return err })
		}
	})
	t.Run("ErrNoTargets", func(t *testing.T) {
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{newNet()}}})
		d := e.approved(t, "Nowhere", "", time.Time{})
		err := e.refuse(t, d.ID, herald.EINVALID, func() error { _, err := e.svc.PublishNow(t.Context(), bob, d.ID); return err })
		wantMessage(t, err, "no targets")
	})
}

func TestSchedule(t *testing.T) {
	t.Run("OKReschedule", func(t *testing.T) {
		net := newNet()
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
		d := e.scheduled(t, "Later", "webhook:main", start.Add(time.Hour))
		v, err := e.svc.Schedule(t.Context(), alice, d.ID, start.Add(3*time.Hour))
		if err != nil {
			t.Fatalf("Schedule again: %v", err)
		}
		if !v.Draft.PublishAt.Equal(start.Add(3 * time.Hour)) {
			t.Errorf("PublishAt = %s", v.Draft.PublishAt)
		}
		e.clock.Set(start.Add(2 * time.Hour))
		e.tick(t)
		if n := len(net.Calls()); n != 0 {
			t.Errorf("published at the old time")
		}
		e.clock.Set(start.Add(3 * time.Hour))
		e.tick(t)
		if n := len(net.Calls()); n != 1 {
			t.Errorf("%d posts at the new time, want 1", n)
		}
	})
	t.Run("ErrPast", func(t *testing.T) {
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{newNet()}}})
		d := e.approved(t, "Too late", "webhook:main", time.Time{})
		for _, at := range []time.Time{start, start.Add(-time.Minute), {}} {
			err := e.refuse(t, d.ID, herald.EINVALID, func() error { _, err := e.svc.Schedule(t.Context(), bob, d.ID, at); return err })
			wantMessage(t, err, "publish")
		}
	})
	t.Run("ErrNoTargets", func(t *testing.T) {
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{newNet()}}})
		d := e.approved(t, "Nowhere", "", time.Time{})
		err := e.refuse(t, d.ID, herald.EINVALID, func() error { _, err := e.svc.Schedule(t.Context(), bob, d.ID, start.Add(time.Hour)); return err })
		wantMessage(t, err, "no targets")
	})
	t.Run("ErrNotApproved", func(t *testing.T) {
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{newNet()}}})
		inReview := e.submitted(t, "In review", "webhook:main", time.Time{})
		d, err := e.drafts.CreateDraft(t.Context(), bob, acmeCh, approvals.NewDraft{Text: "Still a draft", Targets: mustTargets(t, "webhook:main")})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{inReview.ID, d.ID} {
			e.refuse(t, id, herald.ECONFLICT, func() error { _, err := e.svc.Schedule(t.Context(), bob, id, start.Add(time.Hour)); return err })
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{newNet()}}})
		d := e.approved(t, "Approved", "webhook:main", time.Time{})
		for _, who := range []herald.Actor{vic, dave} {
			e.refuse(t, d.ID, herald.EFORBIDDEN, func() error { _, err := e.svc.Schedule(t.Context(), who, d.ID, start.Add(time.Hour)); return err })
		}
		e.refuse(t, d.ID, herald.ENOTFOUND, func() error { _, err := e.svc.Schedule(t.Context(), nobody, d.ID, start.Add(time.Hour)); return err })
	})
	t.Run("ErrValidator", func(t *testing.T) {
		// The network's limit shrank after approval.
		net := newNet()
		e := newEnv(t, config{nets: map[string]publish.Publisher{"mastodon": validNet{net}}})
		d := e.approved(t, "Twenty-two characters", "mastodon:main", time.Time{})
		net.mu.Lock()
		net.limit = 10
		net.mu.Unlock()
		err := e.refuse(t, d.ID, herald.EINVALID, func() error { _, err := e.svc.Schedule(t.Context(), bob, d.ID, start.Add(time.Hour)); return err })
		wantMessage(t, err, "mastodon:main: at most 10 characters")
		e.refuse(t, d.ID, herald.EINVALID, func() error { _, err := e.svc.PublishNow(t.Context(), bob, d.ID); return err })
	})
	t.Run("ErrUnconfigured", func(t *testing.T) {
		net := newNet()
		e := newEnv(t, config{nets: map[string]publish.Publisher{"mastodon": configNet{net}}})
		tg := herald.Target{Kind: "mastodon", Name: "main"}
		if _, err := e.svc.AddTarget(t.Context(), alice, acmeCh, "", publish.Account{Target: tg, URL: "https://m.example", Secret: "s3cret"}); err != nil {
			t.Fatalf("AddTarget: %v", err)
		}
		d := e.approved(t, "Hello", "mastodon:main", time.Time{})
		if _, err := e.svc.RemoveTarget(t.Context(), alice, acmeCh, "", tg); err != nil {
			t.Fatalf("RemoveTarget: %v", err)
		}
		err := e.refuse(t, d.ID, herald.EINVALID, func() error { _, err := e.svc.Schedule(t.Context(), bob, d.ID, start.Add(time.Hour)); return err })
		wantMessage(t, err, "not set up")
	})
}

func TestCheckDraft(t *testing.T) {
	net := newNet()
	net.limit = 10
	e := newEnv(t, config{nets: map[string]publish.Publisher{"mastodon": configNet{net}, "bluesky": validNet{net}, "webhook": plainNet{net}}})
	if _, err := e.svc.AddTarget(t.Context(), alice, acmeCh, "", publish.Account{Target: herald.Target{Kind: "mastodon", Name: "main"}, URL: "https://m.example"}); err != nil {
		t.Fatalf("AddTarget: %v", err)
	}
	tests := []struct {
		name, targets, text string
		want                []string // fragments of the blocking findings, in order
	}{
		{"OK", "mastodon:main, bluesky:main, webhook:x", "short", nil},
		{"OKNoTargets", "", "short", nil},
		{"ErrNotConnected", "discord:#news", "short", []string{"discord is not connected"}},
		{"ErrNotSetUp", "mastodon:other", "short", []string{"mastodon:other is not set up for Acme"}},
		{"ErrTooLong", "bluesky:main, webhook:x", "longer than ten", []string{"bluesky:main: at most 10 characters"}},
		{"ErrSeveral", "discord:#news, mastodon:other, bluesky:main", "longer than ten", []string{"discord", "mastodon:other", "bluesky:main"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := e.svc.CheckDraft(t.Context(), e.brand, mustTargets(t, tt.targets), tt.text)
			if err != nil {
				t.Fatalf("CheckDraft: %v", err)
			}
			if len(fs) != len(tt.want) {
				t.Fatalf("findings %+v, want %d", fs, len(tt.want))
			}
			for i, f := range fs {
				if !f.Blocking || !strings.Contains(f.Message, tt.want[i]) {
					t.Errorf("finding %d = %+v, want blocking, mentioning %q", i, f, tt.want[i])
				}
				if strings.Contains(f.Message, "`") {
					t.Errorf("finding %d = %q quotes chat syntax; the command layer words the hint", i, f.Message)
				}
			}
		})
	}
	t.Run("NotConfiguredFacts", func(t *testing.T) {
		fs, err := e.svc.CheckDraft(t.Context(), e.brand, mustTargets(t, "mastodon:other"), "short")
		if err != nil || len(fs) != 1 {
			t.Fatalf("CheckDraft = %+v, %v", fs, err)
		}
		want := herald.Facts{"target": "mastodon:other", "brand": "Acme"}
		if f := fs[0]; f.Reason != publish.ReasonNotConfigured || !cmp.Equal(f.Facts, want) {
			t.Errorf("finding %+v; want reason %q with facts %v", f, publish.ReasonNotConfigured, want)
		}
	})
	t.Run("ErrSubmitBlocked", func(t *testing.T) {
		d, err := e.drafts.CreateDraft(t.Context(), bob, acmeCh, approvals.NewDraft{Text: "far too long for it", Targets: mustTargets(t, "bluesky:main")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.drafts.Submit(t.Context(), bob, d.ID)
		wantCode(t, err, herald.EINVALID, "Submit")
		wantMessage(t, err, "at most 10 characters")
		he := herald.AsError(err)
		if fs, _ := he.Facts["findings"].([]approvals.Finding); he.Reason != approvals.ReasonBlocked || len(fs) != 1 || !strings.Contains(fs[0].Message, "at most 10 characters") {
			t.Errorf("error %+v; want reason %q with the blocking finding", he, approvals.ReasonBlocked)
		}
	})
}

func TestTargets(t *testing.T) {
	newTargetsEnv := func(t *testing.T) (*env, *fakeNet) {
		net := newNet()
		return newEnv(t, config{nets: map[string]publish.Publisher{"mastodon": configNet{net}, "webhook": plainNet{net}, "slack": plainNet{net}}}), net
	}
	main := herald.Target{Kind: "mastodon", Name: "main"}
	t.Run("OK", func(t *testing.T) {
		e, _ := newTargetsEnv(t)
		a := publish.Account{Target: main, URL: "https://user:pw@m.example/api/secret-path", Handle: "@acme", Secret: "s3cret"}
		if _, err := e.svc.AddTarget(t.Context(), alice, acmeCh, "", a); err != nil {
			t.Fatalf("AddTarget: %v", err)
		}
		stored, err := e.store.Account(t.Context(), e.brand.ID, main)
		if err != nil {
			t.Fatalf("Account: %v", err)
		}
		a.BrandID = e.brand.ID
		if diff := cmp.Diff(a, stored); diff != "" {
			t.Errorf("stored account (-want +got):\n%s", diff)
		}
		b, as, open, err := e.svc.Targets(t.Context(), vic, acmeCh, "")
		if err != nil {
			t.Fatalf("Targets: %v", err)
		}
		want := []publish.Account{{BrandID: e.brand.ID, Target: main, URL: "https://m.example/…", Handle: "@acme"}}
		if diff := cmp.Diff(want, as); diff != "" {
			t.Errorf("listed accounts (-want +got):\n%s", diff)
		}
		if b.ID != e.brand.ID {
			t.Errorf("brand %d", b.ID)
		}
		if diff := cmp.Diff([]string{"slack", "webhook"}, open); diff != "" {
			t.Errorf("kinds needing no account (-want +got):\n%s", diff)
		}
		// Replacing keeps one account.
		if _, err := e.svc.AddTarget(t.Context(), alice, acmeCh, "Acme", publish.Account{Target: main, URL: "https://other.example", Secret: "new"}); err != nil {
			t.Fatalf("AddTarget again: %v", err)
		}
		if as, _ := e.store.Accounts(t.Context(), e.brand.ID); len(as) != 1 || as[0].URL != "https://other.example" || as[0].Secret != "new" {
			t.Errorf("after replacing: %+v", as)
		}
		if _, err := e.svc.RemoveTarget(t.Context(), alice, acmeCh, "", main); err != nil {
			t.Fatalf("RemoveTarget: %v", err)
		}
		_, err = e.store.Account(t.Context(), e.brand.ID, main)
		wantCode(t, err, herald.ENOTFOUND, "Account after RemoveTarget")
	})
	t.Run("OKAccountInPost", func(t *testing.T) {
		e, net := newTargetsEnv(t)
		a := publish.Account{Target: main, URL: "https://m.example", Secret: "s3cret"}
		if _, err := e.svc.AddTarget(t.Context(), alice, acmeCh, "", a); err != nil {
			t.Fatalf("AddTarget: %v", err)
		}
		d := e.scheduled(t, "Hello", "mastodon:main", start.Add(time.Minute))
		e.clock.Advance(time.Minute)
		e.tick(t)
		a.BrandID = e.brand.ID
		if calls := net.Calls(); len(calls) != 1 || calls[0].Account != a {
			t.Errorf("posts %+v; want one carrying the account", calls)
		}
		e.wantState(t, d.ID, approvals.StatePublished)
	})
	t.Run("ErrAccountRemovedBeforeDue", func(t *testing.T) {
		e, net := newTargetsEnv(t)
		if _, err := e.svc.AddTarget(t.Context(), alice, acmeCh, "", publish.Account{Target: main, URL: "https://m.example"}); err != nil {
			t.Fatalf("AddTarget: %v", err)
		}
		d := e.scheduled(t, "Hello", "mastodon:main", start.Add(time.Minute))
		if _, err := e.svc.RemoveTarget(t.Context(), alice, acmeCh, "", main); err != nil {
			t.Fatalf("RemoveTarget: %v", err)
		}
		e.clock.Advance(time.Minute)
		e.tick(t)
		if n := len(net.Calls()); n != 0 {
			t.Errorf("%d posts without an account", n)
		}
		got := e.delivery(t, d.ID)
		if got.State != publish.Failed || !strings.Contains(got.Error, "no longer set up") {
			t.Errorf("delivery %s %q; want failed, saying so", got.State, got.Error)
		}
	})
	for _, tt := range []struct {
		name string
		who  herald.Actor
		a    publish.Account
		code string
	}{
		{"ErrEditor", bob, publish.Account{Target: main, URL: "https://m.example"}, herald.EFORBIDDEN},
		{"ErrNotMember", nobody, publish.Account{Target: main, URL: "https://m.example"}, herald.ENOTFOUND},
		{"ErrCheckAccount", alice, publish.Account{Target: main, URL: "http://m.example"}, herald.EINVALID},
		{"ErrNeedsNoSetup", alice, publish.Account{Target: herald.Target{Kind: "webhook", Name: "x"}, URL: "https://h.example"}, herald.EINVALID},
		{"ErrNotConnected", alice, publish.Account{Target: herald.Target{Kind: "bluesky", Name: "x"}, URL: "https://b.example"}, herald.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newTargetsEnv(t)
			_, err := e.svc.AddTarget(t.Context(), tt.who, acmeCh, "", tt.a)
			wantCode(t, err, tt.code, "AddTarget")
			if as, _ := e.store.Accounts(t.Context(), e.brand.ID); len(as) != 0 {
				t.Errorf("a refused AddTarget stored %+v", as)
			}
		})
	}
	t.Run("ErrRemove", func(t *testing.T) {
		e, _ := newTargetsEnv(t)
		if _, err := e.svc.AddTarget(t.Context(), alice, acmeCh, "", publish.Account{Target: main, URL: "https://m.example"}); err != nil {
			t.Fatalf("AddTarget: %v", err)
		}
		_, err := e.svc.RemoveTarget(t.Context(), bob, acmeCh, "", main)
		wantCode(t, err, herald.EFORBIDDEN, "RemoveTarget by an editor")
		_, err = e.svc.RemoveTarget(t.Context(), alice, acmeCh, "", herald.Target{Kind: "mastodon", Name: "other"})
		wantCode(t, err, herald.ENOTFOUND, "RemoveTarget of a missing target")
		if as, _ := e.store.Accounts(t.Context(), e.brand.ID); len(as) != 1 {
			t.Errorf("accounts %+v after refused removals, want the one", as)
		}
	})
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://hooks.example.com/services/T000/B000/XXXX", "https://hooks.example.com/…"},
		{"https://user:secret@example.com/x", "https://example.com/…"},
		{"https://example.com", "https://example.com/…"},
		{"not a url", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := publish.Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDeliveryKey(t *testing.T) {
	a := herald.Target{Kind: "mastodon", Name: "main"}
	b := herald.Target{Kind: "mastodon", Name: "other"}
	k := publish.DeliveryKey(1, 1, a)
	if k != publish.DeliveryKey(1, 1, a) {
		t.Error("DeliveryKey is not deterministic")
	}
	if len(k) > 25 || !strings.HasPrefix(k, "h") {
		t.Errorf("DeliveryKey = %q (%d characters); want at most 25 (Discord's nonce), starting with h", k, len(k))
	}
	seen := map[string]bool{}
	for _, id := range []int64{1, 2, 12} {
		for _, rev := range []int{1, 2, 21} {
			for _, tg := range []herald.Target{a, b} {
				k := publish.DeliveryKey(id, rev, tg)
				if seen[k] {
					t.Errorf("DeliveryKey(%d, %d, %s) = %q collides", id, rev, tg, k)
				}
				seen[k] = true
			}
		}
	}
}
