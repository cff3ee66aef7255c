package publish

import (
	"context"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// Run ticks every Options.Interval (gocron drives these ticks) and at once
// when woken (a post to publish now), until ctx is done. Ticks never
// overlap: a wake during a tick runs another tick right after it, so no
// wake is lost. The work itself is Tick: Run holds no state of its own.
func (s *Scheduler) Run(ctx context.Context, opts ...gocron.SchedulerOption) error {
	var mu sync.Mutex
	tick := func(ctx context.Context) {
		mu.Lock()
		defer mu.Unlock()
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "scheduler tick failed", "error", err)
		}
	}
	sch, err := startEvery(ctx, s.opt.Interval, "herald-publish", tick, opts...)
	if err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return sch.Shutdown()
		case <-s.wakeCh:
			tick(ctx)
		}
	}
}

// startEvery starts a gocron scheduler that runs tick every period, the
// first at once, never two at a time; the caller shuts it down.
func startEvery(ctx context.Context, every time.Duration, name string, tick func(context.Context), opts ...gocron.SchedulerOption) (gocron.Scheduler, error) {
	sch, err := gocron.NewScheduler(opts...)
	if err != nil {
		return nil, err
	}
	_, err = sch.NewJob(gocron.DurationJob(every), gocron.NewTask(tick),
		gocron.WithName(name), gocron.WithContext(ctx),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
		gocron.WithStartAt(gocron.WithStartImmediately()))
	if err != nil {
		return nil, err
	}
	sch.Start()
	return sch, nil
}
