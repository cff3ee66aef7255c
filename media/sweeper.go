package media

import (
	"context"
	"log/slog"
	"time"

	"github.com/heraldhq/herald"
)

// Refs is what the sweeper asks the storage of drafts (storage/sqlite
// implements it): which stored items a revision still refers to.
type Refs interface {
	// MediaReferenced returns the subset of sums that at least one
	// revision of any draft (of any brand, any state) refers to.
	MediaReferenced(ctx context.Context, sums []string) (map[string]bool, error)
}

// Stater is a store that tells when an item was stored, or stored again
// (Put of bytes already there refreshes the time). The sweeper asks it
// once more just before removing an item and keeps one stored again since
// its listing: the same bytes added again, whose revision may be about to
// refer to them — removing them would leave that revision without its
// bytes.
type Stater interface {
	// Stored returns when sum was last stored; ENOTFOUND when it is not.
	Stored(ctx context.Context, sum string) (time.Time, error)
}

// OrphanAge is how long a stored item no revision refers to is kept: long
// enough for an upload to reach its revision, and for a removal to be
// undone.
const OrphanAge = 7 * 24 * time.Hour

// sweepBatch is how many sums the sweeper asks Refs about at once.
const sweepBatch = 200

// Sweeper removes orphaned items: stored more than Age ago and referred to
// by no revision.
type Sweeper struct {
	Store Store
	Refs  Refs
	Clock herald.Clock
	Age   time.Duration // OrphanAge when 0
	Log   *slog.Logger  // slog.Default() when nil
}

// Sweep removes the orphans once and returns how many it removed.
func (s *Sweeper) Sweep(ctx context.Context) (int, error) {
	age := s.Age
	if age <= 0 {
		age = OrphanAge
	}
	before := s.Clock.Now().Add(-age)
	var old []string
	err := s.Store.Walk(ctx, func(sum string, stored time.Time) error {
		if stored.Before(before) {
			old = append(old, sum)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	removed := 0
	for len(old) > 0 {
		batch := old[:min(sweepBatch, len(old))]
		old = old[len(batch):]
		used, err := s.Refs.MediaReferenced(ctx, batch)
		if err != nil {
			return removed, err
		}
		for _, sum := range batch {
			if used[sum] {
				continue
			}
			if again, err := s.storedAgain(ctx, sum, before); again || err != nil {
				if err != nil {
					return removed, err
				}
				continue
			}
			if err := s.Store.Delete(ctx, sum); err != nil {
				return removed, err
			}
			removed++
		}
	}
	if removed > 0 {
		s.log().InfoContext(ctx, "orphaned media removed", "removed", removed)
	}
	return removed, ctx.Err()
}

// storedAgain reports whether sum was stored again since before (or is
// gone), when the store can tell.
func (s *Sweeper) storedAgain(ctx context.Context, sum string, before time.Time) (bool, error) {
	st, ok := s.Store.(Stater)
	if !ok {
		return false, nil
	}
	at, err := st.Stored(ctx, sum)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return !at.Before(before), nil
}

func (s *Sweeper) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Run sweeps at once and then every day until ctx is done. tick, when
// non-nil, replaces the daily ticker (tests drive it).
func (s *Sweeper) Run(ctx context.Context, tick <-chan time.Time) error {
	if tick == nil {
		t := time.NewTicker(24 * time.Hour)
		defer t.Stop()
		tick = t.C
	}
	for {
		if _, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.log().ErrorContext(ctx, "media sweep failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick:
		}
	}
}
