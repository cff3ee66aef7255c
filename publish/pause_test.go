package publish_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/publish"
)

// TestPause: posts due before a pause go out, those due during it are
// held and become missed on resume, those after it keep their times.
func TestPause(t *testing.T) {
	t.Run("OKBeforeDuringAfter", func(t *testing.T) {
		net := newNet()
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
		before := e.scheduled(t, "before", "webhook:main", start.Add(10*time.Minute))
		during := e.scheduled(t, "during", "webhook:main", start.Add(30*time.Minute))
		after := e.scheduled(t, "after", "webhook:main", start.Add(2*time.Hour))

		e.clock.Set(start.Add(10 * time.Minute))
		e.tick(t)
		e.wantState(t, before.ID, approvals.StatePublished)

		e.clock.Set(start.Add(20 * time.Minute))
		v, err := e.svc.Pause(t.Context(), carol, acmeCh, "", "product recall", time.Time{})
		if err != nil {
			t.Fatalf("Pause: %v", err)
		}
		if v.Held != 2 || v.Pause.Reason != "product recall" {
			t.Errorf("pause view: held %d, reason %q; want 2 held, the reason", v.Held, v.Pause.Reason)
		}
		e.clock.Set(start.Add(40 * time.Minute))
		e.tick(t)
		e.wantState(t, during.ID, approvals.StateScheduled) // held
		if n := net.CallsFor(during.ID); n != 0 {
			t.Fatalf("held post sent %d times", n)
		}

		e.clock.Set(start.Add(time.Hour))
		r, err := e.svc.Resume(t.Context(), alice, acmeCh, "")
		if err != nil {
			t.Fatalf("Resume: %v", err)
		}
		if len(r.Missed) != 1 || r.Missed[0].ID != during.ID || !r.Ended {
			t.Fatalf("resume view missed %+v; want only #%d", r.Missed, during.ID)
		}
		e.tick(t)
		e.wantState(t, during.ID, approvals.StateMissed)
		e.wantState(t, after.ID, approvals.StateScheduled)
		e.clock.Set(start.Add(2 * time.Hour))
		e.tick(t)
		e.wantState(t, after.ID, approvals.StatePublished)
		if n := net.CallsFor(during.ID); n != 0 {
			t.Errorf("missed post sent %d times", n)
		}
		acts := brandAudit(t, e)
		if len(acts) != 2 || acts[0] != "pause by Carol: product recall" || acts[1] != fmt.Sprintf("resume by Alice: missed: #%d", during.ID) {
			t.Errorf("brand audit %q", acts)
		}
	})

	t.Run("OKUntilExpires", func(t *testing.T) {
		net := newNet()
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
		during := e.scheduled(t, "during", "webhook:main", start.Add(30*time.Minute))
		after := e.scheduled(t, "after the end", "webhook:main", start.Add(61*time.Minute))
		if _, err := e.svc.Pause(t.Context(), alice, acmeCh, "", "bad buzz", start.Add(time.Hour)); err != nil {
			t.Fatalf("Pause: %v", err)
		}
		e.clock.Set(start.Add(59 * time.Minute))
		e.tick(t)
		e.wantState(t, during.ID, approvals.StateScheduled)
		if _, paused, _ := e.svc.BrandPause(t.Context(), e.brand.ID); !paused {
			t.Fatal("pause ended before its time")
		}
		e.events.Reset()
		e.clock.Set(start.Add(62 * time.Minute)) // the tick comes after the end
		e.tick(t)
		if _, paused, _ := e.svc.BrandPause(t.Context(), e.brand.ID); paused {
			t.Fatal("pause still on after --until")
		}
		e.wantState(t, during.ID, approvals.StateMissed)
		e.wantState(t, after.ID, approvals.StatePublished) // due after the end: not missed
		var ended *publish.PauseView
		for _, ev := range e.events.Events() {
			if ev.Kind == publish.EventResumed {
				ended = ev.Pause
			}
		}
		if ended == nil || len(ended.Missed) != 1 || ended.Missed[0].ID != during.ID || ended.EndedBy.Key() != publish.System.Key() {
			t.Errorf("resumed event %+v; want one, by Herald, listing #%d", ended, during.ID)
		}
	})

	t.Run("OKConfirmedPublishDuringPause", func(t *testing.T) {
		net := newNet()
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
		d := e.approved(t, "Our statement", "webhook:main", time.Time{})
		if _, err := e.svc.Pause(t.Context(), alice, acmeCh, "", "recall", time.Time{}); err != nil {
			t.Fatalf("Pause: %v", err)
		}
		_, err := e.svc.PublishNow(t.Context(), bob, d.ID)
		if he := herald.AsError(err); he == nil || he.Reason != publish.ReasonPaused {
			t.Fatalf("PublishNow during a pause: %v; want a %s refusal", err, publish.ReasonPaused)
		}
		if _, err := e.svc.PublishDuringPause(t.Context(), bob, d.ID); err != nil {
			t.Fatalf("PublishDuringPause: %v", err)
		}
		e.tick(t)
		e.wantState(t, d.ID, approvals.StatePublished)
	})

	// Review of issue 20: a publish confirmed during a pause says so in
	// the draft's audit, with the pause's reason; on the code as it was
	// its row read as any publish.
	t.Run("OKConfirmedPublishAudited", func(t *testing.T) {
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{newNet()}}})
		d := e.approved(t, "Our statement", "webhook:main", time.Time{})
		plain := e.approved(t, "Before", "webhook:main", time.Time{})
		if _, err := e.svc.PublishDuringPause(t.Context(), bob, plain.ID); err != nil {
			t.Fatalf("PublishDuringPause while not paused: %v", err)
		}
		if _, err := e.svc.Pause(t.Context(), alice, acmeCh, "", "recall", time.Time{}); err != nil {
			t.Fatalf("Pause: %v", err)
		}
		if _, err := e.svc.PublishDuringPause(t.Context(), bob, d.ID); err != nil {
			t.Fatalf("PublishDuringPause: %v", err)
		}
		last := func(id int64) string { es := e.audit(t, id); return es[len(es)-1].Detail }
		if got, want := last(d.ID), "now, to webhook:main; confirmed while publishing was paused (recall)"; got != want {
			t.Errorf("audit detail %q; want %q", got, want)
		}
		if got, want := last(plain.ID), "now, to webhook:main"; got != want {
			t.Errorf("audit detail when not paused %q; want %q", got, want)
		}
	})

	// A person's retry sends a post out now, as publish does: during a
	// pause it needs the same confirmation.
	t.Run("OKConfirmedRetryDuringPause", func(t *testing.T) {
		e, net, d := settled(t)
		if _, err := e.svc.Pause(t.Context(), alice, acmeCh, "", "recall", time.Time{}); err != nil {
			t.Fatalf("Pause: %v", err)
		}
		err := e.refuse(t, d.ID, herald.ECONFLICT, func() error { _, err := e.svc.Retry(t.Context(), bob, d.ID, "webhook:maybe"); return err })
		if he := herald.AsError(err); he == nil || he.Reason != publish.ReasonPaused {
			t.Fatalf("Retry during a pause: %v; want a %s refusal", err, publish.ReasonPaused)
		}
		calls := net.CallsFor(d.ID)
		if _, err := e.svc.RetryDuringPause(t.Context(), bob, d.ID, "webhook:maybe"); err != nil {
			t.Fatalf("RetryDuringPause: %v", err)
		}
		e.tick(t)
		if n := net.CallsFor(d.ID); n != calls+1 {
			t.Errorf("confirmed retry made %d call(s); want 1", n-calls)
		}
	})

	t.Run("ErrRoles", func(t *testing.T) {
		e := newEnv(t, config{})
		for _, who := range []herald.Actor{bob, dave, vic} {
			if _, err := e.svc.Pause(t.Context(), who, acmeCh, "", "x", time.Time{}); herald.ErrorCode(err) != herald.EFORBIDDEN {
				t.Errorf("Pause by %s: %v; want EFORBIDDEN", who.Name, err)
			}
		}
		if _, err := e.svc.Resume(t.Context(), alice, acmeCh, ""); herald.ErrorCode(err) != herald.ECONFLICT {
			t.Errorf("Resume while not paused: %v; want ECONFLICT", err)
		}
		if _, err := e.svc.Pause(t.Context(), ann, acmeCh, "", "x", time.Time{}); err != nil {
			t.Fatalf("Pause by an approver: %v", err)
		}
		if _, err := e.svc.Pause(t.Context(), alice, acmeCh, "", "y", time.Time{}); herald.ErrorCode(err) != herald.ECONFLICT {
			t.Errorf("second Pause: %v; want ECONFLICT", err)
		}
	})
}

// TestPauseRace: 100 posts fall due in the tick that races the pause. Each
// is published with a claim committed before the pause, or held; no claim
// commits after it. Repeated, for -race.
func TestPauseRace(t *testing.T) {
	for round := range 20 {
		net := newNet()
		e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
		at := start.Add(time.Minute)
		ids := make([]int64, 100)
		for i := range ids {
			ids[i] = e.scheduled(t, fmt.Sprintf("post %d", i), "webhook:main", at).ID
		}
		e.clock.Set(at)
		var wg sync.WaitGroup
		var pause publish.PauseView
		var perr error
		wg.Add(2)
		go func() { defer wg.Done(); _ = e.sched.Tick(t.Context()) }()
		go func() {
			defer wg.Done()
			pause, perr = e.svc.Pause(t.Context(), alice, acmeCh, "", "race", time.Time{})
		}()
		wg.Wait()
		if perr != nil {
			t.Fatalf("round %d: Pause: %v", round, perr)
		}
		pausedAt := pauseSeq(t, e)
		held := 0
		for _, id := range ids {
			d := e.draft(t, id)
			switch d.State {
			case approvals.StateScheduled:
				held++
				if n := net.CallsFor(id); n != 0 {
					t.Errorf("round %d: held #%d was sent", round, id)
				}
			case approvals.StatePublishing, approvals.StatePublished:
				if seq := claimSeq(t, e, id); seq == 0 || seq > pausedAt {
					t.Errorf("round %d: #%d claimed at audit row %d, after the pause (row %d)", round, id, seq, pausedAt)
				}
			default:
				t.Errorf("round %d: #%d is %s", round, id, d.State)
			}
		}
		if held != pause.Held {
			t.Errorf("round %d: %d held, the pause counted %d", round, held, pause.Held)
		}
		t.Logf("round %d: %d of %d held", round, held, len(ids))
		e.tick(t) // later ticks claim nothing more
		for _, id := range ids {
			if d := e.draft(t, id); d.State == approvals.StatePublishing {
				t.Errorf("round %d: #%d still publishing after a tick", round, id)
			}
		}
	}
}

// brandAudit lists the brand-level pause and resume rows as "action by
// Name: detail".
func brandAudit(t *testing.T, e *env) []string {
	t.Helper()
	es, err := e.store.PauseAudit(t.Context(), e.brand.ID)
	if err != nil {
		t.Fatalf("PauseAudit: %v", err)
	}
	var out []string
	for _, x := range es {
		out = append(out, x.Action+" by "+x.Actor.Name+": "+x.Detail)
	}
	return out
}

// pauseSeq is the audit row id of the brand's pause: rows are numbered in
// commit order (one writer).
func pauseSeq(t *testing.T, e *env) int64 {
	t.Helper()
	es, err := e.store.PauseAudit(t.Context(), e.brand.ID)
	if err != nil || len(es) == 0 {
		t.Fatalf("pause audit rows %v: %v", es, err)
	}
	return es[0].ID
}

// claimSeq is the audit row id of the scheduler's claim of a draft (0 if
// none).
func claimSeq(t *testing.T, e *env, draftID int64) int64 {
	t.Helper()
	for _, x := range e.audit(t, draftID) {
		if x.Action == string(approvals.ActPublish) && x.Actor.Key() == publish.System.Key() {
			return x.ID
		}
	}
	return 0
}

// TestHeldICS: the calendar feed marks the posts a pause holds as
// tentative, with "[held]" and the reason; others are unchanged.
func TestHeldICS(t *testing.T) {
	b := herald.Brand{ID: 1, Name: "Acme", Timezone: "UTC"}
	held := approvals.Draft{ID: 1, BrandID: 1, State: approvals.StateScheduled, Text: "Promo", PublishAt: start.Add(time.Hour), UpdatedAt: start}
	later := approvals.Draft{ID: 2, BrandID: 1, State: approvals.StateScheduled, Text: "After", PublishAt: start.Add(5 * time.Hour), UpdatedAt: start}
	p := publish.Pause{BrandID: 1, Reason: "recall", By: alice, At: start, Until: start.Add(2 * time.Hour)}
	got := string(publish.HeldICS(b, []approvals.Draft{held, later}, start, p, kit.CalendarWords(i18n.English)))
	events := strings.Split(got, "BEGIN:VEVENT")
	if len(events) != 3 {
		t.Fatalf("%d events:\n%s", len(events)-1, got)
	}
	for _, want := range []string{"SUMMARY:[held] #1 scheduled: Promo", "DESCRIPTION:held: recall\\n\\nPromo", "STATUS:TENTATIVE"} {
		if !strings.Contains(events[1], want) {
			t.Errorf("held event lacks %q:\n%s", want, events[1])
		}
	}
	if strings.Contains(events[2], "held") || !strings.Contains(events[2], "STATUS:CONFIRMED") {
		t.Errorf("a post after the pause's end is marked:\n%s", events[2])
	}
	if plain := string(publish.ICS(b, []approvals.Draft{held}, start, kit.CalendarWords(i18n.English))); strings.Contains(plain, "TENTATIVE") {
		t.Errorf("ICS without a pause marks a post held:\n%s", plain)
	}
}
