package x

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

// maxProcessing bounds how long Herald waits for X to process a video.
const maxProcessing = 10 * time.Minute

// mediaData is the data of the v2 media upload's answers.
type mediaData struct {
	Data struct {
		ID             string `json:"id"`
		ProcessingInfo *struct {
			State          string `json:"state"` // pending, in_progress, failed, succeeded
			CheckAfterSecs int    `json:"check_after_secs"`
			Error          *struct {
				Name    string `json:"name"`
				Message string `json:"message"`
			} `json:"error"`
		} `json:"processing_info"`
	} `json:"data"`
}

// uploadAll uploads the post's media and returns their ids, in order.
func (p *Publisher) uploadAll(ctx context.Context, a publish.Account, ms []publish.Media) ([]string, error) {
	items := make([]media.Item, len(ms))
	for i, m := range ms {
		items[i] = m.Item
	}
	if why := mediaProblem(items); why != "" {
		return nil, publish.Rejectedf("X does not take this post's media: %s", why)
	}
	ids := make([]string, 0, len(ms))
	for i, m := range ms {
		id, err := p.upload(ctx, a.Secret, m)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i+1, err)
		}
		if m.Alt != "" {
			body := map[string]any{"id": id, "metadata": map[string]any{"alt_text": map[string]string{"text": m.Alt}}}
			if err := p.jsonCall(ctx, http.MethodPost, "/2/media/metadata", a.Secret, body, nil); err != nil {
				return nil, fmt.Errorf("item %d's description: %w", i+1, err)
			}
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// upload sends one item: a picture in one request (POST /2/media/upload,
// tweet_image), a GIF or a video in chunks (initialize, append, finalize)
// then waits for X to process it.
func (p *Publisher) upload(ctx context.Context, token string, m publish.Media) (string, error) {
	if m.Open == nil {
		return "", publish.Rejectedf("%s cannot be read", m.Name)
	}
	blob, err := m.Open(ctx)
	if err != nil {
		return "", publish.TransientError(fmt.Errorf("reading %s: %w", m.Name, err), 0)
	}
	defer blob.Close()
	if !m.Video() && m.Type != "image/gif" {
		var out mediaData
		err := p.multipart(ctx, "/2/media/upload", token, [][2]string{{"media_category", "tweet_image"}, {"media_type", m.Type}}, "media", blob, &out)
		if err == nil && out.Data.ID == "" {
			err = publish.AmbiguousError(errors.New("X's media upload answered without an id"))
		}
		return out.Data.ID, err
	}
	return p.chunked(ctx, token, m, blob)
}

// chunked uploads a video or a GIF: initialize, append each chunk,
// finalize, then poll the status until X has processed it.
func (p *Publisher) chunked(ctx context.Context, token string, m publish.Media, blob media.Blob) (string, error) {
	category := "tweet_video"
	if m.Type == "image/gif" {
		category = "tweet_gif"
	}
	var init mediaData
	in := map[string]any{"media_type": m.Type, "total_bytes": blob.Size(), "media_category": category}
	if err := p.jsonCall(ctx, http.MethodPost, "/2/media/upload/initialize", token, in, &init); err != nil {
		return "", err
	}
	id := init.Data.ID
	if id == "" {
		return "", publish.TransientError(errors.New("X's media initialize answered without an id"), 0)
	}
	buf := make([]byte, chunkSize)
	for seg := 0; ; seg++ {
		n, rerr := io.ReadFull(blob, buf)
		if n > 0 {
			fields := [][2]string{{"segment_index", strconv.Itoa(seg)}}
			if err := p.multipart(ctx, "/2/media/upload/"+url.PathEscape(id)+"/append", token, fields, "media", bytes.NewReader(buf[:n]), nil); err != nil {
				return "", err
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return "", publish.TransientError(fmt.Errorf("reading %s: %w", m.Name, rerr), 0)
		}
	}
	var fin mediaData
	if err := p.jsonCall(ctx, http.MethodPost, "/2/media/upload/"+url.PathEscape(id)+"/finalize", token, nil, &fin); err != nil {
		return "", err
	}
	return id, p.await(ctx, token, id, fin)
}

// await polls GET /2/media/upload?command=STATUS until the media is
// processed, waiting check_after_secs between checks (on the injected
// clock's Sleep), at most maxProcessing.
func (p *Publisher) await(ctx context.Context, token, id string, st mediaData) error {
	start := p.o.Clock.Now()
	for {
		info := st.Data.ProcessingInfo
		switch {
		case info == nil || info.State == "succeeded":
			return nil
		case info.State == "failed":
			why := "failed"
			if info.Error != nil {
				why = info.Error.Name + ": " + info.Error.Message
			}
			return publish.Rejectedf("X could not process the media: %s", why)
		case p.o.Clock.Now().Sub(start) > maxProcessing:
			return publish.TransientError(fmt.Errorf("X is still processing the media after %s", maxProcessing), 0)
		}
		if err := p.o.Sleep(ctx, time.Duration(max(1, info.CheckAfterSecs))*time.Second); err != nil {
			return publish.TransientError(err, 0)
		}
		q := url.Values{"command": {"STATUS"}, "media_id": {id}}
		st = mediaData{}
		if err := p.jsonCall(ctx, http.MethodGet, "/2/media/upload?"+q.Encode(), token, nil, &st); err != nil {
			return err
		}
	}
}

// multipart posts fields and one file part as multipart/form-data,
// streamed from r.
func (p *Publisher) multipart(ctx context.Context, path, token string, fields [][2]string, field string, r io.Reader, out any) error {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := func() error {
			for _, f := range fields {
				if err := mw.WriteField(f[0], f[1]); err != nil {
					return err
				}
			}
			w, err := mw.CreateFormFile(field, "blob")
			if err != nil {
				return err
			}
			if _, err := io.Copy(w, r); err != nil {
				return err
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
	}()
	defer pr.Close()
	req, err := p.request(ctx, http.MethodPost, path, token, mw.FormDataContentType(), pr)
	if err != nil {
		return err
	}
	return p.do(req, out)
}
