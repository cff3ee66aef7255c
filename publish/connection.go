package publish

import (
	"context"
	"time"

	"github.com/heraldhq/herald"
)

// Connection is what Herald keeps of an account connected through its
// network's authorization page (target connect): who it posts as, who
// connected it, its tokens' lifetimes and its health. The access token
// itself is the Account's Secret, the id it posts as its Handle. The zero
// Connection is an account set up by hand (target add).
type Connection struct {
	As      string    // who the account posts as, as the network names it ("Acme SAS")
	By      string    // who connected it, by name
	Refresh string    // the refresh token; "" when the network gave none (sealed at rest)
	Granted time.Time // when the access token was obtained
	Expires time.Time // when the access token expires; zero: it does not
	// RefreshExpires is when the refresh token expires (zero: it does not,
	// or there is none): after it the person connects again.
	RefreshExpires time.Time
	Health         Health
}

// Connected reports whether the account was connected through its
// network's authorization page.
func (c Connection) Connected() bool { return !c.Granted.IsZero() }

// Ends is when the connection stops working unless someone connects
// again: the refresh token's expiry, or the access token's when it cannot
// be refreshed; zero when neither expires.
func (c Connection) Ends() time.Time {
	if c.Refresh != "" {
		return c.RefreshExpires
	}
	return c.Expires
}

// Health is how a connected account has fared: its last success and last
// failure, whether its token is dead (revoked or expired: someone must
// connect again), and when the brand was last warned of its end.
type Health struct {
	LastOK    time.Time
	LastError string // the last failure, for people
	ErrorAt   time.Time
	Dead      bool
	Warned    time.Time // the last card asking to reconnect
}

// Grant is what a network's token endpoint gave: the access token, the
// refresh token where there is one, and their expiry (zero: none said).
type Grant struct {
	Access         string
	Refresh        string
	Expires        time.Time
	RefreshExpires time.Time
	Scope          string
}

// Choice is one account a person may post as, as the network lists it:
// their own profile, an organisation page they administer.
type Choice struct {
	ID   string `json:"id"`   // the network's id of it (an URN on LinkedIn)
	Name string `json:"name"` // its name, as people know it
	Kind string `json:"kind"` // "person", "organization", "page"…
}

// Provider is one network's side of connecting an account: OAuth 2.0
// authorization code, with PKCE where the network supports it. Errors
// of Exchange, Refresh and Check are *Error; a token the network says is
// revoked or invalid is one with Dead set.
type Provider interface {
	// Ready returns an EUNAVAILABLE error naming the settings Herald
	// needs to connect accounts of this network (its app credentials).
	Ready() error
	// PKCE reports whether the network takes a PKCE S256 challenge.
	PKCE() bool
	// AuthURL is the network's authorization page, asking the scopes
	// Herald needs, coming back to redirect with state; challenge is the
	// PKCE S256 challenge ("" without PKCE).
	AuthURL(state, redirect, challenge string) string
	// Exchange trades the code the network sent back for tokens,
	// server-side (verifier: the PKCE verifier, "" without PKCE).
	Exchange(ctx context.Context, code, redirect, verifier string) (Grant, error)
	// Refresh returns new tokens for g's refresh token.
	Refresh(ctx context.Context, g Grant) (Grant, error)
	// Accounts lists the accounts the token's person may post as, their
	// own first.
	Accounts(ctx context.Context, g Grant) ([]Choice, error)
	// Check asks the network whether the access token still works: a
	// Dead error when it was revoked or has expired.
	Check(ctx context.Context, g Grant) error
}

// grantOf returns the tokens of a connected account.
func grantOf(a Account) Grant {
	return Grant{Access: a.Secret, Refresh: a.Conn.Refresh, Expires: a.Conn.Expires, RefreshExpires: a.Conn.RefreshExpires}
}

// withGrant returns a with g's tokens, granted at now.
func withGrant(a Account, g Grant, now time.Time) Account {
	a.Secret = g.Access
	if g.Refresh != "" { // a network may keep the refresh token it gave
		a.Conn.Refresh = g.Refresh
		a.Conn.RefreshExpires = g.RefreshExpires
	}
	a.Conn.Granted, a.Conn.Expires = now, g.Expires
	return a
}

// DeadToken is the error of a network that says an access token is
// revoked or invalid: the post fails, and the brand is asked to connect
// the account again.
func DeadToken(format string, args ...any) error {
	e := Rejectedf(format, args...).(*Error)
	e.Dead = true
	return e
}

// IsDead reports whether err says the account's token is dead.
func IsDead(err error) bool {
	e := Classify(err)
	return err != nil && e.Dead
}

// ConnectEventKind says what happened to a connection.
type ConnectEventKind string

// The connection events brought to chat.
const (
	// ConnectChoose: the person may post as several accounts; the choice
	// goes to them alone, in the channel where they asked.
	ConnectChoose ConnectEventKind = "choose"
	// ConnectDone: the account is connected; the brand's channels are told.
	ConnectDone ConnectEventKind = "connected"
	// ConnectExpiring: the connection ends within a week and cannot be
	// refreshed; the brand's channels get a card with Reconnect.
	ConnectExpiring ConnectEventKind = "expiring"
	// ConnectDead: the network revoked the token, or it expired; the
	// brand's channels get a card with Reconnect.
	ConnectDead ConnectEventKind = "dead"
)

// ConnectEvent is news about one target's connection.
type ConnectEvent struct {
	Kind    ConnectEventKind
	Brand   herald.Brand
	Account Account // secrets blanked
	// For ConnectChoose: who asked, where, and the accounts offered.
	Actor   herald.Actor
	Channel herald.ChannelRef
	Choices []Choice
}

// blank returns a without its secrets, for news.
func blank(a Account) Account {
	a.Secret, a.Conn.Refresh, a.URL = "", "", Redact(a.URL)
	return a
}
