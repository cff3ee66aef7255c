package publish

import (
	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
)

// Waker asks a Scheduler to look at once (a post to publish now). It is
// made before both the Service, which signals it, and the Scheduler,
// which waits on it (Options.Wake), so that neither is set after the
// other is built. Signals do not pile up: one pending wake is enough.
type Waker chan struct{}

// NewWaker returns a Waker with room for one pending wake.
func NewWaker() Waker { return make(Waker, 1) }

// Wake signals w without waiting.
func (w Waker) Wake() {
	select {
	case w <- struct{}{}:
	default:
	}
}

// NewWokenService returns a Service, as NewService does, that wakes w
// whenever a post may be due at once; give w to the Scheduler as
// Options.Wake.
func NewWokenService(drafts *approvals.Service, bs *brands.Service, store Store, clock herald.Clock, w Waker) *Service {
	s := NewService(drafts, bs, store, clock)
	s.wake = w.Wake
	return s
}
