package slack

import (
	"context"
	"errors"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
)

// poster sends Web API calls that post to a channel: one at a time per
// channel, in order, about one a second (Slack's posting limit), waiting
// out a 429's Retry-After and trying again. A message is never dropped for
// a rate limit; it waits its turn.
type poster struct {
	interval time.Duration
	sleep    func(ctx context.Context, d time.Duration) error
	now      func() time.Time

	mu     sync.Mutex
	queues map[string]*channelQueue
}

type channelQueue struct {
	jobs     []job
	enqueued int       // jobs ever queued (tests wait on it)
	running  bool      // a worker goroutine serves the queue
	next     time.Time // when the next call may start; the worker's alone
}

type job struct {
	ctx  context.Context
	call func(context.Context) error
	done chan error
}

func newPoster(interval time.Duration) *poster {
	return &poster{interval: interval, sleep: sleepCtx, now: time.Now, queues: map[string]*channelQueue{}}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// maxRateLimitWaits bounds how often one call waits out a 429 before the
// error is returned (Slack answering 429 forever is an outage, not a limit).
const maxRateLimitWaits = 20

// Do queues call for channel and waits for its result. Calls to one
// channel run one at a time, in the order Do was called, paced by the
// interval and by Slack's Retry-After.
func (p *poster) Do(ctx context.Context, channel string, call func(context.Context) error) error {
	j := job{ctx: ctx, call: call, done: make(chan error, 1)}
	p.mu.Lock()
	q, ok := p.queues[channel]
	if !ok {
		q = &channelQueue{}
		p.queues[channel] = q
	}
	q.jobs = append(q.jobs, j)
	q.enqueued++
	if !q.running {
		q.running = true
		go p.work(q)
	}
	p.mu.Unlock()
	// Wait for the call even when ctx ends: the worker then cuts its wait
	// short, and the caller never returns while its call still runs.
	return <-j.done
}

// work serves one channel's queue until it is empty.
func (p *poster) work(q *channelQueue) {
	for {
		p.mu.Lock()
		if len(q.jobs) == 0 {
			q.running = false // the queue stays, with its pacing
			p.mu.Unlock()
			return
		}
		j := q.jobs[0]
		q.jobs = q.jobs[1:]
		p.mu.Unlock()
		j.done <- p.run(q, j)
	}
}

func (p *poster) run(q *channelQueue, j job) error {
	for waits := 0; ; waits++ {
		if err := p.sleep(j.ctx, q.next.Sub(p.now())); err != nil {
			return err
		}
		err := j.call(j.ctx)
		var rl *slackapi.RateLimitedError
		if errors.As(err, &rl) && waits < maxRateLimitWaits {
			q.next = p.now().Add(max(rl.RetryAfter, time.Second))
			continue
		}
		q.next = p.now().Add(p.interval)
		return err
	}
}
