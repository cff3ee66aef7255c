package mentions

import (
	"context"

	"github.com/heraldhq/herald"
)

// Triager labels a new mention with its sentiment and urgency (an LLM:
// the wiring adapts assist to it). ok is false when no call was made (no
// LLM, or a rate bound reached: the mention is skipped, never queued);
// nothing is recorded then. The labels are untrusted text: the Service
// clips them. A Triager only labels; it acts on nothing.
type Triager interface {
	Triage(ctx context.Context, brand herald.Brand, m Mention) (sentiment, urgency string, ok bool, err error)
}

// triage asks the Triager for the labels of a new mention of a brand that
// turned triage on (`listen triage on`), once the mention is stored and
// relayed: detached (Options.Go), and the card updated with the answer
// (EventUpdated, see setTriageResult).
func (s *Service) triage(ctx context.Context, brand herald.Brand, m Mention) {
	tr := s.opt.Triager
	s.opt.Go(func(ctx context.Context) {
		sentiment, urgency, ok, err := tr.Triage(ctx, brand, m)
		if err != nil {
			s.log.WarnContext(ctx, "triage failed", "brand", brand.Name, "mention_id", m.ID, "code", herald.ErrorCode(err))
			return
		}
		if !ok {
			return
		}
		if _, err := s.setTriageResult(ctx, m.ID, sentiment, urgency); err != nil {
			s.log.WarnContext(ctx, "triage not recorded", "mention_id", m.ID, "error", err)
		}
	})
}

// triageOn reports whether the batch's new mentions are to be triaged:
// a Triager and a way to run it detached are set, and the brand turned
// triage on.
func (r *batchRun) triageOn() bool {
	return r.svc.opt.Triager != nil && r.svc.opt.Go != nil && r.settings.Triage
}

// setTriageResult records the LLM's triage of a mention (system: no actor)
// and tells the chat so that its card shows it.
func (s *Service) setTriageResult(ctx context.Context, id int64, sentiment, urgency string) (Mention, error) {
	sentiment, urgency = clip(oneLine(sentiment), 40), clip(oneLine(urgency), 40)
	if err := s.store.SetTriage(ctx, id, sentiment, urgency); err != nil {
		return Mention{}, notFound(err, "mention", id)
	}
	m, err := s.store.Mention(ctx, id)
	if err != nil {
		return Mention{}, err
	}
	s.notify(ctx, Event{Kind: EventUpdated, Brand: s.brand(ctx, m.BrandID), Mention: &m, Routes: s.routes(ctx, m.BrandID, m.WatchIDs, nil)})
	return m, nil
}
