package mentions

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// Digester sends each brand's daily digest at its DigestAt, in the brand's
// zone: the Summary of the last 24 hours. The date of the last digest is
// stored before the digest is relayed, so a restart never sends one twice
// (a crash between the two loses that day's digest instead).
type Digester struct {
	svc *Service
	log *slog.Logger
}

// NewDigester returns a Digester over svc's store, clock and notifier.
func NewDigester(svc *Service) *Digester {
	return &Digester{svc: svc, log: svc.log}
}

// Tick sends the digests due at the clock's now: brands with a watch whose
// digest time has passed today (their local today) and whose digest for
// today was not sent. A brand with no mention in 24 hours gets none (the
// day is marked all the same). It returns how many digests were relayed.
func (d *Digester) Tick(ctx context.Context) (int, error) {
	s := d.svc
	now := s.now()
	cands, err := s.store.DigestCandidates(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, st := range cands {
		if st.DigestAt == "" {
			continue
		}
		at, err := time.Parse("15:04", st.DigestAt)
		if err != nil {
			d.log.WarnContext(ctx, "digest time unreadable; skipped", "brand_id", st.BrandID, "digest_at", st.DigestAt)
			continue
		}
		brand := s.brand(ctx, st.BrandID)
		local := now.In(brand.Location())
		date := local.Format(time.DateOnly)
		dueAt := time.Date(local.Year(), local.Month(), local.Day(), at.Hour(), at.Minute(), 0, 0, local.Location())
		if st.LastDigest == date || local.Before(dueAt) {
			continue
		}
		won, err := s.store.MarkDigest(ctx, st.BrandID, st.LastDigest, date)
		if err != nil {
			return sent, err
		}
		if !won {
			continue
		}
		sum, err := s.summary(ctx, st.BrandID, now.Add(-24*time.Hour), now.Add(time.Nanosecond))
		if err != nil {
			return sent, err
		}
		if sum.Total == 0 {
			continue
		}
		wi, err := s.index(ctx)
		if err != nil {
			return sent, err
		}
		var watchIDs []int64
		for id, w := range wi.watches {
			if w.BrandID == st.BrandID {
				watchIDs = append(watchIDs, id)
			}
		}
		slices.Sort(watchIDs)
		s.notify(ctx, Event{Kind: EventDigest, Brand: brand, Digest: &sum, Routes: s.routesWith(ctx, wi, st.BrandID, watchIDs, &channelCache{})})
		sent++
	}
	return sent, nil
}

// Run ticks every minute (gocron drives the ticks, the first at once)
// until ctx is done.
func (d *Digester) Run(ctx context.Context, opts ...gocron.SchedulerOption) error {
	return runEvery(ctx, time.Minute, "herald-digest", d.log, "digest tick failed", func(ctx context.Context) error {
		_, err := d.Tick(ctx)
		return err
	}, opts...)
}

// runEvery runs tick every period, the first at once, never two at a time
// (gocron drives the ticks), logging failed ticks as failed, until ctx is
// done. The digest and the retention run on it.
func runEvery(ctx context.Context, every time.Duration, name string, log *slog.Logger, failed string, tick func(context.Context) error, opts ...gocron.SchedulerOption) error {
	var mu sync.Mutex
	task := func(ctx context.Context) {
		mu.Lock()
		defer mu.Unlock()
		if err := tick(ctx); err != nil && ctx.Err() == nil {
			log.ErrorContext(ctx, failed, "error", err)
		}
	}
	sch, err := gocron.NewScheduler(opts...)
	if err != nil {
		return err
	}
	_, err = sch.NewJob(gocron.DurationJob(every), gocron.NewTask(task),
		gocron.WithName(name), gocron.WithContext(ctx),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
		gocron.WithStartAt(gocron.WithStartImmediately()))
	if err != nil {
		return err
	}
	sch.Start()
	<-ctx.Done()
	return sch.Shutdown()
}
