package storagetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
)

// race runs f and g at the same instant from two goroutines released by one
// channel, and returns their errors.
func race(f, g func() error) (error, error) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	var ef, eg error
	wg.Add(2)
	go func() { defer wg.Done(); <-start; ef = f() }()
	go func() { defer wg.Done(); <-start; eg = g() }()
	close(start)
	wg.Wait()
	return ef, eg
}

// --- concurrency, through the Service ---

// The people of the concurrency tests.
var (
	ann    = herald.Actor{Platform: "slack", UserID: "UANN", Name: "Ann"}
	ben    = herald.Actor{Platform: "discord", UserID: "2002", Name: "Ben"}
	editor = herald.Actor{Platform: "slack", UserID: "UED", Name: "Ed"}
)

// concurrentSetup opens a store with brand Acme under policy, where ann
// and ben are approvers and editor writes.
func concurrentSetup(t *testing.T, open func(t *testing.T) Store, policy string) (Store, *approvals.Service) {
	s := open(t)
	bs := brands.NewService(s, clock, "UTC")
	svc := approvals.NewService(s, bs, clock)
	ctx := t.Context()
	if _, err := bs.AddBrand(ctx, alice, "Acme", &ch); err != nil {
		t.Fatalf("AddBrand: %v", err)
	}
	if _, _, err := svc.SetPolicy(ctx, alice, ch, "", policy); err != nil {
		t.Fatalf("SetPolicy: %v", err)
	}
	for _, g := range []struct {
		who  herald.Actor
		role herald.Role
	}{{ann, herald.RoleApprover}, {ben, herald.RoleApprover}, {editor, herald.RoleEditor}} {
		who, r := g.who, g.role
		if _, err := bs.SetRole(ctx, alice, ch, "", who, r); err != nil {
			t.Fatalf("SetRole(%s): %v", who.Name, err)
		}
	}
	return s, svc
}

// newSubmitted is editor's draft number i, submitted.
func newSubmitted(t *testing.T, svc *approvals.Service, i int) approvals.Draft {
	d, err := svc.CreateDraft(t.Context(), editor, ch, approvals.NewDraft{Text: fmt.Sprintf("post %d", i)})
	if err != nil {
		t.Fatalf("CreateDraft: %v", err)
	}
	v, err := svc.Submit(t.Context(), editor, d.ID)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	return v.Draft
}

// countRows returns the draft's approvals and its audit rows with action.
func countRows(t *testing.T, s approvals.Store, id int64, action string) (int, int, approvals.Draft) {
	r := snapshot(t, s, id)
	n := 0
	for _, e := range r.Audit {
		if e.Action == action {
			n++
		}
	}
	return len(r.Approvals), n, r.Draft
}

// rounds is how many races each concurrency test runs.
const rounds = 20

func testConcurrentApprovals(t *testing.T, open func(t *testing.T) Store) {
	t.Run("OKTwoStage", func(t *testing.T) { testTwoStageRace(t, open) })
	t.Run("OKOneStage", func(t *testing.T) { testOneStageRace(t, open) })
}

// testTwoStageRace: two approvers racing on a team:2 draft both count,
// or one conflicts; the store holds exactly the approvals that succeeded.
func testTwoStageRace(t *testing.T, open func(t *testing.T) Store) {
	count := countRows
	s, svc := concurrentSetup(t, open, "team:2")
	both, one := 0, 0
	for i := range rounds {
		d := newSubmitted(t, svc, i)
		decide := func(a herald.Actor) func() error {
			return func() error {
				_, err := svc.Approve(t.Context(), a, d.ID, approvals.Decide{Rev: d.Rev})
				return err
			}
		}
		ea, eb := race(decide(ann), decide(ben))
		wins := 0
		for _, err := range []error{ea, eb} {
			switch herald.ErrorCode(err) {
			case "":
				wins++
			case herald.ECONFLICT:
			default:
				t.Fatalf("round %d: Approve failed with %v", i, err)
			}
		}
		aps, audits, got := count(t, s, d.ID, string(approvals.ActApprove))
		if aps != wins || audits != wins {
			t.Errorf("round %d: %d approvals succeeded, but the store holds %d approvals and %d approve audit rows", i, wins, aps, audits)
		}
		_, completes, _ := count(t, s, d.ID, string(approvals.ActComplete))
		switch wins {
		case 2:
			both++
			if got.State != approvals.StateApproved || completes != 1 {
				t.Errorf("round %d: both approved, draft is %s with %d complete rows; want approved, 1", i, got.State, completes)
			}
		case 1:
			one++
			if got.State != approvals.StateInReview || completes != 0 {
				t.Errorf("round %d: one approval, draft is %s with %d complete rows; want in_review, 0", i, got.State, completes)
			}
		default:
			t.Errorf("round %d: no approval succeeded (%v, %v)", i, ea, eb)
		}
		if want := d.Version + int64(wins); got.Version != want {
			t.Errorf("round %d: version %d, want %d", i, got.Version, want)
		}
	}
	t.Logf("%d rounds: %d both succeeded, %d one conflicted", rounds, both, one)
}

// testOneStageRace: two approvers racing on a team:1 draft: exactly one
// wins.
func testOneStageRace(t *testing.T, open func(t *testing.T) Store) {
	count := countRows
	s, svc := concurrentSetup(t, open, "team:1")
	for i := range rounds {
		d := newSubmitted(t, svc, i)
		decide := func(a herald.Actor) func() error {
			return func() error {
				_, err := svc.Approve(t.Context(), a, d.ID, approvals.Decide{})
				return err
			}
		}
		ea, eb := race(decide(ann), decide(ben))
		wins := 0
		for _, err := range []error{ea, eb} {
			switch herald.ErrorCode(err) {
			case "":
				wins++
			case herald.ECONFLICT:
			default:
				t.Fatalf("round %d: Approve failed with %v", i, err)
			}
		}
		if wins != 1 {
			t.Errorf("round %d: %d approvals succeeded (%v, %v), want exactly 1", i, wins, ea, eb)
		}
		aps, audits, got := count(t, s, d.ID, string(approvals.ActApprove))
		if aps != 1 || audits != 1 {
			t.Errorf("round %d: store holds %d approvals and %d approve audit rows, want 1 and 1", i, aps, audits)
		}
		if got.State != approvals.StateApproved {
			t.Errorf("round %d: draft is %s, want approved", i, got.State)
		}
	}
}
