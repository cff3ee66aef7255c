package mastodon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

// MaxAlt is the most characters of a media description Mastodon takes
// (MediaAttachment::MAX_DESCRIPTION_LENGTH).
const MaxAlt = 1500

// uploadKeep is how long an uploaded attachment is reused: Mastodon's
// media cleanup removes attachments left unattached for a day; the margin
// covers clock skew and a slow cleanup run.
const uploadKeep = 20 * time.Hour

// Polling an attachment that is still processing (202) waits pollFirst,
// then twice as long each time up to pollMax, until the attempt's context
// ends.
const (
	pollFirst = time.Second
	pollMax   = 16 * time.Second
)

var _ publish.MediaValidator = (*Publisher)(nil)

// WithSleep makes the Publisher wait with sleep between polls of media
// being processed (by default a timer): tests move a test clock instead.
// sleep returns ctx's error when ctx ends first.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(p *Publisher) { p.sleep = sleep }
}

// ValidateMedia implements publish.MediaValidator with the limits of the
// account's instance (LimitsFor; DefaultLimits without a URL): one video
// alone or up to MaxMedia pictures, each within the instance's size and
// pixel limits, descriptions of at most MaxAlt characters.
func (p *Publisher) ValidateMedia(a publish.Account, items []media.Item) error {
	if len(items) == 0 {
		return nil
	}
	l := DefaultLimits
	if a.URL != "" {
		l = p.LimitsFor(context.Background(), a.URL)
	}
	return l.CheckMedia(items)
}

// CheckMedia refuses what the instance with limits l would refuse.
func (l Limits) CheckMedia(items []media.Item) error {
	for _, it := range items {
		if it.Video() && len(items) > 1 {
			return publish.MixedMedia("Mastodon", l.MaxMedia)
		}
	}
	if len(items) > l.MaxMedia {
		return publish.TooManyMedia("Mastodon", l.MaxMedia, len(items))
	}
	for i, it := range items {
		size, px := l.ImageSize, l.ImagePixels
		if it.Video() {
			size, px = l.VideoSize, l.VideoPixels
		}
		if it.Size > size {
			return publish.MediaTooBig("Mastodon", i+1, it, size)
		}
		if int64(it.Width)*int64(it.Height) > px {
			return publish.MediaTooManyPx("Mastodon", i+1, it, px)
		}
		if n := utf8.RuneCountInString(it.Alt); n > MaxAlt {
			return publish.AltTooLong("Mastodon", i+1, it, n, MaxAlt)
		}
	}
	return nil
}

// attachment is the part of Mastodon's MediaAttachment entity Herald reads.
type attachment struct {
	ID  string  `json:"id"`
	URL *string `json:"url"` // null while the instance processes it
}

// mediaIDs returns the instance's ids of post's media, in order: each item
// an earlier attempt uploaded (Post.Uploaded) and the instance still has
// is reused; the others are uploaded and recorded on the delivery
// (Post.RecordUpload) at once, before anything else. It returns when every
// attachment is processed. Nothing is posted yet, so a failure here is
// Transient (or Rejected when the instance refuses a file).
func (p *Publisher) mediaIDs(ctx context.Context, post publish.Post) ([]string, error) {
	ids := make([]string, len(post.Media))
	for i, m := range post.Media {
		if u, ok := post.Uploaded(m.SHA256); ok {
			ready, found, err := p.mediaState(ctx, post.Account, u.ID)
			if err != nil {
				return nil, beforePost(err)
			}
			if found {
				if !ready {
					if err := p.waitProcessed(ctx, post.Account, u.ID, m.Name); err != nil {
						return nil, err
					}
				}
				ids[i] = u.ID
				continue
			}
		}
		a, err := p.upload(ctx, post.Account, m)
		if err != nil {
			return nil, beforePost(err)
		}
		now := p.clock.Now()
		if err := post.RecordUpload(ctx, publish.Upload{SHA256: m.SHA256, ID: a.ID, At: now, Until: now.Add(uploadKeep)}); err != nil {
			return nil, publish.TransientError(fmt.Errorf("recording the upload of %s: %w", m.Name, err), 0)
		}
		if a.URL == nil {
			if err := p.waitProcessed(ctx, post.Account, a.ID, m.Name); err != nil {
				return nil, err
			}
		}
		ids[i] = a.ID
	}
	return ids, nil
}

// beforePost makes a failure before the status was sent Transient: no
// status can have been made (a lost upload leaves at most an unattached
// file, which the instance removes). Refusals stay Rejected.
func beforePost(err error) error {
	e := publish.Classify(err)
	if e.Outcome == publish.Rejected || e.Outcome == publish.Transient {
		return err
	}
	return &publish.Error{Outcome: publish.Transient, Message: e.Message, Err: err}
}

// upload sends m to POST /api/v2/media as multipart/form-data (description,
// then the file, streamed with its length). A 200 answer is a processed
// attachment; a 202 one is still processing (its url is null).
func (p *Publisher) upload(ctx context.Context, a publish.Account, m publish.Media) (attachment, error) {
	blob, err := m.Blob(ctx)
	if err != nil {
		return attachment{}, err
	}
	defer blob.Close()
	var parts []publish.Part
	if m.Alt != "" {
		parts = append(parts, publish.Part{Field: "description", Value: m.Alt})
	}
	parts = append(parts, publish.Part{Field: "file", FileName: fileName(m.Item), Type: m.Type, File: blob, Size: blob.Size()})
	body, err := publish.NewMultipart(parts)
	if err != nil {
		return attachment{}, publish.Rejectedf("%s cannot be encoded: %v", m.Name, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(a.URL, "/")+"/api/v2/media", body.Body)
	if err != nil {
		return attachment{}, publish.Rejectedf("the Mastodon instance URL is not usable: %v", err)
	}
	req.ContentLength = body.Length
	req.Header.Set("Content-Type", body.ContentType)
	req.GetBody = nil // each upload is one the publisher decided on
	var at attachment
	code, err := p.call(req, a, &at)
	if err != nil {
		return at, err
	}
	if at.ID == "" {
		return at, publish.TransientError(fmt.Errorf("Mastodon answered %d to the upload of %s without an attachment id", code, m.Name), 0)
	}
	if code == http.StatusAccepted {
		at.URL = nil // processing, whatever the body says
	}
	return at, nil
}

// fileName is the name an item is uploaded under: the name people gave
// it, else one from its type.
func fileName(it media.Item) string {
	if it.Name != "" {
		return it.Name
	}
	ext := it.Type[strings.IndexByte(it.Type, '/')+1:]
	return "media." + strings.TrimPrefix(ext, "x-")
}

// mediaState asks GET /api/v1/media/:id whether attachment id is
// processed (200 with a url), still processing (206) or gone (404).
func (p *Publisher) mediaState(ctx context.Context, a publish.Account, id string) (ready, found bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(a.URL, "/")+"/api/v1/media/"+id, nil)
	if err != nil {
		return false, false, publish.Rejectedf("the Mastodon instance URL is not usable: %v", err)
	}
	var at attachment
	code, err := p.call(req, a, &at)
	switch {
	case code == http.StatusNotFound:
		return false, false, nil
	case err != nil:
		return false, false, err
	}
	return code == http.StatusOK && at.URL != nil, true, nil
}

// waitProcessed polls attachment id until the instance has processed it,
// waiting longer each time, for as long as ctx allows.
func (p *Publisher) waitProcessed(ctx context.Context, a publish.Account, id, name string) error {
	wait := pollFirst
	for {
		if err := p.sleep(ctx, wait); err != nil {
			return publish.TransientError(fmt.Errorf("Mastodon was still processing %s", name), 0)
		}
		ready, found, err := p.mediaState(ctx, a, id)
		switch {
		case err != nil:
			return beforePost(err)
		case !found:
			return publish.TransientError(fmt.Errorf("Mastodon lost %s while processing it", name), 0)
		case ready:
			return nil
		}
		wait = min(2*wait, pollMax)
	}
}

// call sends a media request with the account's token and decodes a
// success into out; it returns the status code (0 when none came).
func (p *Publisher) call(req *http.Request, a publish.Account, out any) (int, error) {
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.Secret)
	resp, err := publish.Do(p.client, req)
	if err != nil {
		return 0, err
	}
	now := p.clock.Now()
	body, err := publish.Read(resp, now)
	if err != nil {
		switch resp.StatusCode {
		case http.StatusTooManyRequests:
			return resp.StatusCode, rateLimited(err, resp.Header, now)
		case http.StatusUnauthorized, http.StatusForbidden:
			return resp.StatusCode, refused(err, fmt.Sprintf("Mastodon refused the access token for media (%d); create a token with the write:statuses and write:media scopes and update the target", resp.StatusCode))
		}
		if e := publish.Classify(err); e.Outcome == publish.Rejected {
			return resp.StatusCode, refused(err, "Mastodon refused the media: "+e.Message)
		}
		return resp.StatusCode, err
	}
	if err := json.Unmarshal(body, out); err != nil {
		return resp.StatusCode, publish.TransientError(errors.New("Mastodon answered a media request with something else than an attachment"), 0)
	}
	return resp.StatusCode, nil
}
