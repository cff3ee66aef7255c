package bot_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/internal/testclock"
)

// hub is an in-memory database of several replicas: news sent by one are
// heard by every listener, in order; claims are remembered once.
type hub struct {
	mu        sync.Mutex
	listeners []chan []byte
	claims    map[string]bool
	broken    bool // Send fails
}

type hubRelay struct {
	h  *hub
	in chan []byte
}

func (h *hub) relay() *hubRelay {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := &hubRelay{h: h, in: make(chan []byte, 100)}
	h.listeners = append(h.listeners, r.in)
	return r
}

func (r *hubRelay) Send(_ context.Context, payload []byte, _ time.Time) error {
	r.h.mu.Lock()
	defer r.h.mu.Unlock()
	if r.h.broken {
		return errors.New("database gone")
	}
	for _, l := range r.h.listeners {
		l <- payload
	}
	return nil
}

func (r *hubRelay) Listen(ctx context.Context, deliver func(context.Context, []byte)) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case p := <-r.in:
			deliver(ctx, p)
		}
	}
}

func (h *hub) FirstSeen(_ context.Context, key string, _ time.Time) (bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.claims[key] {
		return false, nil
	}
	h.claims[key] = true
	return true, nil
}

// TestRelayedBroadcaster: two replicas, both with Slack, only the second
// with Discord. A command on the first replica's Slack updates its card on
// Discord through the second; the scheduler's news on the first reach
// Slack once (by the first, in order) and Discord once (by the second).
func TestRelayedBroadcaster(t *testing.T) {
	h := &hub{claims: map[string]bool{}}
	clock := testclock.New(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
	slackA := &announcer{fakeAdapter: blocking("slack"), seen: make(chan struct{}, 10)}
	slackB := &announcer{fakeAdapter: blocking("slack"), seen: make(chan struct{}, 10)}
	discordB := &announcer{fakeAdapter: blocking("discord"), seen: make(chan struct{}, 10)}
	a := bot.NewRelayedBroadcaster(nil, h.relay(), h, clock)
	b := bot.NewRelayedBroadcaster(nil, h.relay(), h, clock)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a.Run(ctx, []bot.Adapter{slackA}) }()
	go func() { defer wg.Done(); b.Run(ctx, []bot.Adapter{slackB, discordB}) }()

	a.Mirror(cardDispatcher{}).Dispatch(ctx, commands.Call{Actor: herald.Actor{Platform: "slack", UserID: "U1"}, Text: "approve 7"})
	wait(t, discordB)
	a.Announce(ctx, commands.Card{Key: "draft:8", Title: "Draft #8"}, commands.Response{Text: "published", Form: &commands.Form{Title: "t"}})
	wait(t, discordB)
	wait(t, slackA)                                                     // the sender has Slack: it announces there itself
	a.Announce(ctx, commands.Card{Key: "draft:9"}, commands.Response{}) // a marker: news are handled in order
	wait(t, discordB)
	wait(t, slackA)
	cancel()
	wg.Wait()
	if diff := cmp.Diff([]string{"draft:7 ", "draft:8 published", "draft:9 "}, discordB.got); diff != "" {
		t.Errorf("Discord on the second replica (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"draft:8 published", "draft:9 "}, slackA.got); diff != "" {
		t.Errorf("Slack on the sending replica (-want +got):\n%s", diff)
	}
	if len(slackB.got) != 0 {
		t.Errorf("Slack on the second replica got %q; want nothing (the sender has Slack)", slackB.got)
	}
	if len(h.claims) != 3 {
		t.Errorf("claims %v; want one per news on Discord, which the sender lacks", h.claims)
	}
}

// TestRelayedBroadcasterRelayDown: news that cannot be relayed are
// announced by the replica that has them.
func TestRelayedBroadcasterRelayDown(t *testing.T) {
	h := &hub{claims: map[string]bool{}, broken: true}
	slack := &announcer{fakeAdapter: blocking("slack"), seen: make(chan struct{}, 10)}
	a := bot.NewRelayedBroadcaster(nil, h.relay(), h, testclock.New(time.Unix(0, 0)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx, []bot.Adapter{slack}); close(done) }()
	a.Announce(ctx, commands.Card{Key: "draft:1"}, commands.Response{Text: "published"})
	wait(t, slack)
	cancel()
	<-done
	if diff := cmp.Diff([]string{"draft:1 published"}, slack.got); diff != "" {
		t.Errorf("Slack (-want +got):\n%s", diff)
	}
}

func wait(t *testing.T, an *announcer) {
	t.Helper()
	select {
	case <-an.seen:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s never got the news", an.name)
	}
}
