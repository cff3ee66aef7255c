package main

// The command line around the subcommands: what main does with the
// arguments and the exit status, `herald help`, and the errors of a
// mistyped command line (said once, then a short usage).

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/heraldhq/herald/internal/textdist"
)

// Exit statuses of Main.
const (
	exitOK    = 0
	exitError = 1 // the command failed
	exitUsage = 2 // the command line is wrong
)

// usageError is a mistake in the command line: main says it once, then
// how to get help.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// Main runs herald with args (without the program name) and the
// environment of getenv, as the process does, and returns its exit
// status: 0 done (or help shown), 1 failed, 2 a wrong command line.
func (m *Main) Main(ctx context.Context, args []string, getenv func(string) string) int {
	err := m.ParseFlags(args, getenv)
	if err == nil {
		err = m.Run(ctx)
	}
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintln(m.Stderr, "herald:", err)
		fmt.Fprintln(m.Stderr, m.Lang.T("Usage: herald [flags] [command]. Run `herald help` for the commands, flags and settings."))
		return exitUsage
	}
	fmt.Fprintln(m.Stderr, "herald:", err)
	return exitError
}

// flagError words an error of package flag for people: the flag named as
// it was typed, the nearest known flag for an unknown one.
func (m *Main) flagError(fs *flag.FlagSet, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		var known []string
		fs.VisitAll(func(f *flag.Flag) { known = append(known, f.Name) })
		if near, ok := textdist.Nearest(name, known, textdist.Budget(name)); ok {
			return &usageError{errors.New(m.Lang.F("unknown flag --%s (did you mean --%s?)", name, near))}
		}
		return &usageError{errors.New(m.Lang.F("unknown flag --%s", name))}
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return &usageError{errors.New(m.Lang.F("the flag --%s needs a value, e.g. --%s=VALUE", name, name))}
	}
	return &usageError{err}
}

// flagSettings are the settings each flag overrides: a bad value is
// reported under the flag's name when the flag gave it.
var flagSettings = map[string]string{
	"database": "HERALD_DATABASE", "http-addr": "HERALD_HTTP_ADDR",
	"timezone": "HERALD_TIMEZONE", "log-level": "HERALD_LOG_LEVEL",
}

// nameFlags rewrites the problems of a configuration error that come from
// flags given on the command line, so that they name the flag
// ("--http-addr: "x" is not HOST:PORT"), not only the setting.
func (m *Main) nameFlags(err error) error {
	if err == nil || len(m.flagsGiven) == 0 {
		return err
	}
	text := err.Error()
	for _, name := range m.flagsGiven {
		if env, ok := flagSettings[name]; ok {
			text = strings.ReplaceAll(text, env+":", "--"+name+" ("+env+"):")
		}
	}
	if text == err.Error() {
		return err
	}
	return &usageError{errors.New(text)}
}

// commandNames are the keys of commandRunners (a test checks it), for
// suggestions.
var commandNames = []string{"run", "console", "migrate", "backup", "import", "doctor", "version", "help", "slack", "discord", "healthcheck"}

// unknownCommand refuses a subcommand herald does not have, suggesting the
// nearest.
func (m *Main) unknownCommand(name string) error {
	if near, ok := textdist.Nearest(name, commandNames, textdist.Budget(name)); ok {
		return &usageError{errors.New(m.Lang.F("unknown command %q (did you mean %s?)", name, near))}
	}
	return &usageError{errors.New(m.Lang.F("unknown command %q", name))}
}

// runHelp prints the commands, flags and main settings: `herald help`.
func (m *Main) runHelp(context.Context) error {
	if len(m.Args) > 0 {
		if !slices.Contains(commandNames, m.Args[0]) {
			return m.unknownCommand(m.Args[0])
		}
	}
	fmt.Fprint(m.Stdout, usageText(m.Lang))
	printFlags(m.Stdout, m.flagSet(new(Config)), m.Lang)
	fmt.Fprint(m.Stdout, settingsText(m.Lang))
	return nil
}
