package main

import (
	"context"
	"log/slog"
	"net/url"
	"slices"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/mentions"
	blueskysrc "github.com/heraldhq/herald/mentions/sources/bluesky"
	"github.com/heraldhq/herald/mentions/sources/hn"
	mastodonsrc "github.com/heraldhq/herald/mentions/sources/mastodon"
	"github.com/heraldhq/herald/mentions/sources/reddit"
	"github.com/heraldhq/herald/mentions/sources/rss"
	mentionhook "github.com/heraldhq/herald/mentions/sources/webhook"
	"github.com/heraldhq/herald/mentions/web"
)

// opener makes a source of one kind from its spec: a mentions.Source
// (polled) or a mentions.Streamer (kept connected).
type opener func(mentions.Spec) (any, error)

// listening is the wiring of the mention sources: which kinds this
// server runs and how each is built.
type listening struct {
	kinds map[string]opener
}

// newListening builds the source kinds from the configuration. URLs typed
// in chat (feeds, Mastodon instances) are fetched through the guarded
// client, which refuses private addresses unless
// HERALD_ALLOW_PRIVATE_SOURCES; the operator's own endpoints (HN, Reddit,
// Bluesky base URLs) may sit anywhere, a proxy or a test fake included.
func (m *Main) newListening(log *slog.Logger) (*listening, error) {
	cfg := m.Config.Listening
	guarded := httpx.New(m.chatURLs())
	operator := httpx.New(m.operatorURLs())
	hnSource := hn.New(operator, hn.Config{BaseURL: cfg.HNAPIURL, Clock: m.Clock})
	// One Reddit source for every brand, so that its token and its
	// rate-limit pause are shared.
	redditSource := reddit.New(operator, reddit.Config{BaseURL: cfg.RedditURL, OAuthURL: cfg.RedditOAuthURL,
		ClientID: cfg.RedditClientID, ClientSecret: cfg.RedditClientSecret,
		UserAgent: reddit.UserAgent(version, cfg.RedditUsername), Clock: m.Clock})
	tokens, err := cfg.mastodonTokens()
	if err != nil {
		return nil, err
	}
	l := &listening{kinds: map[string]opener{
		"rss":    func(s mentions.Spec) (any, error) { return rss.New(guarded, s.URL), nil },
		"hn":     func(mentions.Spec) (any, error) { return hnSource, nil },
		"reddit": func(mentions.Spec) (any, error) { return redditSource, nil },
		"mastodon": func(s mentions.Spec) (any, error) {
			return mastodonsrc.New(mastodonsrc.Config{Instance: s.URL, Tag: s.Tag, Token: tokens[hostOf(s.URL)], Client: guarded, Logger: log})
		},
		"webhook": func(mentions.Spec) (any, error) {
			return nil, herald.Errorf(herald.EINVALID, "webhook sources are pushed to, not polled")
		},
	}}
	if cfg.BlueskyHandle != "" {
		search, err := blueskysrc.NewSearch(blueskysrc.SearchConfig{PDS: cfg.BlueskyPDSURL, AppView: cfg.BlueskyAppViewURL,
			Handle: cfg.BlueskyHandle, AppPassword: cfg.BlueskyAppPassword, Client: operator, Clock: m.Clock, Logger: log})
		if err != nil {
			return nil, err
		}
		l.kinds["bluesky"] = func(mentions.Spec) (any, error) { return search, nil }
	} else {
		l.kinds["bluesky"] = func(mentions.Spec) (any, error) {
			return blueskysrc.NewJetstream(blueskysrc.JetstreamConfig{URL: cfg.JetstreamURL, UserAgent: httpx.UserAgent(version), Logger: log, Clock: m.Clock})
		}
	}
	return l, nil
}

// Kinds lists the source kinds this server runs (those of mentions.Kinds
// it can open), sorted.
func (l *listening) Kinds() []string {
	var out []string
	for _, k := range mentions.Kinds {
		if _, ok := l.kinds[k]; ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// open implements the Poller's open: a source from its spec.
func (l *listening) open(s mentions.Spec) (any, error) {
	o, ok := l.kinds[s.Kind]
	if !ok {
		return nil, herald.Errorf(herald.EUNAVAILABLE, "%s sources are not set up on this Herald", s.Kind)
	}
	return o(s)
}

// mentionNotifier is the listening's notifier: mention cards, surge
// alerts and digests shown through news.
func mentionNotifier(news *bot.Broadcaster) mentions.Notifier {
	show := func(ctx context.Context, c commands.Card, where herald.ChannelRef) {
		news.Show(ctx, bot.Announcement{Card: c, Channel: where, InChannel: true})
	}
	return kit.NewMentionNotifier(show, news.Announce).OfferPause()
}

// newMentions builds the listening service over the store; tr (nil for
// none) triages new mentions, run through goDetached.
func (m *Main) newMentions(bs *brands.Service, l *listening, notify mentions.Notifier, tr mentions.Triager, goDetached func(func(context.Context)) bool) *mentions.Service {
	allowPrivate := m.Config.AllowPrivateSources
	return mentions.NewService(m.store, bs, m.Clock, mentions.Options{
		Channels: bs, Brands: bs, Notifier: notify, Kinds: l.Kinds(), Log: m.log, Triager: tr, Go: goDetached,
		CheckURL: func(ctx context.Context, raw string) error { return web.CheckSourceURL(ctx, raw, allowPrivate) },
	})
}

// hooksRoute serves /hooks/mentions/{token}: mentions pushed by any
// listening tool.
func hooksRoute(svc *mentions.Service) route {
	return route{"/hooks/mentions/{token}", mentionhook.Handler(svc.IngestWebhook, 0)}
}

// hostOf returns the lower-case host of a URL, or "".
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}
