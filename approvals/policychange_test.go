package approvals_test

import (
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
)

// TestPolicyChanges covers a brand's policy changing while drafts are in
// flight: approvals keep meaning the stage they were given at, and a new
// revision is reviewed under the brand's current policy.
func TestPolicyChanges(t *testing.T) {
	setPolicy := func(t *testing.T, e *env, p string) {
		t.Helper()
		if _, _, err := e.svc.SetPolicy(t.Context(), alice, acmeCh, "", p); err != nil {
			t.Fatalf("SetPolicy(%q): %v", p, err)
		}
	}
	changes := func(t *testing.T, e *env, who herald.Actor, id int64) {
		t.Helper()
		e.must(t, "RequestChanges", func() (approvals.View, error) {
			return e.svc.RequestChanges(t.Context(), who, id, approvals.Decide{Comment: "again"})
		})
	}
	submit := func(t *testing.T, e *env, id int64) approvals.View {
		t.Helper()
		return e.must(t, "Submit", func() (approvals.View, error) { return e.svc.Submit(t.Context(), bob, id) })
	}

	t.Run("ErrClientApprovalNeverCountsAsTeam", func(t *testing.T) {
		e := newEnv(t, "client:1 team:1")
		d := e.submitted(t)
		e.approve(t, dave, d.ID)   // client stage of the old policy
		changes(t, e, carol, d.ID) // team stage
		setPolicy(t, e, "team:1 client:1")
		v := submit(t, e, d.ID) // same revision: keeps its policy
		if v.Draft.Policy != "client:1 team:1" || v.Progress.String() != "client 1/1, team 0/1" {
			t.Fatalf("resubmitted under %q with progress %q; want the policy its approvals were given under", v.Draft.Policy, v.Progress)
		}
		// Another client cannot finish it: the team must still approve.
		e.refuse(t, d.ID, herald.EFORBIDDEN, func() error {
			_, err := e.svc.Approve(t.Context(), erinClient(t, e), d.ID, approvals.Decide{})
			return err
		})
		if v := e.approve(t, carol, d.ID); v.Draft.State != approvals.StateApproved {
			t.Errorf("after the team approval: %s; want approved", v.Draft.State)
		}
	})
	t.Run("OKResubmitAfterPolicyShrinks", func(t *testing.T) {
		e := newEnv(t, "team:1 client:1")
		d := e.submitted(t)
		e.approve(t, carol, d.ID)
		changes(t, e, dave, d.ID)
		setPolicy(t, e, "team:1")
		v := submit(t, e, d.ID)
		if v.Draft.State != approvals.StateInReview || v.Progress.Current() != 1 {
			t.Fatalf("state %s, stage %d; want in review at the client stage of its own policy", v.Draft.State, v.Progress.Current())
		}
		if v := e.approve(t, dave, d.ID); v.Draft.State != approvals.StateApproved {
			t.Errorf("after the client approval: %s; want approved", v.Draft.State)
		}
	})
	t.Run("OKEditUsesCurrentPolicy", func(t *testing.T) {
		e := newEnv(t, "none")
		d := e.submitted(t) // approved at once
		setPolicy(t, e, "team:1 client:1")
		v := e.edit(t, bob, d.ID, "a completely new text")
		if v.Draft.State != approvals.StateInReview || v.Draft.Policy != "team:1 client:1" {
			t.Fatalf("after the edit: %s under %q; want in review under the brand's new policy", v.Draft.State, v.Draft.Policy)
		}
	})
	t.Run("OKNewRevisionResubmittedUnderNewPolicy", func(t *testing.T) {
		e := newEnv(t, "team:1 client:1")
		d := e.submitted(t)
		e.approve(t, carol, d.ID)
		changes(t, e, dave, d.ID)
		e.edit(t, bob, d.ID, "shorter")
		setPolicy(t, e, "team:2")
		v := submit(t, e, d.ID)
		if v.Draft.Policy != "team:2" || v.Progress.String() != "team 0/2" {
			t.Errorf("policy %q progress %q; want team:2 from scratch", v.Draft.Policy, v.Progress)
		}
	})
}

// erinClient makes a second client of Acme.
func erinClient(t *testing.T, e *env) herald.Actor {
	t.Helper()
	c := herald.Actor{Platform: "slack", UserID: "UCLARA", Name: "Clara"}
	if _, err := e.brands.SetRole(t.Context(), alice, acmeCh, "", c, herald.RoleClient); err != nil {
		t.Fatal(err)
	}
	return c
}
