package discordwebhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

// Discord's limits on the files of one message: ten attachments
// (discord-api-docs, "Uploading Files" and the message object's
// attachments), at most MaxTotal bytes together — the upload limit of a
// server without boosts (10 MiB since 2024; boosted servers take more, but
// a webhook cannot tell which it posts to) — and attachment descriptions
// (alt text) of at most MaxAlt characters.
const (
	MaxFiles = 10
	MaxTotal = 10 << 20
	MaxAlt   = 1024
)

var _ publish.MediaValidator = (*Publisher)(nil)

// ValidateMedia implements publish.MediaValidator: up to MaxFiles files
// of MaxTotal bytes together, descriptions of at most MaxAlt characters.
func (p *Publisher) ValidateMedia(_ publish.Account, items []media.Item) error {
	return publish.FileLimits{Network: "Discord", Files: MaxFiles, Total: MaxTotal, Alt: MaxAlt}.Check(items)
}

// attachment is a partial attachment object of payload_json: id n matches
// the files[n] part; the description is the alt text.
type attachment struct {
	ID          int    `json:"id"`
	Filename    string `json:"filename"`
	Description string `json:"description,omitempty"`
}

// payload is the JSON of an execute-webhook request.
type payload struct {
	Content         string          `json:"content"`
	AllowedMentions allowedMentions `json:"allowed_mentions"`
	Attachments     []attachment    `json:"attachments,omitempty"`
}

// body returns the request body of post: JSON without media; with media,
// multipart/form-data with payload_json and each file as files[n],
// streamed from the media store with a known length. close releases the
// files once the request is done.
func body(ctx context.Context, post publish.Post) (r io.Reader, contentType string, length int64, close func(), err error) {
	pl := payload{Content: post.Text, AllowedMentions: allowedMentions{Parse: []string{}}}
	close = func() {}
	if len(post.Media) == 0 {
		b, err := json.Marshal(pl)
		if err != nil {
			return nil, "", 0, close, publish.Rejectedf("the post cannot be encoded: %v", err)
		}
		return bytes.NewReader(b), "application/json", int64(len(b)), close, nil
	}
	var files []publish.Part
	var blobs []media.Blob
	close = func() {
		for _, b := range blobs {
			b.Close()
		}
	}
	for i, m := range post.Media {
		b, err := m.Blob(ctx)
		if err != nil {
			close()
			return nil, "", 0, func() {}, err
		}
		blobs = append(blobs, b)
		name := fileName(m.Item, i)
		pl.Attachments = append(pl.Attachments, attachment{ID: i, Filename: name, Description: m.Alt})
		files = append(files, publish.Part{Field: fmt.Sprintf("files[%d]", i), FileName: name, Type: m.Type, File: b, Size: b.Size()})
	}
	js, err := json.Marshal(pl)
	if err != nil {
		close()
		return nil, "", 0, func() {}, publish.Rejectedf("the post cannot be encoded: %v", err)
	}
	mp, err := publish.NewMultipart(append([]publish.Part{{Field: "payload_json", Value: string(js), Type: "application/json"}}, files...))
	if err != nil {
		close()
		return nil, "", 0, func() {}, publish.Rejectedf("the post cannot be encoded: %v", err)
	}
	return mp.Body, mp.ContentType, mp.Length, close, nil
}

// fileName is the name item n is attached under: the name people gave it,
// else one from its type.
func fileName(it media.Item, n int) string {
	if it.Name != "" {
		return it.Name
	}
	ext := "bin"
	for i := len(it.Type) - 1; i >= 0; i-- {
		if it.Type[i] == '/' {
			ext = it.Type[i+1:]
			break
		}
	}
	return fmt.Sprintf("media%d.%s", n+1, ext)
}
