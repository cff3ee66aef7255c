package publish

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
)

// Keeping connected accounts connected. Each tick, for every connected
// account whose token is not dead:
//   - a token that can be refreshed is refreshed before it expires
//     (RefreshLead before, at most a quarter of its lifetime);
//   - a connection that cannot be refreshed is brought to the brand's
//     channels with Reconnect WarnBefore its end, once, and marked dead
//     at its end;
//   - the network is asked, once every CheckEvery, whether the token
//     still works (a revoked one is marked dead and brought to chat).

// The refresher's timings.
const (
	RefreshLead = 7 * 24 * time.Hour // refresh at most this long before expiry
	WarnBefore  = 7 * 24 * time.Hour // warn this long before a connection ends
	CheckEvery  = 24 * time.Hour     // ask the network whether a token works
	RefreshTick = 10 * time.Minute   // how often Run ticks
)

// Refresher keeps the connected accounts of every brand connected.
type Refresher struct {
	c       *Connector
	every   time.Duration
	mu      sync.Mutex
	checked map[string]time.Time // account → when the network was last asked
}

// NewRefresher returns the refresher of c's accounts, ticking every
// every (RefreshTick when 0).
func NewRefresher(c *Connector, every time.Duration) *Refresher {
	if every <= 0 {
		every = RefreshTick
	}
	return &Refresher{c: c, every: every, checked: map[string]time.Time{}}
}

// Tick refreshes, warns and checks what is due now, and forgets connect
// states that expired a day ago.
func (r *Refresher) Tick(ctx context.Context) error {
	store := r.c.svc.store
	now := r.c.svc.now()
	as, err := store.AllAccounts(ctx)
	if err != nil {
		return err
	}
	for _, raw := range as {
		if !raw.Conn.Connected() || raw.Conn.Health.Dead {
			continue
		}
		a, err := store.Account(ctx, raw.BrandID, raw.Target) // opened (sealed at rest)
		if err != nil {
			r.c.log.WarnContext(ctx, "connected account not readable", "brand_id", raw.BrandID, "target", raw.Target.String(), "error", err)
			continue
		}
		if err := r.keep(ctx, a, now); err != nil {
			return err
		}
	}
	return store.PruneConnectStates(ctx, now.Add(-24*time.Hour))
}

// keep does what is due for one connected account.
func (r *Refresher) keep(ctx context.Context, a Account, now time.Time) error {
	p, ok := r.c.providers[a.Target.Kind]
	if !ok || p.Ready() != nil {
		return nil
	}
	b, err := r.c.svc.store.Brand(ctx, a.BrandID)
	if err != nil {
		return err
	}
	switch {
	case refreshDue(a.Conn, now):
		return r.refresh(ctx, p, b, a, now)
	case !a.Conn.Ends().IsZero() && !now.Before(a.Conn.Ends()):
		r.note(ctx, b, a, DeadToken("the connection of %s expired on %s", a.Target, a.Conn.Ends().Format(time.DateOnly)), now)
	case !a.Conn.Ends().IsZero() && !now.Before(a.Conn.Ends().Add(-WarnBefore)) && a.Conn.Health.Warned.Before(a.Conn.Ends().Add(-WarnBefore)):
		h := a.Conn.Health
		h.Warned = now
		if err := r.c.svc.store.SetHealth(ctx, a.BrandID, a.Target, h); err != nil {
			return err
		}
		a.Conn.Health = h
		r.c.emit(ctx, ConnectEvent{Kind: ConnectExpiring, Brand: b, Account: blank(a)})
	case r.checkDue(a, now):
		err := p.Check(ctx, grantOf(a))
		if err == nil || IsDead(err) { // a network that cannot answer now is asked again next tick
			r.note(ctx, b, a, err, now)
		}
	}
	return nil
}

// refreshDue reports whether c's access token should be refreshed now:
// it can be, and it expires within RefreshLead (at most a quarter of its
// lifetime: a two-hour token is refreshed after 90 minutes).
func refreshDue(c Connection, now time.Time) bool {
	if c.Refresh == "" || c.Expires.IsZero() || (!c.RefreshExpires.IsZero() && !now.Before(c.RefreshExpires)) {
		return false
	}
	lead := min(RefreshLead, c.Expires.Sub(c.Granted)/4)
	return !now.Before(c.Expires.Add(-lead))
}

func (r *Refresher) checkDue(a Account, now time.Time) bool {
	key := fmt.Sprintf("%d/%s", a.BrandID, a.Target)
	r.mu.Lock()
	defer r.mu.Unlock()
	if last, ok := r.checked[key]; ok && now.Sub(last) < CheckEvery {
		return false
	}
	r.checked[key] = now
	return true
}

// refresh stores new tokens for a, or notes why there are none.
func (r *Refresher) refresh(ctx context.Context, p Provider, b herald.Brand, a Account, now time.Time) error {
	g, err := p.Refresh(ctx, grantOf(a))
	if err != nil {
		r.c.log.WarnContext(ctx, "token refresh failed", "brand_id", a.BrandID, "target", a.Target.String(), "dead", IsDead(err))
		r.note(ctx, b, a, err, now)
		return nil
	}
	n := withGrant(a, g, now)
	n.Conn.Health.LastOK, n.Conn.Health.Warned = now, time.Time{}
	e := approvals.AuditEntry{BrandID: a.BrandID, Action: "target_refresh", Actor: System, Detail: a.Target.String(), At: now}
	if err := r.c.svc.store.PutAccount(ctx, n, e); err != nil {
		return err
	}
	r.c.log.InfoContext(ctx, "token refreshed", "brand_id", a.BrandID, "target", a.Target.String(), "expires", g.Expires.Format(time.RFC3339))
	return nil
}

func (r *Refresher) note(ctx context.Context, b herald.Brand, a Account, err error, now time.Time) {
	noteHealth(ctx, r.c.svc.store, r.c.log, b, a, err, now, func(e ConnectEvent) { r.c.emit(ctx, e) })
}

// Run ticks every period of the Refresher (gocron drives the ticks), at once first,
// until ctx is done.
func (r *Refresher) Run(ctx context.Context, opts ...gocron.SchedulerOption) error {
	sch, err := startEvery(ctx, r.every, "herald-connect-refresh", func(ctx context.Context) {
		if err := r.Tick(ctx); err != nil && ctx.Err() == nil {
			r.c.log.ErrorContext(ctx, "refresh tick failed", "error", err)
		}
	}, opts...)
	if err != nil {
		return err
	}
	<-ctx.Done()
	return sch.Shutdown()
}
