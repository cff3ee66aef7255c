// Package threads publishes to Threads through the Threads API
// (graph.threads.net): a container (media_type TEXT, IMAGE, VIDEO or
// CAROUSEL, with text and the signed media links) is created with
// POST /{user-id}/threads, its status polled until FINISHED, then
// published with POST /{user-id}/threads_publish. Accounts are connected
// through Threads' own authorization page (Provider): the code for a
// short-lived token, that for a long-lived one (th_exchange_token, 60
// days), refreshed before it expires (th_refresh_token).
package threads

import (
	"context"
	"net/url"
	"time"

	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/meta"
)

// Defaults of Options.
const (
	APIURL  = "https://graph.threads.net/v1.0"
	AuthURL = "https://threads.net"
)

// The rules checked before review.
const (
	MaxChars = 500
	MaxItems = 20 // in a carousel
	MaxImage = 8 << 20
	MaxVideo = 1 << 30
)

// ReasonTooLong is the Reason of a text longer than MaxChars ("max",
// "length").
const ReasonTooLong = "threads.too_long"

// Options configure a Publisher and a Provider.
type Options struct {
	meta.Options
	PublicLinks bool          // Herald has a public address (HERALD_PUBLIC_URL)
	Poll, Wait  time.Duration // the container's polling (5s, 2 minutes)
}

func (o Options) withDefaults() Options {
	if o.APIURL == "" {
		o.APIURL = APIURL
	}
	if o.AuthURL == "" {
		o.AuthURL = AuthURL
	}
	if o.Network == "" {
		o.Network = "Threads"
	}
	if o.Settings == "" {
		o.Settings = "HERALD_THREADS_API_URL"
	}
	if o.Poll <= 0 {
		o.Poll = 5 * time.Second
	}
	if o.Wait <= 0 {
		o.Wait = 2 * time.Minute
	}
	o.Options = o.Options.WithDefaults()
	return o
}

var (
	_ publish.Publisher      = (*Publisher)(nil)
	_ publish.Checker        = (*Publisher)(nil)
	_ publish.Validator      = (*Publisher)(nil)
	_ publish.MediaValidator = (*Publisher)(nil)
	_ publish.Configurer     = (*Publisher)(nil)
)

// Publisher publishes to Threads. It is safe for concurrent use.
type Publisher struct {
	c      meta.Containers
	public bool
}

// New returns a Publisher.
func New(o Options) *Publisher {
	o = o.withDefaults()
	c := meta.Containers{G: meta.New(o.Options), StatusField: "status", PublishPath: "threads_publish", ListPath: "threads",
		TextField: "text", Poll: o.Poll, Wait: o.Wait, Keep: 24 * time.Hour}
	return &Publisher{c: c, public: o.PublicLinks}
}

// Validate implements publish.Validator: at most 500 characters.
func (p *Publisher) Validate(_ publish.Account, text string) error {
	return meta.MaxLength("Threads", ReasonTooLong, MaxChars, text)
}

// ValidateMedia implements publish.MediaValidator: media need Herald's
// public address (Threads fetches them by URL); JPEG or PNG pictures of
// 8 MB, videos of 1 GB, at most 20 in a carousel.
func (p *Publisher) ValidateMedia(_ publish.Account, items []media.Item) error {
	if len(items) == 0 {
		return nil
	}
	if !p.public {
		return publish.NoPublicMedia("Threads")
	}
	if len(items) > MaxItems {
		return publish.TooManyMedia("Threads", MaxItems, len(items))
	}
	for i, it := range items {
		switch {
		case it.Video() && it.Size > MaxVideo:
			return publish.MediaTooBig("Threads", i+1, it, MaxVideo)
		case it.Video():
		case it.Type != "image/jpeg" && it.Type != "image/png":
			return publish.MediaType("Threads", i+1, it, "Threads takes JPEG and PNG pictures")
		case it.Size > MaxImage:
			return publish.MediaTooBig("Threads", i+1, it, MaxImage)
		}
	}
	return nil
}

// CheckAccount implements publish.Configurer: a Threads account is
// connected through Threads' own page, never typed.
func (p *Publisher) CheckAccount(a publish.Account) error {
	return meta.ConnectOnly(a, "threads", "Threads' own page")
}

// Publish implements publish.Publisher.
func (p *Publisher) Publish(ctx context.Context, post publish.Post) (publish.Receipt, error) {
	if err := meta.Recheck(p, post, "Threads", true); err != nil {
		return publish.Receipt{}, err
	}
	return p.c.Run(ctx, post, func(ctx context.Context) (url.Values, error) { return p.form(ctx, post) })
}

// form is the post's container.
func (p *Publisher) form(ctx context.Context, post publish.Post) (url.Values, error) {
	switch len(post.Media) {
	case 0:
		return url.Values{"media_type": {"TEXT"}, "text": {post.Text}}, nil
	case 1:
		f := itemForm(post.Media[0])
		f.Set("text", post.Text)
		return f, nil
	}
	ids, err := p.c.Carousel(ctx, post, itemForm)
	if err != nil {
		return nil, err
	}
	return url.Values{"media_type": {"CAROUSEL"}, "children": {ids}, "text": {post.Text}}, nil
}

func itemForm(m publish.Media) url.Values {
	if m.Video() {
		return url.Values{"media_type": {"VIDEO"}, "video_url": {m.Link}}
	}
	f := url.Values{"media_type": {"IMAGE"}, "image_url": {m.Link}}
	if m.Alt != "" {
		f.Set("alt_text", m.Alt)
	}
	return f
}

// Check implements publish.Checker: the container recorded on the
// delivery says whether the post was published.
func (p *Publisher) Check(ctx context.Context, post publish.Post) (publish.Receipt, bool, error) {
	return p.c.Check(ctx, post)
}
