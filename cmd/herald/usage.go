package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/heraldhq/herald/commands/i18n"
)

// usageText is the long usage of `herald help` and -h, in l (LANG,
// LC_ALL or LC_MESSAGES): command names, flags and settings stay as typed.
func usageText(l i18n.Lang) string {
	cmds := []struct{ name, desc string }{
		{"run", l.T("serve the configured chat platforms (the default); with none, open the console")},
		{"console", l.T("open the local console: a chat in the terminal")},
		{"migrate", l.T("apply database migrations and exit")},
		{"backup FILE", l.T("write a consistent copy of the SQLite database to FILE (PostgreSQL: use pg_dump)")},
		{"import sqlite:PATH", l.T("copy a whole SQLite database into the configured, empty PostgreSQL database")},
		{"doctor", l.T("check the configuration and the database")},
		{"version", l.T("print the version")},
		{"healthcheck [--ready]", l.T("ask the Herald serving HERALD_HTTP_ADDR for /healthz (with --ready: /readyz, the database answers); exit 0 when up, 1 otherwise")},
		{"help", l.T("list the commands, flags and main settings")},
		{"slack manifest [URL]", l.T("print the Slack app manifest (Socket Mode; with URL, HTTP endpoints at URL)")},
		{"discord register [--guild ID]", l.T("register the /herald command with Discord (in one guild: at once; else globally)")},
	}
	var b strings.Builder
	b.WriteString(l.T("Usage: herald [flags] [command]") + "\n\n" + l.T("Commands:") + "\n")
	for _, c := range cmds {
		if len(c.name) > 14 {
			fmt.Fprintf(&b, "  %s\n%17s%s\n", c.name, "", c.desc)
			continue
		}
		fmt.Fprintf(&b, "  %-15s%s\n", c.name, c.desc)
	}
	b.WriteString("\n" + l.T("Configuration comes from the environment (see docs/configuration.md), the file named by\nHERALD_CONFIG, and these flags:") + "\n")
	return b.String()
}

// flagHelp says what each flag of the command line sets, in l.
func flagHelp(l i18n.Lang, name string) string {
	switch name {
	case "database":
		return l.T("database: sqlite:PATH or postgres://USER:PASSWORD@HOST/DB (HERALD_DATABASE)")
	case "http-addr":
		return l.T("HTTP listen address, or off (HERALD_HTTP_ADDR)")
	case "timezone":
		return l.T("time zone of new brands (HERALD_TIMEZONE)")
	case "log-level":
		return l.T("debug, info, warn or error (HERALD_LOG_LEVEL)")
	case "as":
		return l.T("console: the name you act as first")
	case "ready":
		return l.T("healthcheck: ask /readyz (the database answers) instead of /healthz")
	}
	return name
}

// printFlags lists the flags of fs in l: in English as package flag does,
// in French with the same layout and French words.
func printFlags(w io.Writer, fs *flag.FlagSet, l i18n.Lang) {
	if l == i18n.English {
		fs.SetOutput(w)
		fs.PrintDefaults()
		return
	}
	fs.VisitAll(func(f *flag.Flag) {
		fmt.Fprintf(w, "  -%s %s\n    \t%s", f.Name, l.T("string"), f.Usage)
		if f.DefValue != "" {
			fmt.Fprint(w, " "+l.F("(default %q)", f.DefValue))
		}
		fmt.Fprintln(w)
	})
}

// settingsText lists the main settings briefly, in l; README.md and
// docs/operations.md have them all.
func settingsText(l i18n.Lang) string {
	rows := []struct{ name, desc string }{
		{"HERALD_DATABASE", l.T("sqlite:PATH or postgres://USER:PASSWORD@HOST/DB (default sqlite:herald.db)")},
		{"HERALD_HTTP_ADDR", l.T("HTTP address for health, metrics and the platforms' endpoints, or off (default :8080)")},
		{"HERALD_TIMEZONE", l.T("time zone of new brands (default UTC; brand zone changes a brand's)")},
		{"HERALD_LOG_LEVEL", l.T("debug, info, warn or error")},
		{"HERALD_PUBLIC_URL", l.T("Herald's public https URL (calendar links, endpoints)")},
		{"HERALD_SECRET_KEY", l.T("base64 keys sealing target credentials")},
	}
	pairs := []struct{ name, desc string }{
		{l.T("SLACK_BOT_TOKEN, SLACK_APP_TOKEN or SLACK_SIGNING_SECRET"), l.T("connect Slack")},
		{"DISCORD_BOT_TOKEN, DISCORD_APP_ID, DISCORD_PUBLIC_KEY", l.T("connect Discord")},
		{"OPENAI_API_KEY, OPENAI_BASE_URL, HERALD_LLM_MODEL", l.T("drafting help")},
	}
	var b strings.Builder
	b.WriteString("\n" + l.T("Main settings (environment variables; also KEY=VALUE lines in the file named by HERALD_CONFIG):") + "\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "  %-21s%s\n", r.name, r.desc)
	}
	for _, r := range pairs {
		fmt.Fprintf(&b, "  %-61s%s\n", r.name, r.desc)
	}
	fmt.Fprintf(&b, "  %-28s%s\n", "LANG, LC_ALL, LC_MESSAGES", l.T("the console's language (fr or en)"))
	return b.String()
}
