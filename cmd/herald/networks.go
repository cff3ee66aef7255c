package main

import (
	"strings"
	"time"

	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/linkedin"
	"github.com/heraldhq/herald/publish/targets/telegram"
	"github.com/heraldhq/herald/publish/targets/x"
)

// Networks configures the publishing networks connected from chat
// (target connect): each one's app credentials, and every base URL
// (HERALD_<NETWORK>_API_URL, HERALD_<NETWORK>_AUTH_URL) for proxies and
// tests. Every network here has a Provider but Telegram, whose bot
// token is the operator's or the target's.
type Networks struct {
	LinkedInClientID, LinkedInClientSecret string
	MetaAppID, MetaAppSecret               string // Facebook Pages and Instagram
	MetaConfigID                           string // a Facebook Login for Business configuration
	ThreadsAppID, ThreadsAppSecret         string
	XClientID, XClientSecret               string
	TelegramBotToken                       string
	// URLs are the base URLs of each of networkNames, when set: the API's
	// and the authorization pages'.
	URLs [len(networkNames)]struct{ API, Auth string }
}

// networkNames are the networks of HERALD_<NETWORK>_API_URL and _AUTH_URL.
var networkNames = [...]string{"linkedin", "meta", "facebook", "instagram", "threads", "x", "telegram"}

// networkSettings are the settings of Networks.
func networkSettings() []setting {
	out := []setting{
		{name: "LINKEDIN_CLIENT_ID", secret: true, str: func(c *Config) *string { return &c.Networks.LinkedInClientID }},
		{name: "LINKEDIN_CLIENT_SECRET", secret: true, str: func(c *Config) *string { return &c.Networks.LinkedInClientSecret }},
		{name: "META_APP_ID", secret: true, str: func(c *Config) *string { return &c.Networks.MetaAppID }},
		{name: "META_APP_SECRET", secret: true, str: func(c *Config) *string { return &c.Networks.MetaAppSecret }},
		{name: "META_CONFIG_ID", str: func(c *Config) *string { return &c.Networks.MetaConfigID }},
		{name: "THREADS_APP_ID", secret: true, str: func(c *Config) *string { return &c.Networks.ThreadsAppID }},
		{name: "THREADS_APP_SECRET", secret: true, str: func(c *Config) *string { return &c.Networks.ThreadsAppSecret }},
		{name: "X_CLIENT_ID", secret: true, str: func(c *Config) *string { return &c.Networks.XClientID }},
		{name: "X_CLIENT_SECRET", secret: true, str: func(c *Config) *string { return &c.Networks.XClientSecret }},
		{name: "TELEGRAM_BOT_TOKEN", secret: true, str: func(c *Config) *string { return &c.Networks.TelegramBotToken }},
	}
	for i, n := range networkNames {
		up := strings.ToUpper(n)
		out = append(out,
			setting{name: "HERALD_" + up + "_API_URL", str: func(c *Config) *string { return &c.Networks.URLs[i].API }},
			setting{name: "HERALD_" + up + "_AUTH_URL", str: func(c *Config) *string { return &c.Networks.URLs[i].Auth }})
	}
	return out
}

// URL returns network n's API and authorization base URLs ("" for the
// network's own).
func (nw Networks) URL(n string) (api, auth string) {
	for i, x := range networkNames {
		if x == n {
			return nw.URLs[i].API, nw.URLs[i].Auth
		}
	}
	return "", ""
}

// validate checks the networks' settings.
func (nw Networks) validate(bad func(string, ...any)) {
	for _, pair := range []struct{ id, secret, idName, secretName string }{
		{nw.LinkedInClientID, nw.LinkedInClientSecret, "LINKEDIN_CLIENT_ID", "LINKEDIN_CLIENT_SECRET"},
		{nw.MetaAppID, nw.MetaAppSecret, "META_APP_ID", "META_APP_SECRET"},
		{nw.ThreadsAppID, nw.ThreadsAppSecret, "THREADS_APP_ID", "THREADS_APP_SECRET"},
	} {
		if (pair.id == "") != (pair.secret == "") {
			bad("%s and %s: set both (from the network's developer app) or neither", pair.idName, pair.secretName)
		}
	}
	if nw.XClientID == "" && nw.XClientSecret != "" { // X_CLIENT_ID alone: a public client, with PKCE
		bad("X_CLIENT_SECRET without X_CLIENT_ID: set the X app's client id too")
	}
	for i, n := range networkNames {
		up := strings.ToUpper(n)
		if v := nw.URLs[i].API; v != "" {
			checkURL(bad, "HERALD_"+up+"_API_URL", v, "http")
		}
		if v := nw.URLs[i].Auth; v != "" {
			checkURL(bad, "HERALD_"+up+"_AUTH_URL", v, "http")
		}
	}
}

// network wires one network's target: its publisher, and its Provider
// when accounts are connected through the network's authorization page
// (nil for Telegram, whose bot token is the operator's or the target's).
type network struct {
	kind string
	wire func(m *Main, nw Networks, api, auth string) (publish.Publisher, publish.Provider)
}

// networks are the networks Herald publishes to beyond chat and the
// targets set up by hand, in a table: adding one is adding a row.
var networks = []network{
	{"linkedin", func(m *Main, nw Networks, api, auth string) (publish.Publisher, publish.Provider) {
		o := linkedin.Options{APIURL: api, AuthURL: auth, Clock: m.Clock,
			Client: m.restClient(30 * time.Second), ClientID: nw.LinkedInClientID, ClientSecret: nw.LinkedInClientSecret}
		return linkedin.New(o), linkedin.NewProvider(o)
	}},
	{"x", func(m *Main, nw Networks, api, auth string) (publish.Publisher, publish.Provider) {
		o := x.Options{APIURL: api, AuthURL: auth, Clock: m.Clock,
			Client: m.restClient(5 * time.Minute), ClientID: nw.XClientID, ClientSecret: nw.XClientSecret}
		return x.New(o), x.NewProvider(o)
	}},
	{"telegram", func(m *Main, nw Networks, api, _ string) (publish.Publisher, publish.Provider) {
		return telegram.New(telegram.Options{APIURL: api, Token: nw.TelegramBotToken, Clock: m.Clock, Client: m.restClient(5 * time.Minute)}), nil
	}},
}

// connector wires the connect flow and the networks' publishers: each
// network's Provider, where it has one. The network endpoints are the
// operator's (trusted client).
func (m *Main) connector(pub *publish.Service, notify publish.Notifier) *publish.Connector {
	c := publish.NewConnector(pub, m.Config.PublicURL, notify, m.log)
	for _, n := range networks {
		api, auth := m.Config.Networks.URL(n.kind)
		p, prov := n.wire(m, m.Config.Networks, api, auth)
		pub.Register(n.kind, p)
		if prov != nil {
			c.AddProvider(n.kind, prov)
		}
	}
	m.metaNetworks(pub, c) // Facebook, Instagram, Threads: one Graph API layer
	return c
}

// connectStatus says, for the doctor, which networks target connect
// reaches, and the redirect URL to register in their apps.
func (c Config) connectStatus() string {
	var apps []string
	for _, a := range []struct{ kind, id string }{{"linkedin", c.Networks.LinkedInClientID}, {"x", c.Networks.XClientID}} {
		if a.id != "" {
			apps = append(apps, a.kind)
		}
	}
	if c.Networks.MetaAppID != "" {
		apps = append(apps, "facebook", "instagram")
	}
	if c.Networks.ThreadsAppID != "" {
		apps = append(apps, "threads")
	}
	switch {
	case len(apps) == 0:
		return "connect: no network app (set LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET for LinkedIn, META_APP_ID and META_APP_SECRET for Facebook Pages and Instagram, THREADS_APP_ID and THREADS_APP_SECRET for Threads, X_CLIENT_ID (and X_CLIENT_SECRET) for X)"
	case c.PublicURL == "":
		return "warning: connect: " + strings.Join(apps, ", ") + " app set, but HERALD_PUBLIC_URL is not: target connect cannot work"
	}
	return "connect: " + strings.Join(apps, ", ") + "; the redirect URL to register in each app: " +
		strings.TrimSuffix(c.PublicURL, "/") + publish.CallbackPath
}
