package linkedin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish"
)

// DefaultScopes are the permissions Herald asks: the member's name (OpenID
// Connect: openid, profile), posting as the member (w_member_social, the
// "Share on LinkedIn" product), and for pages (the Community Management
// API) posting as them, reading their posts (the check after an
// ambiguous outcome) and listing those the member administers.
var DefaultScopes = []string{"openid", "profile", "w_member_social", "w_organization_social", "r_organization_social", "r_organization_admin"}

var _ publish.Provider = (*Provider)(nil)

// Provider connects LinkedIn accounts: OAuth 2.0 authorization code on
// www.linkedin.com/oauth/v2, without PKCE (LinkedIn takes it from native
// apps only).
type Provider struct {
	o   Options
	api *Publisher
}

// NewProvider returns the Provider of the LinkedIn app o.ClientID.
func NewProvider(o Options) *Provider {
	o = o.withDefaults()
	return &Provider{o: o, api: &Publisher{o}}
}

// Ready implements publish.Provider.
func (p *Provider) Ready() error {
	if p.o.ClientID == "" || p.o.ClientSecret == "" {
		return herald.Errorf(herald.EUNAVAILABLE, "Herald has no LinkedIn app: its operator sets LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET.").
			Because(publish.ReasonNoApp, herald.Facts{"kind": "linkedin", "settings": "LINKEDIN_CLIENT_ID, LINKEDIN_CLIENT_SECRET"})
	}
	return nil
}

// PKCE implements publish.Provider: LinkedIn web apps use their secret.
func (p *Provider) PKCE() bool { return false }

// AuthURL implements publish.Provider.
func (p *Provider) AuthURL(state, redirect, challenge string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {p.o.ClientID}, "redirect_uri": {redirect},
		"state": {state}, "scope": {strings.Join(p.o.Scopes, " ")}}
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	return p.o.AuthURL + "/oauth/v2/authorization?" + q.Encode()
}

// tokenAnswer is LinkedIn's answer of /oauth/v2/accessToken.
type tokenAnswer struct {
	AccessToken           string `json:"access_token"`
	ExpiresIn             int64  `json:"expires_in"`
	RefreshToken          string `json:"refresh_token"`
	RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in"`
	Scope                 string `json:"scope"`
	Error                 string `json:"error"`
	ErrorDescription      string `json:"error_description"`
}

// Exchange implements publish.Provider.
func (p *Provider) Exchange(ctx context.Context, code, redirect, verifier string) (publish.Grant, error) {
	f := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}}
	if verifier != "" {
		f.Set("code_verifier", verifier)
	}
	return p.token(ctx, f)
}

// Refresh implements publish.Provider. LinkedIn refuses a revoked or
// expired refresh token with invalid_grant (or a 401): Dead.
func (p *Provider) Refresh(ctx context.Context, g publish.Grant) (publish.Grant, error) {
	n, err := p.token(ctx, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {g.Refresh}})
	if err == nil && n.Refresh == "" {
		n.Refresh, n.RefreshExpires = g.Refresh, g.RefreshExpires
	}
	return n, err
}

// token calls the token endpoint with the app's credentials.
func (p *Provider) token(ctx context.Context, f url.Values) (publish.Grant, error) {
	f.Set("client_id", p.o.ClientID)
	f.Set("client_secret", p.o.ClientSecret)
	var a tokenAnswer
	status, err := p.form(ctx, "/oauth/v2/accessToken", f, &a)
	if err != nil {
		return publish.Grant{}, err
	}
	if status != http.StatusOK || a.AccessToken == "" {
		words := strings.TrimSpace(a.Error + ": " + a.ErrorDescription)
		if a.Error == "invalid_grant" || status == http.StatusUnauthorized {
			return publish.Grant{}, publish.DeadToken("LinkedIn refused the token: %s", words)
		}
		if status == http.StatusTooManyRequests || status >= 500 {
			return publish.Grant{}, publish.TransientError(fmt.Errorf("LinkedIn's token endpoint: %d %s", status, words), 0)
		}
		return publish.Grant{}, publish.Rejectedf("LinkedIn's token endpoint refused: %d %s", status, words)
	}
	now := p.o.Clock.Now().UTC()
	g := publish.Grant{Access: a.AccessToken, Refresh: a.RefreshToken, Scope: a.Scope}
	if a.ExpiresIn > 0 {
		g.Expires = now.Add(time.Duration(a.ExpiresIn) * time.Second)
	}
	if a.RefreshTokenExpiresIn > 0 {
		g.RefreshExpires = now.Add(time.Duration(a.RefreshTokenExpiresIn) * time.Second)
	}
	return g, nil
}

// form posts a form to the OAuth host and decodes its JSON answer into
// out, returning the status.
func (p *Provider) form(ctx context.Context, path string, f url.Values, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.o.AuthURL+path, strings.NewReader(f.Encode()))
	if err != nil {
		return 0, publish.Rejectedf("HERALD_LINKEDIN_AUTH_URL is not usable: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := publish.Do(p.o.Client, req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(http.MaxBytesReader(nil, resp.Body, publish.MaxResponse)).Decode(out); err != nil && resp.StatusCode == http.StatusOK {
		return resp.StatusCode, publish.TransientError(fmt.Errorf("LinkedIn's answer on %s is unreadable: %w", path, err), 0)
	}
	return resp.StatusCode, nil
}

// Check implements publish.Provider with token introspection: a token
// LinkedIn says is not active (revoked, expired) is Dead.
func (p *Provider) Check(ctx context.Context, g publish.Grant) error {
	var a struct {
		Active bool   `json:"active"`
		Status string `json:"status"`
	}
	status, err := p.form(ctx, "/oauth/v2/introspectToken",
		url.Values{"client_id": {p.o.ClientID}, "client_secret": {p.o.ClientSecret}, "token": {g.Access}}, &a)
	switch {
	case err != nil:
		return err
	case status != http.StatusOK:
		return publish.TransientError(fmt.Errorf("LinkedIn's introspectToken: %d", status), 0)
	case !a.Active || (a.Status != "" && a.Status != "active"):
		return publish.DeadToken("LinkedIn says the account's token is %s", nonEmpty(a.Status, "not active"))
	}
	return nil
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Accounts implements publish.Provider: the member (OpenID userinfo),
// then the pages they administer (organizationAcls, ADMINISTRATOR,
// APPROVED), each named by its localizedName.
func (p *Provider) Accounts(ctx context.Context, g publish.Grant) ([]publish.Choice, error) {
	var me struct {
		Sub  string `json:"sub"`
		Name string `json:"name"`
	}
	if err := p.get(ctx, "/v2/userinfo", g.Access, &me); err != nil {
		return nil, err
	}
	if me.Sub == "" {
		return nil, publish.Rejectedf("LinkedIn's userinfo names no member (the openid scope is missing)")
	}
	out := []publish.Choice{{ID: "urn:li:person:" + me.Sub, Name: me.Name, Kind: "person"}}
	orgs, err := p.pages(ctx, g.Access)
	if err != nil && !publish.IsDead(err) && publish.Classify(err).Outcome == publish.Rejected {
		// An app without the Community Management API may not list pages
		// (403): the member posts as themselves.
		return out, nil
	}
	return append(out, orgs...), err
}

// pages lists the organisations the member administers.
func (p *Provider) pages(ctx context.Context, token string) ([]publish.Choice, error) {
	var acls struct {
		Elements []struct {
			Organization string `json:"organization"`
			Role         string `json:"role"`
			State        string `json:"state"`
		} `json:"elements"`
	}
	q := url.Values{"q": {"roleAssignee"}, "role": {"ADMINISTRATOR"}, "state": {"APPROVED"}, "count": {"100"}}
	if err := p.get(ctx, "/rest/organizationAcls?"+q.Encode(), token, &acls); err != nil {
		return nil, err
	}
	var out []publish.Choice
	for _, e := range acls.Elements {
		id, ok := strings.CutPrefix(e.Organization, "urn:li:organization:")
		if !ok || e.Role != "ADMINISTRATOR" || e.State != "APPROVED" {
			continue
		}
		var org struct {
			LocalizedName string `json:"localizedName"`
		}
		if err := p.get(ctx, "/rest/organizations/"+url.PathEscape(id), token, &org); publish.IsDead(err) {
			return nil, err
		} // a page whose name cannot be read is still offered, by its id
		out = append(out, publish.Choice{ID: e.Organization, Name: nonEmpty(org.LocalizedName, "organization "+id), Kind: "organization"})
	}
	return out, nil
}

// get reads a REST API resource into out.
func (p *Provider) get(ctx context.Context, path, token string, out any) error {
	req, err := p.api.request(ctx, http.MethodGet, path, token, nil)
	if err != nil {
		return err
	}
	resp, err := publish.Do(p.o.Client, req)
	if err != nil {
		return err
	}
	body, err := p.api.read(resp)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(bytes.TrimSpace(body), out); err != nil {
		return publish.TransientError(fmt.Errorf("LinkedIn's answer on %s is unreadable: %w", strings.SplitN(path, "?", 2)[0], err), 0)
	}
	return nil
}
