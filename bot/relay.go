package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/heraldhq/herald"
)

// Relay carries news between the replicas of Herald serving one database
// (storage/postgres's Replica is one: a row and a NOTIFY). Send hands a
// payload to every replica's Listen, the sender's own included; Listen
// calls deliver with each, in order, until ctx is done.
type Relay interface {
	Send(ctx context.Context, payload []byte, at time.Time) error
	Listen(ctx context.Context, deliver func(ctx context.Context, payload []byte)) error
}

// NewRelayedBroadcaster returns a broadcaster for one of several replicas:
// the news it is given (commands' cards, the scheduler's results) go
// through relay to every replica, and each replica announces what it
// hears on the platforms it has an adapter for. So a card changed on one
// replica is updated by whichever replica holds that platform's
// connection (the Discord gateway runs on one replica only). Of the
// replicas holding a platform, the first to claim a piece of news in
// claims (the database) announces it there: each platform hears it once.
// When relay cannot send, the news are announced here, as a lone
// Herald would.
func NewRelayedBroadcaster(log *slog.Logger, relay Relay, claims Deduper, clock herald.Clock) *Broadcaster {
	b := NewBroadcaster(log)
	b.relay, b.claims, b.clock = relay, claims, clock
	return b
}

// runRelayed sends the news queued here to every replica, and announces
// those heard from any (this one included), until ctx is done.
func (b *Broadcaster) runRelayed(ctx context.Context, to []announcer) {
	heard := make(chan news, 64)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err := b.relay.Listen(ctx, func(ctx context.Context, payload []byte) {
			var n news
			if err := json.Unmarshal(payload, &n); err != nil || n.ID == "" {
				b.log.ErrorContext(ctx, "relayed news unreadable; ignored", "error", err)
				return
			}
			select {
			case heard <- n:
			case <-ctx.Done():
			}
		})
		if err != nil && ctx.Err() == nil {
			b.log.ErrorContext(ctx, "listening to the other replicas stopped", "error", err)
		}
	}()
	defer wg.Wait()
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-b.q:
			b.send(ctx, n, to)
		case n := <-heard:
			b.deliver(ctx, n, to, true)
		}
	}
}

// send relays n to every replica; when it cannot, n is announced here.
func (b *Broadcaster) send(ctx context.Context, n news, to []announcer) {
	var id [12]byte
	rand.Read(id[:])
	n.ID = hex.EncodeToString(id[:])
	payload, err := json.Marshal(n)
	if err == nil {
		err = b.relay.Send(ctx, payload, b.clock.Now())
	}
	if err != nil {
		b.log.ErrorContext(ctx, "news not relayed to the other replicas; announced here", "card", n.Card.Key, "error", err)
		b.deliver(ctx, n, to, false)
	}
}

// claim reports whether this replica is the first to claim n on platform:
// it then announces it there. When the database cannot answer, another
// replica may have claimed it: nothing is announced twice.
func (b *Broadcaster) claim(ctx context.Context, n news, platform string) bool {
	first, err := b.claims.FirstSeen(ctx, "news:"+n.ID+":"+platform, b.clock.Now())
	if err != nil {
		b.log.ErrorContext(ctx, "news not announced: claim failed", "card", n.Card.Key, "adapter", platform, "error", err)
	}
	return first && err == nil
}
