package publish

import (
	"context"
	"hash/fnv"
	"time"
)

// defaultOwner is Options.Owner's default: the one process of a database.
const defaultOwner = "herald"

// claimFrom is where in a batch of n due posts this scheduler starts
// claiming: replicas (named owners) start at different places, so that
// they do not all queue on the same rows and lose the same races; the one
// process starts with the earliest.
func (s *Scheduler) claimFrom(n int) int {
	if s.opt.Owner == defaultOwner || n == 0 {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(s.opt.Owner))
	return int(h.Sum32() % uint32(n))
}

// renewing renews, every third of the lease's lifetime, the leases on the
// deliveries this scheduler is working on, until the returned stop is
// called. A lease found lost (another replica took it after it expired:
// this process was stalled longer than the lease) is logged; the
// compare-and-set of each write keeps the two from both recording an
// outcome.
func (s *Scheduler) renewing(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(max(s.opt.LeaseTTL/3, time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.renew(ctx)
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

func (s *Scheduler) renew(ctx context.Context) {
	keys := s.inflightKeys()
	lost, err := s.store.RenewLeases(ctx, s.opt.Owner, keys, s.now().Add(s.opt.LeaseTTL))
	switch {
	case err != nil && ctx.Err() == nil:
		s.log.ErrorContext(ctx, "leases not renewed", "leases", len(keys), "error", err)
	case lost > 0:
		s.log.WarnContext(ctx, "leases lost", "lost", lost, "leases", len(keys))
	}
}

func (s *Scheduler) inflightKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.inflight))
	for k := range s.inflight {
		keys = append(keys, k)
	}
	return keys
}

// releaseLeases ends this scheduler's leases on the deliveries of ds it is
// no longer working on (a tick running beside this one may hold some).
func (s *Scheduler) releaseLeases(ctx context.Context, ds []Delivery) error {
	s.mu.Lock()
	keys := make([]string, 0, len(ds))
	for _, d := range ds {
		if !s.inflight[d.Key] {
			keys = append(keys, d.Key)
		}
	}
	s.mu.Unlock()
	return s.store.ReleaseLeases(ctx, s.opt.Owner, keys)
}

// Owner is the name this scheduler holds its leases under.
func (s *Scheduler) Owner() string { return s.opt.Owner }

// LeaseCounts counts the unfinished deliveries under a live lease: this
// scheduler's, and other replicas'.
func (s *Scheduler) LeaseCounts(ctx context.Context) (mine, others int, err error) {
	return s.store.LeaseCounts(ctx, s.opt.Owner, s.now())
}
