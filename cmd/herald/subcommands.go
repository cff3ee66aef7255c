package main

// The subcommands other than run and console: migrate, backup, doctor,
// version, discord register, slack manifest.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"runtime/debug"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot/slack"
)

func (m *Main) runMigrate(ctx context.Context) error {
	applied, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(m.Stdout, "%s is up to date.\n", redactDatabase(m.Config.Database))
	}
	for _, name := range applied {
		fmt.Fprintf(m.Stdout, "applied %s\n", name)
	}
	return nil
}

func (m *Main) runBackup(ctx context.Context) error {
	if len(m.Args) != 1 {
		return errors.New("usage: herald backup FILE")
	}
	if _, err := m.openStore(ctx); err != nil {
		return err
	}
	s, ok := m.store.(sqliteOnly)
	if !ok {
		return errors.New("herald backup copies an SQLite file; on PostgreSQL use pg_dump (docs/postgres.md)")
	}
	if err := s.Backup(ctx, m.Args[0]); err != nil {
		return err
	}
	st, err := os.Stat(m.Args[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "Backup written to %s (%d bytes).\n", m.Args[0], st.Size())
	return m.mediaReport(ctx, false)
}

func (m *Main) runDoctor(ctx context.Context) error {
	fmt.Fprintln(m.Stdout, "configuration: ok")
	if _, err := m.openStore(ctx); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	checked, err := m.integrity(ctx)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	var he *herald.Error
	if errors.As(m.inUse, &he) {
		cur, known, err := m.store.SchemaVersion(ctx)
		if err != nil {
			return fmt.Errorf("database: %w", err)
		}
		fmt.Fprintf(m.Stdout, "database %s: ok (schema %d of %d, %s); %s serves it, so doctor did not migrate\n", redactDatabase(m.Config.Database), cur, known, checked, he.Facts["holder"])
	} else {
		fmt.Fprintf(m.Stdout, "database %s: ok (schema up to date, %s)\n", redactDatabase(m.Config.Database), checked)
	}
	if err := m.doctorSecrets(ctx); err != nil {
		return err
	}
	platforms := "none (console only)"
	if m.Config.SlackEnabled() || m.Config.DiscordEnabled() {
		platforms = fmt.Sprintf("slack=%v discord=%v", m.Config.SlackEnabled(), m.Config.DiscordEnabled())
	}
	fmt.Fprintf(m.Stdout, "chat platforms: %s\n", platforms)
	fmt.Fprintln(m.Stdout, m.Config.connectStatus())
	return m.mediaReport(ctx, true)
}

func (m *Main) runVersion(context.Context) error {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				v += " (" + s.Value + ")"
			}
		}
		v += " " + bi.GoVersion
	}
	fmt.Fprintln(m.Stdout, "herald", v)
	return nil
}

// runDiscord registers the /herald application command:
// `herald discord register [--guild ID]`. It is a bulk overwrite, so
// running it again changes nothing.
func (m *Main) runDiscord(ctx context.Context) error {
	const use = "usage: herald discord register [--guild ID]"
	if len(m.Args) == 0 || m.Args[0] != "register" {
		return errors.New(use)
	}
	fs := flag.NewFlagSet("herald discord register", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	guild := fs.String("guild", "", "register in this guild only (changes show at once); globally when empty")
	if err := fs.Parse(m.Args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New(use)
	}
	var missing []string
	if m.Config.DiscordBotToken == "" {
		missing = append(missing, "DISCORD_BOT_TOKEN (Bot page of your Discord application)")
	}
	if m.Config.DiscordAppID == "" {
		missing = append(missing, "DISCORD_APP_ID (General Information page)")
	}
	if len(missing) > 0 {
		return fmt.Errorf("registering /herald needs %s", strings.Join(missing, " and "))
	}
	app, err := m.wire() // no database: only the command definitions are used
	if err != nil {
		return err
	}
	a, err := m.discordAdapter(app)
	if err != nil {
		return err
	}
	n, err := a.Register(ctx, *guild)
	if err != nil {
		return fmt.Errorf("discord register: %w", err)
	}
	where := "globally (every server that has the app)"
	if *guild != "" {
		where = "in server " + *guild + " (it shows at once)"
	}
	fmt.Fprintf(m.Stdout, "Registered /herald with Discord %s; the application now has %d command(s).\n", where, n)
	return nil
}

// runSlack prints the Slack app manifest: `herald slack manifest [URL]`.
func (m *Main) runSlack(context.Context) error {
	if len(m.Args) == 0 || m.Args[0] != "manifest" || len(m.Args) > 2 {
		return errors.New("usage: herald slack manifest [PUBLIC_URL]")
	}
	o := slack.ManifestOptions{}
	if len(m.Args) == 2 {
		o.PublicURL = m.Args[1]
		if u, err := url.Parse(o.PublicURL); err != nil || u.Scheme != "https" || u.Host == "" {
			return &usageError{errors.New(m.Lang.F("Slack sends its events only to https URLs: %q is not one. Give Herald's public https URL (e.g. https://herald.example.com), or no URL for Socket Mode.", o.PublicURL))}
		}
	}
	y, err := slack.Manifest(o)
	if err != nil {
		return err
	}
	_, err = m.Stdout.Write(y)
	return err
}
