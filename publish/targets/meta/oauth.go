package meta

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/heraldhq/herald/publish"
)

// Scopes are the permissions Meta login asks, each for one thing Herald
// does: pages_show_list lists the Pages the person manages (the choice
// in chat); pages_manage_posts posts to a Page (feed, photos, videos);
// pages_read_engagement reads the Page's feed (looking for a post after
// an ambiguous answer) and gives the Page's token; instagram_basic reads
// the Instagram professional account linked to a Page (its id and name,
// its recent media); instagram_content_publish publishes to it;
// business_management reaches Pages and accounts owned through a
// Business Manager (most agencies' case).
var Scopes = []string{"pages_show_list", "pages_manage_posts", "pages_read_engagement",
	"instagram_basic", "instagram_content_publish", "business_management"}

// Accounts says which accounts a Provider offers: Facebook Pages, or the
// Instagram professional accounts linked to them.
type Accounts int

// The accounts a Provider offers.
const (
	Pages Accounts = iota
	Instagram
)

var _ publish.Provider = (*Provider)(nil)
var _ publish.AccountGranter = (*Provider)(nil)

// Provider connects Facebook Pages and Instagram professional accounts
// through Meta login (Facebook Login for Business): OAuth 2.0
// authorization code at AuthURL/dialog/oauth (no PKCE for web apps with a
// secret), the code exchanged at APIURL/oauth/access_token, then that
// short-lived user token for a long-lived one (fb_exchange_token, 60
// days); /me/accounts lists the Pages with their Page tokens, which do
// not expire when derived from a long-lived user token: the account posts
// with its Page's token and is never refreshed.
type Provider struct {
	g    *Graph
	kind Accounts
}

// NewProvider returns the Provider of the Meta app o.AppID offering kind.
func NewProvider(o Options, kind Accounts) *Provider { return &Provider{New(o), kind} }

// Ready implements publish.Provider.
func (p *Provider) Ready() error {
	return p.g.AppReady(map[Accounts]string{Pages: "facebook", Instagram: "instagram"}[p.kind], "Meta", "META_APP_ID", "META_APP_SECRET")
}

// PKCE implements publish.Provider: Meta's web login uses the app secret.
func (p *Provider) PKCE() bool { return false }

// AuthURL implements publish.Provider.
func (p *Provider) AuthURL(state, redirect, _ string) string {
	return p.g.DialogURL("/dialog/oauth", state, redirect, Scopes)
}

type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
}

// Exchange implements publish.Provider: the code for a short-lived user
// token, then that for a long-lived one.
func (p *Provider) Exchange(ctx context.Context, code, redirect, _ string) (publish.Grant, error) {
	var short tokenAnswer
	f := url.Values{"client_id": {p.g.O.AppID}, "client_secret": {p.g.O.AppSecret}, "redirect_uri": {redirect}, "code": {code}}
	if err := p.g.Call(ctx, http.MethodGet, "/oauth/access_token", "", f, &short); err != nil {
		return publish.Grant{}, err
	}
	var long tokenAnswer
	f = url.Values{"grant_type": {"fb_exchange_token"}, "client_id": {p.g.O.AppID}, "client_secret": {p.g.O.AppSecret},
		"fb_exchange_token": {short.AccessToken}}
	if err := p.g.Call(ctx, http.MethodGet, "/oauth/access_token", "", f, &long); err != nil {
		return publish.Grant{}, err
	}
	if long.AccessToken == "" {
		return publish.Grant{}, publish.Rejectedf("%s gave no long-lived token", p.g.O.Network)
	}
	g := publish.Grant{Access: long.AccessToken}
	if long.ExpiresIn > 0 {
		g.Expires = p.g.O.Clock.Now().UTC().Add(time.Duration(long.ExpiresIn) * time.Second)
	}
	return g, nil
}

// Refresh implements publish.Provider: Page tokens do not expire and have
// nothing to refresh with.
func (p *Provider) Refresh(context.Context, publish.Grant) (publish.Grant, error) {
	return publish.Grant{}, publish.Rejectedf("Meta Page tokens are not refreshed; connect the account again")
}

// page is one entry of /me/accounts.
type page struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	AccessToken string `json:"access_token"`
	IG          *struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Name     string `json:"name"`
	} `json:"instagram_business_account"`
}

// pages lists the Pages the user token's person manages (every page of
// the answer, following paging.next's cursor).
func (p *Provider) pages(ctx context.Context, token string) ([]page, error) {
	var out []page
	f := url.Values{"fields": {"id,name,access_token,instagram_business_account{id,username,name}"}, "limit": {"100"}}
	for range 20 {
		var list struct {
			Data   []page `json:"data"`
			Paging struct {
				Cursors struct {
					After string `json:"after"`
				} `json:"cursors"`
				Next string `json:"next"`
			} `json:"paging"`
		}
		if err := p.g.Call(ctx, http.MethodGet, "/me/accounts", token, f, &list); err != nil {
			return nil, err
		}
		out = append(out, list.Data...)
		if list.Paging.Next == "" || list.Paging.Cursors.After == "" {
			break
		}
		f.Set("after", list.Paging.Cursors.After)
	}
	return out, nil
}

// Accounts implements publish.Provider: the Pages, or the Instagram
// professional accounts linked to them.
func (p *Provider) Accounts(ctx context.Context, g publish.Grant) ([]publish.Choice, error) {
	ps, err := p.pages(ctx, g.Access)
	if err != nil {
		return nil, err
	}
	var out []publish.Choice
	for _, pg := range ps {
		switch {
		case p.kind == Pages:
			out = append(out, publish.Choice{ID: pg.ID, Name: pg.Name, Kind: "page"})
		case pg.IG != nil && pg.IG.ID != "":
			name := pg.IG.Username
			if name == "" {
				name = pg.IG.Name
			}
			out = append(out, publish.Choice{ID: pg.IG.ID, Name: name, Kind: "instagram"})
		}
	}
	return out, nil
}

// AccountGrant implements publish.AccountGranter: the account posts with
// its Page's token (an Instagram account with the token of the Page it
// is linked to), which does not expire.
func (p *Provider) AccountGrant(ctx context.Context, g publish.Grant, ch publish.Choice) (publish.Grant, error) {
	ps, err := p.pages(ctx, g.Access)
	if err != nil {
		return publish.Grant{}, err
	}
	for _, pg := range ps {
		if pg.AccessToken != "" && (pg.ID == ch.ID || pg.IG != nil && pg.IG.ID == ch.ID) {
			return publish.Grant{Access: pg.AccessToken, Scope: g.Scope}, nil
		}
	}
	return publish.Grant{}, publish.Rejectedf("%s no longer lists %s among the person's Pages", p.g.O.Network, ch.Name)
}

// Check implements publish.Provider: the token reads /me, or Meta says
// it is dead (code 190).
func (p *Provider) Check(ctx context.Context, g publish.Grant) error {
	return p.g.Call(ctx, http.MethodGet, "/me", g.Access, url.Values{"fields": {"id"}}, nil)
}
