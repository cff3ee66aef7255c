package publish

import "context"

// AccountGranter is a Provider whose accounts post with a token of their
// own, derived from the person's (a Facebook Page's access token, from
// the person's long-lived user token): AccountGrant returns the tokens
// the chosen account posts with, stored in place of the person's.
type AccountGranter interface {
	AccountGrant(ctx context.Context, g Grant, ch Choice) (Grant, error)
}

// accountGrant returns the tokens the account ch posts with: g, or what
// the provider of kind derives from it.
func (c *Connector) accountGrant(ctx context.Context, kind string, g Grant, ch Choice) (Grant, error) {
	ag, ok := c.providers[kind].(AccountGranter)
	if !ok {
		return g, nil
	}
	return ag.AccountGrant(ctx, g, ch)
}
