package console

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
)

// runEditor is Run at a terminal: lines come from the line editor, whose
// prompt names who is acting; Ctrl-C drops the line being typed, Ctrl-D
// (or /quit) leaves.
func (a *Adapter) runEditor(ctx context.Context, d bot.Dispatcher, s *session) error {
	stop := context.AfterFunc(ctx, func() { a.Editor.Close() })
	defer stop()
	for {
		line, err := a.editorLine(s)
		switch {
		case ctx.Err() != nil:
			return nil
		case isInterrupt(err):
			continue
		case err == io.EOF:
			return bot.ErrStopped
		case err != nil:
			return err
		}
		if s.handle(ctx, d, line) {
			return bot.ErrStopped
		}
	}
}

// editorLine reads one logical line: a trailing backslash continues it on
// the next, as in transcripts. A line over commands.MaxInput is tooLong.
func (a *Adapter) editorLine(s *session) (string, error) {
	var parts []string
	a.Editor.SetPrompt(s.user + "> ")
	for {
		l, err := a.Editor.Readline()
		if err != nil {
			if err == io.EOF && len(parts) > 0 {
				return strings.Join(parts, "\n"), nil
			}
			return "", err
		}
		cont, more := strings.CutSuffix(l, "\\")
		parts = append(parts, cont)
		if len(strings.Join(parts, "\n")) > commands.MaxInput {
			return tooLong, nil
		}
		if !more {
			return strings.Join(parts, "\n"), nil
		}
		a.Editor.SetPrompt(strings.Repeat(" ", len(s.user)) + "… ")
	}
}

// switchLang sets the language Herald speaks to the person at the
// console: /lang fr, /lang en.
func (s *session) switchLang(arg string) {
	l, ok := i18n.Parse(arg)
	if !ok {
		fmt.Fprintln(s.out, "  ✗ "+s.lang.T("Give a language: /lang fr or /lang en"))
		return
	}
	s.lang = l
	fmt.Fprintln(s.out, "  "+l.T("Herald now speaks English to you."))
}
