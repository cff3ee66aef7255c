package mentions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/heraldhq/herald"
)

// PollerOptions tune the Poller. Zero fields take the defaults.
type PollerOptions struct {
	// Interval between polls of a healthy source, per kind (defaults: rss
	// 15m; hn, reddit, mastodon, bluesky 5m; any other kind 10m).
	Interval map[string]time.Duration
	// Jitter spreads poll times by ± this fraction (default 0.1; negative
	// for none).
	Jitter float64
	// MinBackoff is the wait after a first failure, doubled by each next
	// one up to MaxBackoff (defaults 1m and 1h). A Retry-After from the
	// source is always honoured, even beyond MaxBackoff (up to a day).
	MinBackoff, MaxBackoff time.Duration
	Concurrency            int           // sources polled at once (default 4)
	Timeout                time.Duration // bound on one poll (default 1m)
	Due                    int           // sources taken per tick at most (default 200)
	Every                  time.Duration // Run's tick period (default 15s)
	// After waits for a stream reconnection (default time.After); tests
	// replace it.
	After func(time.Duration) <-chan time.Time
}

func (o PollerOptions) withDefaults() PollerOptions {
	iv := defaultIntervals()
	for k, v := range o.Interval {
		if v > 0 {
			iv[k] = v
		}
	}
	o.Interval = iv
	if o.Jitter == 0 {
		o.Jitter = 0.1
	}
	if o.Jitter < 0 {
		o.Jitter = 0
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = time.Minute
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Hour
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Minute
	}
	if o.Due <= 0 {
		o.Due = 200
	}
	if o.Every <= 0 {
		o.Every = 15 * time.Second
	}
	if o.After == nil {
		o.After = time.After
	}
	return o
}

// maxRetryAfter bounds how long a source may ask to be left alone.
const maxRetryAfter = 24 * time.Hour

// streamIdle is how far a streaming source's next poll is pushed: the
// Poller never polls it, Run streams it.
const streamIdle = time.Hour

// Poller polls the due sources and keeps the streaming ones connected,
// feeding what they find to the Service's pipeline and recording each
// source's health. A broken source never stops the others.
type Poller struct {
	svc  *Service
	open func(Spec) (any, error)
	clk  herald.Clock
	log  *slog.Logger
	opt  PollerOptions

	mu      sync.Mutex
	opened  map[int64]opened
	streams map[int64]context.CancelFunc
	rnd     *rand.Rand
}

type opened struct {
	spec Spec
	src  any
}

// NewPoller returns a Poller. open turns a spec into a Source or a
// Streamer (an error is recorded on that source); clock tells the time of
// polls and health.
func NewPoller(svc *Service, open func(Spec) (any, error), clock herald.Clock, log *slog.Logger, opt PollerOptions) *Poller {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Poller{svc: svc, open: open, clk: clock, log: log, opt: opt.withDefaults(),
		opened: map[int64]opened{}, streams: map[int64]context.CancelFunc{},
		rnd: rand.New(rand.NewPCG(uint64(clock.Now().UnixNano()), 0x4e7a))}
}

// source returns the opened source of spec, opening it the first time
// (again when the spec changed). A panic while opening is an error.
func (p *Poller) source(spec Spec) (src any, err error) {
	p.mu.Lock()
	o, ok := p.opened[spec.ID]
	p.mu.Unlock()
	if ok && o.spec == spec {
		return o.src, nil
	}
	defer func() {
		if r := recover(); r != nil {
			src, err = nil, fmt.Errorf("opening the source panicked: %v", r)
		}
	}()
	src, err = p.open(spec)
	if err != nil {
		return nil, err
	}
	switch src.(type) {
	case Source, Streamer:
	default:
		return nil, fmt.Errorf("%s sources cannot be run by this Herald", spec.Kind)
	}
	p.mu.Lock()
	p.opened[spec.ID] = opened{spec: spec, src: src}
	p.mu.Unlock()
	return src, nil
}

// Tick polls every due source (NextPoll <= now), Concurrency at a time,
// and closes the surge windows that ended. It returns when every poll is
// done; errors of sources are recorded on them, not returned.
func (p *Poller) Tick(ctx context.Context) error {
	p.svc.Tick(ctx)
	now := p.clk.Now().UTC()
	due, err := p.svc.store.DueSources(ctx, now, p.opt.Due)
	if err != nil {
		return err
	}
	sem := make(chan struct{}, p.opt.Concurrency)
	var wg sync.WaitGroup
	for _, st := range due {
		src, err := p.source(st.Spec)
		if err != nil {
			p.failed(ctx, st, now, err)
			continue
		}
		poller, ok := src.(Source)
		if !ok { // a Streamer: Run keeps it connected
			if err := p.svc.store.SetNextPoll(ctx, st.Spec.ID, now.Add(streamIdle)); err != nil {
				p.log.WarnContext(ctx, "stream source not rescheduled", "source_id", st.Spec.ID, "error", err)
			}
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return ctx.Err()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			p.poll(ctx, st, poller, now)
		}()
	}
	wg.Wait()
	return nil
}

// poll polls one source and stores the batch with its cursor, or records
// the failure.
func (p *Poller) poll(ctx context.Context, st SourceStatus, src Source, now time.Time) {
	defer func() {
		if rec := recover(); rec != nil { // a bug on this source's items: recorded on it, the others go on
			p.failed(ctx, st, now, fmt.Errorf("processing the batch panicked: %v", rec))
		}
	}()
	terms, err := p.svc.Terms(ctx, st.Spec.BrandID)
	if err != nil {
		p.failed(ctx, st, now, err)
		return
	}
	pctx, cancel := context.WithTimeout(ctx, p.opt.Timeout)
	defer cancel()
	b, err := safePoll(pctx, src, Request{Cursor: st.Cursor, Terms: terms})
	if err == nil {
		_, err = p.svc.ingest(ctx, st, b, now.Add(p.jitter(p.interval(st.Spec.Kind))))
	}
	if err != nil {
		p.failed(ctx, st, now, err)
	}
}

// safePoll polls src, turning a panic into an error.
func safePoll(ctx context.Context, src Source, r Request) (b Batch, err error) {
	defer func() {
		if rec := recover(); rec != nil {
			b, err = Batch{}, fmt.Errorf("the source panicked: %v", rec)
		}
	}()
	return src.Poll(ctx, r)
}

func (p *Poller) interval(kind string) time.Duration {
	if d, ok := p.opt.Interval[kind]; ok {
		return d
	}
	return 10 * time.Minute
}

// jitter spreads d by ± Jitter.
func (p *Poller) jitter(d time.Duration) time.Duration {
	if p.opt.Jitter == 0 {
		return d
	}
	p.mu.Lock()
	f := p.rnd.Float64()
	p.mu.Unlock()
	return time.Duration(float64(d) * (1 + p.opt.Jitter*(2*f-1)))
}

// Backoff is the wait after the n-th consecutive failure (n >= 1): MinBackoff
// doubled n-1 times, at most MaxBackoff, jittered; at least what the
// source asked for with Retry-After.
func (p *Poller) Backoff(n int, err error) time.Duration {
	d := p.opt.MinBackoff
	for i := 1; i < n && d < p.opt.MaxBackoff; i++ {
		d *= 2
	}
	d = p.jitter(min(d, p.opt.MaxBackoff))
	if ra := min(retryAfter(err), maxRetryAfter); ra > d {
		d = ra
	}
	return d
}

// failed records a failure on a source and schedules its retry, which it
// returns (the time after now that the source list shows as the next try).
func (p *Poller) failed(ctx context.Context, st SourceStatus, now time.Time, err error) time.Duration {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return 0 // shutting down: not the source's fault
	}
	st.Failures++
	st.LastError, st.LastErrorMsg = now, clip(oneLine(err.Error()), 300)
	retry := p.Backoff(st.Failures, err)
	st.NextPoll = now.Add(retry)
	p.log.WarnContext(ctx, "source failed", "source_id", st.Spec.ID, "brand_id", st.Spec.BrandID, "kind", st.Spec.Kind,
		"failures", st.Failures, "retry_in", st.NextPoll.Sub(now).String(), "error", err)
	if err := p.svc.store.SetSourceHealth(ctx, st); err != nil {
		p.log.ErrorContext(ctx, "source health not recorded", "source_id", st.Spec.ID, "error", err)
	}
	return retry
}

// Run ticks every Options.Every and keeps one goroutine per streaming
// source (reconnecting with backoff), until ctx is done.
func (p *Poller) Run(ctx context.Context) error {
	t := time.NewTicker(p.opt.Every)
	defer t.Stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		if err := p.Tick(ctx); err != nil && ctx.Err() == nil {
			p.log.ErrorContext(ctx, "poller tick failed", "error", err)
		}
		p.superviseStreams(ctx, &wg)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// superviseStreams starts a goroutine for each streaming source without
// one, and stops those of removed sources.
func (p *Poller) superviseStreams(ctx context.Context, wg *sync.WaitGroup) {
	all, err := p.svc.store.Sources(ctx, 0)
	if err != nil {
		if ctx.Err() == nil {
			p.log.ErrorContext(ctx, "sources not listed", "error", err)
		}
		return
	}
	live := map[int64]bool{}
	for _, st := range all {
		if st.Spec.Kind == "webhook" {
			continue
		}
		live[st.Spec.ID] = true
		p.mu.Lock()
		_, running := p.streams[st.Spec.ID]
		p.mu.Unlock()
		if running {
			continue
		}
		src, err := p.source(st.Spec)
		if err != nil {
			continue // Tick records it
		}
		streamer, ok := src.(Streamer)
		if !ok {
			continue
		}
		sctx, cancel := context.WithCancel(ctx)
		p.mu.Lock()
		p.streams[st.Spec.ID] = cancel
		p.mu.Unlock()
		wg.Add(1)
		go func(id int64) {
			defer wg.Done()
			p.Stream(sctx, id, streamer)
		}(st.Spec.ID)
	}
	p.mu.Lock()
	for id, cancel := range p.streams {
		if !live[id] {
			cancel()
			delete(p.streams, id)
		}
	}
	for id := range p.opened {
		if !live[id] {
			delete(p.opened, id) // removed: forget it
		}
	}
	p.mu.Unlock()
}

// Stream keeps one streaming source connected until ctx is done: it
// resumes from the stored cursor, stores each batch through the pipeline
// (with the cursor after it) and reconnects with backoff after a failure.
func (p *Poller) Stream(ctx context.Context, id int64, s Streamer) {
	for ctx.Err() == nil {
		st, err := p.svc.store.Source(ctx, id)
		if err != nil {
			if herald.ErrorCode(err) == herald.ENOTFOUND {
				return // removed
			}
			p.wait(ctx, p.opt.MinBackoff)
			continue
		}
		got := false
		err = safeStream(ctx, s, st.Cursor, func(ctx context.Context, b Batch) error {
			got = true
			_, err := p.svc.Ingest(ctx, id, b)
			return err
		})
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			err = errors.New("the stream ended")
		}
		st, lerr := p.svc.store.Source(ctx, id)
		if lerr != nil {
			continue
		}
		if got {
			st.Failures = 0 // it worked for a while: start backing off afresh
		}
		p.wait(ctx, p.failed(ctx, st, p.clk.Now().UTC(), err))
	}
}

func safeStream(ctx context.Context, s Streamer, cursor string, emit func(context.Context, Batch) error) (err error) {
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("the stream panicked: %v", rec)
		}
	}()
	return s.Stream(ctx, cursor, emit)
}

func (p *Poller) wait(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-p.opt.After(d):
	}
}
