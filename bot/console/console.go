// Package console is the local console: a chat in the terminal where every
// Herald command works, for trying Herald without a chat platform and for
// replaying transcripts.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/publish"
)

// Platform is the platform name of console users.
const Platform = "console"

// Adapter reads commands from In and writes answers to Out.
type Adapter struct {
	In  io.Reader
	Out io.Writer // written by one goroutine at a time (news arrives from others)
	// User is who acts first; /as NAME switches.
	User string
	// Interactive prints a prompt before each line; otherwise each input
	// line is echoed after the prompt, so the output reads as a transcript.
	Interactive bool
	// Editor, when set, reads the lines instead of In: a terminal with line
	// editing and history (NewEditor). Out should then be its Stdout.
	Editor LineEditor
	// Lang is the language of the people at the console (LANG, LC_ALL...;
	// "" unknown: the brand's is used); /lang changes it.
	Lang i18n.Lang

	once sync.Once
	out  *lockedWriter
	sent atomic.Int64 // posts previewed
}

// lockedWriter serialises writes from the session and from news.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (a *Adapter) writer() *lockedWriter {
	a.once.Do(func() { a.out = &lockedWriter{w: a.Out} })
	return a.out
}

var (
	_ bot.Announcer     = (*Adapter)(nil)
	_ publish.Publisher = (*Adapter)(nil)
)

// Announce implements bot.Announcer: the console shows all news, as it
// has every channel in view. News for a given channel (a mention routed
// there) names it in its header: "── news from Herald · #support ──", a
// channel of another platform with that platform ("slack:#support").
func (a *Adapter) Announce(ctx context.Context, n bot.Announcement) error {
	if n.To != nil {
		if n.To.Platform != Platform {
			return nil
		}
		text := "  ── for " + n.To.Display() + " alone ──\n" + Render(commands.Response{Cards: []commands.Card{n.Card}, Ephemeral: true})
		_, err := io.WriteString(a.writer(), text)
		return err
	}
	var b strings.Builder
	b.WriteString("  ── news from Herald")
	if c := n.Channel; c.Channel != "" {
		b.WriteString(" · ")
		if c.Platform != "" && c.Platform != Platform {
			b.WriteString(c.Platform + ":")
		}
		b.WriteString(c.Channel)
	}
	b.WriteString(" ──\n")
	b.WriteString(Render(commands.Response{Cards: []commands.Card{n.Card}}))
	if n.Note.Text != "" || len(n.Note.Cards) > 0 {
		b.WriteString(Render(n.Note))
	}
	_, err := io.WriteString(a.writer(), b.String())
	return err
}

// Publish implements publish.Publisher for chat channel targets while no
// chat platform is connected: the console shows the post as it would
// appear, so a new user can follow a post from draft to publication.
func (a *Adapter) Publish(ctx context.Context, p publish.Post) (publish.Receipt, error) {
	n := a.sent.Add(1)
	var b strings.Builder
	fmt.Fprintf(&b, "  📣 %s (console preview: connect %s to post there)\n", p.Target, p.Target.Kind)
	writeIndented(&b, "  │ ", "  │ ", p.Text)
	if _, err := io.WriteString(a.writer(), b.String()); err != nil {
		return publish.Receipt{}, publish.TransientError(err, 0)
	}
	return publish.Receipt{ID: fmt.Sprintf("console-%d", n)}, nil
}

var _ bot.Adapter = (*Adapter)(nil)

// Name implements bot.Adapter.
func (a *Adapter) Name() string { return "console" }

type session struct {
	out     io.Writer
	user    string
	channel string
	lang    i18n.Lang // "" unknown
}

func (s *session) actor() herald.Actor {
	return herald.Actor{Platform: Platform, UserID: strings.ToLower(s.user), Name: s.user, Lang: string(s.lang)}
}

func (s *session) ref() herald.ChannelRef {
	return herald.ChannelRef{Platform: Platform, Workspace: "local", Channel: s.channel}
}

// Run implements bot.Adapter. It returns bot.ErrStopped on /quit or at the
// end of the input, and nil when ctx is done.
func (a *Adapter) Run(ctx context.Context, d bot.Dispatcher) error {
	user := a.User
	if user == "" {
		user = "you"
	}
	out := a.writer()
	s := &session{out: out, user: user, channel: "#general", lang: a.Lang}
	fmt.Fprintf(out, "Herald console — you are %s in %s. Type `help` for commands, `/as NAME` to act as someone else, `/quit` to leave.\n", s.user, s.channel)
	if a.Editor != nil {
		return a.runEditor(ctx, d, s)
	}
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		readErr <- readLines(a.In, lines)
		close(lines)
	}()
	for {
		if a.Interactive {
			fmt.Fprintf(out, "%s> ", s.user)
		}
		var line string
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case line, ok = <-lines:
		}
		if !ok {
			if a.Interactive {
				fmt.Fprintln(out) // end the prompt line on Ctrl-D
			}
			if err := <-readErr; err != nil {
				return err
			}
			return bot.ErrStopped
		}
		if !a.Interactive {
			shown := line
			if strings.Contains(line, tooLong) {
				shown = "(a line too long to show)"
			}
			fmt.Fprintf(out, "%s> %s\n", s.user, shown)
		}
		if stop := s.handle(ctx, d, line); stop {
			return bot.ErrStopped
		}
	}
}

// readLines sends each logical line of r (a trailing backslash continues a
// line on the next) until EOF. A line longer than commands.MaxInput is
// skipped, whatever its length, and sent as tooLong.
func readLines(r io.Reader, out chan<- string) error {
	br := bufio.NewReaderSize(r, 64*1024)
	var pending []string
	for {
		l, err := readLine(br)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if cont, ok := strings.CutSuffix(l, "\\"); ok && l != tooLong {
			pending = append(pending, cont)
			continue
		}
		out <- strings.Join(append(pending, l), "\n")
		pending = nil
	}
	if len(pending) > 0 {
		out <- strings.Join(pending, "\n")
	}
	return nil
}

// tooLong stands for a line over the limit (a NUL never comes from a
// terminal line).
const tooLong = "\x00too long"

// readLine reads one line without its end of line; io.EOF only when
// nothing is left.
func readLine(br *bufio.Reader) (string, error) {
	var buf []byte
	over := false
	for {
		chunk, isPrefix, err := br.ReadLine()
		if err != nil {
			if err == io.EOF && (len(buf) > 0 || over) {
				break
			}
			return "", err
		}
		if !over {
			buf = append(buf, chunk...)
			over = len(buf) > commands.MaxInput
		}
		if !isPrefix {
			break
		}
	}
	if over {
		return tooLong, nil
	}
	return strings.TrimRight(string(buf), "\r"), nil
}

var consoleHelp = `Console commands:
  /as NAME        act as NAME (a new name is a new user)
  /channel NAME   move to channel NAME (each channel can have its own brand)
  /lang fr|en     the language Herald speaks to you
  /quit           leave (Ctrl-D works too)
Everything else is a Herald command, with or without /herald in front: try "help".`

// handle runs one line and reports whether the console should stop.
func (s *session) handle(ctx context.Context, d bot.Dispatcher, line string) bool {
	if strings.Contains(line, tooLong) {
		fmt.Fprintf(s.out, "  ✗ That line is longer than %d KiB; nothing was done.\n", commands.MaxInput>>10)
		return false
	}
	line = strings.TrimSpace(line)
	if line == "" || line == "#" || strings.HasPrefix(line, "# ") { // a comment, as in transcripts
		return false
	}
	word, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch strings.ToLower(word) {
	case "/quit", "/exit":
		return true
	case "/as":
		s.switchUser(arg)
		return false
	case "/channel", "/in":
		s.switchChannel(arg)
		return false
	case "/lang":
		s.switchLang(arg)
		return false
	case "/help":
		fmt.Fprintln(s.out, consoleHelp)
		return false
	}
	resp := d.Dispatch(ctx, commands.Call{Actor: s.actor(), Channel: s.ref(), Text: line})
	fmt.Fprint(s.out, Render(resp))
	if isHelp(line) && resp.ErrCode == "" {
		fmt.Fprintln(s.out, consoleHelp)
	}
	return false
}

// isHelp reports whether line asks for the command overview.
func isHelp(line string) bool {
	f := strings.Fields(strings.ToLower(line))
	if len(f) > 0 && (f[0] == "/herald" || f[0] == "herald") {
		f = f[1:]
	}
	return len(f) == 1 && f[0] == "help"
}

func (s *session) switchUser(name string) {
	name = strings.TrimPrefix(name, "@")
	if name == "" || strings.ContainsAny(name, " \t") || len(name) > 64 {
		fmt.Fprintln(s.out, "  ✗ Give one name: /as alice")
		return
	}
	s.user = name
	fmt.Fprintf(s.out, "  You are now %s.\n", name)
}

func (s *session) switchChannel(name string) {
	if name == "" || strings.ContainsAny(name, " \t") {
		fmt.Fprintln(s.out, "  ✗ Give one channel name: /channel #launch")
		return
	}
	if !strings.HasPrefix(name, "#") {
		name = "#" + name
	}
	s.channel = name
	fmt.Fprintf(s.out, "  You are now in %s.\n", name)
}
