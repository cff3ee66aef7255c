package console_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chzyer/readline"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/bot/console"
	"github.com/heraldhq/herald/commands"
)

// scriptEditor is a LineEditor that types a script: each entry is a line,
// or an error (Ctrl-C, Ctrl-D) when it is one.
type scriptEditor struct {
	mu      sync.Mutex
	script  []any
	prompts []string
	out     bytes.Buffer
	closed  bool
}

func (e *scriptEditor) Readline() (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.script) == 0 || e.closed {
		return "", io.EOF
	}
	next := e.script[0]
	e.script = e.script[1:]
	if err, ok := next.(error); ok {
		return "", err
	}
	return next.(string), nil
}

func (e *scriptEditor) SetPrompt(p string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.prompts = append(e.prompts, p)
}
func (e *scriptEditor) Stdout() io.Writer { return &e.out }
func (e *scriptEditor) Close() error      { e.closed = true; return nil }

func runEditor(t *testing.T, a *console.Adapter, e *scriptEditor) (*fakeDispatcher, error) {
	t.Helper()
	a.Editor, a.Out = e, e.Stdout()
	d := &fakeDispatcher{}
	res := make(chan error, 1)
	go func() { res <- a.Run(context.Background(), d) }()
	select {
	case err := <-res:
		return d, err
	case <-time.After(10 * time.Second):
		t.Fatal("console did not stop")
		return nil, nil
	}
}

func TestRunEditor(t *testing.T) {
	t.Run("OKLinesPromptsAndContinuation", func(t *testing.T) {
		e := &scriptEditor{script: []any{"help", readline.ErrInterrupt, "/as sam", `draft "two \`, `lines"`, "/quit", "never read"}}
		d, err := runEditor(t, &console.Adapter{User: "alice"}, e)
		if err != bot.ErrStopped {
			t.Errorf("Run = %v, want ErrStopped", err)
		}
		if got, want := d.texts(), []string{"help", "draft \"two \nlines\""}; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("dispatched %q, want %q", got, want)
		}
		if got := strings.Join(e.prompts, "|"); got != "alice> |alice> |alice> |sam> |   … |sam> " {
			t.Errorf("prompts %q", got)
		}
		if strings.Contains(e.out.String(), "alice> help") {
			t.Errorf("the editor echoes nothing itself: %q", e.out.String())
		}
	})
	t.Run("OKEOFStops", func(t *testing.T) {
		d, err := runEditor(t, &console.Adapter{}, &scriptEditor{script: []any{"help"}})
		if err != bot.ErrStopped || len(d.texts()) != 1 {
			t.Errorf("Run = %v after %q", err, d.texts())
		}
	})
	t.Run("OKTooLong", func(t *testing.T) {
		e := &scriptEditor{script: []any{strings.Repeat("x", commands.MaxInput+1)}}
		d, _ := runEditor(t, &console.Adapter{}, e)
		if len(d.texts()) != 0 || !strings.Contains(e.out.String(), "nothing was done") {
			t.Errorf("a line too long: dispatched %d, out %q", len(d.texts()), e.out.String())
		}
	})
}

// TestNewEditorHistoryFile: the history lives in the file given, bounded.
func TestNewEditorHistoryFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald-history")
	ed, err := console.NewEditor(path)
	if err != nil {
		t.Skipf("no terminal here: %v", err)
	}
	defer ed.Close()
	rl, ok := ed.(*readline.Instance)
	if !ok {
		t.Fatalf("NewEditor returned %T", ed)
	}
	if err := rl.SaveHistory("draft hello"); err != nil {
		t.Fatal(err)
	}
	if cfg := rl.Config; cfg.HistoryFile != path || cfg.HistoryLimit != console.HistoryLimit {
		t.Errorf("history %q limit %d", cfg.HistoryFile, cfg.HistoryLimit)
	}
}

// TestLang: /lang sets the language of the person at the console, which
// the commands see in Actor.Lang; the start language comes from Lang.
func TestLang(t *testing.T) {
	d, out, _ := MustRun(t, &console.Adapter{Lang: "fr"}, "help\n/lang en\nhelp\n/lang klingon\n/lang français\nhelp\n")
	var langs []string
	for _, c := range d.calls {
		langs = append(langs, c.Actor.Lang)
	}
	if got := strings.Join(langs, ","); got != "fr,en,fr" {
		t.Errorf("Actor.Lang of the calls: %q, want fr,en,fr", got)
	}
	for _, want := range []string{"Herald now speaks English to you.", "✗ Give a language: /lang fr or /lang en", "Herald vous parle désormais en français."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	d, _, _ = MustRun(t, &console.Adapter{}, "help\n")
	if d.calls[0].Actor.Lang != "" {
		t.Errorf("no language known: Actor.Lang %q, want empty (the brand's)", d.calls[0].Actor.Lang)
	}
}

// TestRenderWraps: every line of a card fits 80 columns, inside the
// border; a card without buttons has a bottom edge.
func TestRenderWraps(t *testing.T) {
	long := strings.Repeat("Our new store opens Monday with a tote bag for the first visitors. ", 4)
	c := commands.Card{Title: "Draft #12 · " + strings.Repeat("Acme ", 20), Text: long + "\n" + strings.Repeat("x", 200),
		Fields:  []commands.Field{{Label: "Targets", Value: strings.Repeat("slack:#news, ", 10)}, {Label: "Publish at", Value: "Mon 23 Nov 2026 09:00 CET"}},
		Context: []string{"日本語のテキスト" + strings.Repeat("文", 60)}}
	got := console.Render(commands.Response{Cards: []commands.Card{c}})
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "  │ ") && !strings.HasPrefix(l, "  └") {
			t.Errorf("line outside the border: %q", l)
		}
	}
	for _, l := range lines {
		if w := console.Columns(l); w > console.Width {
			t.Errorf("line of %d columns: %q", w, l)
		}
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "  └──") {
		t.Errorf("last line %q, want a bottom edge", last)
	}
	var words []string
	for _, l := range lines[1 : len(lines)-1] {
		words = append(words, strings.Fields(strings.TrimPrefix(l, "  │ "))...)
	}
	if joined := strings.Join(words, " "); !strings.Contains(joined, strings.TrimSpace(long)) {
		t.Errorf("wrapping lost words:\n%s", got)
	}
}
