package approvals

import (
	"context"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
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
	return s.CheckRevision(ctx, v.Brand, v.Draft.ID, v.Draft.Targets, v.Draft.Text, v.Draft.Media)
}

// MediaChecker is a Checker that examines a revision's media too (the
// guidelines' alt text rule, a network's limits on media). CheckRevision
// calls CheckMedia for it, with the media of the revision checked, which
// may not be stored yet (a change to a draft in review is checked before
// it is stored); items is empty when the revision has no media.
type MediaChecker interface {
	CheckMedia(ctx context.Context, b herald.Brand, draftID int64, targets []herald.Target, text string, items []media.Item) ([]Finding, error)
}

// DraftChecker is a Checker that needs to know which draft it checks: a
// reply draft is posted with what its reply adds (the author's mention),
// which must fit its targets' limits too. Check calls CheckDraftOf rather
// than CheckDraft for it; draftID is 0 when there is no draft yet.
type DraftChecker interface {
	CheckDraftOf(ctx context.Context, b herald.Brand, draftID int64, targets []herald.Target, text string) ([]Finding, error)
}

// Check runs every checker on the text and targets of draft draftID (0:
// no draft yet), and the media checkers on the media of its current
// revision.
func (s *Service) Check(ctx context.Context, b herald.Brand, draftID int64, targets []herald.Target, text string) ([]Finding, error) {
	var items []media.Item
	if draftID != 0 && s.hasMediaChecker() {
		d, err := s.store.Draft(ctx, draftID)
		if err != nil && herald.ErrorCode(err) != herald.ENOTFOUND {
			return nil, err
		}
		items = d.Media
	}
	return s.CheckRevision(ctx, b, draftID, targets, text, items)
}

func (s *Service) hasMediaChecker() bool {
	for _, c := range s.checkers {
		if _, ok := c.(MediaChecker); ok {
			return true
		}
	}
	return false
}

// CheckRevision runs every checker on a revision of draft draftID (0: no
// draft yet): its text and targets, and, for the media checkers, items.
func (s *Service) CheckRevision(ctx context.Context, b herald.Brand, draftID int64, targets []herald.Target, text string, items []media.Item) ([]Finding, error) {
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
		if mc, ok := c.(MediaChecker); ok {
			if fs, err = mc.CheckMedia(ctx, b, draftID, targets, text, items); err != nil {
				return nil, err
			}
			out = append(out, fs...)
		}
	}
	return out, nil
}
