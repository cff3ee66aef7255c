package main

// The console's files beside the database: herald.log (the logs, which
// would otherwise land on the prompt) and herald-history (what was typed,
// for the line editor).

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/heraldhq/herald/bot/console"
	"github.com/heraldhq/herald/commands/i18n"
)

// Names of the console's files, in the database's directory.
const (
	logFileName     = "herald.log"
	historyFileName = "herald-history"
)

// besideDatabase returns the path of name in the database's directory.
func (m *Main) besideDatabase(name string) string {
	path, _ := m.Config.SQLitePath()
	return filepath.Join(filepath.Dir(path), name)
}

// consoleLog opens herald.log for the console's logs: appended to, only
// the owner may read it. nil (with the reason said on Stderr) when it
// cannot be opened: the logs go to Stderr then.
func (m *Main) consoleLog() io.Writer {
	path := m.besideDatabase(logFileName)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		fmt.Fprintln(m.Stderr, "herald:", m.Lang.F("the logs stay on the terminal: %v", err))
		return nil
	}
	m.logFile = f
	m.logPath = path
	return f
}

// consoleLevel is the console's log level when HERALD_LOG_LEVEL is not
// set: everything from info, as it goes to a file.
const consoleLevel = slog.LevelInfo

// consoleAdapter is the console: at a terminal, with line editing and
// history (herald-history beside the database); piped, reading lines as
// they come.
func (m *Main) consoleAdapter() *console.Adapter {
	a := &console.Adapter{In: m.Stdin, Out: m.Stdout, User: m.ConsoleUser, Interactive: m.Interactive, Lang: m.consoleLang()}
	if !m.Interactive || m.Stdin != os.Stdin {
		return a
	}
	ed, err := console.NewEditor(m.besideDatabase(historyFileName))
	if err != nil {
		m.log.Warn("line editing is off", "error", err)
		return a
	}
	a.Editor, a.Out = ed, ed.Stdout()
	m.Stdout = a.Out // the banner and news print above the prompt too
	return a
}

// consoleLang is the language of the person at the terminal when LANG,
// LC_ALL or LC_MESSAGES names one; "" otherwise (the brand's is used).
func (m *Main) consoleLang() i18n.Lang {
	if !m.langSet {
		return ""
	}
	return m.Lang
}

// langFromEnv reads the terminal's language from getenv.
func (m *Main) langFromEnv(getenv func(string) string) {
	all, msgs, lang := getenv("LC_ALL"), getenv("LC_MESSAGES"), getenv("LANG")
	m.Lang = i18n.FromEnv(all, msgs, lang)
	for _, v := range []string{all, msgs, lang} {
		if v != "" && v != "C" && v != "POSIX" {
			_, m.langSet = i18n.Parse(v)
			return
		}
	}
}
