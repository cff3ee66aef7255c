package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/handlers"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/local"
	"github.com/heraldhq/herald/media/mediatest"
	"github.com/heraldhq/herald/publish"
)

// fileReader is a dispatcher that reads the files of each command, as a
// handler does (File.Open), and hands the call over.
type fileReader chan readCall

type readCall struct {
	call commands.Call
	read [][]byte
	errs []error
}

func (fr fileReader) Dispatch(ctx context.Context, c commands.Call) commands.Response {
	rc := readCall{call: c}
	for _, f := range c.Files {
		var b []byte
		r, err := f.Open(ctx)
		if err == nil {
			b, err = io.ReadAll(r)
			r.Close()
		}
		rc.read, rc.errs = append(rc.read, b), append(rc.errs, err)
	}
	fr <- rc
	return commands.Response{Text: "ok", Ephemeral: true}
}

// attachmentSlash is /herald draft with an ATTACHMENT option media1 and
// the attachment resolved as Discord sends it.
func attachmentSlash(u string, size int) map[string]any {
	it := slashPayload(alice, "draft", opt{"text", 3, "Hello"}, opt{"media1", 11, "1180000000000000001"})
	it["data"].(map[string]any)["resolved"] = map[string]any{"attachments": map[string]any{"1180000000000000001": map[string]any{
		"id": "1180000000000000001", "filename": "photo.jpg", "size": size, "url": u, "proxy_url": u, "content_type": "image/jpeg", "width": 10, "height": 10}}}
	return it
}

func TestAttachmentOptions(t *testing.T) {
	calls := make(fileReader, 4)
	h := newHarness(t, func(*harness) bot.Dispatcher { return calls })
	photo := []byte("\xff\xd8\xff a photo")

	t.Run("OKFromTheCDNWithoutToken", func(t *testing.T) {
		h.send(attachmentSlash(h.fake.cdnURL("photo.jpg", photo), len(photo)))
		got := <-calls
		if got.call.Text != `draft "Hello"` {
			t.Errorf("line %q", got.call.Text)
		}
		if len(got.call.Files) != 1 || got.call.Files[0].Param != "media1" || got.call.Files[0].Name != "photo.jpg" || got.call.Files[0].Size != int64(len(photo)) {
			t.Fatalf("files %+v", got.call.Files)
		}
		if got.errs[0] != nil || !bytes.Equal(got.read[0], photo) {
			t.Errorf("read %q, %v", got.read[0], got.errs[0])
		}
		h.fake.mu.Lock()
		defer h.fake.mu.Unlock()
		if len(h.fake.fetches) != 1 || h.fake.fetches[0].Auth != "" {
			t.Errorf("CDN requests %+v; want one, without the bot token", h.fake.fetches)
		}
	})
	t.Run("ErrForeignHost", func(t *testing.T) {
		var hits atomic.Int32
		foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
		defer foreign.Close()
		id := h.send(attachmentSlash(foreign.URL+"/attachments/1/2/photo.jpg?hm=x", len(photo)))
		if c := h.callbackOf(id); !strings.Contains(content(c), "not on Discord's servers") {
			t.Errorf("answer %q; want the refusal", content(c))
		}
		if hits.Load() != 0 || len(calls) != 0 {
			t.Errorf("foreign requests %d, commands run %d; want none", hits.Load(), len(calls))
		}
	})
}

func TestAttachmentOptionRegistered(t *testing.T) {
	defs := []*commands.Def{{Path: "media add", Summary: "Add a picture.", Params: []commands.Param{
		{Name: "id", Kind: commands.ID, Required: true}, {Name: "file", Kind: commands.Attachment, Help: "the picture or video"}}}}
	cmds, err := appCommands(defs)
	if err != nil {
		t.Fatal(err)
	}
	o := cmds[0].Options[0].Options[0].Options[1]
	if o.Type != 11 || o.Name != "file" || o.Required {
		t.Errorf("option %+v; want an optional ATTACHMENT named file", o)
	}
}

type memBlob struct{ *bytes.Reader }

func (memBlob) Close() error { return nil }

func TestPublishMultipart(t *testing.T) {
	h := newHarness(t, nil)
	withGuilds(h.fake)
	photo := bytes.Repeat([]byte{0xff, 0xd8, 1, 2}, 3000)
	p := post("discord:#"+chNewsA, "Our store opens @everyone", "key-1")
	p.Media = []publish.Media{{Item: media.Item{SHA256: "ab", Type: "image/jpeg", Size: int64(len(photo)), Width: 4, Height: 3, Name: "My photo.jpg", Alt: "A cat on a mat"},
		Open: func(context.Context) (media.Blob, error) { return memBlob{bytes.NewReader(photo)}, nil }}}
	if _, err := h.a.Publish(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	c := h.fake.wait(t, "the post", func(c apiCall) bool { return c.Method == "POST" && c.Path == "/channels/"+chNewsA+"/messages" })
	if len(c.Parts) != 2 {
		t.Fatalf("parts %+v; want payload_json and files[0]", c.Parts)
	}
	pj, file := c.Parts[0], c.Parts[1]
	if pj.Name != "payload_json" || pj.ContentType != "application/json" || pj.FileName != "" {
		t.Errorf("first part %+v; want payload_json as application/json", pj)
	}
	var payload map[string]any
	if err := json.Unmarshal(pj.Body, &payload); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"content": "Our store opens @everyone", "embeds": []any{}, "components": []any{},
		"nonce": nonce("key-1"), "enforce_nonce": true, "allowed_mentions": map[string]any{"parse": []any{}},
		"attachments": []any{map[string]any{"id": "0", "filename": "My_photo.jpg", "description": "A cat on a mat"}},
	}
	if d := cmp.Diff(want, payload); d != "" {
		t.Errorf("payload_json (-want +got):\n%s", d)
	}
	if file.Name != "files[0]" || file.FileName != "My_photo.jpg" || file.ContentType != "image/jpeg" || !bytes.Equal(file.Body, photo) {
		t.Errorf("file part %q %q %q, %d bytes", file.Name, file.FileName, file.ContentType, len(file.Body))
	}
	if c.Auth != "Bot test-token" {
		t.Errorf("auth %q", c.Auth)
	}
}

func TestValidateMediaDiscord(t *testing.T) {
	a, _ := New(Options{})
	for _, tc := range []struct {
		name  string
		items []media.Item
		want  string
	}{
		{"OKFour", []media.Item{{Size: 1 << 20}, {Size: 1 << 20}, {Size: 1 << 20}, {Size: 1 << 20}}, ""},
		{"ErrEleven", make([]media.Item, 11), publish.ReasonTooManyMedia},
		{"ErrOneTooBig", []media.Item{{Name: "v.mp4", Size: 11 << 20}}, publish.ReasonMediaTooBig},
		{"ErrTogetherTooBig", []media.Item{{Size: 6 << 20}, {Size: 6 << 20}}, publish.ReasonMediaTooBigTotal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := a.ValidateMedia(publish.Account{}, tc.items)
			got := ""
			if he := herald.AsError(err); he != nil {
				got = he.Reason
			}
			if got != tc.want {
				t.Errorf("ValidateMedia = %v (reason %q); want %q", err, got, tc.want)
			}
		})
	}
}

func TestCardMediaEmbed(t *testing.T) {
	m := cardMessage(commands.Card{Title: "Draft #1", Text: "Hello", Media: []commands.CardMedia{
		{Name: "clip.mp4", Type: "video/mp4", Size: 2_000_000, Width: 1920, Height: 1080, Link: "https://h.example/media/v"},
		{Name: "photo_*1*.jpg", Type: "image/jpeg", Size: 412_000, Width: 1080, Height: 1350, Alt: "A cat", Link: "https://h.example/media/p"},
	}})
	e := m.Embeds[0]
	if e.Image == nil || e.Image.URL != "https://h.example/media/p" {
		t.Errorf("image %+v; want the picture's link", e.Image)
	}
	for _, want := range []string{"🎬 clip.mp4, 1920×1080, 2.0 MB · alt: no alt text", `🖼 photo\_\*1\*.jpg, 1080×1350, 412 KB · alt: A cat`} {
		if !strings.Contains(e.Description, want) {
			t.Errorf("description %q lacks %q", e.Description, want)
		}
	}
}

// TestDraftWithAttachment drafts with /herald draft text:… media1:photo
// through the real router: the photo (a JPEG with GPS EXIF) is fetched
// from the CDN into media.Library, the card lists it, and posting the
// draft's media to a channel sends it without its location.
func TestDraftWithAttachment(t *testing.T) {
	store, err := local.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	lib := &media.Library{Store: store, TempDir: t.TempDir()}
	h := newHarness(t, func(h *harness) bot.Dispatcher {
		bs := brands.NewService(h.store, herald.SystemClock{}, "UTC")
		return handlers.New(kit.Deps{Brands: bs, Approvals: approvals.NewService(h.store, bs, herald.SystemClock{}), Media: lib})
	}, func(o *Options) { o.Media = store })
	withGuilds(h.fake)
	setUp(t, h)
	raw := mediatest.JPEG(t, 64, 48, 6)
	it := attachmentSlash(h.fake.cdnURL("event.jpg", raw), len(raw))
	said(t, h, h.send(it), "Draft #1 created", false)
	card := h.fake.wait(t, "the card", func(c apiCall) bool { return isCard(c, 1) })
	if !strings.Contains(card.Raw, "photo.jpg, 48×64") { // turned by its orientation
		t.Errorf("card %s; want the photo listed", card.Raw)
	}
	checkCardPicture(t, card)
	said(t, h, h.slash(alice, "submit", opt{"id", tInteger, 1}), "submitted draft #1", false)
	edit := h.fake.wait(t, "the card's update", func(c apiCall) bool { return c.Method == "PATCH" && len(c.Parts) > 0 })
	checkCardPicture(t, edit)
	var sums []string
	store.Walk(context.Background(), func(sum string, _ time.Time) error { sums = append(sums, sum); return nil })
	if len(sums) != 1 {
		t.Fatalf("stored %v; want the one photo", sums)
	}
	item := media.Item{SHA256: sums[0], Type: "image/jpeg", Name: "event.jpg"}
	blob, _ := store.Open(context.Background(), sums[0])
	item.Size = blob.Size()
	blob.Close()
	p := post("discord:#"+chNewsA, "From the event", "key-gps")
	p.Media = []publish.Media{{Item: item, Open: func(ctx context.Context) (media.Blob, error) { return store.Open(ctx, item.SHA256) }}}
	if _, err := h.a.Publish(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	c := h.fake.wait(t, "the post", func(c apiCall) bool { return c.Path == "/channels/"+chNewsA+"/messages" && len(c.Parts) == 2 })
	if leaks := mediatest.Leaks("image/jpeg", c.Parts[1].Body); len(leaks) > 0 || len(c.Parts[1].Body) == 0 {
		t.Errorf("the posted photo (%d bytes) still carries %v", len(c.Parts[1].Body), leaks)
	}
}

// checkCardPicture checks that a card's message carries its picture as an
// attachment its embed shows, without location metadata.
func checkCardPicture(t *testing.T, c apiCall) {
	t.Helper()
	if len(c.Parts) != 2 || c.Parts[1].Name != "files[0]" || c.Parts[1].FileName != "photo.jpg" {
		t.Fatalf("card %s %s: parts %+v; want payload_json and the picture", c.Method, c.Path, c.Parts)
	}
	var m struct {
		Embeds []struct {
			Image struct{ URL string } `json:"image"`
		} `json:"embeds"`
		Attachments []attachmentMeta `json:"attachments"`
	}
	json.Unmarshal(c.Parts[0].Body, &m)
	if len(m.Embeds) == 0 || m.Embeds[0].Image.URL != "attachment://photo.jpg" || len(m.Attachments) != 1 || m.Attachments[0] != (attachmentMeta{ID: "0", Filename: "photo.jpg"}) {
		t.Errorf("card payload %s; want the embed showing attachment://photo.jpg", c.Parts[0].Body)
	}
	if leaks := mediatest.Leaks("image/jpeg", c.Parts[1].Body); len(leaks) > 0 {
		t.Errorf("the card's picture carries %v", leaks)
	}
}

// TestAttachmentTooLarge: an attachment over HERALD_MEDIA_MAX is refused
// in the words of the library's own refusal, naming the file — whether
// Discord announced its size or the download says its length — and
// nothing is stored nor any draft made.
func TestAttachmentTooLarge(t *testing.T) {
	raw := mediatest.JPEG(t, 64, 48, 6)
	for _, tt := range []struct {
		name      string
		announced int
	}{{"ErrAnnounced", len(raw)}, {"ErrContentLength", 100}} {
		t.Run(tt.name, func(t *testing.T) {
			store, err := local.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			max := int64(len(raw) / 2)
			lib := &media.Library{Store: store, TempDir: t.TempDir(), Max: max}
			h := newHarness(t, func(h *harness) bot.Dispatcher {
				bs := brands.NewService(h.store, herald.SystemClock{}, "UTC")
				return handlers.New(kit.Deps{Brands: bs, Approvals: approvals.NewService(h.store, bs, herald.SystemClock{}), Media: lib})
			}, func(o *Options) { o.Media, o.MediaMax = store, max })
			withGuilds(h.fake)
			setUp(t, h)
			said(t, h, h.send(attachmentSlash(h.fake.cdnURL("event.jpg", raw), tt.announced)),
				"photo.jpg is larger than "+media.Bytes(max)+", the most Herald takes; send a smaller file.", true)
			n := 0
			store.Walk(context.Background(), func(string, time.Time) error { n++; return nil })
			if n != 0 {
				t.Errorf("%d items stored; want none", n)
			}
		})
	}
}
