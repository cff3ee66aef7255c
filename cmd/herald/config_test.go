package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "token")
	if err := os.WriteFile(secret, []byte("xoxb-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "herald.env")
	if err := os.WriteFile(file, []byte("# comment\nHERALD_TIMEZONE=\"Europe/Paris\"\nexport HERALD_HTTP_ADDR=':9090'\nHERALD_DATABASE=sqlite:/from/file.db\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("OK defaults", func(t *testing.T) {
		c, err := LoadConfig(envOf(nil))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(DefaultConfig(), c); diff != "" {
			t.Error(diff)
		}
	})
	t.Run("OK file then environment", func(t *testing.T) {
		c, err := LoadConfig(envOf(map[string]string{"HERALD_CONFIG": file, "HERALD_DATABASE": "sqlite:/from/env.db", "HERALD_ALLOW_PRIVATE_SOURCES": "true"}))
		if err != nil {
			t.Fatal(err)
		}
		if c.Timezone != "Europe/Paris" || c.HTTPAddr != ":9090" || c.Database != "sqlite:/from/env.db" || !c.AllowPrivateSources {
			t.Errorf("got %+v", c)
		}
	})
	t.Run("OK listening", func(t *testing.T) {
		c, err := LoadConfig(envOf(map[string]string{"HERALD_HN_API_URL": "http://127.0.0.1:9/hn", "MASTODON_TOKENS": "mastodon.social=abc, https://Fosstodon.org=def"}))
		if err != nil || c.Listening.HNAPIURL != "http://127.0.0.1:9/hn" {
			t.Fatalf("got %+v, %v", c.Listening, err)
		}
		toks, err := c.Listening.mastodonTokens()
		if diff := cmp.Diff(map[string]string{"mastodon.social": "abc", "fosstodon.org": "def"}, toks); diff != "" || err != nil {
			t.Errorf("mastodonTokens (-want +got): %s %v", diff, err)
		}
	})
	t.Run("OK secret from file", func(t *testing.T) {
		c, err := LoadConfig(envOf(map[string]string{"SLACK_BOT_TOKEN_FILE": secret}))
		if err != nil || c.SlackBotToken != "xoxb-from-file" {
			t.Errorf("token %q, err %v", c.SlackBotToken, err)
		}
	})
	for name, env := range map[string]map[string]string{
		"ErrBothSecretAndFile": {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_BOT_TOKEN_FILE": secret},
		"ErrMissingSecretFile": {"OPENAI_API_KEY_FILE": filepath.Join(dir, "nope")},
		"ErrBadBool":           {"HERALD_ALLOW_PRIVATE_SOURCES": "maybe"},
		"ErrMissingConfigFile": {"HERALD_CONFIG": filepath.Join(dir, "nope.env")},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := LoadConfig(envOf(env)); err == nil {
				t.Error("no error")
			}
		})
	}
	t.Run("ErrUnknownNameInFile", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.env")
		os.WriteFile(bad, []byte("HERALD_DATABSE=sqlite:x.db\n"), 0o600)
		_, err := LoadConfig(envOf(map[string]string{"HERALD_CONFIG": bad}))
		if err == nil || !strings.Contains(err.Error(), "bad.env:1") {
			t.Errorf("error %v does not point at the line", err)
		}
	})
}

func TestConfigValidate(t *testing.T) {
	ok := DefaultConfig()
	if err := ok.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for _, db := range []string{"postgres://herald:pw@db.example:5432/herald?sslmode=require", "postgresql://localhost/herald", "postgres:///herald?host=/run/postgresql"} {
		pg := DefaultConfig()
		pg.Database = db
		if err := pg.Validate(); err != nil {
			t.Errorf("HERALD_DATABASE=%s: %v", db, err)
		}
	}
	tests := []struct {
		name string
		edit func(*Config)
		want string // a piece of the message
	}{
		{"ErrDatabaseScheme", func(c *Config) { c.Database = "mysql://x" }, "HERALD_DATABASE"},
		{"ErrDatabaseEmptyPath", func(c *Config) { c.Database = "sqlite:" }, "give a file"},
		{"ErrPostgresURL", func(c *Config) { c.Database = "postgres://herald:pw@db example/herald" }, "PostgreSQL URL"},
		{"ErrHTTPAddr", func(c *Config) { c.HTTPAddr = "8080" }, "HERALD_HTTP_ADDR"},
		{"ErrHTTPPort", func(c *Config) { c.HTTPAddr = ":99999" }, "port"},
		{"ErrTimezone", func(c *Config) { c.Timezone = "Mars/Base" }, "HERALD_TIMEZONE"},
		{"ErrLogLevel", func(c *Config) { c.LogLevel = "loud" }, "HERALD_LOG_LEVEL"},
		{"ErrSlackBotPrefix", func(c *Config) { c.SlackBotToken, c.SlackAppToken = "xapp-1", "xapp-2" }, "xoxb-"},
		{"ErrSlackAppPrefix", func(c *Config) { c.SlackBotToken, c.SlackAppToken = "xoxb-1", "xoxb-2" }, "xapp-"},
		{"ErrSlackNoTransport", func(c *Config) { c.SlackBotToken = "xoxb-1" }, "SLACK_APP_TOKEN"},
		{"ErrSlackNoBot", func(c *Config) { c.SlackSigningSecret = "s" }, "SLACK_BOT_TOKEN"},
		{"ErrDiscordNoApp", func(c *Config) { c.DiscordBotToken = "t" }, "DISCORD_APP_ID"},
		{"ErrDiscordAppID", func(c *Config) { c.DiscordBotToken, c.DiscordAppID = "t", "abc" }, "DISCORD_APP_ID"},
		{"ErrDiscordKey", func(c *Config) { c.DiscordPublicKey = "xyz" }, "DISCORD_PUBLIC_KEY"},
		{"ErrDiscordNoToken", func(c *Config) { c.DiscordAppID = "123" }, "DISCORD_BOT_TOKEN: needed as well"},
		{"ErrDiscordBotPrefix", func(c *Config) { c.DiscordBotToken, c.DiscordAppID = "Bot abc", "123" }, "without \"Bot \""},
		{"ErrDiscordAPIURL", func(c *Config) { c.DiscordAPIURL = "discord.com/api" }, "DISCORD_API_URL"},
		{"ErrAPIURL", func(c *Config) { c.SlackAPIURL = "ftp://x" }, "SLACK_API_URL"},
		{"ErrOpenAIURL", func(c *Config) { c.OpenAIBaseURL = "localhost:11434" }, "OPENAI_BASE_URL"},
		{"ErrHNURL", func(c *Config) { c.Listening.HNAPIURL = "hn.algolia.com" }, "HERALD_HN_API_URL"},
		{"ErrJetstreamURL", func(c *Config) { c.Listening.JetstreamURL = "https://jetstream.example" }, "HERALD_JETSTREAM_URL"},
		{"ErrRedditHalfCredentials", func(c *Config) { c.Listening.RedditClientID = "id" }, "REDDIT_CLIENT_SECRET"},
		{"ErrBlueskyHalfAccount", func(c *Config) { c.Listening.BlueskyHandle = "acme.bsky.social" }, "BLUESKY_APP_PASSWORD"},
		{"ErrMastodonTokens", func(c *Config) { c.Listening.MastodonTokens = "mastodon.social" }, "MASTODON_TOKENS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.edit(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want a message with %q", err, tt.want)
			}
		})
	}
	t.Run("OK every problem at once", func(t *testing.T) {
		c := DefaultConfig()
		c.Timezone, c.HTTPAddr = "Nowhere", "x"
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), "HERALD_TIMEZONE") || !strings.Contains(err.Error(), "HERALD_HTTP_ADDR") {
			t.Errorf("want both problems, got %v", err)
		}
	})
}
