package discord

import (
	"context"
	"sync"
	"time"
)

// poster runs the REST calls that post or edit messages: one at a time
// per queue (a channel, or an interaction's token), in the order they were
// asked for. discordgo's rate limiter paces each route bucket from the
// X-RateLimit-* headers; when Discord still answers 429, the call waits
// out Retry-After and is sent again, ahead of the calls queued behind it.
// A message is never dropped for a rate limit.
type poster struct {
	sleep func(ctx context.Context, d time.Duration) error

	mu     sync.Mutex
	queues map[string]*queue
}

type queue struct {
	jobs    []job
	running bool // a worker goroutine serves the queue
}

type job struct {
	ctx  context.Context
	call func(context.Context) error
	done chan error
}

func newPoster(sleep func(context.Context, time.Duration) error) *poster {
	if sleep == nil {
		sleep = sleepCtx
	}
	return &poster{sleep: sleep, queues: map[string]*queue{}}
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

// maxRateLimitWaits bounds how often one call waits out a 429 before its
// error is returned (429 forever is an outage, not a limit).
const maxRateLimitWaits = 20

// Do queues call under key and waits for its result. Calls with one key
// run one at a time, in the order Do was called.
func (p *poster) Do(ctx context.Context, key string, call func(context.Context) error) error {
	j := job{ctx: ctx, call: call, done: make(chan error, 1)}
	p.mu.Lock()
	q, ok := p.queues[key]
	if !ok {
		q = &queue{}
		p.queues[key] = q
	}
	q.jobs = append(q.jobs, j)
	if !q.running {
		q.running = true
		go p.work(key, q)
	}
	p.mu.Unlock()
	// Wait for the call even when ctx ends: the worker then cuts its wait
	// short, and the caller never returns while its call still runs.
	return <-j.done
}

// work serves one queue until it is empty, then forgets it.
func (p *poster) work(key string, q *queue) {
	for {
		p.mu.Lock()
		if len(q.jobs) == 0 {
			q.running = false
			delete(p.queues, key)
			p.mu.Unlock()
			return
		}
		j := q.jobs[0]
		q.jobs = q.jobs[1:]
		p.mu.Unlock()
		j.done <- p.run(j)
	}
}

func (p *poster) run(j job) error {
	for waits := 0; ; waits++ {
		err := j.call(j.ctx)
		wait, limited := rateLimited(err)
		if !limited || waits >= maxRateLimitWaits {
			return err
		}
		if err := p.sleep(j.ctx, wait); err != nil {
			return err
		}
	}
}
