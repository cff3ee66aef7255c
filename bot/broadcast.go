package bot

import (
	"context"
	"log/slog"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
)

// Broadcaster brings news (commands.Announce) to every adapter that takes
// it, in order, on its own goroutine: whoever announces (the scheduler)
// never waits for a platform's pacing. It is made before the adapters
// (their commands need the notifiers it feeds) and meets them in Run:
// news queued before Run are delivered once it starts.
type Broadcaster struct {
	log *slog.Logger
	q   chan news
}

type announcer struct {
	name string // the adapter's, which is its platform's
	Announcer
}

// news is an announcement, and the platform it came from (which shows it
// already).
type news struct {
	Announcement
	from string
}

// NewBroadcaster returns a broadcaster with room for 1024 pieces of news
// in its queue; Announce and Show wait when it is full.
func NewBroadcaster(log *slog.Logger) *Broadcaster {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Broadcaster{log: log, q: make(chan news, 1024)}
}

// Announce queues news about card; it waits only when the queue is full
// (or until ctx ends).
func (b *Broadcaster) Announce(ctx context.Context, card commands.Card, note commands.Response) {
	b.queue(ctx, news{Announcement: Announcement{Card: card, Note: note}})
}

// Show queues an announcement as it is: a card for a given channel (a
// mention's route), which each platform posts or updates.
func (b *Broadcaster) Show(ctx context.Context, a Announcement) {
	b.queue(ctx, news{Announcement: a})
}

// Tell queues a card for one person alone, shown where they asked
// (Announcement.To).
func (b *Broadcaster) Tell(ctx context.Context, card commands.Card, who herald.Actor, where herald.ChannelRef) {
	b.queue(ctx, news{Announcement: Announcement{Card: card, Channel: where, To: &who}})
}

func (b *Broadcaster) queue(ctx context.Context, n news) {
	select {
	case b.q <- n:
	case <-ctx.Done():
		b.log.WarnContext(ctx, "news not announced: stopping", "card", n.Card.Key)
	}
}

// Mirror returns d, followed, after each command, by updating the cards
// it answered with on the other platforms where they are shown: a draft
// approved from Discord changes its card on Slack too. The platform the
// command came from updates its own copies as it answers.
func (b *Broadcaster) Mirror(d Dispatcher) Dispatcher { return mirror{b, d} }

type mirror struct {
	b *Broadcaster
	d Dispatcher
}

func (m mirror) Dispatch(ctx context.Context, c commands.Call) commands.Response {
	resp := m.d.Dispatch(ctx, c)
	for _, card := range resp.Cards {
		if card.Key != "" {
			m.b.queue(ctx, news{Announcement: Announcement{Card: card}, from: c.Actor.Platform})
		}
	}
	return resp
}

// Run delivers queued news to the adapters that are Announcers, until
// ctx is done. With none, news are dropped.
func (b *Broadcaster) Run(ctx context.Context, adapters []Adapter) {
	var to []announcer
	for _, a := range adapters {
		if an, ok := a.(Announcer); ok {
			to = append(to, announcer{a.Name(), an})
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-b.q:
			for _, an := range to {
				if an.name == n.from {
					continue
				}
				if err := an.Announce(ctx, n.Announcement); err != nil {
					b.log.ErrorContext(ctx, "announcing failed", "card", n.Card.Key, "error", err)
				}
			}
		}
	}
}
