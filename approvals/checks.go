package approvals

import (
	"context"

	"github.com/heraldhq/herald"
)

// checkedStates are the states in which a draft's checks show on its
// card: while it is written and reviewed.
var checkedStates = map[State]bool{
	StateDraft: true, StateChangesRequested: true, StateInReview: true,
}

// Findings returns what the draft checks (targets, guidelines) say of a
// view's current revision, as its card shows them: none outside the
// states in which a draft is written and reviewed. It returns the first
// checker's error, if any.
func (s *Service) Findings(ctx context.Context, v View) ([]Finding, error) {
	if !checkedStates[v.Draft.State] {
		return nil, nil
	}
	return s.Check(ctx, v.Brand, v.Draft.ID, v.Draft.Targets, v.Draft.Text)
}

// DraftChecker is a Checker that needs to know which draft it checks: a
// reply draft is posted with what its reply adds (the author's mention),
// which must fit its targets' limits too. Check calls CheckDraftOf rather
// than CheckDraft for it; draftID is 0 when there is no draft yet.
type DraftChecker interface {
	CheckDraftOf(ctx context.Context, b herald.Brand, draftID int64, targets []herald.Target, text string) ([]Finding, error)
}

// Check runs every checker on the text and targets of draft draftID (0:
// no draft yet).
func (s *Service) Check(ctx context.Context, b herald.Brand, draftID int64, targets []herald.Target, text string) ([]Finding, error) {
	var out []Finding
	for _, c := range s.checkers {
		var fs []Finding
		var err error
		if dc, ok := c.(DraftChecker); ok {
			fs, err = dc.CheckDraftOf(ctx, b, draftID, targets, text)
		} else {
			fs, err = c.CheckDraft(ctx, b, targets, text)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, fs...)
	}
	return out, nil
}
