package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"slices"
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
// connection (the Discord gateway runs on one replica only). On a
// platform the sending replica has, it announces its news itself (in the
// order it sent them); on one it lacks, the first replica to claim the
// news in claims (the database) announces them: each platform hears them
// once. When relay cannot send, the news are announced here, as a lone
// Herald would.
func NewRelayedBroadcaster(log *slog.Logger, relay Relay, claims Deduper, clock herald.Clock) *Broadcaster {
	b := NewBroadcaster(log)
	b.relay, b.claims, b.clock, b.id = relay, claims, clock, randomID()
	return b
}

// randomID returns 24 random hex digits.
func randomID() string {
	var id [12]byte
	rand.Read(id[:])
	return hex.EncodeToString(id[:])
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
	n.ID, n.Origin = randomID(), b.id
	for _, an := range to {
		n.Has = append(n.Has, an.name)
	}
	payload, err := json.Marshal(n)
	if err == nil {
		err = b.relay.Send(ctx, payload, b.clock.Now())
	}
	if err != nil {
		b.log.ErrorContext(ctx, "news not relayed to the other replicas; announced here", "card", n.Card.Key, "error", err)
		b.deliver(ctx, n, to, false)
	}
}

// mine reports whether this replica announces n on platform: the origin
// does where it has the platform; elsewhere the first replica to claim n
// there. When the database cannot answer, another replica may have
// claimed it: nothing is announced twice.
func (b *Broadcaster) mine(ctx context.Context, n news, platform string) bool {
	if n.Origin == b.id {
		return true
	}
	if slices.Contains(n.Has, platform) {
		return false // the origin announces it
	}
	first, err := b.claims.FirstSeen(ctx, "news:"+n.ID+":"+platform, b.clock.Now())
	if err != nil {
		b.log.ErrorContext(ctx, "news not announced: claim failed", "card", n.Card.Key, "adapter", platform, "error", err)
	}
	return first && err == nil
}
