package storagetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/publish"
)

// The pause part of the publish.Store contract (RunPublish, issue 20): a
// paused brand's posts are neither due nor claimable; ending the pause
// makes the passed ones missed in the same transaction.
func testPauses(t *testing.T, open func(t *testing.T) publish.Store) {
	t.Run("OKClaimHeld", func(t *testing.T) { testPauseHolds(t, open) })
	t.Run("OKEndPauseMisses", func(t *testing.T) { testEndPause(t, open) })
}

func pauseEntry(b herald.Brand, action string) approvals.AuditEntry {
	return approvals.AuditEntry{BrandID: b.ID, Action: action, Actor: alice, Detail: "recall", At: t0}
}

// testPauseHolds: a paused brand's posts are neither due nor claimable;
// other brands' are.
func testPauseHolds(t *testing.T, open func(t *testing.T) publish.Store) {
	s := open(t)
	a := mustBrand(t, s, "Acme", alice)
	g := mustBrand(t, s, "Globex", alice)
	held := mustScheduled(t, s, a.ID, "held", t0)
	other := mustScheduled(t, s, g.ID, "other brand", t0)
	p := publish.Pause{BrandID: a.ID, Reason: "recall", By: alice, At: t0, Until: t2}
	if err := s.Pause(t.Context(), p, pauseEntry(a, "pause")); err != nil {
		t.Fatalf("Pause: %v", err)
	}
	assertCode(t, s.Pause(t.Context(), p, pauseEntry(a, "pause")), herald.ECONFLICT, "second Pause")
	got, err := s.BrandPause(t.Context(), a.ID)
	if err != nil {
		t.Fatalf("BrandPause: %v", err)
	}
	if diff := cmp.Diff(p, got); diff != "" {
		t.Errorf("BrandPause (-want +got):\n%s", diff)
	}
	_, err = s.BrandPause(t.Context(), g.ID)
	assertCode(t, err, herald.ENOTFOUND, "BrandPause of a brand not paused")
	due, err := s.DueDrafts(t.Context(), t1, 10)
	if err != nil {
		t.Fatalf("DueDrafts: %v", err)
	}
	if diff := cmp.Diff([]int64{other.ID}, ids(due)); diff != "" {
		t.Errorf("DueDrafts while Acme is paused (-want +got):\n%s", diff)
	}
	c := move(t, held, publish.System, approvals.ActPublish, "")
	err = s.ClaimDue(t.Context(), c, inserts(delivery(held, slackLaunch)))
	if he := herald.AsError(err); he == nil || he.Reason != publish.ReasonPaused {
		t.Fatalf("ClaimDue of a paused brand's post: %v; want Reason %s", err, publish.ReasonPaused)
	}
	if d := mustGet(t, s, held.ID); d.State != approvals.StateScheduled || len(mustDeliveries(t, s, held.ID)) != 0 {
		t.Errorf("held draft is %s with deliveries; want scheduled, none", d.State)
	}
	oc := move(t, other, publish.System, approvals.ActPublish, "")
	if err := s.ClaimDue(t.Context(), oc, inserts(delivery(other, slackLaunch))); err != nil {
		t.Errorf("ClaimDue of another brand's post: %v", err)
	}
	if n, err := s.HeldCount(t.Context(), a.ID, time.Time{}); err != nil || n != 1 {
		t.Errorf("HeldCount = %d, %v; want 1", n, err)
	}
	exp, err := s.ExpiredPauses(t.Context(), t1)
	if err != nil || len(exp) != 0 {
		t.Errorf("ExpiredPauses before the end = %v, %v", exp, err)
	}
	if exp, err = s.ExpiredPauses(t.Context(), t2); err != nil || len(exp) != 1 || exp[0].BrandID != a.ID {
		t.Errorf("ExpiredPauses at the end = %v, %v; want Acme's", exp, err)
	}
}

// testEndPause: ending a pause makes the passed posts missed, keeps the
// others, and is audited; it cannot end twice.
func testEndPause(t *testing.T, open func(t *testing.T) publish.Store) {
	s := open(t)
	a := mustBrand(t, s, "Acme", alice)
	passed := mustScheduled(t, s, a.ID, "passed", t0)
	ahead := mustScheduled(t, s, a.ID, "ahead", t2)
	p := publish.Pause{BrandID: a.ID, By: alice, At: t0}
	if err := s.Pause(t.Context(), p, pauseEntry(a, "pause")); err != nil {
		t.Fatalf("Pause: %v", err)
	}
	miss := func(d approvals.Draft) (approvals.Change, error) {
		return move(t, d, alice, approvals.ActMiss, ""), nil
	}
	audit := func(ds []approvals.Draft) approvals.AuditEntry { return pauseEntry(a, "resume") }
	missed, err := s.EndPause(t.Context(), p, t1, miss, audit)
	if err != nil {
		t.Fatalf("EndPause: %v", err)
	}
	if diff := cmp.Diff([]int64{passed.ID}, ids(missed)); diff != "" {
		t.Errorf("missed (-want +got):\n%s", diff)
	}
	if d := mustGet(t, s, passed.ID); d.State != approvals.StateMissed {
		t.Errorf("passed draft is %s, want missed", d.State)
	}
	if d := mustGet(t, s, ahead.ID); d.State != approvals.StateScheduled {
		t.Errorf("draft ahead is %s, want scheduled", d.State)
	}
	_, err = s.EndPause(t.Context(), p, t1, miss, audit)
	assertCode(t, err, herald.ECONFLICT, "second EndPause")
	es, err := s.PauseAudit(t.Context(), a.ID)
	if err != nil || len(es) != 2 || es[0].Action != "pause" || es[1].Action != "resume" {
		t.Errorf("PauseAudit = %+v, %v; want pause then resume", es, err)
	}
	c := move(t, ahead, publish.System, approvals.ActPublish, "")
	if err := s.ClaimDue(t.Context(), c, inserts(delivery(ahead, slackLaunch))); err != nil {
		t.Errorf("ClaimDue after the pause: %v", err)
	}
}
