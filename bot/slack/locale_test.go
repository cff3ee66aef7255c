package slack

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/storage/sqlite"
)

// langEcho answers each command with the language its actor came with.
type langEcho struct{}

func (langEcho) Dispatch(_ context.Context, c commands.Call) commands.Response {
	return commands.Response{Text: "lang=" + c.Actor.Lang + ";", Ephemeral: true}
}

// TestUserLocale: the actor's language comes from users.info with
// include_locale=true, read once per user per TTL (on the injected
// clock), and reaches the command.
func TestUserLocale(t *testing.T) {
	h := newHarness(t, false, func(*sqlite.Store) bot.Dispatcher { return langEcho{} })
	clock := testclock.New(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	h.a.locales = newLocales(clock, LocaleTTL, slog.New(slog.DiscardHandler), userLocale(h.a.client))
	f := h.fake
	f.mu.Lock()
	f.locales["UALICE"] = "fr-FR"
	f.locales["UBOB"] = "de-DE" // a language Herald does not speak: unknown
	f.mu.Unlock()
	answers := func(want string) int {
		return f.count(func(c apiCall) bool { return c.Method == "response_url" && strings.Contains(c.Body, want) })
	}
	infos := func(user string) int {
		return f.count(func(c apiCall) bool { return c.Method == "users.info" && c.User == user })
	}
	for i := 1; i <= 3; i++ {
		h.slash("alice", "help", false)
		waitFor(t, "alice's answer", func() bool { return answers("lang=fr;") >= i })
	}
	h.slash("bob", "help", false)
	waitFor(t, "bob's answer", func() bool { return answers("lang=;") >= 1 })
	if n := infos("UALICE"); n != 1 {
		t.Errorf("users.info was called %d times for alice; want once within the TTL", n)
	}
	c := f.wait(t, "users.info", func(c apiCall) bool { return c.Method == "users.info" })
	if c.Text != "true" {
		t.Errorf("users.info include_locale = %q; want true", c.Text)
	}
	clock.Advance(LocaleTTL)
	f.mu.Lock()
	f.locales["UALICE"] = "en-GB"
	f.mu.Unlock()
	h.slash("alice", "help", false)
	waitFor(t, "alice's answer after the TTL", func() bool { return answers("lang=en;") >= 1 })
	if n := infos("UALICE"); n != 2 {
		t.Errorf("users.info was called %d times for alice; want twice after the TTL", n)
	}
}

// TestLocaleCacheConcurrent: people sending commands at the same moment
// cost one look-up; a failed look-up is cached as unknown.
func TestLocaleCacheConcurrent(t *testing.T) {
	clock := testclock.New(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	var calls atomic.Int64
	release := make(chan struct{})
	l := newLocales(clock, time.Hour, slog.New(slog.DiscardHandler), func(ctx context.Context, user string) (string, error) {
		calls.Add(1)
		<-release
		if user == "UFAIL" {
			return "", errors.New("missing_scope")
		}
		return "fr", nil
	})
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = l.lang(context.Background(), "U1") }()
	}
	close(release)
	wg.Wait()
	for i, g := range got {
		if g != "fr" {
			t.Errorf("caller %d got %q; want fr", i, g)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d look-ups; want 1", n)
	}
	for range 2 {
		if g := l.lang(context.Background(), "UFAIL"); g != "" {
			t.Errorf("a failed look-up gave %q; want unknown", g)
		}
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("%d look-ups; want 2 (the failure is cached)", n)
	}
}

// waitFor waits until ok holds, failing the test after 10 s.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("never saw %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
