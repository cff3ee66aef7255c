package main

import (
	"net/http"
	"time"

	"github.com/heraldhq/herald/internal/httpx"
)

// The one outbound client (internal/httpx), in two trust levels. URLs
// typed in chat (feeds, Mastodon instances, publish targets) go through a
// guarded client that refuses private addresses unless
// HERALD_ALLOW_PRIVATE_SOURCES (or its alias HERALD_ALLOW_PRIVATE_URLS);
// the operator's own endpoints (SLACK_API_URL, DISCORD_API_URL,
// OPENAI_BASE_URL, HERALD_*_URL) are trusted: they may sit anywhere, a
// proxy, Ollama on localhost or a test fake included.

// chatURLs are the options for URLs typed in chat.
func (m *Main) chatURLs() httpx.Options {
	return httpx.Options{AllowPrivate: m.Config.AllowPrivateSources, UserAgent: httpx.UserAgent(version),
		Resolver: m.Resolver, AllowAddr: m.PublicAddrs}
}

// operatorURLs are the options for the operator's endpoints.
func (m *Main) operatorURLs() httpx.Options {
	return httpx.Options{Trusted: true, UserAgent: httpx.UserAgent(version)}
}

// publishOptions are the publishing client's: chat URLs, one connection
// per scheduler worker, no timeout of the client's own: every call is
// bounded by its context — an attempt by the scheduler's (30 s, and a
// second more per MB of media, so a video has the time to go up), a
// check of an instance's limits by its own few seconds.
func (m *Main) publishOptions() httpx.Options {
	o := m.chatURLs()
	o.Timeout, o.PerHost = -1, 8
	return o
}

// restClient is the client of a chat platform's REST API (Slack,
// Discord): trusted, with timeout d and room for bursts of calls.
func (m *Main) restClient(d time.Duration) *http.Client {
	o := m.operatorURLs()
	o.Timeout, o.PerHost = d, 16
	return httpx.New(o)
}
