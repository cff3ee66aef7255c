package linkedin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

// LinkedIn's limits on the pictures of a post (Images API, multiImage).
const (
	MaxImages   = 20         // pictures in one post (multiImage)
	MaxPixels   = 36_152_320 // width × height of one picture
	MaxAltChars = 4086       // alt text of one picture
	// uploadKeep is how long an uploaded picture is reused by a later
	// attempt: LinkedIn keeps it, unattached, at least this long.
	uploadKeep = 24 * time.Hour
)

// imageTypes are the pictures the Images API takes.
var imageTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true}

var _ publish.MediaValidator = (*Publisher)(nil)

// ValidateMedia implements publish.MediaValidator: up to MaxImages
// pictures (JPEG, PNG or GIF) of at most MaxPixels each; no video yet.
func (p *Publisher) ValidateMedia(_ publish.Account, items []media.Item) error {
	if len(items) > MaxImages {
		return publish.TooManyMedia("LinkedIn", MaxImages, len(items))
	}
	for i, it := range items {
		switch {
		case it.Video():
			return publish.MediaType("LinkedIn", i+1, it, "Herald sends pictures to LinkedIn, not videos yet")
		case !imageTypes[it.Type]:
			return publish.MediaType("LinkedIn", i+1, it, "LinkedIn takes JPEG, PNG and GIF pictures")
		case int64(it.Width)*int64(it.Height) > MaxPixels:
			return publish.MediaTooManyPx("LinkedIn", i+1, it, MaxPixels)
		case utf8.RuneCountInString(it.Alt) > MaxAltChars:
			return publish.AltTooLong("LinkedIn", i+1, it, utf8.RuneCountInString(it.Alt), MaxAltChars)
		}
	}
	return nil
}

// uploadAll uploads the post's pictures (Images API) and returns the
// content that shows them: media for one, multiImage for several; nil
// without pictures. Nothing is posted yet, so a failure here is safe to
// retry.
func (p *Publisher) uploadAll(ctx context.Context, post publish.Post) (*content, error) {
	if len(post.Media) == 0 {
		return nil, nil
	}
	if len(post.Media) > MaxImages {
		return nil, publish.Rejectedf("LinkedIn takes at most %d pictures in a post; this one has %d", MaxImages, len(post.Media))
	}
	items := make([]media.Item, len(post.Media))
	for i, m := range post.Media {
		items[i] = m.Item
	}
	if err := p.ValidateMedia(post.Account, items); err != nil {
		return nil, publish.Rejectedf("%s", herald.ErrorMessage(err))
	}
	refs := make([]mediaRef, 0, len(post.Media))
	for _, m := range post.Media {
		if u, ok := post.Uploaded(m.SHA256); ok { // an earlier attempt uploaded it
			refs = append(refs, mediaRef{ID: u.ID, AltText: m.Alt})
			continue
		}
		urn, err := p.upload(ctx, post, m)
		if err != nil {
			return nil, err
		}
		now := p.o.Clock.Now()
		if err := post.RecordUpload(ctx, publish.Upload{SHA256: m.SHA256, ID: urn, At: now, Until: now.Add(uploadKeep)}); err != nil {
			return nil, publish.TransientError(fmt.Errorf("recording the upload of %s: %w", m.Name, err), 0)
		}
		refs = append(refs, mediaRef{ID: urn, AltText: m.Alt})
	}
	if len(refs) == 1 {
		return &content{Media: &refs[0]}, nil
	}
	return &content{MultiImage: &multiImage{Images: refs}}, nil
}

// upload registers one picture (initializeUpload, owned by the post's
// author) and sends its bytes to the upload URL LinkedIn gave.
func (p *Publisher) upload(ctx context.Context, post publish.Post, m publish.Media) (string, error) {
	body, _ := json.Marshal(map[string]any{"initializeUploadRequest": map[string]string{"owner": post.Account.Handle}})
	req, err := p.request(ctx, http.MethodPost, "/rest/images?action=initializeUpload", post.Account.Secret, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	resp, err := publish.Do(p.o.Client, req)
	if err != nil {
		return "", retryable(err)
	}
	answer, err := p.read(resp)
	if err != nil {
		return "", retryable(err)
	}
	var init struct {
		Value struct {
			UploadURL string `json:"uploadUrl"`
			Image     string `json:"image"`
		} `json:"value"`
	}
	if err := json.Unmarshal(answer, &init); err != nil || init.Value.UploadURL == "" || init.Value.Image == "" {
		return "", publish.TransientError(fmt.Errorf("LinkedIn's initializeUpload answer has no uploadUrl or image"), 0)
	}
	if err := p.put(ctx, init.Value.UploadURL, post.Account.Secret, m); err != nil {
		return "", err
	}
	return init.Value.Image, nil
}

// put sends a picture's bytes to its upload URL.
func (p *Publisher) put(ctx context.Context, uploadURL, token string, m publish.Media) error {
	if m.Open == nil {
		return publish.Rejectedf("the picture %s cannot be read", m.Name)
	}
	blob, err := m.Open(ctx)
	if err != nil {
		return publish.TransientError(fmt.Errorf("reading %s: %w", m.Name, err), 0)
	}
	defer blob.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, uploadURL, blob)
	if err != nil {
		return publish.Rejectedf("LinkedIn gave an unusable upload URL: %v", err)
	}
	req.ContentLength = blob.Size()
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := publish.Do(p.o.Client, req)
	if err != nil {
		return retryable(err)
	}
	if _, err := p.read(resp); err != nil {
		return retryable(err)
	}
	return nil
}

// retryable makes an ambiguous failure before the post transient: an
// image uploaded twice is no post made twice.
func retryable(err error) error {
	e := publish.Classify(err)
	if e.Outcome == publish.Ambiguous {
		return publish.TransientError(err, 0)
	}
	return err
}

// teeBody copies what is read of body into w.
func teeBody(body io.ReadCloser, w io.Writer) io.ReadCloser {
	return readCloser{io.TeeReader(body, w), body}
}

type readCloser struct {
	io.Reader
	io.Closer
}
