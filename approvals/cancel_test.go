package approvals_test

import (
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
)

// TestCancel: editors and admins cancel a draft in any state before it
// is published, with an optional reason kept in the audit log; a
// scheduled draft comes off the schedule in the same change, so no
// scheduler finds it due.
func TestCancel(t *testing.T) {
	ctx := t.Context()
	t.Run("OKInReview", func(t *testing.T) {
		e := newEnv(t, "team:1")
		d := e.submitted(t)
		v := e.must(t, "Cancel", func() (approvals.View, error) { return e.svc.Cancel(ctx, bob, d.ID, "  the event moved  ") })
		if v.Draft.State != approvals.StateCancelled || v.Draft.Version != d.Version+1 {
			t.Errorf("Cancel = %+v; want cancelled, one version later", v.Draft)
		}
		log, err := e.store.Audit(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := log[len(log)-1]
		if last.Action != string(approvals.ActCancel) || last.Detail != "the event moved" || last.Actor.Key() != bob.Key() ||
			last.From != approvals.StateInReview || last.To != approvals.StateCancelled {
			t.Errorf("audit row = %+v; want bob's cancel with the reason", last)
		}
	})
	t.Run("OKEveryStateBeforePublishing", func(t *testing.T) {
		e := newEnv(t, "team:1")
		draft := e.create(t, bob, "a draft")
		changes := e.submitted(t)
		e.must(t, "RequestChanges", func() (approvals.View, error) {
			return e.svc.RequestChanges(ctx, carol, changes.ID, approvals.Decide{Comment: "shorter"})
		})
		approved := e.submitted(t)
		e.approve(t, carol, approved.ID)
		for _, id := range []int64{draft.ID, changes.ID, approved.ID} {
			v, err := e.svc.Cancel(ctx, alice, id, "") // an admin, without a reason
			if err != nil || v.Draft.State != approvals.StateCancelled {
				t.Errorf("Cancel(#%d) = %v, %v; want cancelled", id, v.Draft.State, err)
			}
		}
	})
	t.Run("OKScheduledLeavesTheSchedule", func(t *testing.T) {
		e := newEnv(t, "")
		at := start.Add(48 * time.Hour)
		d, err := e.svc.CreateDraft(ctx, bob, acmeCh, approvals.NewDraft{Text: "Opening soon",
			Targets: []herald.Target{{Kind: "mastodon", Name: "main"}}, PublishAt: at})
		if err != nil {
			t.Fatal(err)
		}
		v := e.must(t, "Submit", func() (approvals.View, error) { return e.svc.Submit(ctx, bob, d.ID) })
		if v.Draft.State != approvals.StateScheduled {
			t.Fatalf("state after submit = %s; want scheduled", v.Draft.State)
		}
		if due, err := e.store.DueDrafts(ctx, at, 10); err != nil || len(due) != 1 {
			t.Fatalf("DueDrafts before = %d, %v; want the draft", len(due), err)
		}
		v = e.must(t, "Cancel", func() (approvals.View, error) { return e.svc.Cancel(ctx, erin, d.ID, "") })
		if v.Draft.State != approvals.StateCancelled || !v.Draft.PublishAt.IsZero() {
			t.Errorf("Cancel = %s at %v; want cancelled and no time", v.Draft.State, v.Draft.PublishAt)
		}
		if due, err := e.store.DueDrafts(ctx, at.Add(time.Hour), 10); err != nil || len(due) != 0 {
			t.Errorf("DueDrafts after = %+v, %v; want none", due, err)
		}
		log, _ := e.store.Audit(ctx, d.ID)
		if last := log[len(log)-1]; !strings.Contains(last.Detail, "taken off the schedule (was for 2026-03-04 09:00 UTC)") {
			t.Errorf("audit detail = %q; want the time it was scheduled for", last.Detail)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		e := newEnv(t, "team:1")
		d := e.submitted(t)
		for _, who := range []herald.Actor{carol, dave, vic} {
			if _, err := e.svc.Cancel(ctx, who, d.ID, ""); herald.ErrorCode(err) != herald.EFORBIDDEN {
				t.Errorf("Cancel by %s = %v; want %s", who.Name, err, herald.EFORBIDDEN)
			}
		}
		if _, err := e.svc.Cancel(ctx, nobody, d.ID, ""); herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("Cancel by a stranger = %v; want %s", err, herald.ENOTFOUND)
		}
	})
	t.Run("ErrAfterTheEnd", func(t *testing.T) {
		e := newEnv(t, "team:1")
		rejected := e.submitted(t)
		e.must(t, "Reject", func() (approvals.View, error) {
			return e.svc.Reject(ctx, carol, rejected.ID, approvals.Decide{Comment: "no"})
		})
		cancelled := e.create(t, bob, "twice")
		e.must(t, "Cancel", func() (approvals.View, error) { return e.svc.Cancel(ctx, bob, cancelled.ID, "") })
		for _, id := range []int64{rejected.ID, cancelled.ID} {
			_, err := e.svc.Cancel(ctx, bob, id, "")
			if herald.ErrorCode(err) != herald.ECONFLICT || !strings.Contains(herald.ErrorMessage(err), "cannot be cancelled now") {
				t.Errorf("Cancel(#%d) = %v; want ECONFLICT, cannot be cancelled", id, err)
			}
		}
	})
}
