package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/publish/targets/telegram/telegramtest"
	"github.com/heraldhq/herald/publish/targets/x/xtest"
)

// TestConnectX drives X through Main: target connect answers with X's
// authorization page (PKCE), the fake consents and sends the browser to
// Herald's callback, the one account is connected at once, the channel
// is told, and a post goes out as the account.
func TestConnectX(t *testing.T) {
	xs := xtest.New(herald.SystemClock{}, "x-app", "x-secret", xtest.User{ID: "2244994945", Name: "Acme", Username: "acme"})
	defer xs.Close()
	addr := freeAddr(t)
	db := filepath.Join(t.TempDir(), "herald.db")
	c := startConsole(t, map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": addr,
		"HERALD_PUBLIC_URL": "http://" + addr, "X_CLIENT_ID": "x-app", "X_CLIENT_SECRET": "x-secret",
		"HERALD_X_API_URL": xs.URL(), "HERALD_X_AUTH_URL": xs.AuthURL()})
	c.send("brand add Acme", "Brand Acme created")
	c.send("policy none", "no longer need review")
	c.send("target add x:main https://x.com/acme --secret tok", "target connect x:main")

	connectX(t, c, xs)
	c.send("target list", "x:main  as @acme, connected by alice")

	const text = "Launch day & more: https://acme.com/launch"
	publishFirst(t, c, db, text, "x:main")
	if tw := xs.Tweets(); len(tw) != 1 || tw[0].Text != text || tw[0].AuthorID != "2244994945" {
		t.Errorf("X posts = %+v", tw)
	}

	long := strings.Repeat("a", 281)
	c.send(`draft "`+long+`" --to x:main`, "280")
}

// connectX connects x:main through X's page: the link (with PKCE), the
// consent, the callback, the channel told.
func connectX(t *testing.T, c *consoleSession, xs *xtest.Server) {
	t.Helper()
	out := c.send("target connect x:main", "Sign in to connect x:main")
	m := linkRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no link in:\n%s", out)
	}
	if link := m[1]; !strings.HasPrefix(link, xs.AuthURL()+"?") || !strings.Contains(link, "code_challenge_method=S256") {
		t.Errorf("link %q: want X's authorization page with PKCE", link)
	}
	if status, page := browse(t, m[1]); status != http.StatusOK {
		t.Fatalf("callback page %d:\n%s", status, page)
	}
	waitFor(t, "the channel told", func() bool { return strings.Contains(c.out.String(), "x:main connected by alice as @acme") }, c.out.String)
}

// TestConnectXRefresh drives the refresher through Main with an injected
// clock: X's two-hour token is refreshed before it ends (the refresh
// token rotated), and a post after the first token's end goes out with
// the new one.
func TestConnectXRefresh(t *testing.T) {
	clock := testclock.New(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
	xs := xtest.New(clock, "x-app", "x-secret", xtest.User{ID: "2244994945", Name: "Acme", Username: "acme"})
	defer xs.Close()
	addr := freeAddr(t)
	db := filepath.Join(t.TempDir(), "herald.db")
	c := startConsoleWith(t, map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": addr,
		"HERALD_PUBLIC_URL": "http://" + addr, "X_CLIENT_ID": "x-app", "X_CLIENT_SECRET": "x-secret",
		"HERALD_X_API_URL": xs.URL(), "HERALD_X_AUTH_URL": xs.AuthURL()},
		func(m *Main) { m.Clock, m.RefreshEvery = clock, 20*time.Millisecond })
	c.send("brand add Acme", "Brand Acme created")
	c.send("policy none", "no longer need review")
	connectX(t, c, xs)
	ro := openRO(t, db)
	expires := func() int64 {
		var v int64
		if err := ro.QueryRow(`SELECT expires_at FROM accounts WHERE kind = 'x'`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	first := expires()
	clock.Advance(95 * time.Minute) // 25 minutes before the token ends
	waitFor(t, "the token refreshed", func() bool { return expires() > first }, c.out.String)
	if want := clock.Now().Add(2 * time.Hour).UnixMilli(); expires() != want {
		t.Errorf("refreshed until %d; want %d", expires(), want)
	}
	clock.Advance(30 * time.Minute) // the first token has ended
	publishFirst(t, c, db, "after the refresh", "x:main")
	if tw := xs.Tweets(); len(tw) != 1 || tw[0].Text != "after the refresh" {
		t.Errorf("X posts = %+v", tw)
	}
	second := expires()
	clock.Advance(70 * time.Minute) // again: with the refresh token X rotated
	waitFor(t, "the token refreshed again", func() bool { return expires() > second }, c.out.String)
	c.send("target list", "x:main  as @acme")
	if strings.Contains(c.out.String(), "DISCONNECTED") {
		t.Errorf("the account was disconnected:\n%s", c.out.String())
	}
}

// TestTelegram drives Telegram through Main: target add checks with
// getChat and getChatMember that the bot can post to the channel (the
// operator's TELEGRAM_BOT_TOKEN, or the target's own), refuses a channel
// where it is not an administrator, and a post goes out as typed.
func TestTelegram(t *testing.T) {
	const token = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
	tg := telegramtest.New()
	defer tg.Close()
	tg.AddBot(token, telegramtest.Bot{ID: 123456, Username: "acme_bot"})
	tg.AddChat(telegramtest.Chat{ID: -1001111, Type: "channel", Username: "acmenews", Members: map[int64]string{123456: "administrator"}})
	tg.AddChat(telegramtest.Chat{ID: -1002222, Type: "channel", Username: "elsewhere", Members: map[int64]string{123456: "member"}})
	db := filepath.Join(t.TempDir(), "herald.db")
	c := startConsole(t, map[string]string{"HERALD_DATABASE": "sqlite:" + db, "TELEGRAM_BOT_TOKEN": token, "HERALD_TELEGRAM_API_URL": tg.URL()})
	c.send("brand add Acme", "Brand Acme created")
	c.send("policy none", "no longer need review")
	c.send("target add telegram:other @elsewhere", "not an administrator")
	c.send("target add telegram:bad @no", "@channelname")
	c.send("target add telegram:news @acmenews", "telegram:news is set up for Acme")
	if out := c.send("target list", "telegram:news"); strings.Contains(out, "@@") {
		t.Errorf("target list shows the chat twice prefixed:\n%s", out)
	}

	const text = "*Not bold* <b>nor this</b> https://acme.com"
	publishFirst(t, c, db, text, "telegram:news")
	if ms := tg.Messages(); len(ms) != 1 || ms[0].Text != text || ms[0].ParseMode != "" || ms[0].ChatID != -1001111 {
		t.Errorf("Telegram messages = %+v", ms)
	}
	waitFor(t, "the message's link", func() bool { return strings.Contains(c.out.String(), "https://t.me/acmenews/") }, c.out.String)
	c.send(`draft "`+strings.Repeat("a", 4097)+`" --to telegram:news`, "4096")
}

// publishFirst drafts text to target as the brand's first draft (no
// review), publishes it now and waits until it is published.
func publishFirst(t *testing.T, c *consoleSession, db, text, target string) {
	t.Helper()
	c.send(`draft "`+text+`" --to `+target, "Draft #1 created")
	c.send("submit 1", "approved")
	c.send("publish 1", "#1")
	ro := openRO(t, db)
	waitFor(t, "draft 1 published", func() bool { return ro.draftState(t, 1) == "published" }, c.out.String)
}
