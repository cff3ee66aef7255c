package x

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish"
)

// DefaultScopes are the permissions Herald asks: reading and writing
// posts (tweet.read, tweet.write: publishing, and reading the latest
// posts after an ambiguous outcome), the account's name (users.read:
// "connected as @handle"; X requires it with tweet.read to post),
// uploading media (media.write) and a refresh token (offline.access:
// access tokens last two hours).
var DefaultScopes = []string{"tweet.read", "tweet.write", "users.read", "offline.access", "media.write"}

var _ publish.Provider = (*Provider)(nil)

// Provider connects X accounts: OAuth 2.0 authorization code with PKCE
// (S256) on X's authorization page; the token endpoint
// (POST /2/oauth2/token) with the app's credentials as HTTP Basic for a
// confidential client, or its client_id alone for a public one.
type Provider struct{ pub *Publisher }

// NewProvider returns the Provider of the X app o.ClientID.
func NewProvider(o Options) *Provider { return &Provider{New(o)} }

// Ready implements publish.Provider.
func (p *Provider) Ready() error {
	if p.pub.o.ClientID == "" {
		return herald.Errorf(herald.EUNAVAILABLE, "Herald has no X app: its operator sets X_CLIENT_ID and X_CLIENT_SECRET.").
			Because(publish.ReasonNoApp, herald.Facts{"kind": "x", "settings": "X_CLIENT_ID, X_CLIENT_SECRET"})
	}
	return nil
}

// PKCE implements publish.Provider: X requires it.
func (p *Provider) PKCE() bool { return true }

// AuthURL implements publish.Provider.
func (p *Provider) AuthURL(state, redirect, challenge string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {p.pub.o.ClientID}, "redirect_uri": {redirect},
		"scope": {strings.Join(p.pub.o.Scopes, " ")}, "state": {state}}
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	sep := "?"
	if strings.Contains(p.pub.o.AuthURL, "?") {
		sep = "&"
	}
	return p.pub.o.AuthURL + sep + q.Encode()
}

// Exchange implements publish.Provider.
func (p *Provider) Exchange(ctx context.Context, code, redirect, verifier string) (publish.Grant, error) {
	return p.token(ctx, url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {redirect}, "code_verifier": {verifier}})
}

// Refresh implements publish.Provider. X rotates refresh tokens: the new
// one replaces the old, which stops working. A refresh token X refuses
// (invalid_request, invalid_grant: revoked, or used already) is Dead.
func (p *Provider) Refresh(ctx context.Context, g publish.Grant) (publish.Grant, error) {
	return p.token(ctx, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {g.Refresh}})
}

// tokenAnswer is X's answer of /2/oauth2/token.
type tokenAnswer struct {
	TokenType        string `json:"token_type"`
	AccessToken      string `json:"access_token"`
	ExpiresIn        int64  `json:"expires_in"`
	RefreshToken     string `json:"refresh_token"`
	Scope            string `json:"scope"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// token calls the token endpoint with the app's credentials.
func (p *Provider) token(ctx context.Context, f url.Values) (publish.Grant, error) {
	if p.pub.o.ClientSecret == "" {
		f.Set("client_id", p.pub.o.ClientID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.pub.o.APIURL+"/2/oauth2/token", strings.NewReader(f.Encode()))
	if err != nil {
		return publish.Grant{}, publish.Rejectedf("HERALD_X_API_URL is not usable: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if p.pub.o.ClientSecret != "" {
		req.SetBasicAuth(url.QueryEscape(p.pub.o.ClientID), url.QueryEscape(p.pub.o.ClientSecret))
	}
	resp, err := publish.Do(p.pub.o.Client, req)
	if err != nil {
		return publish.Grant{}, err
	}
	defer resp.Body.Close()
	var a tokenAnswer
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, publish.MaxResponse))
	jerr := json.Unmarshal(raw, &a)
	if resp.StatusCode != http.StatusOK || a.AccessToken == "" {
		words := strings.TrimSpace(a.Error + ": " + a.ErrorDescription)
		switch {
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			return publish.Grant{}, publish.TransientError(fmt.Errorf("X's token endpoint: %d %s", resp.StatusCode, words), rateReset(resp.Header, p.pub.o.Clock.Now()))
		case jerr != nil && resp.StatusCode == http.StatusOK:
			return publish.Grant{}, publish.TransientError(fmt.Errorf("X's token endpoint answered what Herald cannot read"), 0)
		case f.Get("grant_type") == "refresh_token" || resp.StatusCode == http.StatusUnauthorized:
			return publish.Grant{}, publish.DeadToken("X refused the token: %s", words)
		}
		return publish.Grant{}, publish.Rejectedf("X's token endpoint refused: %d %s", resp.StatusCode, words)
	}
	g := publish.Grant{Access: a.AccessToken, Refresh: a.RefreshToken, Scope: a.Scope}
	if a.ExpiresIn > 0 {
		g.Expires = p.pub.o.Clock.Now().UTC().Add(time.Duration(a.ExpiresIn) * time.Second)
	}
	return g, nil
}

// me is GET /2/users/me's answer.
type me struct {
	Data struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Username string `json:"username"`
	} `json:"data"`
}

// Accounts implements publish.Provider: the one account the token posts
// as (GET /2/users/me), named @username.
func (p *Provider) Accounts(ctx context.Context, g publish.Grant) ([]publish.Choice, error) {
	var m me
	if err := p.pub.jsonCall(ctx, http.MethodGet, "/2/users/me", g.Access, nil, &m); err != nil {
		return nil, err
	}
	if m.Data.ID == "" || m.Data.Username == "" {
		return nil, publish.Rejectedf("X's users/me names no account")
	}
	return []publish.Choice{{ID: m.Data.ID, Name: "@" + m.Data.Username, Kind: "person"}}, nil
}

// Check implements publish.Provider: GET /2/users/me with the token; X
// answers 401 for a revoked or expired one (Dead).
func (p *Provider) Check(ctx context.Context, g publish.Grant) error {
	var m me
	return p.pub.jsonCall(ctx, http.MethodGet, "/2/users/me", g.Access, nil, &m)
}
