package bluesky

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish"
)

// Bluesky's limits on a post's text (app.bsky.feed.post).
const (
	MaxGraphemes = 300  // user-perceived characters (grapheme clusters)
	MaxBytes     = 3000 // UTF-8 bytes
)

// Validate returns an EINVALID error naming the limit when text is too
// long for a Bluesky post: more than 300 graphemes (an emoji sequence
// joined with ZWJ is one) or more than 3000 bytes.
func (p *Publisher) Validate(_ publish.Account, text string) error {
	if !utf8.ValidString(text) {
		return herald.Errorf(herald.EINVALID, "The post is not valid UTF-8 text, so Bluesky cannot take it.")
	}
	if n := uniseg.GraphemeClusterCount(text); n > MaxGraphemes {
		return herald.Errorf(herald.EINVALID, "A Bluesky post can have at most %d characters; this one has %d.", MaxGraphemes, n)
	}
	if n := len(text); n > MaxBytes {
		return herald.Errorf(herald.EINVALID, "A Bluesky post can take at most %d bytes of text; this one takes %d (emoji and accented letters take several).", MaxBytes, n)
	}
	return nil
}

// CheckAccount requires a handle (or DID) and an app password; URL, when
// set, must be the absolute http(s) URL of the account's PDS. It makes no
// network call.
func (p *Publisher) CheckAccount(a publish.Account) error {
	h := handleOf(a)
	switch {
	case h == "":
		return herald.Errorf(herald.EINVALID, "A Bluesky target needs the account's handle, e.g. acme.bsky.social.")
	case !validHandle(h) && !strings.HasPrefix(h, "did:"):
		return herald.Errorf(herald.EINVALID, "%q is not a Bluesky handle; use the full handle, e.g. acme.bsky.social.", a.Handle)
	case strings.TrimSpace(a.Secret) == "":
		return herald.Errorf(herald.EINVALID, "A Bluesky target needs an app password (in Bluesky: Settings → Privacy and security → App passwords).")
	}
	if a.URL == "" {
		return nil
	}
	u, err := url.Parse(strings.TrimSpace(a.URL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return herald.Errorf(herald.EINVALID, "%q is not the address of a PDS; use an absolute http(s) URL such as https://bsky.social, or leave it empty for bsky.social.", a.URL)
	}
	return nil
}
