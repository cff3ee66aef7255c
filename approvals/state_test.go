package approvals_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/approvals"
)

// Short names keep the table below readable.
const (
	sDraft       = approvals.StateDraft
	sInReview    = approvals.StateInReview
	sChanges     = approvals.StateChangesRequested
	sApproved    = approvals.StateApproved
	sRejected    = approvals.StateRejected
	sScheduled   = approvals.StateScheduled
	sPublishing  = approvals.StatePublishing
	sPublished   = approvals.StatePublished
	sFailed      = approvals.StateFailed
	sUnconfirmed = approvals.StateUnconfirmed
	sMissed      = approvals.StateMissed
	sCancelled   = approvals.StateCancelled
)

// wantTransitions is PRODUCT.md's "Draft states" written out by hand,
// independently of the package's own table: for each state, every action
// allowed and where it leads. Any (state, action) pair absent is refused.
//
//	draft → in_review → approved → scheduled → publishing → published
//	in_review → changes_requested → in_review;  in_review → rejected
//	publishing → failed | unconfirmed;  any state before publishing → cancelled
//	edit keeps draft/changes_requested/in_review, sends approved/scheduled back to review
//	approve keeps in_review; complete: in_review → approved
//	unschedule: scheduled → approved; publish from approved or scheduled
//	confirm: unconfirmed → published; retry: unconfirmed | failed → publishing
//	issue 6: scheduled → missed (its time passed beyond the grace period while
//	Herald was down); missed → publishing | scheduled | in_review | cancelled;
//	schedule again from scheduled (a new time); a failed post may be marked
//	published (posted by hand) or cancelled; unconfirmed → failed once the
//	unconfirmed targets are settled and a refused one remains
//	rejected, published, cancelled: terminal
var wantTransitions = map[approvals.State]map[approvals.Action]approvals.State{
	sDraft: {
		approvals.ActEdit:   sDraft,
		approvals.ActSubmit: sInReview,
		approvals.ActCancel: sCancelled,
	},
	sInReview: {
		approvals.ActEdit:           sInReview,
		approvals.ActApprove:        sInReview,
		approvals.ActComplete:       sApproved,
		approvals.ActRequestChanges: sChanges,
		approvals.ActReject:         sRejected,
		approvals.ActCancel:         sCancelled,
	},
	sChanges: {
		approvals.ActEdit:   sChanges,
		approvals.ActSubmit: sInReview,
		approvals.ActCancel: sCancelled,
	},
	sApproved: {
		approvals.ActEdit:     sInReview,
		approvals.ActSchedule: sScheduled,
		approvals.ActPublish:  sPublishing,
		approvals.ActCancel:   sCancelled,
	},
	sScheduled: {
		approvals.ActEdit:       sInReview,
		approvals.ActSchedule:   sScheduled,
		approvals.ActUnschedule: sApproved,
		approvals.ActPublish:    sPublishing,
		approvals.ActMiss:       sMissed,
		approvals.ActCancel:     sCancelled,
	},
	sMissed: {
		approvals.ActEdit:     sInReview,
		approvals.ActSchedule: sScheduled,
		approvals.ActPublish:  sPublishing,
		approvals.ActCancel:   sCancelled,
	},
	sPublishing: {
		approvals.ActSucceed:   sPublished,
		approvals.ActFail:      sFailed,
		approvals.ActUnconfirm: sUnconfirmed,
	},
	sFailed: {
		approvals.ActRetry:   sPublishing,
		approvals.ActConfirm: sPublished,
		approvals.ActCancel:  sCancelled,
	},
	sUnconfirmed: {
		approvals.ActConfirm: sPublished,
		approvals.ActFail:    sFailed,
		approvals.ActRetry:   sPublishing,
	},
	sRejected:  {},
	sPublished: {},
	sCancelled: {},
}

// TestNext checks every state × every action against the hand-written table.
func TestNext(t *testing.T) {
	for _, s := range approvals.States {
		for _, a := range approvals.Actions {
			want, wantOK := wantTransitions[s][a]
			name := "ErrRefused"
			if wantOK {
				name = "OK"
			}
			t.Run(string(s)+"/"+string(a)+"/"+name, func(t *testing.T) {
				got, ok := approvals.Next(s, a)
				if ok != wantOK {
					t.Fatalf("Next(%s, %s) allowed = %v, want %v", s, a, ok, wantOK)
				}
				if ok && got != want {
					t.Errorf("Next(%s, %s) = %s, want %s", s, a, got, want)
				}
			})
		}
	}
}

// TestNextTableComplete checks that the hand-written table and the package
// agree on the vocabulary: every state appears, and nothing else does.
func TestNextTableComplete(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		if len(approvals.States) != 12 {
			t.Errorf("approvals.States has %d states, PRODUCT.md names 11 and issue 6 adds missed", len(approvals.States))
		}
		for _, s := range approvals.States {
			if _, ok := wantTransitions[s]; !ok {
				t.Errorf("state %s is missing from the test's table", s)
			}
		}
		for s, row := range wantTransitions {
			if !slices.Contains(approvals.States, s) {
				t.Errorf("the test's table names state %s, which approvals.States lacks", s)
			}
			for a, to := range row {
				if !slices.Contains(approvals.Actions, a) {
					t.Errorf("the test's table names action %s, which approvals.Actions lacks", a)
				}
				if !slices.Contains(approvals.States, to) {
					t.Errorf("%s/%s leads to unknown state %s", s, a, to)
				}
			}
		}
	})
	t.Run("OKNoDuplicates", func(t *testing.T) {
		seenS := map[approvals.State]bool{}
		for _, s := range approvals.States {
			if seenS[s] {
				t.Errorf("state %s listed twice", s)
			}
			seenS[s] = true
		}
		seenA := map[approvals.Action]bool{}
		for _, a := range approvals.Actions {
			if seenA[a] {
				t.Errorf("action %s listed twice", a)
			}
			seenA[a] = true
		}
	})
	t.Run("ErrCreateIsNotATransition", func(t *testing.T) {
		if slices.Contains(approvals.Actions, approvals.ActCreate) {
			t.Error("approvals.Actions includes create, which has no from state")
		}
		for _, s := range approvals.States {
			if to, ok := approvals.Next(s, approvals.ActCreate); ok {
				t.Errorf("Next(%s, create) = %s, want refused", s, to)
			}
		}
	})
	t.Run("ErrUnknownState", func(t *testing.T) {
		for _, a := range approvals.Actions {
			if to, ok := approvals.Next("bogus", a); ok {
				t.Errorf("Next(bogus, %s) = %s, want refused", a, to)
			}
		}
	})
}

func TestAllowed(t *testing.T) {
	for _, s := range approvals.States {
		t.Run(string(s), func(t *testing.T) {
			var want []approvals.Action
			for a := range wantTransitions[s] {
				want = append(want, a)
			}
			slices.Sort(want)
			got := approvals.Allowed(s)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Allowed(%s) mismatch (-want +got):\n%s", s, diff)
			}
		})
	}
}

func TestTerminal(t *testing.T) {
	tests := []struct {
		state approvals.State
		want  bool
	}{
		{sDraft, false},
		{sInReview, false},
		{sChanges, false},
		{sApproved, false},
		{sRejected, true},
		{sScheduled, false},
		{sPublishing, false},
		{sPublished, true},
		{sFailed, false},
		{sUnconfirmed, false},
		{sMissed, false},
		{sCancelled, true},
	}
	if len(tests) != len(approvals.States) {
		t.Fatalf("the table covers %d states, approvals.States has %d", len(tests), len(approvals.States))
	}
	for _, tt := range tests {
		t.Run(string(tt.state), func(t *testing.T) {
			if got := approvals.Terminal(tt.state); got != tt.want {
				t.Errorf("Terminal(%s) = %v, want %v", tt.state, got, tt.want)
			}
		})
	}
}

func TestStateLabel(t *testing.T) {
	tests := []struct {
		state approvals.State
		want  string
	}{
		{sInReview, "in review"},
		{sChanges, "changes requested"},
		{sDraft, "draft"},
		{sUnconfirmed, "unconfirmed"},
	}
	for _, tt := range tests {
		t.Run(string(tt.state), func(t *testing.T) {
			if got := tt.state.Label(); got != tt.want {
				t.Errorf("Label() = %q, want %q", got, tt.want)
			}
		})
	}
}
