package mediacmd_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/assist/assisttest"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/assistcmd"
	"github.com/heraldhq/herald/commands/handlers"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/local"
	"github.com/heraldhq/herald/storage/sqlite"
)

var (
	ann   = herald.Actor{Platform: "console", UserID: "ann", Name: "ann"}   // admin, in the console
	ed    = herald.Actor{Platform: "console", UserID: "ed", Name: "ed"}     // editor
	carl  = herald.Actor{Platform: "console", UserID: "carl", Name: "carl"} // approver
	sam   = herald.Actor{Platform: "slack", UserID: "USAM", Name: "sam"}    // editor, on Slack
	conCh = herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "general"}
	slCh  = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C1"}
)

// env is the real command set over SQLite and a media directory; the LLM
// is a fake when a script is given.
type env struct {
	t      *testing.T
	store  *sqlite.Store
	media  media.Store
	router *commands.Router
	llm    *assisttest.Server
	dir    string // files to add
	wg     sync.WaitGroup
	mu     sync.Mutex
	notes  []commands.Response
}

// envOpts: the library's bound, whether the LLM reads images, the client
// that downloads links (the guarded one by default), the LLM's answers
// (no LLM without).
type envOpts struct {
	max    int64
	vision bool
	client *http.Client
	script []assisttest.Answer
}

func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	max, script := o.max, o.script
	if o.client == nil {
		o.client = httpx.New(httpx.Options{MaxBody: max + 1})
	}
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	ms, err := local.Open(filepath.Join(t.TempDir(), "media"))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: s, media: ms, dir: t.TempDir()}
	clock := herald.SystemClock{}
	bs := brands.NewService(s, clock, "UTC")
	drafts := approvals.NewService(s, bs, clock)
	var llm *assist.Client
	if len(script) > 0 {
		e.llm = assisttest.New(t, script...)
		cfg := assist.Config{BaseURL: e.llm.URL(), Model: "test-vision", Vision: o.vision, Sleep: func(context.Context, time.Duration) error { return nil }}
		if llm, err = assist.NewClient(cfg, clock, nil); err != nil {
			t.Fatal(err)
		}
	}
	as := assist.NewService(s, llm, clock, nil, assist.Options{})
	drafts.AddChecker(assistcmd.GuidelinesChecker(as))
	e.router = handlers.New(kit.Deps{Brands: bs, Approvals: drafts, Assist: as, Clock: clock,
		Media:       &media.Library{Store: ms, Max: max, TempDir: t.TempDir()},
		MediaClient: o.client,
		MediaLink:   func(it media.Item) string { return "https://herald.example/media/" + it.SHA256[:8] },
		Go: func(f func(context.Context)) bool {
			e.wg.Add(1)
			go func() { defer e.wg.Done(); f(context.Background()) }()
			return true
		},
		Announce: func(_ context.Context, _ commands.Card, note commands.Response) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.notes = append(e.notes, note)
		},
	})
	e.must(ann, conCh, "brand add Acme")
	e.must(ann, conCh, `policy "team:1"`)
	e.must(ann, conCh, "role <@ed> editor")
	e.must(ann, conCh, "role <@carl> approver")
	if _, err := bs.SetRole(t.Context(), ann, conCh, "", sam, herald.RoleEditor); err != nil { // a Slack user, given a role from the console
		t.Fatal(err)
	}
	e.must(sam, slCh, "drafts") // sam's channel: Acme is his only brand
	return e
}

func (e *env) run(a herald.Actor, ch herald.ChannelRef, line string, files ...commands.File) commands.Response {
	return e.router.Dispatch(e.t.Context(), commands.Call{Actor: a, Channel: ch, Text: line, Files: files})
}

func (e *env) must(a herald.Actor, ch herald.ChannelRef, line string, files ...commands.File) commands.Response {
	e.t.Helper()
	r := e.run(a, ch, line, files...)
	if r.ErrCode != "" {
		e.t.Fatalf("%q: %s (%s)", line, r.Text, r.ErrCode)
	}
	return r
}

// refuse runs line, which must fail with code and a text holding want,
// and checks that the draft did not change.
func (e *env) refuse(a herald.Actor, ch herald.ChannelRef, id int64, code, want, line string, files ...commands.File) {
	e.t.Helper()
	before := e.draft(id)
	r := e.run(a, ch, line, files...)
	if r.ErrCode != code || !strings.Contains(r.Text, want) {
		e.t.Errorf("%q: %s %q; want %s containing %q", line, r.ErrCode, r.Text, code, want)
	}
	if after := e.draft(id); after.Version != before.Version {
		e.t.Errorf("%q changed draft #%d (version %d → %d)", line, id, before.Version, after.Version)
	}
}

func (e *env) draft(id int64) approvals.Draft {
	e.t.Helper()
	d, err := e.store.Draft(e.t.Context(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// pngBytes is a w×h PNG.
func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, x%h, color.RGBA{R: uint8(x), G: 90, B: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// file writes b to a file named name and returns its path.
func (e *env) file(name string, b []byte) string {
	e.t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// attached is a file that came with a command.
func attached(name string, b []byte) commands.File {
	return commands.File{Name: name, Size: int64(len(b)), Param: "file",
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
}

func names(items []media.Item) string {
	var out []string
	for _, it := range items {
		out = append(out, it.Name+"="+it.Alt)
	}
	return strings.Join(out, ", ")
}

// The console flow: a file by path with its alt text, attached files in
// order, a list, alt text, a move and a removal, each a revision.
func TestMediaCommands(t *testing.T) {
	e := newEnv(t, envOpts{max: 1 << 20})
	e.must(ed, conCh, `draft "Opening day"`)
	photo := pngBytes(t, 60, 40)
	r := e.must(ed, conCh, fmt.Sprintf(`media add 1 %s --alt "The team on the steps"`, e.file("photo.png", photo)))
	if !strings.Contains(r.Text, "ed added photo.png, 60×40") || len(r.Cards) != 1 || len(r.Cards[0].Media) != 1 {
		t.Fatalf("media add answered %q with %d cards", r.Text, len(r.Cards))
	}
	cm := r.Cards[0].Media[0]
	if cm.Name != "photo.png" || cm.Type != "image/png" || cm.Width != 60 || cm.Alt != "The team on the steps" || !strings.HasPrefix(cm.Link, "https://herald.example/media/") {
		t.Errorf("card media %+v", cm)
	}
	blob, err := e.media.Open(t.Context(), cm.SHA256)
	if err != nil {
		t.Fatalf("the stored bytes: %v", err)
	}
	blob.Close()
	e.must(ed, conCh, "media add 1", attached("chart.png", pngBytes(t, 30, 30)), attached("map.png", pngBytes(t, 20, 10)))
	if got := names(e.draft(1).Media); got != "photo.png=The team on the steps, chart.png=, map.png=" {
		t.Errorf("after adding files: %s", got)
	}
	list := e.must(carl, conCh, "media list 1")
	for _, want := range []string{"1. photo.png · image/png · ", "60×40 · alt: The team on the steps", "2. chart.png", "⚠ no alt text", "`media alt 1 N TEXT`"} {
		if !strings.Contains(list.Text, want) {
			t.Errorf("media list lacks %q:\n%s", want, list.Text)
		}
	}
	e.must(ed, conCh, `media alt 1 2 "Sales by month"`)
	if r := e.must(ed, conCh, "media move 1 3 1"); !strings.Contains(r.Text, "moved item 3 (map.png) of draft #1 to place 1 (revision 5).") {
		t.Errorf("media move answered %q", r.Text)
	}
	r = e.must(ed, conCh, "media rm 1 2")
	if !strings.Contains(r.Text, "removed item 2 (photo.png)") {
		t.Errorf("media rm answered %q", r.Text)
	}
	d := e.draft(1)
	if got := names(d.Media); got != "map.png=, chart.png=Sales by month" || d.Rev != 6 || d.Text != "Opening day" {
		t.Errorf("draft: rev %d, text %q, media %s", d.Rev, d.Text, got)
	}
	e.must(ed, conCh, "media alt 1 2 --clear")
	if got := names(e.draft(1).Media); got != "map.png=, chart.png=" {
		t.Errorf("after --clear: %s", got)
	}
	if show := e.must(ed, conCh, "show 1").Text; !strings.Contains(show, "revision 5 by ed") || !strings.Contains(show, "media: moved 3 (map.png) to 1") {
		t.Errorf("show does not say what the media revisions changed:\n%s", show)
	}
	audit := e.must(ed, conCh, "audit 1").Text
	for _, want := range []string{"added photo.png, 60×40", "added chart.png, 30×30", "alt text of 2 (chart.png) set", "moved 3 (map.png) to 1", "removed photo.png", "alt text of 2 (chart.png) removed"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit lacks %q:\n%s", want, audit)
		}
	}
}

// Refusals: nothing is stored and the words say what to do.
func TestMediaAddRefused(t *testing.T) {
	e := newEnv(t, envOpts{max: 2000})
	e.must(ed, conCh, `draft "Opening day"`)
	small := pngBytes(t, 8, 8)
	big := bytes.Repeat([]byte("x"), 5000)
	cases := []struct {
		name, code, want, line string
		who                    herald.Actor
		ch                     herald.ChannelRef
		files                  []commands.File
	}{
		{"LocalOnSlack", herald.EINVALID, "only in the console", "media add 1 " + e.file("a.png", small), sam, slCh, nil},
		{"NoSource", herald.EINVALID, "Which picture or video?", "media add 1", ed, conCh, nil},
		{"NoFile", herald.EINVALID, "There is no file", "media add 1 " + filepath.Join(e.dir, "missing.png"), ed, conCh, nil},
		{"Directory", herald.EINVALID, "is not a file", "media add 1 " + e.dir, ed, conCh, nil},
		{"NotAPicture", herald.EINVALID, "Herald takes JPEG, PNG", "media add 1 " + e.file("photo.jpg", []byte("just text, named .jpg")), ed, conCh, nil},
		{"TooLarge", herald.EINVALID, "larger than 2 KB", "media add 1 " + e.file("huge.png", big), ed, conCh, nil},
		{"AltForSeveral", herald.EINVALID, "--alt describes one picture", `media add 1 --alt "x"`, ed, conCh,
			[]commands.File{attached("a.png", small), attached("b.png", small)}},
		{"HTTP", herald.EINVALID, "https link", "media add 1 http://example.com/a.png", sam, slCh, nil},
		{"Approver", herald.EFORBIDDEN, "", "media add 1 " + e.file("b.png", small), carl, conCh, nil},
		{"NotVisible", herald.ENOTFOUND, "no draft #9", "media add 9 " + e.file("c.png", small), ed, conCh, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { e.refuse(c.who, c.ch, 1, c.code, c.want, c.line, c.files...) })
	}
	t.Run("TooMany", func(t *testing.T) {
		var files []commands.File
		for i := range approvals.MaxMedia + 1 {
			files = append(files, attached(fmt.Sprintf("%d.png", i), small))
		}
		e.refuse(ed, conCh, 1, herald.EINVALID, "A draft takes at most 10 pictures and videos, and these are 11; add fewer.", "media add 1", files...)
	})
	t.Run("NoItem", func(t *testing.T) {
		e.refuse(ed, conCh, 1, herald.EINVALID, "has no pictures or videos yet; add one with `media add 1 FILE_OR_URL`", "media rm 1 1")
	})
	t.Run("AltTooLong", func(t *testing.T) {
		e.must(ed, conCh, "media add 1", attached("a.png", small))
		e.refuse(ed, conCh, 1, herald.EINVALID, "at most 1500 characters", fmt.Sprintf("media alt 1 1 %q", strings.Repeat("a", 1501)))
	})
	t.Run("AltNone", func(t *testing.T) { e.refuse(ed, conCh, 1, herald.EINVALID, "Give the alt text", "media alt 1 1") })
	t.Run("AltClearNone", func(t *testing.T) {
		e.refuse(ed, conCh, 1, herald.EINVALID, "Item 1 of draft #1 has no alt text to remove; nothing changed.", "media alt 1 1 --clear")
	})
	t.Run("SuggestWithoutLLM", func(t *testing.T) {
		e.refuse(ed, conCh, 1, herald.EUNAVAILABLE, "Herald has no LLM set up, so it cannot suggest alt text; describe the picture with `media alt 1 1 TEXT`.", "media alt 1 1 --suggest")
	})
	t.Run("TooManyMore", func(t *testing.T) {
		var files []commands.File
		for i := range approvals.MaxMedia - 3 {
			files = append(files, attached(fmt.Sprintf("%d.png", i), small))
		}
		e.must(ed, conCh, "media add 1", files...) // 1 + 7 = 8
		e.refuse(ed, conCh, 1, herald.EINVALID, "Draft #1 has 8 of at most 10 pictures and videos, and these 3 would make 11; remove some first with `media rm 1 N`", "media add 1", files[:3]...)
		e.must(ed, conCh, "media add 1", files[:2]...)
		e.refuse(ed, conCh, 1, herald.EINVALID, "Draft #1 already has 10 pictures and videos, the most a draft takes; remove some first with `media rm 1 N`", "media add 1", files[0])
	})
}

// An https link is fetched through the guarded client, its size bound
// while it streams; a link to a private address is refused when the
// client is the production one.
func TestMediaAddURL(t *testing.T) {
	photo := pngBytes(t, 16, 16)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/photo.png":
			w.Write(photo)
		case "/endless": // no Content-Length: cut while reading
			w.Header().Set("Content-Type", "image/png")
			for range 100 {
				w.Write(bytes.Repeat([]byte{0x89}, 1000))
			}
		case "/big": // announces its size
			w.Header().Set("Content-Length", "999999")
			w.Write(make([]byte, 999999))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	// The production client refuses the loopback address.
	e := newEnv(t, envOpts{max: 4000})
	e.must(ed, conCh, `draft "Opening day"`)
	e.refuse(sam, slCh, 1, herald.EINVALID, "private address", "media add 1 "+srv.URL+"/photo.png")
	// The test server's client (its certificate trusted) stands for a
	// public host's.
	e = newEnv(t, envOpts{max: 4000, client: srv.Client()})
	e.must(ed, conCh, `draft "Opening day"`)
	e.must(sam, slCh, "media add 1 "+srv.URL+"/photo.png")
	if got := e.draft(1).Media; len(got) != 1 || got[0].Name != "photo.png" || got[0].Width != 16 {
		t.Fatalf("media after a link: %+v", got)
	}
	e.refuse(sam, slCh, 1, herald.EINVALID, "larger than 4 KB", "media add 1 "+srv.URL+"/endless")
	e.refuse(sam, slCh, 1, herald.EINVALID, "larger than 4 KB", "media add 1 "+srv.URL+"/big")
	e.refuse(sam, slCh, 1, herald.EINVALID, "404", "media add 1 "+srv.URL+"/missing.png")
}

// alt=required blocks submission while a picture has no alt text; the
// LLM's suggestion fills it as a revision by the person who asked, which
// they can change.
func TestAltRequiredAndSuggest(t *testing.T) {
	e := newEnv(t, envOpts{max: 1 << 20, vision: true, script: []assisttest.Answer{{Content: "  \"Alt text: A blue gradient square.\" "}}})
	e.must(ann, conCh, "guidelines set alt=required")
	e.must(ed, conCh, `draft "Opening day"`)
	photo := pngBytes(t, 32, 32)
	e.must(ed, conCh, "media add 1", attached("square.png", photo))
	e.refuse(ed, conCh, 1, herald.EINVALID, "The brand's guidelines require alt text on every picture and video, and item 1 (square.png) has none: describe it with `media alt 1 1 TEXT`", "submit 1")
	if c := e.must(ed, conCh, "show 1").Cards; len(c) != 1 || !hasField(c[0], "Checks", "⛔ The brand's guidelines require alt text") {
		t.Errorf("the card does not show the blocking finding: %+v", c)
	}
	r := e.must(ed, conCh, "media alt 1 1 --suggest")
	if !strings.Contains(r.Text, "Describing item 1 (square.png)") {
		t.Errorf("suggest answered %q", r.Text)
	}
	e.wg.Wait()
	d := e.draft(1)
	if d.Media[0].Alt != "A blue gradient square." || d.Rev != 3 {
		t.Errorf("after the suggestion: rev %d, alt %q", d.Rev, d.Media[0].Alt)
	}
	if len(e.notes) != 1 || !strings.Contains(e.notes[0].Text, "only a proposal: change it with `media alt 1 1 TEXT`") {
		t.Errorf("announced %+v", e.notes)
	}
	reqs := e.llm.Requests()
	if len(reqs) != 1 || len(reqs[0].Messages) != 2 || len(reqs[0].Messages[1].MultiContent) != 2 {
		t.Fatalf("LLM requests %+v", reqs)
	}
	img := reqs[0].Messages[1].MultiContent[1].ImageURL
	if img == nil || !strings.HasPrefix(img.URL, "data:image/png;base64,") {
		t.Fatalf("the picture sent: %+v", img)
	}
	revs, err := e.store.Revisions(t.Context(), 1)
	if err != nil || revs[2].Author.UserID != "ed" {
		t.Errorf("revision 3 by %+v (%v); want ed, who asked", revs[2].Author, err)
	}
	e.must(ed, conCh, "submit 1")
}

func TestSuggestRefused(t *testing.T) {
	t.Run("TextOnlyModel", func(t *testing.T) {
		e := newEnv(t, envOpts{max: 1 << 20, script: []assisttest.Answer{{Content: "never asked"}}})
		e.must(ed, conCh, `draft "Opening day"`)
		e.must(ed, conCh, "media add 1", attached("square.png", pngBytes(t, 8, 8)))
		e.refuse(ed, conCh, 1, herald.EUNAVAILABLE, "does not read pictures", "media alt 1 1 --suggest")
		if n := len(e.llm.Requests()); n != 0 {
			t.Errorf("the LLM was asked %d times", n)
		}
	})
	t.Run("RefusedPicture", func(t *testing.T) {
		e := newEnv(t, envOpts{max: 1 << 20, vision: true, script: []assisttest.Answer{{Status: 400, Content: "image input is not supported"}}})
		e.must(ed, conCh, `draft "Opening day"`)
		e.must(ed, conCh, "media add 1", attached("square.png", pngBytes(t, 8, 8)))
		e.must(ed, conCh, "media alt 1 1 --suggest")
		e.wg.Wait()
		if len(e.notes) != 1 || e.notes[0].ErrCode != herald.EUNAVAILABLE || !strings.Contains(e.notes[0].Text, "does not read pictures here") {
			t.Errorf("announced %+v", e.notes)
		}
		if d := e.draft(1); d.Rev != 2 || d.Media[0].Alt != "" {
			t.Errorf("draft changed: rev %d, alt %q", d.Rev, d.Media[0].Alt)
		}
	})
	t.Run("Approver", func(t *testing.T) {
		e := newEnv(t, envOpts{max: 1 << 20, vision: true, script: []assisttest.Answer{{Content: "x"}}})
		e.must(ed, conCh, `draft "Opening day"`)
		e.must(ed, conCh, "media add 1", attached("square.png", pngBytes(t, 8, 8)))
		e.refuse(carl, conCh, 1, herald.EFORBIDDEN, "", "media alt 1 1 --suggest")
	})
}

func hasField(c commands.Card, label, fragment string) bool {
	for _, f := range c.Fields {
		if f.Label == label && strings.Contains(f.Value, fragment) {
			return true
		}
	}
	return false
}

// Files that come with draft (a form's upload, attachments) are its
// revision 1's media, in order; someone who may not write drafts has
// nothing read.
func TestDraftWithFiles(t *testing.T) {
	e := newEnv(t, envOpts{max: 1 << 20})
	r := e.must(ed, conCh, `draft "With pictures"`, attached("one.png", pngBytes(t, 10, 10)), attached("two.png", pngBytes(t, 12, 10)))
	if len(r.Cards) != 1 || len(r.Cards[0].Media) != 2 {
		t.Fatalf("draft answered %+v", r)
	}
	d := e.draft(1)
	if got := names(d.Media); got != "one.png=, two.png=" || d.Rev != 1 {
		t.Errorf("draft 1: rev %d, media %s", d.Rev, got)
	}
	opened := false
	spy := commands.File{Name: "spy.png", Open: func(context.Context) (io.ReadCloser, error) {
		opened = true
		return io.NopCloser(bytes.NewReader(nil)), nil
	}}
	if r := e.run(carl, conCh, `draft "Not mine to write"`, spy); r.ErrCode != herald.EFORBIDDEN || opened {
		t.Errorf("an approver's draft with a file: %s %q, file read %v", r.ErrCode, r.Text, opened)
	}
}
