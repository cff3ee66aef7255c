package publish

import (
	"context"
	"log/slog"
	"time"

	"github.com/heraldhq/herald"
)

// deadAccount is the error of a post to a connected account whose token
// is known dead: it fails at once, never silently, with Reconnect.
func deadAccount(a Account) error {
	return DeadToken("the connection of %s has ended (%s); an admin connects it again", a.Target, a.Conn.Health.LastError)
}

// noteHealth records on a connected account how a network call with its
// token went (err nil: it worked), and brings a token the network says
// is dead to the brand's channels, once.
func noteHealth(ctx context.Context, store Store, log *slog.Logger, b herald.Brand, a Account, err error, now time.Time, notify func(ConnectEvent)) {
	if !a.Conn.Connected() {
		return
	}
	h := a.Conn.Health
	if err == nil {
		h.LastOK = now
	} else {
		e := Classify(err)
		h.LastError, h.ErrorAt = e.Message, now
		if e.Dead && !h.Dead {
			h.Dead = true
			a.Conn.Health = h
			defer notify(ConnectEvent{Kind: ConnectDead, Brand: b, Account: blank(a)})
		}
	}
	if serr := store.SetHealth(ctx, a.BrandID, a.Target, h); serr != nil && herald.ErrorCode(serr) != herald.ENOTFOUND {
		log.WarnContext(ctx, "account health not recorded", "brand_id", a.BrandID, "target", a.Target.String(), "error", serr)
	}
}

// Connection returns the connection of a brand's target, for cards (the
// Reconnect button of a post that failed on a dead token); false when the
// target was not connected through its network's page.
func (s *Service) Connection(ctx context.Context, brandID int64, t herald.Target) (Connection, bool) {
	a, err := s.store.Account(ctx, brandID, t)
	if err != nil || !a.Conn.Connected() {
		return Connection{}, false
	}
	a.Conn.Refresh = ""
	return a.Conn, true
}
