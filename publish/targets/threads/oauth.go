package threads

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/meta"
)

// Scopes are the permissions Herald asks: threads_basic (the account's
// id and name, its recent posts for the check after an ambiguous answer)
// and threads_content_publish (posting).
var Scopes = []string{"threads_basic", "threads_content_publish"}

var _ publish.Provider = (*Provider)(nil)

// Provider connects Threads accounts: OAuth 2.0 authorization code at
// threads.net/oauth/authorize (no PKCE), the code exchanged at
// /oauth/access_token for a short-lived token, that for a long-lived one
// (th_exchange_token, 60 days), refreshed with th_refresh_token. The
// long-lived token refreshes itself: it is kept as its own refresh token,
// ending when it expires.
type Provider struct{ g *meta.Graph }

// NewProvider returns the Provider of the Threads app o.AppID.
func NewProvider(o Options) *Provider { return &Provider{meta.New(o.withDefaults().Options)} }

// Ready implements publish.Provider.
func (p *Provider) Ready() error {
	return p.g.AppReady("threads", "Threads", "THREADS_APP_ID", "THREADS_APP_SECRET")
}

// PKCE implements publish.Provider.
func (p *Provider) PKCE() bool { return false }

// AuthURL implements publish.Provider.
func (p *Provider) AuthURL(state, redirect, _ string) string {
	return p.g.DialogURL("/oauth/authorize", state, redirect, Scopes)
}

type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	UserID      any    `json:"user_id"`
	ExpiresIn   int64  `json:"expires_in"`
}

// Exchange implements publish.Provider: the code for a short-lived
// token, then that for a long-lived one.
func (p *Provider) Exchange(ctx context.Context, code, redirect, _ string) (publish.Grant, error) {
	var short tokenAnswer
	f := url.Values{"client_id": {p.g.O.AppID}, "client_secret": {p.g.O.AppSecret}, "grant_type": {"authorization_code"},
		"redirect_uri": {redirect}, "code": {code}}
	if err := p.g.Call(ctx, http.MethodPost, "/oauth/access_token", "", f, &short); err != nil {
		return publish.Grant{}, err
	}
	f = url.Values{"grant_type": {"th_exchange_token"}, "client_secret": {p.g.O.AppSecret}}
	return p.token(ctx, "/access_token", short.AccessToken, f)
}

// Refresh implements publish.Provider: th_refresh_token on the long-lived
// token (at least a day old, not expired). An expired or revoked one is
// refused with code 190: Dead.
func (p *Provider) Refresh(ctx context.Context, g publish.Grant) (publish.Grant, error) {
	return p.token(ctx, "/refresh_access_token", g.Access, url.Values{"grant_type": {"th_refresh_token"}})
}

func (p *Provider) token(ctx context.Context, path, token string, f url.Values) (publish.Grant, error) {
	var a tokenAnswer
	if err := p.g.Call(ctx, http.MethodGet, path, token, f, &a); err != nil {
		return publish.Grant{}, err
	}
	if a.AccessToken == "" || a.ExpiresIn <= 0 {
		return publish.Grant{}, publish.TransientError(fmt.Errorf("Threads gave no long-lived token on %s", path), 0)
	}
	exp := p.g.O.Clock.Now().UTC().Add(time.Duration(a.ExpiresIn) * time.Second)
	return publish.Grant{Access: a.AccessToken, Expires: exp, Refresh: a.AccessToken, RefreshExpires: exp}, nil
}

// Accounts implements publish.Provider: the one account the token is of.
func (p *Provider) Accounts(ctx context.Context, g publish.Grant) ([]publish.Choice, error) {
	var me struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Name     string `json:"name"`
	}
	if err := p.g.Call(ctx, http.MethodGet, "/me", g.Access, url.Values{"fields": {"id,username,name"}}, &me); err != nil {
		return nil, err
	}
	if me.ID == "" {
		return nil, nil
	}
	name := me.Username
	if name == "" {
		name = me.Name
	}
	return []publish.Choice{{ID: me.ID, Name: name, Kind: "person"}}, nil
}

// Check implements publish.Provider.
func (p *Provider) Check(ctx context.Context, g publish.Grant) error {
	return p.g.Call(ctx, http.MethodGet, "/me", g.Access, url.Values{"fields": {"id"}}, nil)
}
