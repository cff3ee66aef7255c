package publish

import (
	"context"
	"errors"
	"fmt"

	"github.com/heraldhq/herald/approvals"
)

// DraftView is everything a draft's card shows: the draft as a member of
// its brand sees it, the deliveries of its current revision (none when it
// was never sent) and the findings of its checks (approvals.Service.Findings).
type DraftView struct {
	approvals.View
	Deliveries []Delivery
	Findings   []approvals.Finding
	// Held is the reason a scheduled draft will not start now, while its
	// brand's publishing is paused (Pause.Why); "" otherwise.
	Held  string
	Reply *ReplyTo // the conversation the draft answers; nil when none
}

// DraftView assembles the card's view of v. Each part is read on its
// own: on error the view still holds v and every part that could be read,
// so that a caller may show the card without the rest, and the error
// joins the failures, each saying which part it is.
func (s *Service) DraftView(ctx context.Context, v approvals.View) (DraftView, error) {
	dv := DraftView{View: v}
	var errs []error
	ds, err := s.Deliveries(ctx, v.Draft)
	if err != nil {
		errs = append(errs, fmt.Errorf("deliveries: %w", err))
	}
	dv.Deliveries = ds
	fs, err := s.drafts.Findings(ctx, v)
	if err != nil {
		errs = append(errs, fmt.Errorf("checks: %w", err))
	}
	dv.Findings = fs
	if v.Draft.State == approvals.StateScheduled {
		p, paused, err := s.BrandPause(ctx, v.Draft.BrandID)
		if err != nil {
			errs = append(errs, fmt.Errorf("pause: %w", err))
		} else if paused && p.Holds(v.Draft) {
			dv.Held = p.Why()
		}
	}
	if dv.Reply, err = s.replyTo(ctx, v.Draft.ID); err != nil {
		errs = append(errs, fmt.Errorf("reply: %w", err))
	}
	return dv, errors.Join(errs...)
}
