package console_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/bot/console"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/handlers"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fakeDispatcher records the calls it gets and answers each with reply
// (or with Text "ok").
type fakeDispatcher struct {
	mu    sync.Mutex
	calls []commands.Call
	reply func(commands.Call) commands.Response
}

func (f *fakeDispatcher) Dispatch(_ context.Context, c commands.Call) commands.Response {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	if f.reply != nil {
		return f.reply(c)
	}
	return commands.Response{Text: "ok"}
}

func (f *fakeDispatcher) texts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		out = append(out, c.Text)
	}
	return out
}

// MustRun runs the console over input until it stops and returns the
// dispatcher, the output and Run's error.
func MustRun(tb testing.TB, a *console.Adapter, input string) (*fakeDispatcher, string, error) {
	tb.Helper()
	var out bytes.Buffer
	a.In, a.Out = strings.NewReader(input), &out
	d := &fakeDispatcher{}
	res := make(chan error, 1)
	go func() { res <- a.Run(context.Background(), d) }()
	select {
	case err := <-res:
		return d, out.String(), err
	case <-time.After(10 * time.Second):
		tb.Fatal("console did not stop")
		return nil, "", nil
	}
}

const banner = "Herald console — you are %s in #general. Type `help` for commands, `/as NAME` to act as someone else, `/quit` to leave.\n"

func bannerFor(user string) string { return strings.Replace(banner, "%s", user, 1) }

func TestAdapterName(t *testing.T) {
	var a bot.Adapter = &console.Adapter{}
	if a.Name() != "console" {
		t.Errorf("Name() = %q", a.Name())
	}
}

func TestRun(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		d, _, err := MustRun(t, &console.Adapter{}, "help\n/herald draft hi\n")
		if !errors.Is(err, bot.ErrStopped) {
			t.Errorf("Run at EOF = %v; want bot.ErrStopped", err)
		}
		want := []commands.Call{
			{Actor: herald.Actor{Platform: "console", UserID: "you", Name: "you"}, Channel: herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "#general"}, Text: "help"},
			{Actor: herald.Actor{Platform: "console", UserID: "you", Name: "you"}, Channel: herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "#general"}, Text: "/herald draft hi"},
		}
		if diff := cmp.Diff(want, d.calls); diff != "" {
			t.Errorf("calls (-want +got):\n%s", diff)
		}
	})
	t.Run("OKAs", func(t *testing.T) {
		d, out, _ := MustRun(t, &console.Adapter{User: "Alice"}, "help\n/as Sam\nhelp\n/AS @ClaireD\nhelp\n")
		var got []herald.Actor
		for _, c := range d.calls {
			got = append(got, c.Actor)
		}
		want := []herald.Actor{
			{Platform: console.Platform, UserID: "alice", Name: "Alice"},
			{Platform: console.Platform, UserID: "sam", Name: "Sam"},
			{Platform: console.Platform, UserID: "claired", Name: "ClaireD"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("actors (-want +got):\n%s", diff)
		}
		for _, s := range []string{"  You are now Sam.\n", "  You are now ClaireD.\n"} {
			if !strings.Contains(out, s) {
				t.Errorf("output lacks %q:\n%s", s, out)
			}
		}
	})
	t.Run("ErrAs", func(t *testing.T) {
		d, out, _ := MustRun(t, &console.Adapter{User: "alice"}, "/as\n/as two words\n/as @\n/as "+strings.Repeat("x", 65)+"\nhelp\n")
		if n := strings.Count(out, "  ✗ Give one name: /as alice\n"); n != 4 {
			t.Errorf("output has %d refusals; want 4:\n%s", n, out)
		}
		if len(d.calls) != 1 || d.calls[0].Actor.UserID != "alice" {
			t.Errorf("calls = %+v; want one as alice", d.calls)
		}
	})
	t.Run("OKChannel", func(t *testing.T) {
		d, out, _ := MustRun(t, &console.Adapter{}, "/channel launch\nhelp\n/in #ops\nhelp\n/CHANNEL #Mixed\nhelp\n")
		var got []string
		for _, c := range d.calls {
			if c.Channel.Platform != "console" || c.Channel.Workspace != "local" {
				t.Errorf("channel ref = %+v", c.Channel)
			}
			got = append(got, c.Channel.Channel)
		}
		if diff := cmp.Diff([]string{"#launch", "#ops", "#Mixed"}, got); diff != "" {
			t.Errorf("channels (-want +got):\n%s", diff)
		}
		if !strings.Contains(out, "  You are now in #launch.\n") {
			t.Errorf("output lacks the channel switch:\n%s", out)
		}
	})
	t.Run("ErrChannel", func(t *testing.T) {
		d, out, _ := MustRun(t, &console.Adapter{}, "/channel\n/channel a b\nhelp\n")
		if n := strings.Count(out, "  ✗ Give one channel name: /channel #launch\n"); n != 2 {
			t.Errorf("output has %d refusals; want 2:\n%s", n, out)
		}
		if len(d.calls) != 1 || d.calls[0].Channel.Channel != "#general" {
			t.Errorf("calls = %+v; want one in #general", d.calls)
		}
	})
	t.Run("OKCommentsAndBlankLines", func(t *testing.T) {
		// "# " starts a comment; "#launch" is not one (a channel, a tag).
		d, _, _ := MustRun(t, &console.Adapter{}, "# a transcript\n\n   \n\t# indented comment\n#\nhelp\n#12\n")
		if diff := cmp.Diff([]string{"help", "#12"}, d.texts()); diff != "" {
			t.Errorf("dispatched (-want +got):\n%s", diff)
		}
	})
	t.Run("OKLineTrimmed", func(t *testing.T) {
		d, _, _ := MustRun(t, &console.Adapter{}, "  help approve \t\r\n")
		if diff := cmp.Diff([]string{"help approve"}, d.texts()); diff != "" {
			t.Errorf("dispatched (-want +got):\n%s", diff)
		}
	})
	for _, quit := range []string{"/quit", "/exit", "/QUIT", "  /quit now"} {
		t.Run("OKQuit"+strings.NewReplacer("/", "", " ", "").Replace(quit), func(t *testing.T) {
			d, _, err := MustRun(t, &console.Adapter{}, "help\n"+quit+"\nsubmit 12\n")
			if !errors.Is(err, bot.ErrStopped) {
				t.Errorf("Run after %s = %v; want bot.ErrStopped", quit, err)
			}
			if diff := cmp.Diff([]string{"help"}, d.texts()); diff != "" {
				t.Errorf("dispatched (-want +got); nothing after %s:\n%s", quit, diff)
			}
		})
	}
	t.Run("OKEmptyInput", func(t *testing.T) {
		d, out, err := MustRun(t, &console.Adapter{}, "")
		if !errors.Is(err, bot.ErrStopped) {
			t.Errorf("Run on empty input = %v; want bot.ErrStopped", err)
		}
		if len(d.calls) != 0 || out != bannerFor("you") {
			t.Errorf("calls %v, output %q; want none and the banner", d.calls, out)
		}
	})
	t.Run("OKContinuation", func(t *testing.T) {
		in := "draft line one\\\nline two\\\n\\\nline four\nhelp\ndraft a\\\r\nb\r\ndraft end\\"
		d, _, _ := MustRun(t, &console.Adapter{}, in)
		want := []string{"draft line one\nline two\n\nline four", "help", "draft a\nb", "draft end"}
		if diff := cmp.Diff(want, d.texts()); diff != "" {
			t.Errorf("dispatched (-want +got):\n%s", diff)
		}
	})
	t.Run("OKConsoleHelp", func(t *testing.T) {
		d, out, _ := MustRun(t, &console.Adapter{}, "/help\n")
		if len(d.calls) != 0 || !strings.Contains(out, "/as NAME") || !strings.Contains(out, "/channel NAME") {
			t.Errorf("/help dispatched %v or printed %q", d.calls, out)
		}
	})
	t.Run("OKTranscript", func(t *testing.T) {
		var a console.Adapter
		a.User = "Alice"
		d, out, _ := MustRun(t, &a, "help\n# note\n/as Bob\ndraft hi\\\nthere\n")
		_ = d
		want := bannerFor("Alice") +
			"Alice> help\n  ok\n" +
			"Console commands:\n" +
			"  /as NAME        act as NAME (a new name is a new user)\n" +
			"  /channel NAME   move to channel NAME (each channel can have its own brand)\n" +
			"  /lang fr|en     the language Herald speaks to you\n" +
			"  /quit           leave (Ctrl-D works too)\n" +
			"Everything else is a Herald command, with or without /herald in front: try \"help\".\n" +
			"Alice> # note\n" +
			"Alice> /as Bob\n  You are now Bob.\n" +
			"Bob> draft hi\nthere\n  ok\n"
		if diff := cmp.Diff(want, out); diff != "" {
			t.Errorf("transcript (-want +got):\n%s", diff)
		}
	})
	t.Run("OKInteractive", func(t *testing.T) {
		d, out, _ := MustRun(t, &console.Adapter{User: "Alice", Interactive: true}, "show 1\n/as Bob\nshow 1\n")
		want := bannerFor("Alice") + "Alice> " + "  ok\n" + "Alice> " + "  You are now Bob.\n" + "Bob> " + "  ok\n" + "Bob> \n"
		if diff := cmp.Diff(want, out); diff != "" {
			t.Errorf("interactive output (-want +got):\n%s", diff)
		}
		if len(d.calls) != 2 {
			t.Errorf("dispatched %d calls; want 2", len(d.calls))
		}
	})
	t.Run("OKRendersResponse", func(t *testing.T) {
		var out bytes.Buffer
		d := &fakeDispatcher{reply: func(c commands.Call) commands.Response {
			return commands.Response{Text: "No.", ErrCode: herald.EINVALID, Ephemeral: true}
		}}
		a := &console.Adapter{In: strings.NewReader("nope\n"), Out: &out}
		if err := a.Run(context.Background(), d); !errors.Is(err, bot.ErrStopped) {
			t.Fatalf("Run = %v", err)
		}
		if !strings.HasSuffix(out.String(), "you> nope\n  ✗ No.\n") {
			t.Errorf("output = %q; want the rendered error after the echo", out.String())
		}
	})
	t.Run("OKRealRouter", func(t *testing.T) {
		// The real command set, with no service: help and parse errors
		// never reach the domain.
		r := handlers.New(kit.Deps{})
		approve, _ := r.Def("approve")
		var out bytes.Buffer
		a := &console.Adapter{In: strings.NewReader("/herald help approve\naprove 12\n"), Out: &out, User: "Sam"}
		if err := a.Run(context.Background(), r); !errors.Is(err, bot.ErrStopped) {
			t.Fatalf("Run = %v", err)
		}
		want := bannerFor("Sam") +
			"Sam> /herald help approve\n" + console.Render(commands.Response{Text: commands.Explain(approve, i18n.English), Ephemeral: true}) +
			"Sam> aprove 12\n  ✗ There is no command \"aprove\". Did you mean `approve`? `help` lists every command.\n"
		if diff := cmp.Diff(want, out.String()); diff != "" {
			t.Errorf("output (-want +got):\n%s", diff)
		}
	})
	t.Run("OKContextCanceled", func(t *testing.T) {
		pr, pw := io.Pipe()
		defer pw.Close()
		ctx, cancel := context.WithCancel(context.Background())
		res := make(chan error, 1)
		go func() { res <- (&console.Adapter{In: pr, Out: io.Discard}).Run(ctx, &fakeDispatcher{}) }()
		cancel()
		select {
		case err := <-res:
			if err != nil {
				t.Errorf("Run on cancel = %v; want nil", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return on cancel")
		}
	})
	t.Run("ErrRead", func(t *testing.T) {
		boom := errors.New("disk on fire")
		in := io.MultiReader(strings.NewReader("help\n"), iotest.ErrReader(boom))
		var out bytes.Buffer
		d := &fakeDispatcher{}
		err := (&console.Adapter{In: in, Out: &out}).Run(context.Background(), d)
		if !errors.Is(err, boom) {
			t.Errorf("Run = %v; want %v", err, boom)
		}
		if diff := cmp.Diff([]string{"help"}, d.texts()); diff != "" {
			t.Errorf("dispatched (-want +got):\n%s", diff)
		}
	})
	t.Run("OKLongestLine", func(t *testing.T) {
		long := "draft " + strings.Repeat("a", commands.MaxInput-6)
		d, _, err := MustRun(t, &console.Adapter{}, long+"\n")
		if !errors.Is(err, bot.ErrStopped) {
			t.Errorf("Run = %v", err)
		}
		if got := d.texts(); len(got) != 1 || got[0] != long {
			t.Errorf("a line of exactly MaxInput bytes did not reach the dispatcher whole")
		}
	})
	t.Run("ErrLineTooLong", func(t *testing.T) {
		for _, n := range []int{commands.MaxInput + 1, 4 * commands.MaxInput} {
			huge := "draft " + strings.Repeat("a", n)
			d, out, err := MustRun(t, &console.Adapter{}, huge+"\nhelp\n")
			if !errors.Is(err, bot.ErrStopped) {
				t.Errorf("Run = %v; the console must go on after a huge line", err)
			}
			if diff := cmp.Diff([]string{"help"}, d.texts()); diff != "" {
				t.Errorf("dispatched (-want +got):\n%s", diff)
			}
			if !strings.Contains(out, "✗ That line is longer than 64 KiB; nothing was done.") || strings.Contains(out, "aaaa") {
				t.Errorf("output lacks the refusal, or echoes the huge line:\n%.300s", out)
			}
		}
	})
}

func TestRender(t *testing.T) {
	draftForm := &commands.Form{Title: "New draft", Command: "draft", Fields: []commands.FormField{
		{Name: "text", Label: "Text", Multiline: true},
		{Name: "to", Label: "Targets", Optional: true},
		{Name: "at", Label: "Publish at", Optional: true},
	}}
	tests := []struct {
		name string
		resp commands.Response
		want string
	}{
		{name: "OKEmpty", resp: commands.Response{}, want: ""},
		{name: "OKEphemeralEmpty", resp: commands.Response{Ephemeral: true}, want: ""},
		{name: "OKText", resp: commands.Response{Text: "Brand Acme created."}, want: "  Brand Acme created.\n"},
		{name: "OKMultiline", resp: commands.Response{Text: "Your brands:\n  Acme"}, want: "  Your brands:\n    Acme\n"},
		{name: "OKEphemeral", resp: commands.Response{Text: "Secret.", Ephemeral: true}, want: "  Secret.\n  (only you can see this)\n"},
		{name: "ErrText", resp: commands.Response{Text: "There is no draft #12.", ErrCode: herald.ENOTFOUND, Ephemeral: true},
			want: "  ✗ There is no draft #12.\n"},
		{name: "ErrMultiline", resp: commands.Response{Text: "Bad.\nReally.", ErrCode: herald.EINVALID},
			want: "  ✗ Bad.\n  Really.\n"},
		{name: "OKCardPlain", resp: commands.Response{Cards: []commands.Card{{Title: "Mention", Text: "acme rocks"}}},
			want: "  ┌ Mention\n  │ acme rocks\n  └───────────\n"},
		{name: "OKCardExcerpt", resp: commands.Response{Cards: []commands.Card{{Title: "Mention", Excerpt: &commands.Excerpt{
			Text: "Love \x1b[31mAcme\nand acme", Marks: [][2]int{{10, 14}, {19, 23}}}}}},
			want: "  ┌ Mention\n  │ > Love [31m**Acme**\n  │ > and **acme**\n  └────────────────────\n"},
		{name: "OKCardTone", resp: commands.Response{Cards: []commands.Card{{Title: "A", Tone: "good"}, {Title: "B", Tone: "warning"}, {Title: "C", Tone: "danger"}, {Title: "D", Tone: "odd"}}},
			want: "  ┌ ✓ A\n  └────\n  ┌ … B\n  └────\n  ┌ ! C\n  └────\n  ┌ D\n  └──\n"},
		{name: "OKCardFields", resp: commands.Response{Cards: []commands.Card{{Title: "T", Fields: []commands.Field{
			{Label: "State", Value: "draft"}, {Label: "Revision", Value: "1"}, {Label: "Author", Value: "sam"},
		}, Context: []string{"Updated now"}}}},
			want: "  ┌ T\n  │ State: draft · Revision: 1\n  │ Author: sam\n  │ Updated now\n  └───────────────────────────\n"},
		{name: "OKCardButtons", resp: commands.Response{Cards: []commands.Card{{Title: "Draft #12", Buttons: []commands.Button{
			{Label: "Approve", Command: "approve 12 --rev 2", Style: "primary"},
			{Label: "Request changes", Command: "changes 12 --rev 2", Input: "comment"},
			{Label: "Reject", Command: "reject 12 --rev 2", Style: "danger", Input: "reason"},
		}}}},
			want: "  ┌ Draft #12\n" +
				"  ├ [Approve] /herald approve 12 --rev 2\n" +
				"  ├ [Request changes] /herald changes 12 --rev 2 COMMENT\n" +
				"  └ [Reject] /herald reject 12 --rev 2 REASON\n"},
		{name: "OKTextThenCardEphemeral", resp: commands.Response{Text: "History:", Cards: []commands.Card{{Title: "C"}}, Ephemeral: true},
			want: "  History:\n  ┌ C\n  └──\n  (only you can see this)\n"},
		{name: "OKForm", resp: commands.Response{Form: draftForm, Ephemeral: true},
			want: "  New draft: type /herald draft \"TEXT\" [--to TO] [--at AT]\n  (only you can see this)\n"},
		{name: "OKFormPrefilled", resp: commands.Response{Form: &commands.Form{Title: "Edit draft #12", Command: "edit 12", Fields: []commands.FormField{
			{Name: "text", Label: "Text", Value: "Old text,\non two lines", Multiline: true},
		}}},
			want: "  Edit draft #12: type /herald edit 12 \"TEXT\"\n  Current text:\n    Old text,\n    on two lines\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, console.Render(tt.resp)); diff != "" {
				t.Errorf("Render (-want +got):\n%s", diff)
			}
		})
	}
}

func TestButtonCommand(t *testing.T) {
	tests := []struct {
		name string
		btn  commands.Button
		want string
	}{
		{name: "OK", btn: commands.Button{Label: "Submit", Command: "submit 12"}, want: "submit 12"},
		{name: "OKInput", btn: commands.Button{Label: "Schedule", Command: "schedule 12", Input: "when"}, want: "schedule 12 WHEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := console.ButtonCommand(tt.btn); got != tt.want {
				t.Errorf("ButtonCommand = %q; want %q", got, tt.want)
			}
		})
	}
}

// draftInReview is a response shaped like the one Herald sends when a
// draft is submitted: text, then the draft's card with its buttons.
var draftInReview = commands.Response{
	Text: "Sam submitted draft #12. Waiting for 1 team approval(s).",
	Cards: []commands.Card{{
		Key:   kit.DraftKey(12),
		Title: "Draft #12 · Acme",
		Text:  "Our new store opens Monday!\nCome early: the first 100 visitors get a tote bag. #launch",
		Tone:  "warning",
		Fields: []commands.Field{
			{Label: "State", Value: "in review", Short: true},
			{Label: "Review", Value: "team 0/1, then client 0/1", Short: true},
			{Label: "Author", Value: "Sam", Short: true},
			{Label: "Revision", Value: "2", Short: true},
			{Label: "Targets", Value: "slack:#news, mastodon:main", Short: true},
			{Label: "Publish at", Value: "Mon 23 Nov 2026 09:00 CET", Short: true},
		},
		Context: []string{"Updated 2026-11-22 10:00 CET"},
		Buttons: []commands.Button{
			{Label: "Approve", Command: "approve 12 --rev 2", Style: "primary"},
			{Label: "Request changes", Command: "changes 12 --rev 2", Input: "comment"},
			{Label: "Reject", Command: "reject 12 --rev 2", Style: "danger", Input: "reason"},
			{Label: "Edit", Command: "edit 12", Input: "text"},
		},
	}},
}

func TestRenderDraftCardGolden(t *testing.T) {
	golden(t, "card.golden", console.Render(draftInReview))
}

// golden compares got with testdata/name (rewritten with -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("Render differs from %s (-want +got):\n%s", path, diff)
	}
}

// TestButtonCommandsParse types every button of the draft card, its input
// placeholder filled, into Herald's real parser: what the console tells
// people to type must be a valid command.
func TestButtonCommandsParse(t *testing.T) {
	r := handlers.New(kit.Deps{})
	actor := herald.Actor{Platform: console.Platform, UserID: "sam", Name: "Sam"}
	for _, btn := range draftInReview.Cards[0].Buttons {
		t.Run(btn.Label, func(t *testing.T) {
			line := "/herald " + console.ButtonCommand(btn)
			d, args, err := r.Parse(actor, line)
			if err != nil {
				t.Fatalf("Parse(%q): %v", line, err)
			}
			if cmd, _, _ := strings.Cut(btn.Command, " "); d.Path != cmd {
				t.Errorf("Parse(%q) = %q; want %q", line, d.Path, cmd)
			}
			if btn.Input != "" && args.Str(btn.Input) != strings.ToUpper(btn.Input) {
				t.Errorf("Parse(%q) %s = %q; want the typed placeholder", line, btn.Input, args.Str(btn.Input))
			}
		})
	}
}

// TestAnnounceChannel: news for a channel names it in its header, with
// the platform when it is not the console's; other news names none.
func TestAnnounceChannel(t *testing.T) {
	card := commands.Card{Key: "mention:4", Title: "Mention #4 · Acme"}
	tests := []struct {
		name string
		to   herald.ChannelRef
		want string
	}{
		{"OK/NoChannel", herald.ChannelRef{}, "  ── news from Herald ──\n"},
		{"OK/ConsoleChannel", herald.ChannelRef{Platform: console.Platform, Workspace: "local", Channel: "#support"}, "  ── news from Herald · #support ──\n"},
		{"OK/OtherPlatform", herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "#support"}, "  ── news from Herald · slack:#support ──\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			a := &console.Adapter{Out: &out}
			if err := a.Announce(context.Background(), bot.Announcement{Card: card, Channel: tt.to, InChannel: true}); err != nil {
				t.Fatalf("Announce: %v", err)
			}
			got := out.String()
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("Announce wrote %q; want it to start with %q", got, tt.want)
			}
			if !strings.Contains(got, "Mention #4 · Acme") {
				t.Errorf("Announce wrote %q; want the card after the header", got)
			}
		})
	}
}

// draftWithMedia is draftInReview with three pictures and a video: alt
// text or its lack, a link, people's words with a control character.
var draftWithMedia = func() commands.Response {
	r := draftInReview
	c := r.Cards[0]
	c.Media = []commands.CardMedia{
		{SHA256: "a1", Name: "photo.jpg", Type: "image/jpeg", Size: 412_345, Width: 1080, Height: 1350, Alt: "The team on the\nnew store's steps"},
		{SHA256: "b2", Name: "chart\x1b[31m.png", Type: "image/png", Size: 80_000, Width: 1200, Height: 675},
		{SHA256: "c3", Name: "clip.mp4", Type: "video/mp4", Size: 9_000_000, Width: 1920, Height: 1080, Alt: "A walk through the aisles",
			Link: "https://herald.example/media/tok"},
	}
	r.Cards = []commands.Card{c}
	return r
}()

func TestRenderDraftCardMediaGolden(t *testing.T) {
	golden(t, "card_media.golden", console.Render(draftWithMedia))
}
