package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald/storage/sqlite"
)

func TestSubcommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "herald.db")
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "off"}

	t.Run("OK migrate", func(t *testing.T) {
		if out := MustRunMain(t, env, strings.NewReader(""), "migrate"); !strings.Contains(out, "applied 0001_init.sql") {
			t.Errorf("first migrate: %q", out)
		}
		if out := MustRunMain(t, env, strings.NewReader(""), "migrate"); !strings.Contains(out, "up to date") {
			t.Errorf("second migrate: %q", out)
		}
	})
	t.Run("OK backup", func(t *testing.T) {
		MustRunMain(t, env, strings.NewReader("/as alice\nbrand add Acme\ndraft hello\n"), "console")
		backup := filepath.Join(dir, "copy.db")
		if out := MustRunMain(t, env, strings.NewReader(""), "backup", backup); !strings.Contains(out, "Backup written") {
			t.Errorf("backup: %q", out)
		}
		s, err := sqlite.Open(backup)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if d, err := s.Draft(context.Background(), 1); err != nil || d.Text != "hello" {
			t.Errorf("draft 1 in the backup: %+v, %v", d, err)
		}
	})
	t.Run("OK doctor", func(t *testing.T) {
		if out := MustRunMain(t, env, strings.NewReader(""), "doctor"); !strings.Contains(out, "integrity ok") {
			t.Errorf("doctor: %q", out)
		}
	})
	t.Run("OK version", func(t *testing.T) {
		if out := MustRunMain(t, nil, strings.NewReader(""), "version"); !strings.HasPrefix(out, "herald ") {
			t.Errorf("version: %q", out)
		}
	})
	for name, args := range map[string][]string{
		"ErrUnknownCommand": {"frobnicate"},
		"ErrBackupNoFile":   {"backup"},
		"ErrBackupExists":   {"backup", db},
	} {
		t.Run(name, func(t *testing.T) {
			m := NewMain()
			m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), io.Discard, io.Discard
			if err := m.ParseFlags(args, envOf(env)); err != nil {
				t.Fatal(err)
			}
			err := m.Run(context.Background())
			m.Close()
			if err == nil {
				t.Error("no error")
			}
		})
	}
	t.Run("ErrDiscordHTTPNeedsServer", func(t *testing.T) {
		m := NewMain()
		m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), io.Discard, io.Discard
		discord := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "off", "DISCORD_BOT_TOKEN": "t", "DISCORD_APP_ID": "123",
			"DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32)}
		if err := m.ParseFlags(nil, envOf(discord)); err != nil {
			t.Fatal(err)
		}
		err := m.Run(context.Background())
		m.Close()
		if err == nil || !strings.Contains(err.Error(), "HERALD_HTTP_ADDR") {
			t.Errorf("got %v, want a refusal naming HERALD_HTTP_ADDR", err)
		}
	})
	t.Run("ErrSlackHTTPNeedsServer", func(t *testing.T) {
		m := NewMain()
		m.Stdin, m.Stdout, m.Stderr = strings.NewReader(""), io.Discard, io.Discard
		slack := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "off", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
		if err := m.ParseFlags(nil, envOf(slack)); err != nil {
			t.Fatal(err)
		}
		err := m.Run(context.Background())
		m.Close()
		if err == nil || !strings.Contains(err.Error(), "HERALD_HTTP_ADDR") {
			t.Errorf("got %v, want a refusal naming HERALD_HTTP_ADDR", err)
		}
	})
	t.Run("OKSlackManifest", func(t *testing.T) {
		out := MustRunMain(t, nil, strings.NewReader(""), "slack", "manifest")
		if !strings.Contains(out, "/herald") || !strings.Contains(out, "socket_mode_enabled: true") {
			t.Errorf("manifest:\n%s", out)
		}
		out = MustRunMain(t, nil, strings.NewReader(""), "slack", "manifest", "https://herald.example.com")
		if !strings.Contains(out, "https://herald.example.com/slack/commands") {
			t.Errorf("HTTP manifest:\n%s", out)
		}
	})
	t.Run("ErrBadConfigNamesSetting", func(t *testing.T) {
		m := NewMain()
		m.Stdout, m.Stderr = io.Discard, io.Discard
		if err := m.ParseFlags([]string{"-timezone", "Mars/Base"}, envOf(env)); err != nil {
			t.Fatal(err)
		}
		if err := m.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "HERALD_TIMEZONE") {
			t.Errorf("got %v", err)
		}
	})
}
