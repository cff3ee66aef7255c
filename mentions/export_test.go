package mentions

import (
	"context"

	"github.com/heraldhq/herald"
)

// TestWatch runs query over the brand's mentions of the last 7 days
// (TestQuery): the matches and how many mentions were scanned. Only the
// tests use this shape.
func (s *Service) TestWatch(ctx context.Context, actor herald.Actor, brand herald.Brand, query string, limit int) ([]Mention, int, error) {
	wt, err := s.TestQuery(ctx, actor, brand, query, limit)
	return wt.Matches, wt.Scanned, err
}

// SetTriageResult exposes setTriageResult to the tests.
func (s *Service) SetTriageResult(ctx context.Context, id int64, sentiment, urgency string) (Mention, error) {
	return s.setTriageResult(ctx, id, sentiment, urgency)
}
