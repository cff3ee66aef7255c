// Package instagram publishes to Instagram professional accounts through
// the Instagram Graph API's content publishing: a container is created
// from the post's signed media links (image_url, video_url with
// media_type=REELS; carousels from children made with
// is_carousel_item=true), its status_code polled until FINISHED, then
// published with media_publish. The account's 24-hour publishing limit
// is read from content_publishing_limit before publishing. Accounts are
// connected through Meta login (meta.Provider, Instagram).
package instagram

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/meta"
)

// The text rules checked before review.
const (
	MaxChars    = 2200
	MaxHashtags = 30
	MaxMentions = 20
	MaxItems    = 10 // in a carousel
	MaxImage    = 8 << 20
	MaxVideo    = 300 << 20
	// MinRatio and MaxRatio bound a picture's width / height: 4:5 to
	// 1.91:1.
	MinRatio = 4.0 / 5.0
	MaxRatio = 1.91
)

// Reasons of Instagram's refusals before review, with their facts.
const (
	ReasonTooLong        = "instagram.too_long"          // "max", "length"
	ReasonTooManyTags    = "instagram.too_many_tags"     // "max", "count"
	ReasonTooManyMention = "instagram.too_many_mentions" // "max", "count"
)

// Options configure a Publisher.
type Options struct {
	meta.Options
	// PublicLinks says Herald has a public address (HERALD_PUBLIC_URL):
	// Instagram fetches media by URL, so without it nothing can go.
	PublicLinks bool
	// Poll and Wait are the container's polling (5s, 2 minutes of the
	// clock per attempt).
	Poll, Wait time.Duration
}

var (
	_ publish.Publisher      = (*Publisher)(nil)
	_ publish.Checker        = (*Publisher)(nil)
	_ publish.Validator      = (*Publisher)(nil)
	_ publish.MediaValidator = (*Publisher)(nil)
	_ publish.Configurer     = (*Publisher)(nil)
)

// Publisher publishes to Instagram. It is safe for concurrent use.
type Publisher struct {
	c      meta.Containers
	public bool
}

// New returns a Publisher.
func New(o Options) *Publisher {
	if o.Network == "" {
		o.Network = "Instagram"
	}
	if o.Poll <= 0 {
		o.Poll = 5 * time.Second
	}
	if o.Wait <= 0 {
		o.Wait = 2 * time.Minute
	}
	c := meta.Containers{G: meta.New(o.Options), StatusField: "status_code", PublishPath: "media_publish", ListPath: "media",
		TextField: "caption", Poll: o.Poll, Wait: o.Wait, Keep: 24 * time.Hour}
	return &Publisher{c: c, public: o.PublicLinks}
}

var (
	hashtagRE = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_&])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*`)
	mentionRE = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_.@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?`)
)

// Hashtags and Mentions count what Instagram counts in a caption.
func Hashtags(text string) int { return len(hashtagRE.FindAllStringIndex(text, -1)) }

// Mentions counts the @mentions of a caption.
func Mentions(text string) int { return len(mentionRE.FindAllStringIndex(text, -1)) }

// Validate implements publish.Validator: 2,200 characters, 30 hashtags,
// 20 mentions.
func (p *Publisher) Validate(_ publish.Account, text string) error {
	if err := meta.MaxLength("Instagram", ReasonTooLong, MaxChars, text); err != nil {
		return err
	}
	if n := Hashtags(text); n > MaxHashtags {
		return herald.Errorf(herald.EINVALID, "Instagram takes at most %d hashtags in a caption; this text has %d.", MaxHashtags, n).
			Because(ReasonTooManyTags, herald.Facts{"max": MaxHashtags, "count": n})
	}
	if n := Mentions(text); n > MaxMentions {
		return herald.Errorf(herald.EINVALID, "Instagram takes at most %d @mentions in a caption; this text has %d.", MaxMentions, n).
			Because(ReasonTooManyMention, herald.Facts{"max": MaxMentions, "count": n})
	}
	return nil
}

// ValidateMedia implements publish.MediaValidator: a picture or video is
// required, Herald must have a public address (Instagram fetches media
// by URL), pictures are JPEG between 4:5 and 1.91:1, at most 10 items.
func (p *Publisher) ValidateMedia(_ publish.Account, items []media.Item) error {
	if !p.public {
		return publish.NoPublicMedia("Instagram")
	}
	if len(items) == 0 {
		return publish.MediaRequired("Instagram")
	}
	if len(items) > MaxItems {
		return publish.TooManyMedia("Instagram", MaxItems, len(items))
	}
	for i, it := range items {
		if err := checkItem(i+1, it); err != nil {
			return err
		}
	}
	return nil
}

func checkItem(n int, it media.Item) error {
	if it.Video() {
		if it.Size > MaxVideo {
			return publish.MediaTooBig("Instagram", n, it, MaxVideo)
		}
		return nil
	}
	if it.Type != "image/jpeg" {
		return publish.MediaType("Instagram", n, it, "Instagram takes JPEG pictures only")
	}
	if it.Size > MaxImage {
		return publish.MediaTooBig("Instagram", n, it, MaxImage)
	}
	if it.Height > 0 {
		// width/height within [4/5, 1.91], compared without rounding.
		if it.Width*5 < it.Height*4 || it.Width*100 > it.Height*191 {
			return publish.AspectRatio("Instagram", n, it, "4:5 (portrait) to 1.91:1 (landscape)")
		}
	}
	return nil
}

// CheckAccount implements publish.Configurer: an Instagram account is
// connected through Meta login, never typed.
func (p *Publisher) CheckAccount(a publish.Account) error {
	return meta.ConnectOnly(a, "instagram", "Meta's own page")
}

// Publish implements publish.Publisher.
func (p *Publisher) Publish(ctx context.Context, post publish.Post) (publish.Receipt, error) {
	if err := meta.Recheck(p, post, "Instagram", true); err != nil {
		return publish.Receipt{}, err
	}
	c := p.c
	c.Before = p.quota
	return c.Run(ctx, post, func(ctx context.Context) (url.Values, error) { return p.form(ctx, post) })
}

// form is the post's container: one item, or a carousel of children.
func (p *Publisher) form(ctx context.Context, post publish.Post) (url.Values, error) {
	if len(post.Media) == 1 {
		f := itemForm(post.Media[0], false)
		f.Set("caption", post.Text)
		return f, nil
	}
	ids, err := p.c.Carousel(ctx, post, func(m publish.Media) url.Values { return itemForm(m, true) })
	if err != nil {
		return nil, err
	}
	return url.Values{"media_type": {"CAROUSEL"}, "children": {ids}, "caption": {post.Text}}, nil
}

func itemForm(m publish.Media, child bool) url.Values {
	f := url.Values{}
	switch {
	case m.Video() && child:
		f.Set("media_type", "VIDEO")
		f.Set("video_url", m.Link)
	case m.Video():
		f.Set("media_type", "REELS")
		f.Set("video_url", m.Link)
	default:
		f.Set("image_url", m.Link)
		if m.Alt != "" {
			f.Set("alt_text", m.Alt)
		}
	}
	return f
}

// quota reads the account's 24-hour publishing limit: exhausted, the post
// waits (Transient) with a note saying so.
func (p *Publisher) quota(ctx context.Context, post publish.Post) error {
	var lim struct {
		Data []struct {
			QuotaUsage int `json:"quota_usage"`
			Config     struct {
				QuotaTotal    int `json:"quota_total"`
				QuotaDuration int `json:"quota_duration"`
			} `json:"config"`
		} `json:"data"`
	}
	f := url.Values{"fields": {"quota_usage,config"}}
	if err := p.c.G.Call(ctx, http.MethodGet, "/"+url.PathEscape(post.Account.Handle)+"/content_publishing_limit", post.Account.Secret, f, &lim); err != nil {
		return err
	}
	if len(lim.Data) == 0 || lim.Data[0].Config.QuotaTotal == 0 {
		return nil
	}
	d := lim.Data[0]
	if d.QuotaUsage < d.Config.QuotaTotal {
		return nil
	}
	return publish.TransientError(fmt.Errorf("Instagram's limit of %d posts in 24 hours is reached for %s (%d used); Herald tries again in an hour",
		d.Config.QuotaTotal, post.Target, d.QuotaUsage), time.Hour)
}

// Check implements publish.Checker: the container recorded on the
// delivery says whether the post was published.
func (p *Publisher) Check(ctx context.Context, post publish.Post) (publish.Receipt, bool, error) {
	return p.c.Check(ctx, post)
}
