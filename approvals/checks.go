package approvals

import "context"

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
