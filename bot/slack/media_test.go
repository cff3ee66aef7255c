package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/local"
	"github.com/heraldhq/herald/media/mediatest"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/storage/sqlite"
)

// fileCalls is a dispatcher that reads every file that comes with a
// command, as a handler would (through File.Open), and keeps the calls.
type fileCalls struct {
	mu    sync.Mutex
	calls []commands.Call
	read  [][]byte
	errs  []error
	done  chan struct{}
	// add, when set, gives each file to it instead of reading it.
	add func(ctx context.Context, f commands.File) error
}

func newFileCalls() *fileCalls { return &fileCalls{done: make(chan struct{}, 16)} }

func (fc *fileCalls) Dispatch(ctx context.Context, c commands.Call) commands.Response {
	for _, f := range c.Files {
		var b []byte
		var err error
		if fc.add != nil {
			err = fc.add(ctx, f)
		} else {
			var rc io.ReadCloser
			if rc, err = f.Open(ctx); err == nil {
				b, err = io.ReadAll(rc)
				rc.Close()
			}
		}
		fc.mu.Lock()
		fc.read, fc.errs = append(fc.read, b), append(fc.errs, err)
		fc.mu.Unlock()
	}
	fc.mu.Lock()
	fc.calls = append(fc.calls, c)
	fc.mu.Unlock()
	fc.done <- struct{}{}
	return commands.Response{Text: "ok", Ephemeral: true}
}

// wait waits for the next command and returns it with what its files gave.
func (fc *fileCalls) wait(t *testing.T) (commands.Call, [][]byte, []error) {
	t.Helper()
	<-fc.done
	fc.mu.Lock()
	defer fc.mu.Unlock()
	c, read, errs := fc.calls[len(fc.calls)-1], fc.read, fc.errs
	fc.read, fc.errs = nil, nil
	return c, read, errs
}

// submitFiles sends the view_submission Slack sends for a form with a
// file input: the state value of the file_input block holds the files
// (id, name, mimetype, size, url_private_download…), a plain text input
// holds its value.
func (h *harness) submitFiles(meta FormMeta, files []map[string]any, values map[string]string) string {
	h.t.Helper()
	md, err := encodeMeta(meta)
	if err != nil {
		h.t.Fatal(err)
	}
	state := map[string]any{}
	for _, f := range meta.Fields {
		if f.File {
			state[f.Name] = map[string]any{"value": map[string]any{"type": "file_input", "files": files}}
		} else if v, ok := values[f.Name]; ok {
			state[f.Name] = map[string]any{"value": map[string]any{"type": "plain_text_input", "value": v}}
		}
	}
	cb := map[string]any{
		"type": "view_submission", "user": map[string]string{"id": "UALICE", "name": "alice"}, "team": map[string]string{"id": "T1"},
		"view": map[string]any{"callback_id": FormCallback, "private_metadata": md, "state": map[string]any{"values": state}},
	}
	js, _ := json.Marshal(cb)
	return h.signedBody("/slack/interactivity", "application/x-www-form-urlencoded", url.Values{"payload": {string(js)}}.Encode())
}

// addMediaMeta is the metadata of the form an Add media button opens.
func addMediaMeta(t *testing.T) FormMeta {
	t.Helper()
	v, err := AskModal(commands.Button{Label: "Add media", Command: "media add 12", Input: commands.FileInput}, FormMeta{Command: "media add 12", Fields: []commands.FormField{{Name: commands.FileInput}}, Channel: "C1"})
	if err != nil {
		t.Fatal(err)
	}
	var meta FormMeta
	if err := json.Unmarshal([]byte(v.PrivateMetadata), &meta); err != nil {
		t.Fatal(err)
	}
	return meta
}

func slackFile(id, name, u string, size int) map[string]any {
	return map[string]any{"id": id, "name": name, "title": name, "mimetype": "image/jpeg", "filetype": "jpg", "size": size,
		"url_private": u, "url_private_download": u}
}

func TestFormFiles(t *testing.T) {
	fc := newFileCalls()
	h := newHarness(t, false, func(*sqlite.Store) bot.Dispatcher { return fc })
	base := h.fake.srv.GetAPIURL()
	meta := addMediaMeta(t)
	photo := []byte("\xff\xd8\xff a photo")

	t.Run("OKDownloadedWithTheBotToken", func(t *testing.T) {
		u := h.fake.files.serve(base, "photo.jpg", photo)
		h.submitFiles(meta, []map[string]any{slackFile("F1", "photo.jpg", u, len(photo))}, map[string]string{"alt": "A cat on a mat"})
		c, read, errs := fc.wait(t)
		if c.Text != `media add 12 --alt "A cat on a mat"` {
			t.Errorf("command line %q", c.Text)
		}
		if len(c.Files) != 1 || c.Files[0].Name != "photo.jpg" || c.Files[0].Size != int64(len(photo)) {
			t.Fatalf("files %+v; want photo.jpg of %d bytes", c.Files, len(photo))
		}
		if errs[0] != nil || !bytes.Equal(read[0], photo) {
			t.Errorf("read %q, %v; want the photo", read[0], errs[0])
		}
		if d := h.fake.files.downloads; len(d) != 1 || d[0].Auth != "Bearer xoxb-test" {
			t.Errorf("downloads %+v; want one with the bot token", d)
		}
	})
	t.Run("OKFilesInfoWhenOnlyTheIDCame", func(t *testing.T) {
		u := h.fake.files.serve(base, "photo.jpg", photo)
		h.fake.files.mu.Lock()
		h.fake.files.info["F77"] = u
		h.fake.files.mu.Unlock()
		h.submitFiles(meta, []map[string]any{{"id": "F77"}}, nil)
		_, read, errs := fc.wait(t)
		if errs[0] != nil || !bytes.Equal(read[0], photo) {
			t.Errorf("read %q, %v; want the photo through files.info", read[0], errs[0])
		}
	})
	t.Run("OKAddMediaButtonOpensAFileForm", func(t *testing.T) {
		h.click("alice", ActionAsk+commands.FileInput, "media add 12", false)
		v := h.fake.wait(t, "the form", func(c apiCall) bool { return c.Method == "views.open" && strings.Contains(c.Body, "file_input") })
		if !strings.Contains(v.Body, `"max_files":1`) || !strings.Contains(v.Body, `"block_id":"alt"`) || !strings.Contains(v.Body, `media add 12`) {
			t.Errorf("views.open %s; want one file and its alt text for media add 12", v.Body)
		}
	})
	var foreignHits atomic.Int32
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		foreignHits.Add(1)
		w.Write(photo)
	}))
	t.Cleanup(foreign.Close)
	t.Run("ErrForeignHostRefused", func(t *testing.T) {
		h.submitFiles(meta, []map[string]any{slackFile("F2", "photo.jpg", foreign.URL+"/files-pri/T1-F2/photo.jpg", len(photo))}, nil)
		_, read, errs := fc.wait(t)
		if errs[0] == nil || len(read[0]) != 0 || herald.ErrorCode(errs[0]) != herald.EINVALID {
			t.Errorf("read %q, %v; want an EINVALID refusal", read[0], errs[0])
		}
		if n := foreignHits.Load(); n != 0 {
			t.Errorf("the foreign host got %d requests; want none", n)
		}
	})
	t.Run("ErrRedirectOffHostRefused", func(t *testing.T) {
		u := h.fake.files.serve(base, "moved.jpg", photo)
		h.fake.files.mu.Lock()
		h.fake.files.redirects[strings.TrimPrefix(u, base+"files-pri/")] = foreign.URL + "/elsewhere.jpg"
		h.fake.files.mu.Unlock()
		h.submitFiles(meta, []map[string]any{slackFile("F3", "moved.jpg", u, len(photo))}, nil)
		_, _, errs := fc.wait(t)
		if errs[0] == nil || foreignHits.Load() != 0 {
			t.Errorf("error %v, foreign requests %d; want a refusal and none", errs[0], foreignHits.Load())
		}
	})
}

func TestFileInputModals(t *testing.T) {
	t.Run("OKDraftForm", func(t *testing.T) {
		f := &commands.Form{Title: "New draft", Command: "draft", Fields: []commands.FormField{
			{Name: "text", Label: "Text", Multiline: true}, {Name: "media", Label: "Pictures or video", Optional: true, File: true}}}
		v, err := Modal(f, FormMeta{Channel: "C1"})
		if err != nil {
			t.Fatal(err)
		}
		in, ok := v.Blocks.BlockSet[1].(*slackapi.InputBlock)
		if !ok || !in.Optional || in.BlockID != "media" {
			t.Fatalf("block %#v; want an optional input named media", v.Blocks.BlockSet[1])
		}
		fi, ok := in.Element.(*slackapi.FileInputBlockElement)
		if !ok || fi.MaxFiles != 4 || strings.Join(fi.FileTypes, ",") != "jpg,jpeg,png,gif,webp,mp4,mov" || fi.ActionID != inputAction {
			t.Errorf("element %#v; want a file_input of up to 4 pictures and videos", in.Element)
		}
	})
	t.Run("OKAddMedia", func(t *testing.T) {
		meta := addMediaMeta(t)
		want := []commands.FormField{{Name: "file", File: true}, {Name: "alt", Flag: true}}
		if len(meta.Fields) != 2 || meta.Fields[0] != want[0] || meta.Fields[1] != want[1] {
			t.Errorf("fields %+v; want %+v", meta.Fields, want)
		}
		v, _ := AskModal(commands.Button{Label: "Add media", Command: "media add 12", Input: commands.FileInput}, FormMeta{})
		js, _ := json.Marshal(v)
		if !strings.Contains(string(js), `"type":"file_input","action_id":"value","filetypes":["jpg","jpeg","png","gif","webp","mp4","mov"],"max_files":1`) {
			t.Errorf("modal %s; want one file input", js)
		}
	})
	t.Run("OKFormLineLeavesFilesOut", func(t *testing.T) {
		got := commands.FormLine("media add 12", addMediaMeta(t).Fields, map[string]string{"file": "ignored", "alt": "x"})
		if got != `media add 12 --alt "x"` {
			t.Errorf("line %q", got)
		}
	})
}

func TestCardMediaBlocks(t *testing.T) {
	c := commands.Card{Title: "Draft #1", Media: []commands.CardMedia{
		{Name: "photo.jpg", Type: "image/jpeg", Size: 412_000, Width: 1080, Height: 1350, Alt: "A cat", Link: "https://herald.example/media/tok"},
		{Name: "clip.mp4", Type: "video/mp4", Size: 3_400_000, Width: 1920, Height: 1080},
		{Name: "<!channel>.png", Type: "image/png", Size: 10, Width: 1, Height: 1, Alt: "x"},
	}}
	js, _ := json.Marshal(CardBlocks(c))
	for _, want := range []string{
		`{"type":"image","image_url":"https://herald.example/media/tok","alt_text":"A cat","title":{"type":"plain_text","text":"photo.jpg, 1080×1350, 412 KB","emoji":true}}`,
		`🎬 clip.mp4, 1920×1080, 3.4 MB · alt: no alt text`,
		`\u0026lt;!channel\u0026gt;.png`, // escaped: a file name cannot ping
	} {
		if !strings.Contains(string(js), want) {
			t.Errorf("blocks %s\nlack %s", js, want)
		}
	}
}

// memBlob is a stored item's bytes in memory.
type memBlob struct{ *bytes.Reader }

func (memBlob) Close() error { return nil }

func mediaOf(it media.Item, b []byte) publish.Media {
	return publish.Media{Item: it, Open: func(context.Context) (media.Blob, error) { return memBlob{bytes.NewReader(b)}, nil }}
}

func TestPublishMedia(t *testing.T) {
	f := newFakeSlack(t)
	a := New(Options{BotToken: "xoxb-test", APIURL: f.srv.GetAPIURL(), PostInterval: time.Millisecond})
	photo := bytes.Repeat([]byte("jpeg"), 5000)
	it := media.Item{SHA256: "aa11", Type: "image/jpeg", Size: int64(len(photo)), Width: 10, Height: 10, Name: "photo.jpg", Alt: "A cat"}
	var recorded []publish.Upload
	post := publish.Post{DraftID: 7, Target: herald.Target{Kind: "slack", Name: "#news"}, Text: "New <!channel> & more", Key: "k7",
		Media:  []publish.Media{mediaOf(it, photo)},
		Record: func(_ context.Context, u publish.Upload) error { recorded = append(recorded, u); return nil }}

	t.Run("OKExternalUploadFlow", func(t *testing.T) {
		r, err := a.Publish(context.Background(), post)
		if err != nil {
			t.Fatal(err)
		}
		f.files.mu.Lock()
		defer f.files.mu.Unlock()
		if len(f.files.completes) != 1 {
			t.Fatalf("completes %+v; want one", f.files.completes)
		}
		c := f.files.completes[0]
		var files []struct{ ID, Title string }
		json.Unmarshal([]byte(c["files"]), &files)
		if c["channel_id"] != "CNEWS" || c["initial_comment"] != "New &lt;!channel&gt; &amp; more" || len(files) != 1 || files[0].Title != "A cat" {
			t.Errorf("completeUploadExternal %+v; want the channel id, the escaped text and the file titled with its alt text", c)
		}
		u := f.files.uploads[files[0].ID]
		if u == nil || u.Name != "photo.jpg" || u.Alt != "A cat" || u.Length != len(photo) || u.Sent == nil {
			t.Fatalf("upload %+v; want photo.jpg, its alt and length, sent", u)
		}
		if !bytes.Equal(u.Sent.Body, photo) || u.Sent.Length != int64(len(photo)) || u.Sent.Auth != "Bearer xoxb-test" {
			t.Errorf("upload request: %d bytes, Content-Length %d, auth %q", len(u.Sent.Body), u.Sent.Length, u.Sent.Auth)
		}
		if r.ID != "CNEWS/"+files[0].ID || len(recorded) != 1 || recorded[0].ID != files[0].ID || recorded[0].SHA256 != "aa11" {
			t.Errorf("receipt %+v, recorded %+v", r, recorded)
		}
	})
	t.Run("OKRecordedUploadReused", func(t *testing.T) {
		p := post
		p.Uploads = map[string]publish.Upload{"aa11": recorded[0]}
		before := f.count(func(c apiCall) bool { return c.Method == "files.getUploadURLExternal" })
		if _, err := a.Publish(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		if n := f.count(func(c apiCall) bool { return c.Method == "files.getUploadURLExternal" }); n != before {
			t.Errorf("%d uploads more; want the recorded one reused", n-before)
		}
	})
	t.Run("ErrUnknownChannel", func(t *testing.T) {
		p := post
		p.Target.Name = "#nowhere"
		_, err := a.Publish(context.Background(), p)
		if pe := (*publish.Error)(nil); !errors.As(err, &pe) || pe.Outcome != publish.Rejected {
			t.Errorf("error %v; want a refusal", err)
		}
	})
	t.Run("ErrGoneFromStore", func(t *testing.T) {
		// A file the media store no longer has: a refusal (retrying would
		// not bring it back), and nothing shared.
		gone := media.Item{SHA256: "bb22", Type: "image/png", Size: 10, Width: 1, Height: 1, Name: "gone.png"}
		p := post
		p.Media = []publish.Media{{Item: gone, Open: func(context.Context) (media.Blob, error) {
			return nil, herald.Errorf(herald.ENOTFOUND, "no such item")
		}}}
		before := f.count(func(c apiCall) bool { return c.Method == "files.completeUploadExternal" })
		_, err := a.Publish(context.Background(), p)
		if pe := (*publish.Error)(nil); !errors.As(err, &pe) || pe.Outcome != publish.Rejected || !strings.Contains(pe.Message, "gone.png is no longer in Herald's media store") {
			t.Errorf("error %v; want a refusal naming gone.png", err)
		}
		if n := f.count(func(c apiCall) bool { return c.Method == "files.completeUploadExternal" }); n != before {
			t.Errorf("%d completions more; want none", n-before)
		}
	})
	t.Run("ErrTooMany", func(t *testing.T) {
		items := make([]media.Item, 11)
		if err := a.ValidateMedia(publish.Account{}, items); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("ValidateMedia(11 items) = %v; want EINVALID", err)
		}
	})
}

// TestGPSStripped follows a photo with GPS EXIF from a Slack form, through
// media.Library, to a Slack channel: what the fake receives has no
// location.
func TestGPSStripped(t *testing.T) {
	store, err := local.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	lib := &media.Library{Store: store, TempDir: t.TempDir()}
	raw := mediatest.JPEG(t, 64, 48, 6)
	if len(mediatest.Leaks("image/jpeg", raw)) == 0 {
		t.Fatal("the test photo carries no metadata to strip")
	}
	fc := newFileCalls()
	var items []media.Item
	fc.add = func(ctx context.Context, f commands.File) error {
		rc, err := f.Open(ctx)
		if err != nil {
			return err
		}
		defer rc.Close()
		it, err := lib.Add(ctx, f.Name, rc)
		items = append(items, it)
		return err
	}
	h := newHarness(t, false, func(*sqlite.Store) bot.Dispatcher { return fc })
	u := h.fake.files.serve(h.fake.srv.GetAPIURL(), "event.jpg", raw)
	h.submitFiles(addMediaMeta(t), []map[string]any{slackFile("F9", "event.jpg", u, len(raw))}, nil)
	if _, _, errs := fc.wait(t); errs[0] != nil {
		t.Fatalf("adding the photo: %v", errs[0])
	}
	it := items[0]
	post := publish.Post{Target: herald.Target{Kind: "slack", Name: "#CNEWS"}, Text: "From the event", Key: "k",
		Media: []publish.Media{{Item: it, Open: func(ctx context.Context) (media.Blob, error) { return store.Open(ctx, it.SHA256) }}}}
	if _, err := h.a.Publish(context.Background(), post); err != nil {
		t.Fatal(err)
	}
	h.fake.files.mu.Lock()
	defer h.fake.files.mu.Unlock()
	for id, up := range h.fake.files.uploads {
		if up.Sent == nil {
			continue
		}
		if leaks := mediatest.Leaks("image/jpeg", up.Sent.Body); len(leaks) > 0 || bytes.Contains(up.Sent.Body, []byte("48,51.5N")) {
			t.Errorf("upload %s still carries %v", id, leaks)
		}
		return
	}
	t.Error("nothing reached Slack")
}

// FuzzSubmittedFiles reads arbitrary view states: never a panic; every
// file found becomes a command file with an Open, and a download is only
// ever allowed from Slack's files host or the configured API host.
func FuzzSubmittedFiles(f *testing.F) {
	for _, s := range []string{
		`{"values":{"file":{"value":{"type":"file_input","files":[{"id":"F1","name":"a.jpg","url_private_download":"https://files.slack.com/files-pri/T1-F1/a.jpg","size":3}]}},"alt":{"value":{"type":"plain_text_input","value":"x"}}}}`,
		`{"values":{"file":{"value":{"type":"file_input","files":[{"id":"F2"}]}}}}`,
		`{"values":{"file":{"value":{"type":"file_input","files":[{"url_private_download":"https://evil.example/a.jpg"}]}}}}`,
		`{"values":{"file":{"value":{"type":"plain_text_input","value":"x"}}}}`,
		`{"values":{"file":{"value":{"type":"file_input","files":null}}}}`, `{"values":null}`, `null`, `{}`,
	} {
		f.Add(s)
	}
	a := New(Options{BotToken: "xoxb-test", APIURL: "http://127.0.0.1:9/"})
	meta := FormMeta{Command: "media add 1", Fields: []commands.FormField{{Name: "file", File: true}, {Name: "alt", Flag: true}}}
	f.Fuzz(func(t *testing.T, state string) {
		var v slackapi.View
		if json.Unmarshal([]byte(`{"callback_id":"herald.form","state":`+state+`}`), &v) != nil {
			return
		}
		files := SubmittedFiles(meta, v)
		for _, cf := range a.callFiles(files) {
			if cf.Open == nil {
				t.Fatal("a file without Open")
			}
		}
		for _, fl := range files {
			if u, err := url.Parse(fl.URLPrivateDownload); a.files.Allowed(fl.URLPrivateDownload) && (err != nil || (u.Host != filesHost && u.Host != "127.0.0.1:9")) {
				t.Fatalf("allowed a download from %q", fl.URLPrivateDownload)
			}
		}
	})
}
