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
	// relayed: news go through relay to every replica (relay.go).
	relay  Relay
	claims Deduper
	clock  herald.Clock
	id     string // this replica's, in the news it sends
}

type announcer struct {
	name string // the adapter's, which is its platform's
	Announcer
}

// news is an announcement, and the platform it came from (which shows it
// already). ID names news relayed between replicas, Origin the replica
// that sent them and Has the platforms it announces itself (relay.go).
type news struct {
	Announcement
	From   string   `json:"from,omitempty"`
	ID     string   `json:"id,omitempty"`
	Origin string   `json:"origin,omitempty"`
	Has    []string `json:"has,omitempty"`
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
			m.b.queue(ctx, news{Announcement: Announcement{Card: card}, From: c.Actor.Platform})
		}
	}
	return resp
}

// Run delivers queued news to the adapters that are Announcers, until
// ctx is done. With none, news are dropped. A relayed broadcaster sends
// them to every replica instead, and announces those it hears (relay.go).
func (b *Broadcaster) Run(ctx context.Context, adapters []Adapter) {
	to := announcers(adapters)
	if b.relay != nil {
		b.runRelayed(ctx, to)
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-b.q:
			b.deliver(ctx, n, to, false)
		}
	}
}

func announcers(adapters []Adapter) []announcer {
	var to []announcer
	for _, a := range adapters {
		if an, ok := a.(Announcer); ok {
			to = append(to, announcer{a.Name(), an})
		}
	}
	return to
}

// deliver announces n on every platform of to but the one it came from.
// relayed news are announced on a platform by their origin when it has
// that platform, else by the replica that claims them there first.
func (b *Broadcaster) deliver(ctx context.Context, n news, to []announcer, relayed bool) {
	for _, an := range to {
		if an.name == n.From || relayed && !b.mine(ctx, n, an.name) {
			continue
		}
		if err := an.Announce(ctx, n.Announcement); err != nil {
			b.log.ErrorContext(ctx, "announcing failed", "card", n.Card.Key, "adapter", an.name, "error", err)
		}
	}
}
