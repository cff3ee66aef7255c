package publish

import (
	"context"
	"sync/atomic"

	"github.com/go-co-op/gocron/v2"
)

// Run ticks every Options.Interval and at once when woken (a post to
// publish now), until ctx is done; gocron drives the ticks, one at a time.
// The work itself is Tick: Run holds no state of its own.
func (s *Scheduler) Run(ctx context.Context, opts ...gocron.SchedulerOption) error {
	sch, err := gocron.NewScheduler(opts...)
	if err != nil {
		return err
	}
	var again atomic.Bool // a wake arrived while a tick was running
	task := func(ctx context.Context) {
		for {
			again.Store(false)
			if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
				s.log.ErrorContext(ctx, "scheduler tick failed", "error", err)
			}
			if !again.Load() || ctx.Err() != nil {
				return
			}
		}
	}
	job, err := sch.NewJob(gocron.DurationJob(s.opt.Interval), gocron.NewTask(task),
		gocron.WithName("herald-publish"), gocron.WithContext(ctx),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
		gocron.WithStartAt(gocron.WithStartImmediately()))
	if err != nil {
		return err
	}
	sch.Start()
	for {
		select {
		case <-ctx.Done():
			return sch.Shutdown()
		case <-s.wakeCh:
			again.Store(true)
			if err := job.RunNow(); err != nil {
				s.log.WarnContext(ctx, "scheduler wake failed", "error", err)
			}
		}
	}
}
