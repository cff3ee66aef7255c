package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

// Publish implements publish.Publisher: sendMessage for text alone; with
// media, sendPhoto, sendVideo or sendAnimation for one item and
// sendMediaGroup for several, the text as the caption (of the album's
// first item). Nothing is sent with a parse_mode.
func (p *Publisher) Publish(ctx context.Context, post publish.Post) (publish.Receipt, error) {
	a := post.Account
	if err := p.CheckAccount(a); err != nil {
		return publish.Receipt{}, publish.Rejectedf("%s", herald.ErrorMessage(err))
	}
	if err := p.validatePost(a, post.Text, post.Media); err != nil {
		return publish.Receipt{}, publish.Rejectedf("%s", herald.ErrorMessage(err))
	}
	var raw json.RawMessage
	var err error
	switch len(post.Media) {
	case 0:
		raw, err = p.callJSON(ctx, p.token(a), "sendMessage", map[string]string{"chat_id": a.Handle, "text": post.Text})
	case 1:
		raw, err = p.sendOne(ctx, a, post.Text, post.Media[0])
	default:
		raw, err = p.sendGroup(ctx, a, post.Text, post.Media)
	}
	if err != nil {
		return publish.Receipt{}, err
	}
	return receipt(a, raw)
}

// validatePost checks a post as a whole: its text, and with media the
// caption's limit and the media.
func (p *Publisher) validatePost(a publish.Account, text string, ms []publish.Media) error {
	if err := p.Validate(a, text); err != nil || len(ms) == 0 {
		return err
	}
	if err := ValidateCaption(text); err != nil {
		return err
	}
	items := make([]media.Item, len(ms))
	for i, m := range ms {
		items[i] = m.Item
	}
	return p.ValidateMedia(a, items)
}

// receipt reads the message (or the album's messages, the first one
// standing for them) Telegram made.
func receipt(a publish.Account, raw json.RawMessage) (publish.Receipt, error) {
	var m message
	if strings.HasPrefix(strings.TrimSpace(string(raw)), "[") {
		var ms []message
		if err := json.Unmarshal(raw, &ms); err != nil || len(ms) == 0 {
			return publish.Receipt{}, publish.AmbiguousError(errors.New("Telegram's answer names no message"))
		}
		m = ms[0]
	} else if err := json.Unmarshal(raw, &m); err != nil {
		return publish.Receipt{}, publish.AmbiguousError(errors.New("Telegram's answer names no message"))
	}
	if m.MessageID == 0 {
		return publish.Receipt{}, publish.AmbiguousError(errors.New("Telegram's answer names no message"))
	}
	user := m.Chat.Username
	if user == "" && strings.HasPrefix(a.Handle, "@") {
		user = a.Handle
	}
	return publish.Receipt{ID: strconv.FormatInt(m.MessageID, 10), URL: MessageURL(user, m.MessageID)}, nil
}

// kindOf is how Telegram takes an item: photo, video or animation (a GIF).
func kindOf(it media.Item) string {
	switch {
	case it.Type == "image/gif":
		return "animation"
	case it.Video():
		return "video"
	}
	return "photo"
}

// sendMethods are the methods sending one item of each kind.
var sendMethods = map[string]string{"photo": "sendPhoto", "video": "sendVideo", "animation": "sendAnimation"}

// sendOne sends one picture or video with the text as its caption.
func (p *Publisher) sendOne(ctx context.Context, a publish.Account, text string, m publish.Media) (json.RawMessage, error) {
	kind := kindOf(m.Item)
	fields := [][2]string{{"chat_id", a.Handle}}
	if text != "" {
		fields = append(fields, [2]string{"caption", text})
	}
	if kind != "photo" {
		fields = append(fields, videoFields(m.Item)...)
	}
	return p.upload(ctx, p.token(a), sendMethods[kind], fields, []filePart{{field: kind, m: m}})
}

func videoFields(it media.Item) [][2]string {
	var out [][2]string
	if it.Width > 0 && it.Height > 0 {
		out = append(out, [2]string{"width", strconv.Itoa(it.Width)}, [2]string{"height", strconv.Itoa(it.Height)})
	}
	if it.Duration > 0 {
		out = append(out, [2]string{"duration", strconv.Itoa(int(it.Duration.Seconds()))})
	}
	if it.Video() {
		out = append(out, [2]string{"supports_streaming", "true"})
	}
	return out
}

// inputMedia is one item of sendMediaGroup's media.
type inputMedia struct {
	Type              string `json:"type"`
	Media             string `json:"media"`
	Caption           string `json:"caption,omitempty"`
	Width             int    `json:"width,omitempty"`
	Height            int    `json:"height,omitempty"`
	Duration          int    `json:"duration,omitempty"`
	SupportsStreaming bool   `json:"supports_streaming,omitempty"`
}

// sendGroup sends an album: each item a file part named fileN, referred
// to as attach://fileN; the caption on the first item.
func (p *Publisher) sendGroup(ctx context.Context, a publish.Account, text string, ms []publish.Media) (json.RawMessage, error) {
	items := make([]inputMedia, len(ms))
	files := make([]filePart, len(ms))
	for i, m := range ms {
		name := "file" + strconv.Itoa(i)
		items[i] = inputMedia{Type: kindOf(m.Item), Media: "attach://" + name}
		if items[i].Type == "video" {
			items[i].Width, items[i].Height = m.Width, m.Height
			items[i].Duration, items[i].SupportsStreaming = int(m.Duration.Seconds()), true
		}
		files[i] = filePart{field: name, m: m}
	}
	items[0].Caption = text
	desc, err := json.Marshal(items)
	if err != nil {
		return nil, publish.Rejectedf("the album cannot be encoded: %v", err)
	}
	return p.upload(ctx, p.token(a), "sendMediaGroup", [][2]string{{"chat_id", a.Handle}, {"media", string(desc)}}, files)
}

// filePart is one file of a multipart request.
type filePart struct {
	field string
	m     publish.Media
}

// upload sends a method as multipart/form-data, the files' bytes streamed
// from the media store as the request is written. Every file is opened
// first: one that cannot be read fails the attempt before anything is
// sent.
func (p *Publisher) upload(ctx context.Context, token, method string, fields [][2]string, files []filePart) (json.RawMessage, error) {
	blobs := make([]media.Blob, 0, len(files))
	defer func() {
		for _, b := range blobs {
			b.Close()
		}
	}()
	for i, f := range files {
		if f.m.Open == nil {
			return nil, publish.Rejectedf("item %d of the post cannot be read", i+1)
		}
		b, err := f.m.Open(ctx)
		if err != nil {
			return nil, publish.TransientError(fmt.Errorf("reading item %d of the post: %w", i+1, err), 0)
		}
		blobs = append(blobs, b)
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() { pw.CloseWithError(writeParts(mw, fields, files, blobs)) }()
	defer pr.Close()
	return p.call(ctx, token, method, mw.FormDataContentType(), pr)
}

// writeParts writes the fields, then the files, then closes the form.
func writeParts(mw *multipart.Writer, fields [][2]string, files []filePart, blobs []media.Blob) error {
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return err
		}
	}
	for i, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, f.field, fileName(f.m.Item, i)))
		h.Set("Content-Type", f.m.Type)
		w, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, blobs[i]); err != nil {
			return err
		}
	}
	return mw.Close()
}

// fileName is the name an item is uploaded under: fileN with its type's
// extension (the name people gave it stays in Herald).
func fileName(it media.Item, i int) string {
	return "file" + strconv.Itoa(i) + media.Ext(it.Type)
}
