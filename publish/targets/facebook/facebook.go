// Package facebook publishes to Facebook Pages through the Graph API: a
// text (and link) with POST /{page-id}/feed; pictures uploaded first as
// unpublished photos (POST /{page-id}/photos, published=false, from the
// signed media link when Herald has a public address, otherwise the bytes
// as multipart "source") and attached to the feed post as attached_media;
// one video with POST /{page-id}/videos (file_url or multipart "source",
// description). Pages are connected through Meta login (meta.Provider):
// the account posts with the Page's token.
//
// The Graph API takes no idempotency key: after an ambiguous answer Check
// looks for the post in the Page's feed by its message.
package facebook

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/meta"
)

// MaxChars is how long a Page post's message may be.
const MaxChars = 63206

// ReasonTooLong is the Reason of a text longer than MaxChars ("max",
// "length").
const ReasonTooLong = "facebook.too_long"

// Limits are the files a Page post takes: up to 10 photos of 4 MB, or
// one video of 1 GB (non-resumable upload).
var Limits = publish.FileLimits{Network: "Facebook", Files: 10, Each: 4 << 20}

// MaxVideo is the largest video Herald sends in one request.
const MaxVideo = 1 << 30

var (
	_ publish.Publisher      = (*Publisher)(nil)
	_ publish.Checker        = (*Publisher)(nil)
	_ publish.Validator      = (*Publisher)(nil)
	_ publish.MediaValidator = (*Publisher)(nil)
	_ publish.Configurer     = (*Publisher)(nil)
)

// Publisher posts to Facebook Pages. It is safe for concurrent use.
type Publisher struct{ g *meta.Graph }

// New returns a Publisher.
func New(o meta.Options) *Publisher {
	if o.Network == "" {
		o.Network = "Facebook"
	}
	return &Publisher{meta.New(o)}
}

// Validate implements publish.Validator: at most MaxChars characters.
func (p *Publisher) Validate(_ publish.Account, text string) error {
	return meta.MaxLength("Facebook", ReasonTooLong, MaxChars, text)
}

// ValidateMedia implements publish.MediaValidator: one video, or up to
// 10 pictures.
func (p *Publisher) ValidateMedia(_ publish.Account, items []media.Item) error {
	for _, it := range items {
		if !it.Video() {
			continue
		}
		if len(items) > 1 {
			return publish.MixedMedia("Facebook", Limits.Files)
		}
		if it.Size > MaxVideo {
			return publish.MediaTooBig("Facebook", 1, it, MaxVideo)
		}
		return nil
	}
	return Limits.Check(items)
}

// CheckAccount implements publish.Configurer: a Page is connected through
// Meta login, never typed.
func (p *Publisher) CheckAccount(a publish.Account) error {
	return meta.ConnectOnly(a, "facebook", "Meta's own page")
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// Publish implements publish.Publisher.
func (p *Publisher) Publish(ctx context.Context, post publish.Post) (publish.Receipt, error) {
	if err := meta.Recheck(p, post, "Facebook", false); err != nil {
		return publish.Receipt{}, err
	}
	if len(post.Media) == 1 && post.Media[0].Video() {
		return p.video(ctx, post, post.Media[0])
	}
	f := url.Values{"message": {post.Text}}
	if len(post.Media) == 0 {
		if l := linkRE.FindString(post.Text); l != "" {
			f.Set("link", strings.TrimRight(l, ".,;:!?)"))
		}
	}
	for i, m := range post.Media {
		id, err := p.photo(ctx, post, m)
		if err != nil {
			return publish.Receipt{}, err
		}
		b, _ := json.Marshal(map[string]string{"media_fbid": id})
		f.Set(fmt.Sprintf("attached_media[%d]", i), string(b))
	}
	var out meta.ID
	if err := p.g.Call(ctx, http.MethodPost, "/"+url.PathEscape(post.Account.Handle)+"/feed", post.Account.Secret, f, &out); err != nil {
		return publish.Receipt{}, meta.Ambiguous(err)
	}
	if out.ID == "" {
		return publish.Receipt{}, publish.AmbiguousError(fmt.Errorf("Facebook answered without the post's id"))
	}
	return publish.Receipt{ID: out.ID, URL: PostURL(out.ID)}, nil
}

// PostURL is the address people open of a Page post.
func PostURL(id string) string { return "https://www.facebook.com/" + id }

// photo uploads m as an unpublished photo of the Page (once: its id is
// recorded on the delivery and reused) and returns its id.
func (p *Publisher) photo(ctx context.Context, post publish.Post, m publish.Media) (string, error) {
	if u, ok := post.Uploaded(m.SHA256); ok {
		return u.ID, nil
	}
	f := url.Values{"published": {"false"}}
	if m.Alt != "" {
		f.Set("alt_text_custom", m.Alt)
	}
	var out meta.ID
	if err := p.send(ctx, post, "/photos", f, "url", m, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", publish.TransientError(fmt.Errorf("Facebook answered without the photo's id"), 0)
	}
	now := p.g.O.Clock.Now().UTC()
	if err := post.RecordUpload(ctx, publish.Upload{SHA256: m.SHA256, ID: out.ID, At: now, Until: now.Add(24 * time.Hour)}); err != nil {
		return "", publish.TransientError(fmt.Errorf("recording the photo: %w", err), 0)
	}
	return out.ID, nil
}

// video posts m with the text as its description: the post itself.
func (p *Publisher) video(ctx context.Context, post publish.Post, m publish.Media) (publish.Receipt, error) {
	var out meta.ID
	f := url.Values{"description": {post.Text}}
	if err := p.send(ctx, post, "/videos", f, "file_url", m, &out); err != nil {
		return publish.Receipt{}, meta.Ambiguous(err)
	}
	if out.ID == "" {
		return publish.Receipt{}, publish.AmbiguousError(fmt.Errorf("Facebook answered without the video's id"))
	}
	return publish.Receipt{ID: out.ID, URL: "https://www.facebook.com/" + post.Account.Handle + "/videos/" + out.ID}, nil
}

// send posts a file to edge of the Page: by its signed link (field
// urlField) when Herald has a public address, else its bytes as the
// multipart field "source".
func (p *Publisher) send(ctx context.Context, post publish.Post, edge string, f url.Values, urlField string, m publish.Media, out any) error {
	path := "/" + url.PathEscape(post.Account.Handle) + edge
	if m.Link != "" {
		f.Set(urlField, m.Link)
		return p.g.Call(ctx, http.MethodPost, path, post.Account.Secret, f, out)
	}
	blob, err := m.Open(ctx)
	if err != nil {
		return publish.TransientError(fmt.Errorf("reading %s: %w", m.Name, err), 0)
	}
	defer blob.Close()
	var parts []publish.Part
	for k, vs := range f {
		parts = append(parts, publish.Part{Field: k, Value: vs[0]})
	}
	parts = append(parts, publish.Part{Field: "source", FileName: m.Name, Type: m.Type, File: blob, Size: blob.Size()})
	mp, err := publish.NewMultipart(parts)
	if err != nil {
		return publish.Rejectedf("the upload cannot be built: %v", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.g.O.APIURL+path, mp.Body)
	if err != nil {
		return publish.Rejectedf("HERALD_META_API_URL is not usable: %v", err)
	}
	req.ContentLength = mp.Length
	req.Header.Set("Content-Type", mp.ContentType)
	req.Header.Set("Authorization", "Bearer "+post.Account.Secret)
	return p.g.Do(req, out)
}

// Check implements publish.Checker: it looks for the post among the
// Page's latest posts, by its message. A post not found there is not
// taken as absent: Check returns an error, and a person decides.
func (p *Publisher) Check(ctx context.Context, post publish.Post) (publish.Receipt, bool, error) {
	var feed struct {
		Data []struct {
			ID      string `json:"id"`
			Message string `json:"message"`
		} `json:"data"`
	}
	f := url.Values{"fields": {"id,message,created_time"}, "limit": {"25"}}
	if err := p.g.Call(ctx, http.MethodGet, "/"+url.PathEscape(post.Account.Handle)+"/published_posts", post.Account.Secret, f, &feed); err != nil {
		return publish.Receipt{}, false, err
	}
	for _, e := range feed.Data {
		if e.Message == post.Text {
			return publish.Receipt{ID: e.ID, URL: PostURL(e.ID)}, true, nil
		}
	}
	return publish.Receipt{}, false, publish.AmbiguousError(fmt.Errorf("not among the Page's %d latest posts on Facebook", len(feed.Data)))
}
