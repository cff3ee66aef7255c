package console

import (
	"errors"
	"io"
	"os"

	"github.com/chzyer/readline"
)

// LineEditor reads the lines a person types at a terminal, with line
// editing (arrows, Ctrl-A/E, Ctrl-R to search the history) and a history
// kept between sessions. *readline.Instance is one (NewEditor).
type LineEditor interface {
	// Readline shows the prompt and returns the line typed: io.EOF on
	// Ctrl-D at an empty line, readline.ErrInterrupt on Ctrl-C.
	Readline() (string, error)
	// SetPrompt sets the prompt of the next line.
	SetPrompt(prompt string)
	// Stdout is a writer that prints above the line being typed: news
	// arriving meanwhile never lands inside the prompt.
	Stdout() io.Writer
	Close() error
}

// HistoryLimit bounds the history file: the newest lines are kept.
const HistoryLimit = 1000

// NewEditor returns a line editor on the process's terminal whose history
// lives in historyFile (created when missing; "" keeps none).
func NewEditor(historyFile string) (LineEditor, error) {
	rl, err := readline.NewEx(&readline.Config{
		Prompt:            "> ",
		HistoryFile:       historyFile,
		HistoryLimit:      HistoryLimit,
		HistorySearchFold: true,
		InterruptPrompt:   "^C",
		EOFPrompt:         "",
	})
	if err != nil {
		return nil, err
	}
	return rl, nil
}

// IsTerminal reports whether f is a terminal, where line editing works.
func IsTerminal(f *os.File) bool { return readline.IsTerminal(int(f.Fd())) }

// isInterrupt reports whether err is Ctrl-C at the prompt.
func isInterrupt(err error) bool { return errors.Is(err, readline.ErrInterrupt) }
