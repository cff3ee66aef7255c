package bot

import (
	"context"
	"log/slog"

	"github.com/heraldhq/herald/commands"
)

// Broadcaster brings news (commands.Announce) to every adapter that takes
// it, in order, on its own goroutine: whoever announces (the scheduler)
// never waits for a platform's pacing.
type Broadcaster struct {
	to  []Announcer
	log *slog.Logger
	q   chan Announcement
}

// NewBroadcaster returns a broadcaster to the adapters that are
// Announcers.
func NewBroadcaster(adapters []Adapter, log *slog.Logger) *Broadcaster {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := &Broadcaster{log: log, q: make(chan Announcement, 1024)}
	for _, a := range adapters {
		if an, ok := a.(Announcer); ok {
			b.to = append(b.to, an)
		}
	}
	return b
}

// Announce queues news about card; it waits only when the queue is full
// (or until ctx ends).
func (b *Broadcaster) Announce(ctx context.Context, card commands.Card, note commands.Response) {
	if len(b.to) == 0 {
		return
	}
	select {
	case b.q <- Announcement{Card: card, Note: note}:
	case <-ctx.Done():
		b.log.WarnContext(ctx, "news not announced: stopping", "card", card.Key)
	}
}

// Run delivers queued news until ctx is done.
func (b *Broadcaster) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-b.q:
			for _, to := range b.to {
				if err := to.Announce(ctx, n); err != nil {
					b.log.ErrorContext(ctx, "announcing failed", "card", n.Card.Key, "error", err)
				}
			}
		}
	}
}
