package approvals

import (
	"context"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
)

// Cancel abandons a draft before it is published, with an optional
// reason (brands.CancelDrafts: editors and admins), in any state the
// transition table allows (ActCancel), and records it in the audit log. A
// scheduled draft comes off the schedule in the same compare-and-set, so
// the scheduler, which claims scheduled drafts only with the draft's
// version, never claims it; cancelled drafts leave the open lists.
func (s *Service) Cancel(ctx context.Context, actor herald.Actor, id int64, reason string) (View, error) {
	reason = strings.TrimSpace(reason)
	return s.change(ctx, actor, id, func(v View) (Change, error) {
		if err := brands.Need(v.Viewer, brands.CancelDrafts); err != nil {
			return Change{}, err
		}
		detail := reason
		if v.Draft.State == StateScheduled {
			detail = strings.TrimPrefix(detail+"; taken off the schedule (was for "+v.Draft.PublishAt.In(v.Brand.Location()).Format("2006-01-02 15:04 MST")+")", "; ")
		}
		d, e, err := s.step(v.Draft, actor, ActCancel, detail)
		if err != nil {
			return Change{}, err
		}
		if v.Draft.State == StateScheduled {
			d.PublishAt = time.Time{}
		}
		return Change{Draft: d, Audit: []AuditEntry{e}}, nil
	})
}
