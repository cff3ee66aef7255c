package bot

import (
	"context"
	"sync"
	"time"

	"github.com/heraldhq/herald"
)

// Poster runs a platform's posting calls: one at a time per key (a
// channel, an interaction), in the order they were asked for, at most one
// per Interval per key, and waiting out a rate limit (RetryAfter) before
// sending the call again, ahead of those queued behind it. A message is
// never dropped for a rate limit.
type Poster struct {
	// Interval paces the calls under one key; 0 means no pacing.
	Interval time.Duration
	// RetryAfter reads a platform's rate-limit error: how long to wait,
	// and whether err is one.
	RetryAfter func(err error) (time.Duration, bool)
	// Sleep and Now are the clock; tests replace them.
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time

	mu     sync.Mutex
	queues map[string]*postQueue
}

type postQueue struct {
	jobs     []postJob
	enqueued int       // jobs ever queued
	running  bool      // a worker goroutine serves the queue
	next     time.Time // when the next call may start; the worker's alone
}

type postJob struct {
	ctx  context.Context
	call func(context.Context) error
	done chan error
}

// NewPoster returns a poster on the system clock.
func NewPoster(interval time.Duration, retryAfter func(error) (time.Duration, bool)) *Poster {
	return &Poster{Interval: interval, RetryAfter: retryAfter, Sleep: herald.Sleep, Now: time.Now}
}

// MaxRateLimitWaits bounds how often one call waits out a rate limit
// before its error is returned (429 forever is an outage, not a limit).
const MaxRateLimitWaits = 20

// Do queues call under key and waits for its result. Calls under one key
// run one at a time, in the order Do was called.
func (p *Poster) Do(ctx context.Context, key string, call func(context.Context) error) error {
	j := postJob{ctx: ctx, call: call, done: make(chan error, 1)}
	p.mu.Lock()
	if p.queues == nil {
		p.queues = map[string]*postQueue{}
	}
	q, ok := p.queues[key]
	if !ok {
		q = &postQueue{}
		p.queues[key] = q
	}
	q.jobs = append(q.jobs, j)
	q.enqueued++
	if !q.running {
		q.running = true
		go p.work(key, q)
	}
	p.mu.Unlock()
	// Wait for the call even when ctx ends: the worker then cuts its wait
	// short, and the caller never returns while its call still runs.
	return <-j.done
}

// Enqueued reports how many calls have entered key's queue, served or
// waiting (tests wait on it to enqueue in a known order). Without pacing,
// a queue is forgotten once empty and the count starts again.
func (p *Poster) Enqueued(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if q := p.queues[key]; q != nil {
		return q.enqueued
	}
	return 0
}

// work serves one queue until it is empty. A paced queue stays, with its
// pacing; an unpaced one is forgotten (keys such as interactions are many).
func (p *Poster) work(key string, q *postQueue) {
	for {
		p.mu.Lock()
		if len(q.jobs) == 0 {
			q.running = false
			if p.Interval == 0 {
				delete(p.queues, key)
			}
			p.mu.Unlock()
			return
		}
		j := q.jobs[0]
		q.jobs = q.jobs[1:]
		p.mu.Unlock()
		j.done <- p.run(q, j)
	}
}

// run makes one call: after the pacing left from the previous call, and
// again after each rate limit's wait. A call whose caller has gone is not
// made.
func (p *Poster) run(q *postQueue, j postJob) error {
	wait := q.next.Sub(p.Now())
	for waits := 0; ; waits++ {
		if wait > 0 {
			if err := p.Sleep(j.ctx, wait); err != nil {
				return err
			}
		}
		if err := j.ctx.Err(); err != nil {
			return err
		}
		err := j.call(j.ctx)
		q.next = p.Now().Add(p.Interval)
		if ra, limited := p.retryAfter(err); limited && waits < MaxRateLimitWaits {
			wait = max(ra, p.Interval)
			continue
		}
		return err
	}
}

func (p *Poster) retryAfter(err error) (time.Duration, bool) {
	if err == nil || p.RetryAfter == nil {
		return 0, false
	}
	return p.RetryAfter(err)
}
