// Package x publishes posts to X through its API v2: POST /2/tweets with
// the text, the media (uploaded first through the v2 media upload: one
// request for a picture, initialize/append/finalize then status polling
// for a video or a GIF) and the post it answers.
//
// Accounts are connected through X's authorization page (Provider):
// OAuth 2.0 authorization code with PKCE; access tokens last two hours and
// are refreshed with the refresh token (offline.access), which X rotates.
//
// X takes no idempotency key. After an ambiguous outcome Check looks for
// the post among the account's latest posts; a post X refuses as
// duplicate content is there already: it is found and settled as
// published.
package x

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

// Defaults of Options.
const (
	APIURL  = "https://api.x.com"
	AuthURL = "https://x.com/i/oauth2/authorize"
)

// MaxWeighted is how much a post may weigh (Count).
const MaxWeighted = 280

// Limits on a post's media, as X states them for the v2 media upload.
const (
	MaxImages     = 4         // pictures in a post (or one video, or one GIF)
	MaxImageSize  = 5 << 20   // a picture
	MaxGIFSize    = 15 << 20  // an animated GIF
	MaxVideoSize  = 512 << 20 // a video
	MaxVideoSecs  = 140       // a video's length, in seconds
	MaxAltText    = 1000      // a picture's description
	chunkSize     = 4 << 20   // bytes per append (X takes at most 5 MB)
	maxTextRunes  = 50000     // beyond this a text is too long without counting it
	recentToCheck = 20        // posts read to find one after an ambiguous outcome
)

// Reasons of the refusals, with their facts.
const (
	ReasonTooLong = "x.too_long" // "max", "length"
	ReasonMedia   = "x.media"    // "target", "why"
)

// Options configure a Publisher and a Provider.
type Options struct {
	APIURL  string       // the API's base URL (APIURL); the token endpoint is APIURL/2/oauth2/token
	AuthURL string       // the authorization page (AuthURL)
	Client  *http.Client // the operator's trusted httpx client
	Clock   herald.Clock
	// Sleep waits between media status checks (the clock's time passes
	// in tests); nil waits for real, or until ctx is done.
	Sleep func(ctx context.Context, d time.Duration) error
	// ClientID and ClientSecret are the X app's (Provider; the secret is
	// "" for a public client).
	ClientID, ClientSecret string
	// Scopes are the permissions asked (DefaultScopes when nil).
	Scopes []string
}

func (o Options) withDefaults() Options {
	o.APIURL = strings.TrimSuffix(cmp.Or(o.APIURL, APIURL), "/")
	o.AuthURL = cmp.Or(o.AuthURL, AuthURL)
	if o.Client == nil {
		o.Client = httpx.New(httpx.Options{Trusted: true, Timeout: 5 * time.Minute})
	}
	o.Clock = cmp.Or[herald.Clock](o.Clock, herald.SystemClock{})
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Scopes == nil {
		o.Scopes = DefaultScopes
	}
	return o
}

// sleep waits d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	wait, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	<-wait.Done()
	return ctx.Err()
}

var (
	_ publish.Publisher  = (*Publisher)(nil)
	_ publish.Checker    = (*Publisher)(nil)
	_ publish.Validator  = (*Publisher)(nil)
	_ publish.Configurer = (*Publisher)(nil)
)

// Publisher posts to X. It is safe for concurrent use.
type Publisher struct{ o Options }

// New returns a Publisher.
func New(o Options) *Publisher { return &Publisher{o.withDefaults()} }

// Validate implements publish.Validator: at most MaxWeighted in X's
// weighted count.
func (p *Publisher) Validate(_ publish.Account, text string) error {
	n := len([]rune(text)) * 2 // a bound: the text is far too long
	if len(text) <= maxTextRunes*4 && len([]rune(text)) <= maxTextRunes {
		n = Count(text)
	}
	if n > MaxWeighted {
		return herald.Errorf(herald.EINVALID, "X takes posts of %d characters at most, as X counts them (links count 23, CJK characters and emoji 2); this text counts %d.", MaxWeighted, n).
			Because(ReasonTooLong, herald.Facts{"max": MaxWeighted, "length": n})
	}
	return nil
}

// ValidateMedia checks a post's media against X's limits: up to
// MaxImages pictures (JPEG, PNG, WebP; MaxImageSize each), or one GIF
// (MaxGIFSize), or one video (MP4 or QuickTime, MaxVideoSize, at most
// MaxVideoSecs long); descriptions of MaxAltText characters at most.
func (p *Publisher) ValidateMedia(a publish.Account, items []media.Item) error {
	if why := mediaProblem(items); why != "" {
		t := a.Target.String()
		return herald.Errorf(herald.EINVALID, "X does not take this post's media: %s.", why).
			Because(ReasonMedia, herald.Facts{"target": t, "why": why})
	}
	return nil
}

func mediaProblem(items []media.Item) string {
	if len(items) > MaxImages {
		return fmt.Sprintf("a post holds %d pictures at most; this one has %d", MaxImages, len(items))
	}
	for i, it := range items {
		single := it.Video() || it.Type == "image/gif"
		switch {
		case single && len(items) > 1:
			return fmt.Sprintf("item %d (%s): a video or a GIF goes alone in a post", i+1, it.Name)
		case len([]rune(it.Alt)) > MaxAltText:
			return fmt.Sprintf("item %d (%s): a description may have %d characters at most", i+1, it.Name, MaxAltText)
		}
		if why := itemProblem(it); why != "" {
			return fmt.Sprintf("item %d (%s): %s", i+1, it.Name, why)
		}
	}
	return ""
}

func itemProblem(it media.Item) string {
	limit := int64(0)
	switch it.Type {
	case "image/jpeg", "image/png", "image/webp":
		limit = MaxImageSize
	case "image/gif":
		limit = MaxGIFSize
	case "video/mp4", "video/quicktime":
		limit = MaxVideoSize
		if it.Duration > MaxVideoSecs*time.Second {
			return fmt.Sprintf("a video may last %d seconds at most", MaxVideoSecs)
		}
	default:
		return fmt.Sprintf("X takes pictures, GIFs and videos, not %s", it.Type)
	}
	if it.Size > limit {
		return fmt.Sprintf("it may weigh %s at most; it weighs %s", media.Bytes(limit), media.Bytes(it.Size))
	}
	return ""
}

// CheckAccount implements publish.Configurer: an X account is connected
// (its user id and token come from X), never typed.
func (p *Publisher) CheckAccount(a publish.Account) error {
	if a.Secret == "" || a.Handle == "" || strings.Trim(a.Handle, "0123456789") != "" {
		return herald.Errorf(herald.EINVALID, "%s is set up by connecting it through X's own page, not with a URL or a token.", a.Target).
			Because(publish.ReasonConnectOnly, herald.Facts{"kind": "x", "target": a.Target.String()})
	}
	return nil
}
