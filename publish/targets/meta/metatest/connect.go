package metatest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/heraldhq/herald/publish"
)

// Redirect is the redirect URL Connect gives the login dialog.
const Redirect = "https://herald.example/oauth/callback"

// Consent follows a login dialog's URL as a browser would, up to the
// redirect, and returns the query sent back to Redirect.
func Consent(authURL string) (url.Values, error) {
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil {
		return nil, fmt.Errorf("login dialog: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query(), nil
}

// Connect runs what target connect does with p, state aside: the dialog,
// the code exchange, the accounts; then it returns the account choose
// (its ID) as Herald stores it, its Handle and Secret set.
func Connect(ctx context.Context, p publish.Provider, choose string) (publish.Account, []publish.Choice, error) {
	q, err := Consent(p.AuthURL("st4te", Redirect, ""))
	if err != nil {
		return publish.Account{}, nil, err
	}
	g, err := p.Exchange(ctx, q.Get("code"), Redirect, "")
	if err != nil {
		return publish.Account{}, nil, err
	}
	cs, err := p.Accounts(ctx, g)
	if err != nil {
		return publish.Account{}, cs, err
	}
	for _, c := range cs {
		if c.ID != choose {
			continue
		}
		if ag, ok := p.(publish.AccountGranter); ok {
			if g, err = ag.AccountGrant(ctx, g, c); err != nil {
				return publish.Account{}, cs, err
			}
		}
		a := publish.Account{Handle: c.ID, Secret: g.Access}
		a.Conn.As, a.Conn.Refresh, a.Conn.Expires, a.Conn.RefreshExpires = c.Name, g.Refresh, g.Expires, g.RefreshExpires
		return a, cs, nil
	}
	return publish.Account{}, cs, fmt.Errorf("no account %s among %v", choose, cs)
}

// Uploads are the uploads recorded on a delivery, by key, as the
// scheduler keeps them.
type Uploads map[string]publish.Upload

// Delivery returns the post of draft 1 to account a, as the scheduler builds
// it: text and media, the uploads earlier attempts recorded in rec, and
// a recorder writing into rec.
func Delivery(a publish.Account, text string, rec Uploads, ms ...publish.Media) publish.Post {
	p := publish.Post{DraftID: 1, Rev: 1, Target: a.Target, Account: a, Text: text, Media: ms, Uploads: map[string]publish.Upload{}}
	for k, u := range rec {
		p.Uploads[k] = u
	}
	p.Record = func(_ context.Context, u publish.Upload) error { rec[u.SHA256] = u; return nil }
	return p
}
