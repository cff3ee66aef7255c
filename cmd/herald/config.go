package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/internal/secret"
	"github.com/heraldhq/herald/media"
)

// Config is Herald's configuration. Sources, weakest first: defaults, the
// file named by HERALD_CONFIG (KEY=VALUE lines), the environment (each
// secret also as NAME_FILE), then flags.
type Config struct {
	Database            string
	HTTPAddr            string
	HTTPAddrSet         bool // HERALD_HTTP_ADDR or --http-addr was given: it is used as it is
	Timezone            string
	AllowPrivateSources bool
	LogLevel            string
	PublicURL           string        // Herald's public base URL (calendar links)
	PublishGrace        time.Duration // how late a post may still go out after downtime
	SecretKey           string        // keys sealing target credentials: "current,older,..." (base64)
	// Replicas (PostgreSQL): the name of this replica in its leases
	// (HERALD_REPLICA_ID; host, process and a random part when empty),
	// how long a publishing lease lasts unless renewed (HERALD_LEASE_TTL),
	// and how often a replica tries to become the leader and the leader
	// checks it still is (HERALD_ELECTION_INTERVAL).
	ReplicaID                  string
	LeaseTTL, ElectionInterval time.Duration

	SlackBotToken, SlackAppToken, SlackSigningSecret, SlackAPIURL string

	DiscordBotToken, DiscordAppID, DiscordPublicKey, DiscordAPIURL string

	OpenAIAPIKey, OpenAIBaseURL, LLMModel string
	OpenAIAPIVersion                      string        // Azure OpenAI's api-version
	LLMTimeout                            time.Duration // of one LLM request (assist.DefaultTimeout when 0)
	LLMVision                             bool          // the model reads images: Herald suggests alt text (HERALD_LLM_VISION)

	Media    string // where media live: file:DIR or s3://BUCKET/PREFIX?endpoint=…
	MediaMax int64  // bytes an upload may have (HERALD_MEDIA_MAX)
	// AWSAccessKeyID and AWSSecretAccessKey authenticate to an s3:// media
	// store (the usual AWS names; read here only).
	AWSAccessKeyID, AWSSecretAccessKey string

	Listening Listening
	Networks  Networks
}

// Listening configures the mention sources: every base URL (proxies,
// tests, self-hosted mirrors) and the optional accounts that unlock a
// source's authenticated search.
type Listening struct {
	HNAPIURL                           string // Hacker News' Algolia search API
	RedditURL, RedditOAuthURL          string // public and OAuth API hosts
	RedditClientID, RedditClientSecret string // app-only OAuth, when set
	RedditUsername                     string // for Reddit's User-Agent rule
	JetstreamURL                       string // Bluesky's firehose
	BlueskyPDSURL, BlueskyAppViewURL   string
	BlueskyHandle, BlueskyAppPassword  string // searchPosts, when set
	MastodonTokens                     string // "instance=token,…": search on those instances
}

// DefaultConfig returns the defaults of PRODUCT.md.
func DefaultConfig() Config {
	return Config{Database: "sqlite:herald.db", HTTPAddr: ":8080", Timezone: "UTC", LogLevel: "", PublishGrace: time.Hour,
		LeaseTTL: time.Minute, ElectionInterval: 10 * time.Second, MediaMax: media.DefaultMax,
		Listening: Listening{
			HNAPIURL:          "https://hn.algolia.com/api/v1",
			RedditURL:         "https://www.reddit.com",
			RedditOAuthURL:    "https://oauth.reddit.com",
			JetstreamURL:      "wss://jetstream2.us-east.bsky.network/subscribe",
			BlueskyPDSURL:     "https://bsky.social",
			BlueskyAppViewURL: "https://api.bsky.app",
		}}
}

// setting binds one configuration name to its field.
type setting struct {
	name   string
	secret bool // also read from NAME_FILE
	str    func(*Config) *string
	boolp  func(*Config) *bool
	dur    func(*Config) *time.Duration
	size   func(*Config) *int64 // bytes: 1048576, 50MB, 2GiB
}

var settings = []setting{
	{name: "HERALD_DATABASE", str: func(c *Config) *string { return &c.Database }},
	{name: "HERALD_HTTP_ADDR", str: func(c *Config) *string { return &c.HTTPAddr }},
	{name: "HERALD_TIMEZONE", str: func(c *Config) *string { return &c.Timezone }},
	{name: "HERALD_ALLOW_PRIVATE_SOURCES", boolp: func(c *Config) *bool { return &c.AllowPrivateSources }},
	// An alias: it covers publish targets too, not only sources.
	{name: "HERALD_ALLOW_PRIVATE_URLS", boolp: func(c *Config) *bool { return &c.AllowPrivateSources }},
	{name: "HERALD_LOG_LEVEL", str: func(c *Config) *string { return &c.LogLevel }},
	{name: "HERALD_PUBLIC_URL", str: func(c *Config) *string { return &c.PublicURL }},
	{name: "HERALD_PUBLISH_GRACE", dur: func(c *Config) *time.Duration { return &c.PublishGrace }},
	{name: "HERALD_REPLICA_ID", str: func(c *Config) *string { return &c.ReplicaID }},
	{name: "HERALD_LEASE_TTL", dur: func(c *Config) *time.Duration { return &c.LeaseTTL }},
	{name: "HERALD_ELECTION_INTERVAL", dur: func(c *Config) *time.Duration { return &c.ElectionInterval }},
	{name: "HERALD_SECRET_KEY", secret: true, str: func(c *Config) *string { return &c.SecretKey }},
	{name: "HERALD_MEDIA", str: func(c *Config) *string { return &c.Media }},
	{name: "HERALD_MEDIA_MAX", size: func(c *Config) *int64 { return &c.MediaMax }},
	{name: "AWS_ACCESS_KEY_ID", secret: true, str: func(c *Config) *string { return &c.AWSAccessKeyID }},
	{name: "AWS_SECRET_ACCESS_KEY", secret: true, str: func(c *Config) *string { return &c.AWSSecretAccessKey }},
	{name: "SLACK_BOT_TOKEN", secret: true, str: func(c *Config) *string { return &c.SlackBotToken }},
	{name: "SLACK_APP_TOKEN", secret: true, str: func(c *Config) *string { return &c.SlackAppToken }},
	{name: "SLACK_SIGNING_SECRET", secret: true, str: func(c *Config) *string { return &c.SlackSigningSecret }},
	{name: "SLACK_API_URL", str: func(c *Config) *string { return &c.SlackAPIURL }},
	{name: "DISCORD_BOT_TOKEN", secret: true, str: func(c *Config) *string { return &c.DiscordBotToken }},
	{name: "DISCORD_APP_ID", str: func(c *Config) *string { return &c.DiscordAppID }},
	{name: "DISCORD_PUBLIC_KEY", secret: true, str: func(c *Config) *string { return &c.DiscordPublicKey }},
	{name: "DISCORD_API_URL", str: func(c *Config) *string { return &c.DiscordAPIURL }},
	{name: "OPENAI_API_KEY", secret: true, str: func(c *Config) *string { return &c.OpenAIAPIKey }},
	{name: "OPENAI_BASE_URL", str: func(c *Config) *string { return &c.OpenAIBaseURL }},
	{name: "HERALD_LLM_MODEL", str: func(c *Config) *string { return &c.LLMModel }},
	{name: "OPENAI_API_VERSION", str: func(c *Config) *string { return &c.OpenAIAPIVersion }},
	{name: "HERALD_LLM_TIMEOUT", dur: func(c *Config) *time.Duration { return &c.LLMTimeout }},
	{name: "HERALD_LLM_VISION", boolp: func(c *Config) *bool { return &c.LLMVision }},
	{name: "HERALD_HN_API_URL", str: func(c *Config) *string { return &c.Listening.HNAPIURL }},
	{name: "HERALD_REDDIT_URL", str: func(c *Config) *string { return &c.Listening.RedditURL }},
	{name: "HERALD_REDDIT_OAUTH_URL", str: func(c *Config) *string { return &c.Listening.RedditOAuthURL }},
	{name: "REDDIT_CLIENT_ID", str: func(c *Config) *string { return &c.Listening.RedditClientID }},
	{name: "REDDIT_CLIENT_SECRET", secret: true, str: func(c *Config) *string { return &c.Listening.RedditClientSecret }},
	{name: "REDDIT_USERNAME", str: func(c *Config) *string { return &c.Listening.RedditUsername }},
	{name: "HERALD_JETSTREAM_URL", str: func(c *Config) *string { return &c.Listening.JetstreamURL }},
	{name: "HERALD_BLUESKY_PDS_URL", str: func(c *Config) *string { return &c.Listening.BlueskyPDSURL }},
	{name: "HERALD_BLUESKY_APPVIEW_URL", str: func(c *Config) *string { return &c.Listening.BlueskyAppViewURL }},
	{name: "BLUESKY_HANDLE", str: func(c *Config) *string { return &c.Listening.BlueskyHandle }},
	{name: "BLUESKY_APP_PASSWORD", secret: true, str: func(c *Config) *string { return &c.Listening.BlueskyAppPassword }},
	{name: "MASTODON_TOKENS", secret: true, str: func(c *Config) *string { return &c.Listening.MastodonTokens }},
}

func init() { settings = append(settings, networkSettings()...) }

func (s setting) set(c *Config, v string) error {
	if s.boolp != nil {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%s: %q is not true or false", s.name, v)
		}
		*s.boolp(c) = b
		return nil
	}
	if s.size != nil {
		n, err := parseSize(v)
		if err != nil {
			return fmt.Errorf("%s: %q is not a size such as 100000000, 100MB or 1GiB", s.name, v)
		}
		*s.size(c) = n
		return nil
	}
	if s.dur != nil {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d <= 0 {
			return fmt.Errorf("%s: %q is not a positive duration such as 30m or 2h", s.name, v)
		}
		*s.dur(c) = d
		return nil
	}
	*s.str(c) = strings.TrimSpace(v)
	return nil
}

// LoadConfig reads the config file (when HERALD_CONFIG names one) and the
// environment through getenv over the defaults.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := DefaultConfig()
	var errs []error
	if path := getenv("HERALD_CONFIG"); path != "" {
		file, err := readConfigFile(path)
		if err != nil {
			return c, err
		}
		for _, s := range settings {
			if v, ok := file[s.name]; ok {
				errs = append(errs, s.set(&c, v))
				c.HTTPAddrSet = c.HTTPAddrSet || s.name == "HERALD_HTTP_ADDR"
			}
		}
	}
	for _, s := range settings {
		v := getenv(s.name)
		if s.secret {
			if path := getenv(s.name + "_FILE"); path != "" {
				if v != "" {
					errs = append(errs, fmt.Errorf("set %s or %s_FILE, not both", s.name, s.name))
					continue
				}
				b, err := os.ReadFile(path)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s_FILE: %v", s.name, err))
					continue
				}
				v = strings.TrimSpace(string(b))
			}
		}
		if v != "" {
			errs = append(errs, s.set(&c, v))
			c.HTTPAddrSet = c.HTTPAddrSet || s.name == "HERALD_HTTP_ADDR"
		}
	}
	return c, errors.Join(errs...)
}

// readConfigFile reads KEY=VALUE lines; blank lines and # comments are
// skipped, and values may be quoted.
func readConfigFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("HERALD_CONFIG: %v", err)
	}
	defer f.Close()
	known := map[string]bool{}
	for _, s := range settings {
		known[s.name] = true
	}
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		k = strings.TrimSpace(k)
		if !ok || !known[k] {
			return nil, fmt.Errorf("%s:%d: expected NAME=value with a Herald setting name, got %q", path, n, k)
		}
		v = strings.TrimSpace(v)
		if uq, err := strconv.Unquote(v); err == nil {
			v = uq
		} else if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
			v = v[1 : len(v)-1]
		}
		out[k] = v
	}
	return out, sc.Err()
}

// SQLitePath returns the file of a sqlite: database.
func (c Config) SQLitePath() (string, bool) {
	return strings.CutPrefix(c.Database, "sqlite:")
}

// SlackEnabled reports whether a Slack connection is configured.
func (c Config) SlackEnabled() bool { return c.SlackBotToken != "" }

// DiscordEnabled reports whether a Discord connection is configured.
func (c Config) DiscordEnabled() bool { return c.DiscordBotToken != "" }

// Validate checks the configuration and returns every problem found, each
// naming the setting and how to fix it.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch {
	case strings.HasPrefix(c.Database, "sqlite:"):
		if p, _ := c.SQLitePath(); p == "" {
			bad("HERALD_DATABASE: give a file after sqlite:, e.g. sqlite:/data/herald.db")
		} else if strings.ContainsAny(p, "?#") {
			bad("HERALD_DATABASE: give a file path without '?' or '#' after sqlite:, e.g. sqlite:/data/herald.db")
		}
	case strings.HasPrefix(c.Database, "postgres://"), strings.HasPrefix(c.Database, "postgresql://"):
		if _, err := url.Parse(c.Database); err != nil {
			bad("HERALD_DATABASE: %q is not a PostgreSQL URL such as postgres://herald:PASSWORD@db.example:5432/herald", redactDatabase(c.Database))
		}
	default:
		bad("HERALD_DATABASE: %q is neither sqlite:PATH nor postgres://...", redactDatabase(c.Database))
	}
	if c.HTTPAddr != "off" {
		if _, port, err := net.SplitHostPort(c.HTTPAddr); err != nil {
			bad("HERALD_HTTP_ADDR: %q is not HOST:PORT (e.g. :8080 or 127.0.0.1:8080), or off", c.HTTPAddr)
		} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			bad("HERALD_HTTP_ADDR: port %q is not a number from 0 to 65535", port)
		}
	}
	if c.LeaseTTL < time.Second {
		bad("HERALD_LEASE_TTL: %s is too short; give at least 1s (e.g. 1m)", c.LeaseTTL)
	}
	if c.ElectionInterval < 100*time.Millisecond || c.ElectionInterval > 30*time.Second {
		bad("HERALD_ELECTION_INTERVAL: %s is out of range; give 100ms to 30s (e.g. 10s)", c.ElectionInterval)
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "" || c.Timezone == "Local" {
		if near := brands.NearestZone(c.Timezone); near != "" {
			bad("HERALD_TIMEZONE: %q is not a time zone; did you mean %s?", c.Timezone, near)
		} else {
			bad("HERALD_TIMEZONE: %q is not a time zone; use an IANA name such as Europe/Paris or UTC", c.Timezone)
		}
	}
	switch strings.ToLower(c.LogLevel) {
	case "", "debug", "info", "warn", "error":
	default:
		bad("HERALD_LOG_LEVEL: %q is not debug, info, warn or error", c.LogLevel)
	}
	if _, err := secret.ParseKeys("HERALD_SECRET_KEY", c.SecretKey); err != nil {
		bad("%v", err)
	}
	c.validateMedia(bad)
	c.validateSlack(bad)
	c.validateDiscord(bad)
	c.validateLLM(bad)
	c.Listening.validate(bad)
	c.Networks.validate(bad)
	for name, v := range map[string]string{"SLACK_API_URL": c.SlackAPIURL, "DISCORD_API_URL": c.DiscordAPIURL, "OPENAI_BASE_URL": c.OpenAIBaseURL, "HERALD_PUBLIC_URL": c.PublicURL} {
		if v != "" {
			checkURL(bad, name, v, "http")
		}
	}
	return errors.Join(errs...)
}

// checkURL reports setting name unless v is an absolute URL on scheme or
// its secure form (http or https; ws or wss).
func checkURL(bad func(string, ...any), name, v, scheme string) {
	if u, err := url.Parse(v); err != nil || (u.Scheme != scheme && u.Scheme != scheme+"s") || u.Host == "" {
		bad("%s: %q is not a URL starting with %s:// or %ss://", name, v, scheme, scheme)
	}
}

func (c Config) validateSlack(bad func(string, ...any)) {
	if c.SlackBotToken != "" && !strings.HasPrefix(c.SlackBotToken, "xoxb-") {
		bad("SLACK_BOT_TOKEN: a bot token starts with xoxb- (OAuth & Permissions page of your Slack app)")
	}
	if c.SlackAppToken != "" && !strings.HasPrefix(c.SlackAppToken, "xapp-") {
		bad("SLACK_APP_TOKEN: an app-level token starts with xapp- (Basic Information page, App-Level Tokens, scope connections:write)")
	}
	if (c.SlackAppToken != "" || c.SlackSigningSecret != "") && c.SlackBotToken == "" {
		bad("SLACK_BOT_TOKEN: needed as well when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set")
	}
	if c.SlackBotToken != "" && c.SlackAppToken == "" && c.SlackSigningSecret == "" {
		bad("Slack: set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP endpoints) beside SLACK_BOT_TOKEN")
	}
}

func (c Config) validateDiscord(bad func(string, ...any)) {
	if c.DiscordBotToken != "" && c.DiscordAppID == "" {
		bad("DISCORD_APP_ID: needed with DISCORD_BOT_TOKEN, to register /herald and answer interactions (General Information page of your Discord application)")
	}
	if c.DiscordBotToken == "" && (c.DiscordPublicKey != "" || c.DiscordAppID != "") {
		bad("DISCORD_BOT_TOKEN: needed as well when DISCORD_APP_ID or DISCORD_PUBLIC_KEY is set (Bot page of your Discord application, Reset Token)")
	}
	if strings.HasPrefix(c.DiscordBotToken, "Bot ") {
		bad("DISCORD_BOT_TOKEN: give the token alone, without \"Bot \" in front")
	}
	if c.DiscordAppID != "" {
		if _, err := strconv.ParseUint(c.DiscordAppID, 10, 64); err != nil {
			bad("DISCORD_APP_ID: %q is not a Discord id (a number)", c.DiscordAppID)
		}
	}
	if k := c.DiscordPublicKey; k != "" && (len(k) != 64 || strings.Trim(strings.ToLower(k), "0123456789abcdef") != "") {
		bad("DISCORD_PUBLIC_KEY: expected 64 hexadecimal characters (General Information page)")
	}
}

func (l Listening) validate(bad func(string, ...any)) {
	for _, u := range []struct{ name, v string }{
		{"HERALD_HN_API_URL", l.HNAPIURL}, {"HERALD_REDDIT_URL", l.RedditURL}, {"HERALD_REDDIT_OAUTH_URL", l.RedditOAuthURL},
		{"HERALD_BLUESKY_PDS_URL", l.BlueskyPDSURL}, {"HERALD_BLUESKY_APPVIEW_URL", l.BlueskyAppViewURL},
	} {
		checkURL(bad, u.name, u.v, "http")
	}
	checkURL(bad, "HERALD_JETSTREAM_URL", l.JetstreamURL, "ws")
	if (l.RedditClientID == "") != (l.RedditClientSecret == "") {
		bad("REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET: set both (a script or web app at reddit.com/prefs/apps) or neither")
	}
	if (l.BlueskyHandle == "") != (l.BlueskyAppPassword == "") {
		bad("BLUESKY_HANDLE and BLUESKY_APP_PASSWORD: set both (an app password from Settings → Privacy and security) or neither")
	}
	if _, err := l.mastodonTokens(); err != nil {
		bad("MASTODON_TOKENS: %v", err)
	}
}

// mastodonTokens reads MASTODON_TOKENS: "instance=token" pairs separated
// by commas, the instance a host name (mastodon.social) or a base URL.
func (l Listening) mastodonTokens() (map[string]string, error) {
	out := map[string]string{}
	for _, pair := range strings.Split(l.MastodonTokens, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		inst, tok, ok := strings.Cut(pair, "=")
		host := strings.ToLower(strings.TrimSpace(inst))
		if u, err := url.Parse(host); err == nil && u.Host != "" {
			host = u.Host
		}
		if !ok || host == "" || strings.TrimSpace(tok) == "" || strings.ContainsAny(host, "/ ") {
			return nil, errors.New("expected instance=token pairs separated by commas, e.g. mastodon.social=abc123")
		}
		out[host] = strings.TrimSpace(tok)
	}
	return out, nil
}
