package bot_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/bot/console"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/publish"
)

// announcer records announcements.
type announcer struct {
	*fakeAdapter
	mu   sync.Mutex
	got  []string
	seen chan struct{}
}

func (a *announcer) Announce(_ context.Context, n bot.Announcement) error {
	a.mu.Lock()
	a.got = append(a.got, n.Card.Key+" "+n.Note.Text)
	a.mu.Unlock()
	a.seen <- struct{}{}
	return nil
}

// TestBroadcaster delivers news to every adapter that takes it, in order,
// and skips those that do not.
func TestBroadcaster(t *testing.T) {
	a := &announcer{fakeAdapter: blocking("a"), seen: make(chan struct{}, 10)}
	b := &announcer{fakeAdapter: blocking("b"), seen: make(chan struct{}, 10)}
	news := bot.NewBroadcaster(nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { news.Run(ctx, []bot.Adapter{a, blocking("mute"), b}); close(done) }()
	for i := range 3 {
		news.Announce(ctx, commands.Card{Key: "draft:1"}, commands.Response{Text: string(rune('x' + i))})
	}
	for _, an := range []*announcer{a, b} {
		for range 3 {
			select {
			case <-an.seen:
			case <-time.After(10 * time.Second):
				t.Fatal("news never arrived")
			}
		}
		an.mu.Lock()
		if got := strings.Join(an.got, ","); got != "draft:1 x,draft:1 y,draft:1 z" {
			t.Errorf("%s got %q, want the three notes in order", an.name, got)
		}
		an.mu.Unlock()
	}
	cancel()
	<-done
}

// TestConsoleNewsAndPreview shows news and previews chat posts in the
// console, whatever goroutine they come from.
func TestConsoleNewsAndPreview(t *testing.T) {
	var out bytes.Buffer
	c := &console.Adapter{Out: &out}
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Announce(ctx, bot.Announcement{Card: commands.Card{Key: "draft:3", Title: "Draft #3"}, Note: commands.Response{Text: "Draft #3 is published."}})
		}()
	}
	wg.Wait()
	r, err := c.Publish(ctx, publish.Post{Target: herald.Target{Kind: "slack", Name: "#news"}, Text: "Hello\nworld"})
	if err != nil || r.ID == "" {
		t.Fatalf("Publish = %+v, %v", r, err)
	}
	got := out.String()
	for _, want := range []string{"── news from Herald ──", "┌ Draft #3", "Draft #3 is published.", "📣 slack:#news (console preview", "│ Hello\n  │ world"} {
		if !strings.Contains(got, want) {
			t.Errorf("console output lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "── news from Herald ──"); n != 4 {
		t.Errorf("%d news blocks, want 4", n)
	}
}

// cardDispatcher answers every call with a card.
type cardDispatcher struct{}

func (cardDispatcher) Dispatch(_ context.Context, c commands.Call) commands.Response {
	return commands.Response{Text: "done", Cards: []commands.Card{{Key: "draft:7", Title: "Draft #7"}, {Title: "no key"}}}
}

// TestMirror updates the cards a command answered with on the other
// platforms, not on the one it came from (which answers itself).
func TestMirror(t *testing.T) {
	slack := &announcer{fakeAdapter: blocking("slack"), seen: make(chan struct{}, 10)}
	discord := &announcer{fakeAdapter: blocking("discord"), seen: make(chan struct{}, 10)}
	news := bot.NewBroadcaster(nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { news.Run(ctx, []bot.Adapter{slack, discord}); close(done) }()
	resp := news.Mirror(cardDispatcher{}).Dispatch(ctx, commands.Call{Actor: herald.Actor{Platform: "discord", UserID: "1"}, Text: "approve 7"})
	if resp.Text != "done" {
		t.Errorf("the command's answer changed: %+v", resp)
	}
	select {
	case <-slack.seen:
	case <-time.After(10 * time.Second):
		t.Fatal("Slack never got the card")
	}
	news.Announce(ctx, commands.Card{Key: "draft:8"}, commands.Response{}) // a marker: Run handles news in order
	for _, an := range []*announcer{discord, slack} {
		select {
		case <-an.seen:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s never got the marker", an.name)
		}
	}
	cancel()
	<-done
	slack.mu.Lock()
	discord.mu.Lock()
	defer slack.mu.Unlock()
	defer discord.mu.Unlock()
	if got := strings.Join(slack.got, ","); got != "draft:7 ,draft:8 " {
		t.Errorf("Slack got %q, want the command's keyed card, then the marker", got)
	}
	if got := strings.Join(discord.got, ","); got != "draft:8 " {
		t.Errorf("Discord, where the command came from, got %q; want only the marker", got)
	}
}
