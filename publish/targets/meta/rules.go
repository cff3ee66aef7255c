package meta

import (
	"context"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

// ConnectOnly is publish.Configurer's check of an account of kind on a
// network reached through Meta: connected through the network's page
// (where, as people name it: "Meta's own page"), its numeric id and token
// set, never typed.
func ConnectOnly(a publish.Account, kind, where string) error {
	if a.Secret == "" || a.Handle == "" || strings.Trim(a.Handle, "0123456789") != "" {
		return herald.Errorf(herald.EINVALID, "%s is set up by connecting it through %s, not with a URL or a token.", a.Target, where).
			Because(publish.ReasonConnectOnly, herald.Facts{"kind": kind, "target": a.Target.String()})
	}
	return nil
}

// Rules are a network's checks before review, run again at publish time.
type Rules interface {
	publish.Validator
	publish.MediaValidator
	publish.Configurer
}

// Recheck runs r's checks on post at publish time: what the checks before
// review refused is refused (Rejected), with the same words; byURL says
// the network fetches media by URL, so that every item needs its link.
func Recheck(r Rules, post publish.Post, network string, byURL bool) error {
	if err := r.CheckAccount(post.Account); err != nil {
		return publish.Rejectedf("%s", herald.ErrorMessage(err))
	}
	if err := r.Validate(post.Account, post.Text); err != nil {
		return publish.Rejectedf("%s", herald.ErrorMessage(err))
	}
	items := make([]media.Item, len(post.Media))
	for i, m := range post.Media {
		items[i] = m.Item
		if byURL && m.Link == "" {
			return publish.Rejectedf("%s fetches media by URL, and Herald has no public address (HERALD_PUBLIC_URL)", network)
		}
	}
	if err := r.ValidateMedia(post.Account, items); err != nil {
		return publish.Rejectedf("%s", herald.ErrorMessage(err))
	}
	return nil
}

// Carousel makes a carousel's children, one container per item from
// form(item) with is_carousel_item=true (each recorded on the delivery
// under the item's SHA-256, and ready before the carousel is made), and
// returns their ids, comma-separated, for the carousel's children.
func (c Containers) Carousel(ctx context.Context, post publish.Post, form func(publish.Media) url.Values) (string, error) {
	ids := make([]string, len(post.Media))
	for i, m := range post.Media {
		f := form(m)
		f.Set("is_carousel_item", "true")
		id, err := c.Create(ctx, post, m.SHA256, f)
		if err != nil {
			return "", err
		}
		if err := c.Ready(ctx, post.Account.Secret, id); err != nil {
			return "", err
		}
		ids[i] = id
	}
	return strings.Join(ids, ","), nil
}

// MaxLength refuses a text of more than max characters (code points) on
// network, with reason and the facts "max" and "length".
func MaxLength(network, reason string, max int, text string) error {
	if n := utf8.RuneCountInString(text); n > max {
		return herald.Errorf(herald.EINVALID, "%s takes posts of at most %d characters; this text has %d.", network, max, n).
			Because(reason, herald.Facts{"max": max, "length": n})
	}
	return nil
}
