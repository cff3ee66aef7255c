package publish

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/internal/retryafter"
)

// EventKind says what happened to a post.
type EventKind string

// The events the scheduler brings to chat.
const (
	EventDelivered   EventKind = "delivered"   // a target has the post
	EventFailed      EventKind = "failed"      // a target refused it for good
	EventUnconfirmed EventKind = "unconfirmed" // a person must say whether it arrived
	EventMissed      EventKind = "missed"      // its time passed while Herald was down
	EventReminder    EventKind = "reminder"    // a draft has waited in review too long
	EventResumed     EventKind = "resumed"     // a brand's pause ended by itself (--until)
	EventConnect     EventKind = "connect"     // news of a target's connection (Connect)
)

// Event is news about a draft for its chat thread.
type Event struct {
	Kind     EventKind
	DraftID  int64
	Delivery Delivery        // for delivery events
	Waiting  time.Duration   // for reminders: how long it has waited
	Remind   []brands.Member // for reminders: who can review it now
	Stage    string          // for reminders: the stage kind that waits ("team", "client")
	Pause    *PauseView      // for EventResumed (DraftID is 0)
	Connect  *ConnectEvent   // for EventConnect (DraftID is 0)
}

// Notifier brings events to chat: the draft's card updated wherever it is
// shown, and a note in its thread.
type Notifier interface {
	Notify(ctx context.Context, e Event)
}

// Options tune a Scheduler; zero values take the defaults.
type Options struct {
	// Grace is how late a post may still go out after downtime (1 hour);
	// later ones are marked missed and brought to chat.
	Grace time.Duration
	// Workers publish in parallel, one draft each at a time (8).
	Workers int
	// Batch is how many rows one query takes (500).
	Batch int
	// Timeout bounds one network call (30 s); an attempt with media has a
	// second more per MB of them.
	Timeout time.Duration
	// MaxAttempts of a transient failure before the target is failed (8).
	MaxAttempts int
	// Backoff is the first retry delay, doubled each attempt up to
	// MaxBackoff (10 s, 15 min).
	Backoff, MaxBackoff time.Duration
	// RemindAfter is the default review reminder delay (24 h).
	RemindAfter time.Duration
	// Interval is how often Run ticks (10 s).
	Interval time.Duration
	// Wake is the Waker the Service was made with (NewWokenService): Run
	// ticks when it is signalled. Without it Run ticks on Interval only.
	Wake Waker
	// Media is where posts' media are read and linked; without it a post
	// with media fails.
	Media MediaSource
	// Owner names this scheduler in the leases it holds on the deliveries
	// it works on ("herald"). Replicas on one database need distinct
	// owners; a process that restarts under the same owner takes its
	// leases back at once (SQLite's one process does).
	Owner string
	// LeaseTTL is how long a lease lasts unless renewed (1 minute); it is
	// renewed every third of it while the delivery is worked on. A
	// delivery found sending under an expired lease was cut short by a
	// crash.
	LeaseTTL time.Duration
	// Leader reports whether this replica runs the single jobs of the
	// tick: pause ends and review reminders (nil: always).
	Leader func() bool
}

func (o *Options) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Grace, time.Hour)
	def(&o.Timeout, 30*time.Second)
	def(&o.Backoff, 10*time.Second)
	def(&o.MaxBackoff, 15*time.Minute)
	def(&o.RemindAfter, 24*time.Hour)
	def(&o.Interval, 10*time.Second)
	def(&o.LeaseTTL, time.Minute)
	if o.Owner == "" {
		o.Owner = defaultOwner
	}
	if o.Leader == nil {
		o.Leader = func() bool { return true }
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.Batch <= 0 {
		o.Batch = 500
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
}

// Scheduler publishes what is due. Everything it knows is in the store:
// Tick asks what is due, claims it with compare-and-set, records each
// attempt before the network call, and records the outcome after; a
// restart picks up where the last process stopped.
type Scheduler struct {
	svc    *Service
	store  Store
	clock  herald.Clock
	notify Notifier
	log    *slog.Logger
	opt    Options

	mu       sync.Mutex
	inflight map[string]bool // delivery keys being worked on by this process
	wakeCh   chan struct{}
	lastRem  time.Time
}

// NewScheduler returns a scheduler for svc's drafts and publishers.
func NewScheduler(svc *Service, notify Notifier, log *slog.Logger, opt Options) *Scheduler {
	opt.defaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Scheduler{svc: svc, store: svc.store, clock: svc.clock, notify: notify, log: log.With("component", "scheduler"),
		opt: opt, inflight: map[string]bool{}, wakeCh: opt.Wake}
	if s.wakeCh == nil {
		s.wakeCh = NewWaker() // never signalled
	}
	return s
}

// Woken is the channel Run wakes on: Options.Wake.
func (s *Scheduler) Woken() <-chan struct{} { return s.wakeCh }

func (s *Scheduler) now() time.Time { return s.clock.Now().UTC() }

// Tick does everything due now: it claims due posts (or marks those too
// late missed), works every delivery that is ready, and sends review
// reminders. It returns when all of it is recorded.
func (s *Scheduler) Tick(ctx context.Context) error {
	leader := s.opt.Leader()
	if leader {
		if err := s.expirePauses(ctx); err != nil {
			return err
		}
	}
	if err := s.claimDue(ctx); err != nil {
		return err
	}
	if err := s.work(ctx); err != nil {
		return err
	}
	if !leader {
		return nil
	}
	return s.remind(ctx)
}

// claimDue moves every due scheduled draft to publishing, with one pending
// delivery per target, or to missed when it is later than the grace.
func (s *Scheduler) claimDue(ctx context.Context) error {
	for {
		now := s.now()
		ds, err := s.store.DueDrafts(ctx, now, s.opt.Batch)
		if err != nil {
			return err
		}
		from := s.claimFrom(len(ds))
		for i := range ds {
			d := ds[(from+i)%len(ds)]
			if err := s.claim(ctx, d, now); err != nil && herald.ErrorCode(err) != herald.ECONFLICT {
				return err
			}
		}
		if len(ds) < s.opt.Batch {
			return nil
		}
	}
}

func (s *Scheduler) claim(ctx context.Context, d approvals.Draft, now time.Time) error {
	if late := now.Sub(d.PublishAt); late > s.opt.Grace {
		nd, e, err := approvals.Transition(d, System, approvals.ActMiss, fmt.Sprintf("due %s ago, beyond the grace period of %s", late.Round(time.Minute), s.opt.Grace), now)
		if err != nil {
			return err
		}
		nd.Version = d.Version
		if err := s.store.SaveDeliveries(ctx, &approvals.Change{Draft: nd, Audit: []approvals.AuditEntry{e}}, nil); err != nil {
			return err
		}
		s.log.WarnContext(ctx, "post missed", "draft_id", d.ID, "late", late.String())
		s.emit(ctx, Event{Kind: EventMissed, DraftID: d.ID})
		return nil
	}
	nd, e, err := approvals.Transition(d, System, approvals.ActPublish, "due at "+d.PublishAt.Format(time.RFC3339), now)
	if err != nil {
		return err
	}
	nd.Version = d.Version
	err = s.store.ClaimDue(ctx, approvals.Change{Draft: nd, Audit: []approvals.AuditEntry{e}}, inserts(newDeliveries(nd, d.PublishAt, now)))
	if he := herald.AsError(err); he != nil && he.Reason == ReasonPaused {
		return nil // held: the pause committed first
	}
	return err
}

// expirePauses ends the pauses whose --until has come, before anything is
// claimed, and brings each end to chat.
func (s *Scheduler) expirePauses(ctx context.Context) error {
	vs, err := s.svc.endExpiredPauses(ctx)
	for i := range vs {
		s.log.InfoContext(ctx, "pause ended", "brand_id", vs[i].Brand.ID, "missed", len(vs[i].Missed))
		s.emit(ctx, Event{Kind: EventResumed, Pause: &vs[i]})
	}
	return err
}

// work handles every ready delivery, a draft's deliveries one after the
// other, drafts in parallel, until none is ready. It leases what it works
// on (LeaseDeliveries), renews the leases while it works and releases
// them after each round.
func (s *Scheduler) work(ctx context.Context) error {
	seen := map[string]int{} // how often each delivery was handled in this tick
	stop := s.renewing(ctx)
	defer stop()
	for {
		now := s.now()
		leased, err := s.store.LeaseDeliveries(ctx, s.opt.Owner, now, now.Add(s.opt.LeaseTTL), s.opt.Batch)
		if err != nil {
			return err
		}
		ds := slices.DeleteFunc(slices.Clone(leased), func(d Delivery) bool {
			seen[d.Key]++
			return seen[d.Key] > maxPerTick // left for the next tick
		})
		groups, order := s.take(ds)
		if len(order) == 0 {
			return s.releaseLeases(ctx, leased)
		}
		err = s.workRound(ctx, groups, order)
		if rerr := s.releaseLeases(context.WithoutCancel(ctx), leased); err == nil {
			err = rerr
		}
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// workRound hands each draft's deliveries to a worker, and returns the
// first failure once all are done.
func (s *Scheduler) workRound(ctx context.Context, groups map[int64][]Delivery, order []int64) error {
	jobs := make(chan int64)
	var wg sync.WaitGroup
	errs := make(chan error, s.opt.Workers)
	for range min(s.opt.Workers, len(order)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range jobs {
				for _, d := range groups[id] {
					if err := s.handle(ctx, d); err != nil && herald.ErrorCode(err) != herald.ECONFLICT {
						if ctx.Err() == nil { // shutting down is no failure: the next start recovers the attempt
							s.log.ErrorContext(ctx, "publishing", "draft_id", d.DraftID, "target", d.Target.String(), "error", err)
						}
						select {
						case errs <- err:
						default:
						}
					}
					s.release(d)
				}
			}
		}()
	}
	for _, id := range order {
		jobs <- id
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// maxPerTick bounds how often one delivery is handled in one tick (a
// resend with the same key after an ambiguous answer is a second time).
const maxPerTick = 3

// take marks the deliveries this process will work on, grouped by draft,
// skipping those already in hand.
func (s *Scheduler) take(ds []Delivery) (map[int64][]Delivery, []int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	groups := map[int64][]Delivery{}
	var order []int64
	for _, d := range ds {
		if s.inflight[d.Key] {
			continue
		}
		s.inflight[d.Key] = true
		if _, ok := groups[d.DraftID]; !ok {
			order = append(order, d.DraftID)
		}
		groups[d.DraftID] = append(groups[d.DraftID], d)
	}
	return groups, order
}

func (s *Scheduler) release(d Delivery) {
	s.mu.Lock()
	delete(s.inflight, d.Key)
	s.mu.Unlock()
}

// handle moves one delivery on. A delivery found sending under a lease
// this scheduler could take (expired, or its own from before a restart)
// was cut short by a stop or a crash: it may have arrived.
func (s *Scheduler) handle(ctx context.Context, d Delivery) error {
	switch d.State {
	case Pending:
		return s.send(ctx, d)
	case Sending:
		return s.record(ctx, d, Receipt{}, AmbiguousError(errors.New("Herald stopped while sending it")))
	case Checking:
		return s.check(ctx, d)
	}
	return nil
}

// post builds what a publisher needs for d.
func (s *Scheduler) post(ctx context.Context, d Delivery) (Post, Publisher, error) {
	p, ok := s.svc.Publisher(d.Target.Kind)
	if !ok {
		return Post{}, nil, Rejectedf("Herald is not connected to %s.", d.Target.Kind)
	}
	b, err := s.store.Brand(ctx, d.BrandID)
	if err != nil {
		return Post{}, nil, err
	}
	rev, err := s.store.Revision(ctx, d.DraftID, d.Rev)
	if err != nil {
		return Post{}, nil, err
	}
	post := Post{DraftID: d.DraftID, Rev: d.Rev, Brand: b, Target: d.Target, Text: rev.Text, Key: d.Key, Due: d.Due}
	if err := s.postMedia(ctx, &post, d, rev); err != nil {
		return post, nil, err
	}
	if post.ReplyTo, err = s.svc.replyTo(ctx, d.DraftID); err != nil {
		return post, nil, err
	}
	if _, ok := p.(Configurer); ok {
		a, err := s.store.Account(ctx, d.BrandID, d.Target)
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			return post, nil, Rejectedf("%s is no longer set up for %s.", d.Target, b.Name)
		}
		if err != nil {
			return post, nil, err
		}
		post.Account = a
		if a.Conn.Connected() && a.Conn.Health.Dead {
			return post, nil, deadAccount(a)
		}
	}
	return post, p, nil
}

// send records the attempt, then calls the network, then records the
// outcome.
func (s *Scheduler) send(ctx context.Context, d Delivery) error {
	post, p, err := s.post(ctx, d)
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			return s.record(ctx, d, Receipt{}, err)
		}
		return err
	}
	now := s.now()
	next := d
	next.State, next.Attempts, next.SentAt, next.UpdatedAt = Sending, d.Attempts+1, now, now
	if next.FirstSent.IsZero() {
		next.FirstSent = now
	}
	if err := s.store.SaveDeliveries(ctx, nil, []DeliveryUpdate{{Delivery: next, From: d.State, FromAttempts: d.Attempts}}); err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, s.timeout(post))
	start := time.Now()
	r, err := p.Publish(cctx, post)
	cancel()
	s.log.InfoContext(ctx, "publish attempt", "draft_id", d.DraftID, "target", d.Target.String(), "attempt", next.Attempts,
		"media", len(post.Media), "outcome", outcome(err), "duration_ms", time.Since(start).Milliseconds())
	noteHealth(ctx, s.store, s.log, post.Brand, post.Account, err, s.now(), s.connectNews(ctx))
	return s.record(ctx, next, r, err)
}

func outcome(err error) string {
	if err == nil {
		return "delivered"
	}
	return Classify(err).Outcome.String()
}

// record stores the outcome of d's attempt and moves its draft along.
func (s *Scheduler) record(ctx context.Context, d Delivery, r Receipt, err error) error {
	now := s.now()
	next := d
	next.UpdatedAt = now
	ev := EventKind("")
	switch {
	case err == nil:
		next.State, next.Receipt, next.Error, ev = Delivered, r, "", EventDelivered
	default:
		e := Classify(err)
		next.Error = e.Message
		switch e.Outcome {
		case Rejected:
			next.State, ev = Failed, EventFailed
		case Transient:
			if d.Attempts >= s.opt.MaxAttempts {
				next.State, ev = Failed, EventFailed
				next.Error = fmt.Sprintf("gave up after %d attempts: %s", d.Attempts, e.Message)
			} else {
				next.State, next.NextAt = Pending, now.Add(s.backoff(d.Attempts, e.RetryAfter))
			}
		default:
			next.State = Checking
		}
	}
	if err := s.save(ctx, d, next); err != nil {
		return err
	}
	if next.State == Checking {
		return s.check(ctx, next)
	}
	if ev != "" {
		s.emit(ctx, Event{Kind: ev, DraftID: d.DraftID, Delivery: next})
	}
	return nil
}

// backoff is the delay before attempt n+1: the network's Retry-After (or
// rate-limit reset) when it gave one, at most retryafter.Max (a day), else
// doubling from Backoff.
func (s *Scheduler) backoff(n int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, retryafter.Max)
	}
	d := s.opt.Backoff
	for i := 1; i < n && d < s.opt.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.opt.MaxBackoff)
}

// check settles a delivery that may have arrived, without ever sending it
// blindly a second time: a network that honours the key gets it again
// with the same key (within the key's lifetime); a destination that can
// be looked at is looked at; otherwise a person decides.
func (s *Scheduler) check(ctx context.Context, d Delivery) error {
	post, p, err := s.post(ctx, d)
	if err != nil || d.Attempts >= s.opt.MaxAttempts {
		return s.unconfirmed(ctx, d, d.Error)
	}
	now := s.now()
	next := d
	next.UpdatedAt = now
	if dd, ok := p.(Deduplicator); ok && now.Sub(d.FirstSent) < dd.KeyWindow() {
		next.State, next.NextAt = Pending, now
		next.Error = "sent again with the same idempotency key after: " + d.Error
		return s.save(ctx, d, next)
	}
	c, ok := p.(Checker)
	if !ok {
		return s.unconfirmed(ctx, d, d.Error)
	}
	cctx, cancel := context.WithTimeout(ctx, s.opt.Timeout)
	r, found, err := c.Check(cctx, post)
	cancel()
	switch {
	case err != nil:
		return s.unconfirmed(ctx, d, d.Error+"; checking failed too: "+Classify(err).Message)
	case found:
		next.State, next.Receipt, next.Error = Delivered, r, ""
		if err := s.save(ctx, d, next); err != nil {
			return err
		}
		s.emit(ctx, Event{Kind: EventDelivered, DraftID: d.DraftID, Delivery: next})
		return nil
	}
	next.State, next.NextAt = Pending, now // checked: it is not there
	next.Error = "not found at the destination after: " + d.Error
	return s.save(ctx, d, next)
}

func (s *Scheduler) unconfirmed(ctx context.Context, d Delivery, msg string) error {
	next := d
	next.State, next.Error, next.UpdatedAt = Unconfirmed, msg, s.now()
	if err := s.save(ctx, d, next); err != nil {
		return err
	}
	s.emit(ctx, Event{Kind: EventUnconfirmed, DraftID: d.DraftID, Delivery: next})
	return nil
}

// save stores d's move to next with compare-and-set, and moves the draft
// to the state its deliveries add up to, in the same transaction. The
// draft is compared-and-set even when its state stays, so that two of its
// deliveries settled at once cannot each read the other as unfinished and
// leave it publishing for ever; the one that loses reads again.
func (s *Scheduler) save(ctx context.Context, d, next Delivery) error {
	for try := 1; ; try++ {
		err := s.saveOnce(ctx, d, next)
		if herald.ErrorCode(err) != herald.ECONFLICT || try == 3 {
			return err
		}
	}
}

func (s *Scheduler) saveOnce(ctx context.Context, d, next Delivery) error {
	draft, err := s.store.Draft(ctx, d.DraftID)
	if err != nil {
		return err
	}
	all, err := s.svc.Deliveries(ctx, draft)
	if err != nil {
		return err
	}
	for i := range all {
		if all[i].Key == next.Key {
			all[i] = next
		}
	}
	c, err := settle(draft, all, System, next.Target.String()+" "+string(next.State), next.UpdatedAt)
	if err != nil {
		return err
	}
	if c == nil {
		c = &approvals.Change{Draft: draft} // the state stays; the version still guards
	}
	return s.store.SaveDeliveries(ctx, c, []DeliveryUpdate{{Delivery: next, From: d.State, FromAttempts: d.Attempts}})
}

// connectNews brings connection news to chat through the notifier.
func (s *Scheduler) connectNews(ctx context.Context) func(ConnectEvent) {
	return func(e ConnectEvent) { s.emit(ctx, Event{Kind: EventConnect, Connect: &e}) }
}

func (s *Scheduler) emit(ctx context.Context, e Event) {
	if s.notify != nil {
		s.notify.Notify(ctx, e)
	}
}
