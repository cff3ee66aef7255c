package kit

import (
	"testing"

	"github.com/heraldhq/herald/approvals"
)

// TestCancelButton: a draft's card offers Cancel in every state the
// transition table lets it be cancelled, asking for the reason first (as
// Reject does), and in no other.
func TestCancelButton(t *testing.T) {
	for _, s := range approvals.States {
		var found bool
		for _, b := range draftButtons(approvals.Draft{ID: 12, Rev: 2, State: s}) {
			if b.Command == "cancel 12" {
				found = true
				if b.Input != "reason" || b.Style != "danger" {
					t.Errorf("%s: Cancel button %+v; want it to ask for a reason, in danger style", s, b)
				}
			}
		}
		if _, ok := approvals.Next(s, approvals.ActCancel); found != ok {
			t.Errorf("%s: Cancel button offered = %v; the transition table says %v", s, found, ok)
		}
	}
}
