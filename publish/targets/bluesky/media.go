package bluesky

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

// The limits of app.bsky.embed.images: four pictures, each a blob of at
// most 1,000,000 bytes (the lexicon's maxSize).
const (
	MaxImages    = 4
	MaxImageSize = 1_000_000
)

// blobKeep is how long an uploaded blob is reused: a PDS deletes a blob no
// record refers to "within a time window (eg, minutes)"
// (com.atproto.repo.uploadBlob), so an attempt after a long wait uploads
// again.
const blobKeep = 10 * time.Minute

const nsidUploadBlob = "com.atproto.repo.uploadBlob"

var _ publish.MediaValidator = (*Publisher)(nil)

// ValidateMedia implements publish.MediaValidator: up to four pictures of
// at most 1,000,000 bytes each. Videos are refused before review: they go
// through Bluesky's video service, which Herald does not speak.
func (p *Publisher) ValidateMedia(_ publish.Account, items []media.Item) error {
	for i, it := range items {
		if it.Video() {
			return publish.MediaType("Bluesky", i+1, it, "Herald posts pictures to Bluesky, not videos")
		}
	}
	return publish.FileLimits{Network: "Bluesky", Files: MaxImages, Each: MaxImageSize}.Check(items)
}

// embedImages is an app.bsky.embed.images.
type embedImages struct {
	Type   string  `json:"$type"`
	Images []image `json:"images"`
}

type image struct {
	Alt         string          `json:"alt"`
	Image       json.RawMessage `json:"image"` // the blob as uploadBlob answered it
	AspectRatio *aspectRatio    `json:"aspectRatio,omitempty"`
}

type aspectRatio struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// embed returns the images embed of post's media (nil without media):
// each item's blob, reused from an earlier attempt while the PDS keeps it
// (reuse), else uploaded and recorded on the delivery at once.
func (p *Publisher) embed(ctx context.Context, post publish.Post, reuse bool) (*embedImages, error) {
	if len(post.Media) == 0 {
		return nil, nil
	}
	if err := p.ValidateMedia(post.Account, itemsOf(post.Media)); err != nil {
		return nil, &publish.Error{Outcome: publish.Rejected, Message: herald.ErrorMessage(err), Err: err}
	}
	e := &embedImages{Type: "app.bsky.embed.images"}
	for _, m := range post.Media {
		blob, err := p.blob(ctx, post, m, reuse)
		if err != nil {
			return nil, err
		}
		img := image{Alt: m.Alt, Image: blob}
		if m.Width > 0 && m.Height > 0 {
			img.AspectRatio = &aspectRatio{Width: m.Width, Height: m.Height}
		}
		e.Images = append(e.Images, img)
	}
	return e, nil
}

func itemsOf(ms []publish.Media) []media.Item {
	out := make([]media.Item, len(ms))
	for i, m := range ms {
		out[i] = m.Item
	}
	return out
}

// blob returns m's blob: the recorded one when reuse allows, else one
// uploaded now (com.atproto.repo.uploadBlob with the item's type and
// length, the bytes streamed) and recorded before anything else.
func (p *Publisher) blob(ctx context.Context, post publish.Post, m publish.Media, reuse bool) (json.RawMessage, error) {
	if u, ok := post.Uploaded(m.SHA256); ok && reuse && json.Valid([]byte(u.ID)) {
		return json.RawMessage(u.ID), nil
	}
	f, err := m.Blob(ctx)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	_, r, err := p.authed(ctx, post.Account, func(s *session) call {
		// A second call (after a new session) reads the file again.
		_, _ = f.Seek(0, io.SeekStart)
		return call{method: http.MethodPost, nsid: nsidUploadBlob, token: s.access, raw: f, rawLen: f.Size(), rawType: m.Type}
	})
	if err != nil {
		return nil, beforePost(err)
	}
	var out struct {
		Blob json.RawMessage `json:"blob"`
	}
	if json.Unmarshal(r.body, &out) != nil || !strings.Contains(string(out.Blob), `"$link"`) {
		return nil, publish.TransientError(fmt.Errorf("the Bluesky server answered the upload of %s without a blob", m.Name), 0)
	}
	now := p.clock.Now()
	if err := post.RecordUpload(ctx, publish.Upload{SHA256: m.SHA256, ID: string(out.Blob), At: now, Until: now.Add(blobKeep)}); err != nil {
		return nil, publish.TransientError(fmt.Errorf("recording the upload of %s: %w", m.Name, err), 0)
	}
	return out.Blob, nil
}

// beforePost makes a failure before the record was sent Transient: no
// post can have been made. Refusals stay Rejected.
func beforePost(err error) error {
	e := publish.Classify(err)
	if e.Outcome == publish.Rejected || e.Outcome == publish.Transient {
		return err
	}
	return &publish.Error{Outcome: publish.Transient, Message: e.Message, Err: err}
}

// blobGone reports whether a refused create names a blob the PDS no
// longer has (it deletes blobs no record took in time).
func blobGone(r reply) bool {
	return r.status == http.StatusBadRequest && (r.name == "BlobNotFound" || strings.Contains(strings.ToLower(r.text), "could not find blob"))
}
