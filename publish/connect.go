package publish

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
)

// Connecting an account, from chat: an admin asks (Connect) and gets a
// link to the network's authorization page, alone; the network sends the
// browser back to Herald's one callback (Callback) with a code and the
// state; Herald exchanges the code server-side and lists the accounts the
// person may post as. One account is connected at once; several come back
// to the person in chat as buttons (Choose). The state is random, single
// use, bound to the brand, the target and the person, and expires after
// StateTTL; only its SHA-256 is stored.

// StateTTL is how long a connect link, then the choice of account, stays
// usable.
const StateTTL = 15 * time.Minute

// Reasons of the connect errors, with their facts.
const (
	ReasonConnectUnsupported = "connect.unsupported"   // "kind", "target": a network Herald cannot connect
	ReasonNoPublicURL        = "connect.no_public_url" // "target": HERALD_PUBLIC_URL is not set
	ReasonNoApp              = "connect.no_app"        // "kind", "settings": the network's app credentials are missing
	ReasonStateUnknown       = "connect.state_unknown" // a callback with a state Herald did not give
	ReasonStateUsed          = "connect.state_used"    // "target": a callback with a state already used
	ReasonStateExpired       = "connect.state_expired" // "target": a callback with an expired state
	ReasonConnectDenied      = "connect.denied"        // "target", "error": the person said no at the network
	ReasonNoAccounts         = "connect.no_accounts"   // "target": the person may post as no account
	ReasonNoChoice           = "connect.no_choice"     // "target", "brand": no choice pending for this person
	ReasonBadChoice          = "connect.bad_choice"    // "target", "choice": not one of the accounts offered
	ReasonConnectOnly        = "connect.connect_only"  // "kind", "target": an account typed by hand where it must be connected
)

// ConnectState is one connect link Herald gave, and what came of it.
type ConnectState struct {
	Hash     string // SHA-256 of the state sent to the network (TokenHash)
	BrandID  int64
	Target   herald.Target
	Actor    herald.Actor      // who asked; only they may choose
	Channel  herald.ChannelRef // where they asked: the choice comes back there
	Verifier string            // the PKCE code verifier ("" without PKCE; sealed at rest)
	Created  time.Time
	Expires  time.Time // of the link, then of the choice
	Used     time.Time // when the network sent the browser back with it
	Grant    string    // the tokens awaiting the choice (sealed JSON); "" once chosen
	Choices  []Choice  // the accounts offered
	Chosen   time.Time
}

// Connector connects accounts through their networks' authorization
// pages, and keeps them connected (Refresher).
type Connector struct {
	svc       *Service
	providers map[string]Provider
	redirect  string // HERALD_PUBLIC_URL/oauth/callback; "" when not set
	notify    Notifier
	log       *slog.Logger
}

// CallbackPath is the path of the one redirect URL every network's app
// registers.
const CallbackPath = "/oauth/callback"

// NewConnector returns a Connector for svc's targets, whose networks come
// back to publicURL + CallbackPath ("" publicURL: no connecting), with
// its news brought to chat by notify.
func NewConnector(svc *Service, publicURL string, notify Notifier, log *slog.Logger) *Connector {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Connector{svc: svc, providers: map[string]Provider{}, notify: notify, log: log.With("component", "connect")}
	if publicURL != "" {
		c.redirect = strings.TrimSuffix(publicURL, "/") + CallbackPath
	}
	return c
}

// AddProvider makes p the way accounts of targets of kind are connected.
// Call it while wiring, before serving.
func (c *Connector) AddProvider(kind string, p Provider) {
	c.providers[kind] = p
	c.svc.connectable[kind] = true
}

// Provider returns the provider of a target kind.
func (c *Connector) Provider(kind string) (Provider, bool) {
	p, ok := c.providers[kind]
	return p, ok
}

func (c *Connector) emit(ctx context.Context, e ConnectEvent) {
	if c.notify != nil {
		c.notify.Notify(ctx, Event{Kind: EventConnect, Connect: &e})
	}
}

// Connect returns the link to the network's authorization page that
// connects target t of a brand, for the actor alone. Admins only.
func (c *Connector) Connect(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string, t herald.Target) (herald.Brand, string, error) {
	b, m, err := c.svc.brands.Resolve(ctx, actor, ch, brand)
	if err != nil {
		return b, "", err
	}
	if err := brands.Need(m, brands.ConnectTargets); err != nil {
		return b, "", err
	}
	p, ok := c.providers[t.Kind]
	if !ok {
		return b, "", unsupported(t)
	}
	if c.redirect == "" {
		return b, "", herald.Errorf(herald.EUNAVAILABLE, "Connecting %s needs Herald's public address, where the network sends people back: set HERALD_PUBLIC_URL.", t).
			Because(ReasonNoPublicURL, herald.Facts{"target": t.String()})
	}
	if err := p.Ready(); err != nil {
		return b, "", err
	}
	state, verifier, challenge := randomToken(), "", ""
	if p.PKCE() {
		verifier = randomToken()
		sum := sha256.Sum256([]byte(verifier))
		challenge = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	now := c.svc.now()
	s := ConnectState{Hash: TokenHash(state), BrandID: b.ID, Target: t, Actor: actor, Channel: ch, Verifier: verifier,
		Created: now, Expires: now.Add(StateTTL)}
	if err := c.svc.store.PutConnectState(ctx, s); err != nil {
		return b, "", err
	}
	return b, p.AuthURL(state, c.redirect, challenge), nil
}

// provider returns the ready provider of t's kind.
func (c *Connector) provider(t herald.Target) (Provider, error) {
	p, ok := c.providers[t.Kind]
	if !ok {
		return nil, unsupported(t)
	}
	return p, p.Ready()
}

func unsupported(t herald.Target) error {
	return herald.Errorf(herald.EINVALID, "Herald cannot connect %s targets through their network's page.", t.Kind).
		Because(ReasonConnectUnsupported, herald.Facts{"kind": t.Kind, "target": t.String()})
}

// randomToken returns 256 random bits, URL-safe: a state or a PKCE
// verifier (43 characters, within RFC 7636's 43 to 128).
func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Connected is what a callback did: the target connected (As set), or a
// choice sent to the person in chat (Choices set).
type Connected struct {
	Brand   herald.Brand
	Target  herald.Target
	As      string
	Choices []Choice
}

// Callback finishes what a connect link started, from the query the
// network sent the browser back with: it checks the state (unknown, used
// or expired: refused, nothing changes), exchanges the code and lists the
// accounts the person may post as. One is connected at once; several go
// to the person in chat, to choose.
func (c *Connector) Callback(ctx context.Context, q url.Values) (Connected, error) {
	state := q.Get("state")
	if state == "" || len(state) > 200 {
		return Connected{}, stateUnknown()
	}
	now := c.svc.now()
	s, err := c.svc.store.TakeConnectState(ctx, TokenHash(state), now)
	if err != nil {
		return Connected{}, c.refused(s, err, now)
	}
	b, err := c.svc.store.Brand(ctx, s.BrandID)
	if err != nil {
		return Connected{}, err
	}
	out := Connected{Brand: b, Target: s.Target}
	if e := q.Get("error"); e != "" {
		return out, herald.Errorf(herald.EINVALID, "%s was not connected: the network said %s.", s.Target, clipText(e+" "+q.Get("error_description"), 200)).
			Because(ReasonConnectDenied, herald.Facts{"target": s.Target.String(), "error": e})
	}
	p, err := c.provider(s.Target)
	if err != nil {
		return out, err
	}
	g, err := p.Exchange(ctx, q.Get("code"), c.redirect, s.Verifier)
	if err != nil {
		return out, c.failed(s.Target, "exchanging the code", err)
	}
	choices, err := p.Accounts(ctx, g)
	if err != nil {
		return out, c.failed(s.Target, "listing the accounts", err)
	}
	switch len(choices) {
	case 0:
		return out, herald.Errorf(herald.EINVALID, "%s was not connected: the network lists no account this person may post as.", s.Target).
			Because(ReasonNoAccounts, herald.Facts{"target": s.Target.String()})
	case 1:
		a, err := c.finish(ctx, b, s, g, choices[0], now)
		out.As = a.Conn.As
		return out, err
	}
	grant, err := json.Marshal(g) // sealed by the store wrapper (Sealed)
	if err != nil {
		return out, err
	}
	if err := c.svc.store.PendConnect(ctx, s.Hash, string(grant), choices, now.Add(StateTTL)); err != nil {
		return out, err
	}
	out.Choices = choices
	c.emit(ctx, ConnectEvent{Kind: ConnectChoose, Brand: b, Account: Account{BrandID: b.ID, Target: s.Target},
		Actor: s.Actor, Channel: s.Channel, Choices: choices})
	return out, nil
}

func stateUnknown() error {
	return herald.Errorf(herald.ENOTFOUND, "This link is not one Herald gave, or it was changed on the way.").
		Because(ReasonStateUnknown, nil)
}

// refused words a state TakeConnectState did not take.
func (c *Connector) refused(s ConnectState, err error, now time.Time) error {
	switch herald.ErrorCode(err) {
	case herald.ENOTFOUND:
		return stateUnknown()
	case herald.ECONFLICT:
		if !s.Used.IsZero() {
			return herald.Errorf(herald.ECONFLICT, "This link to connect %s was used already; each link works once.", s.Target).
				Because(ReasonStateUsed, herald.Facts{"target": s.Target.String()})
		}
		return herald.Errorf(herald.EINVALID, "This link to connect %s expired %s ago; links work for %s.", s.Target, now.Sub(s.Expires).Round(time.Second), StateTTL).
			Because(ReasonStateExpired, herald.Facts{"target": s.Target.String()})
	}
	return err
}

// failed is the error of a network call of the callback, its words kept.
func (c *Connector) failed(t herald.Target, doing string, err error) error {
	c.log.Warn("connect failed", "target", t.String(), "step", doing, "error", Classify(err).Message)
	return herald.Errorf(herald.EUNAVAILABLE, "%s was not connected: the network failed while %s (%s).", t, doing, Classify(err).Message)
}

// finish stores the account connected as ch and tells the brand.
func (c *Connector) finish(ctx context.Context, b herald.Brand, s ConnectState, g Grant, ch Choice, now time.Time) (Account, error) {
	g, err := c.accountGrant(ctx, s.Target.Kind, g, ch)
	if err != nil {
		return Account{}, c.failed(s.Target, "getting the account's token", err)
	}
	a := withGrant(Account{BrandID: b.ID, Target: s.Target, Handle: ch.ID}, g, now)
	a.Conn.As, a.Conn.By = ch.Name, s.Actor.Display()
	a.Conn.Health = Health{LastOK: now}
	e := approvals.AuditEntry{BrandID: b.ID, Action: "target_connect", Actor: s.Actor, Detail: fmt.Sprintf("%s as %s (%s)", s.Target, ch.Name, ch.ID), At: now}
	if err = c.svc.store.FinishConnect(ctx, s.Hash, now, a, e); err != nil {
		if herald.ErrorCode(err) == herald.ECONFLICT {
			return a, herald.Errorf(herald.ECONFLICT, "%s is connected already by this link.", s.Target).
				Because(ReasonStateUsed, herald.Facts{"target": s.Target.String()})
		}
		return a, err
	}
	c.log.Info("target connected", "brand_id", b.ID, "target", s.Target.String())
	c.emit(ctx, ConnectEvent{Kind: ConnectDone, Brand: b, Account: blank(a), Actor: s.Actor, Channel: s.Channel})
	return a, nil
}

// Choose connects target t of a brand as the account id, one of those the
// actor's last callback offered them (within StateTTL of it). Only the
// person who connected may choose.
func (c *Connector) Choose(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string, t herald.Target, id string) (herald.Brand, Account, error) {
	b, m, err := c.svc.brands.Resolve(ctx, actor, ch, brand)
	if err != nil {
		return b, Account{}, err
	}
	if err := brands.Need(m, brands.ConnectTargets); err != nil {
		return b, Account{}, err
	}
	now := c.svc.now()
	s, err := c.svc.store.PendingConnect(ctx, b.ID, t, actor)
	if herald.ErrorCode(err) == herald.ENOTFOUND || err == nil && !s.Expires.After(now) {
		return b, Account{}, herald.Errorf(herald.ECONFLICT, "You have no choice of account to make for %s of %s: it was made, it expired, or someone else connected it.", t, b.Name).
			Because(ReasonNoChoice, herald.Facts{"target": t.String(), "brand": b.Name})
	}
	if err != nil {
		return b, Account{}, err
	}
	i := slices.IndexFunc(s.Choices, func(x Choice) bool { return x.ID == id })
	if i < 0 {
		return b, Account{}, herald.Errorf(herald.EINVALID, "%q is not one of the accounts offered for %s.", id, t).
			Because(ReasonBadChoice, herald.Facts{"target": t.String(), "choice": id})
	}
	var g Grant
	if err := json.Unmarshal([]byte(s.Grant), &g); err != nil {
		return b, Account{}, herald.Internal(fmt.Errorf("pending grant: %w", err))
	}
	a, err := c.finish(ctx, b, s, g, s.Choices[i], now)
	return b, blank(a), err
}

func clipText(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
