package publish

import (
	"context"
	"time"
)

// Busy reports how much publishing is under way or due now: drafts whose
// time has come and deliveries ready to send, being sent or being
// checked. Deliveries waiting for a later retry do not count.
func (s *Scheduler) Busy(ctx context.Context) (int, error) {
	now := s.now()
	ds, err := s.store.DueDrafts(ctx, now, 1000)
	if err != nil {
		return 0, err
	}
	ws, err := s.store.WorkDeliveries(ctx, now, 1000)
	if err != nil {
		return 0, err
	}
	return len(ds) + len(ws), nil
}

// Drain waits, polling every poll, until nothing is under way or due (see
// Busy) or ctx ends; say is called once with the count when there is
// something to wait for. The scheduler must still be running.
func (s *Scheduler) Drain(ctx context.Context, poll time.Duration, say func(n int)) error {
	for said := false; ; {
		n, err := s.Busy(ctx)
		if err != nil || n == 0 {
			return err
		}
		if !said {
			say(n)
			said = true
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
