package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/telegram"
	"github.com/heraldhq/herald/publish/targets/telegram/telegramtest"
	"github.com/heraldhq/herald/publish/targets/x"
	"github.com/heraldhq/herald/publish/targets/x/xtest"
	"github.com/heraldhq/herald/storage/sqlite"
)

// TestPublishCrashXTelegram is the crash test of the two networks that
// take no idempotency key: posts due on X and on a Telegram channel,
// Herald killed with SIGKILL at random moments and restarted on the same
// database. In the end every post is on X exactly once and delivered (an
// attempt cut short is found among the account's latest posts, or
// refused by X as duplicate content and settled); on Telegram, where a
// bot cannot look, each post arrived at most once, and one Herald cannot
// know about is unconfirmed, never sent twice.
func TestPublishCrashXTelegram(t *testing.T) {
	posts, kills := 80, 12
	if testing.Short() {
		kills = 5
	}
	const botToken = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
	xs := xtest.New(herald.SystemClock{}, "x-app", "x-secret", xtest.User{ID: "2244994945", Name: "Acme", Username: "acme"})
	defer xs.Close()
	tg := telegramtest.New()
	defer tg.Close()
	tg.AddBot(botToken, telegramtest.Bot{ID: 123456, Username: "acme_bot"})
	tg.AddChat(telegramtest.Chat{ID: -1001111, Type: "channel", Username: "acmenews", Members: map[int64]string{123456: "administrator"}})
	const delay = 8 * time.Millisecond
	xURL, tgURL := slowProxy(t, xs.URL(), delay), slowProxy(t, tg.URL(), delay)
	t.Setenv("HERALD_X_API_URL", xURL) // the children inherit them
	t.Setenv("HERALD_TELEGRAM_API_URL", tgURL)
	t.Setenv("TELEGRAM_BOT_TOKEN", botToken)
	accounts := []publish.Account{
		{Target: herald.Target{Kind: "x", Name: "main"}, Handle: "2244994945", Secret: xs.Grant(), Conn: publish.Connection{As: "@acme"}},
		{Target: herald.Target{Kind: "telegram", Name: "news"}, Handle: "@acmenews"},
	}
	targets := []herald.Target{accounts[0].Target, accounts[1].Target}

	client := httpx.New(httpx.Options{Trusted: true, Timeout: 10 * time.Second})
	db := crashDB(t, accounts, posts, targets, func(pub *publish.Service) {
		pub.Register("x", x.New(x.Options{APIURL: xURL, Client: client}))
		pub.Register("telegram", telegram.New(telegram.Options{APIURL: tgURL, Token: botToken, Client: client}))
	})

	mid, sending := crashRounds(t, db, kills, rand.New(rand.NewPCG(16, 2026)))
	_, ro := runToTheEnd(t, db)
	verifyAfterCrash(t, db, nil)

	ds := ro.deliveries(t, "")
	if len(ds) != posts*len(targets) {
		t.Fatalf("%d deliveries, want %d", len(ds), posts*len(targets))
	}
	var unconfirmed, arrived, checked int
	for _, d := range ds {
		text := fmt.Sprintf("Post %d: our store opens at %d:00 https://acme.example/%d #acme", d.DraftID-1, 8+(d.DraftID-1)%4, d.DraftID-1)
		switch d.Target {
		case "x:main":
			if n := xs.Count(text); n != 1 || d.State != publish.Delivered {
				t.Errorf("draft #%d on X: %d posts, delivery %s (%s); want 1 and delivered", d.DraftID, n, d.State, d.Error)
			}
			if d.Attempts > 1 {
				checked++
			}
		case "telegram:news":
			n := tg.Count(text)
			switch {
			case n > 1:
				t.Errorf("draft #%d reached Telegram %d times", d.DraftID, n)
			case d.State == publish.Delivered && n != 1:
				t.Errorf("draft #%d is delivered to Telegram, which has it %d times", d.DraftID, n)
			case d.State == publish.Unconfirmed:
				unconfirmed++
				arrived += n
			case d.State != publish.Delivered:
				t.Errorf("draft #%d on Telegram is %s (%s); want delivered or unconfirmed", d.DraftID, d.State, d.Error)
			}
		}
	}
	if n := len(xs.Tweets()); n != posts {
		t.Errorf("X has %d posts, want %d", n, posts)
	}
	t.Logf("%d posts × 2 targets, %d kills: %d mid-publishing, %d deliveries found sending; X: %d deliveries tried again; Telegram: %d unconfirmed, of which %d had arrived",
		posts, kills, mid, sending, checked, unconfirmed, arrived)
	if mid == 0 {
		t.Errorf("no kill landed mid-publishing: the test proved nothing")
	}
}

// crashDB makes the database of a crash test: brand Acme with accounts,
// and posts drafts to targets that fell due in the last minute and a
// half, while Herald was down (well within the grace period when it
// starts). register adds publishers beyond domain's.
func crashDB(t *testing.T, accounts []publish.Account, posts int, targets []herald.Target, register func(*publish.Service)) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "herald.db")
	now := time.Now().UTC()
	s, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	bs, drafts, pub := domain(s, &setClock{t: now.Add(-2 * time.Minute)}, nil)
	register(pub)
	mustPrepare(t, bs, drafts, pub, accounts, posts, targets, func(i int) time.Time {
		return now.Add(-90*time.Second + time.Duration(i)*time.Second/time.Duration(posts)*60)
	}, nil)
	return db
}
