package slack

import (
	"context"
	"log/slog"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands/i18n"
)

// LocaleTTL is how long a person's language, read from users.info, is
// kept before Slack is asked again: people rarely change it, and a
// command must not cost a Web API call each time.
const LocaleTTL = 6 * time.Hour

// locales caches each Slack user's language (users.info with
// include_locale): one call per user per TTL, however many commands they
// send meanwhile, even at the same moment. A failed look-up is cached too,
// as "" (unknown: the brand's language applies), so that a missing scope
// or an outage does not cost a call per command.
type locales struct {
	clock herald.Clock
	ttl   time.Duration
	fetch func(ctx context.Context, userID string) (string, error)
	log   *slog.Logger

	mu    sync.Mutex
	users map[string]*localeEntry
}

// localeEntry is one user's language; ready is closed once it is read.
type localeEntry struct {
	ready chan struct{}
	lang  string
	until time.Time
}

func newLocales(clock herald.Clock, ttl time.Duration, log *slog.Logger, fetch func(ctx context.Context, userID string) (string, error)) *locales {
	return &locales{clock: clock, ttl: ttl, fetch: fetch, log: log, users: map[string]*localeEntry{}}
}

// lang returns the language of userID ("en", "fr", or "" when unknown or
// one Herald does not speak).
func (l *locales) lang(ctx context.Context, userID string) string {
	if userID == "" {
		return ""
	}
	l.mu.Lock()
	e, ok := l.users[userID]
	if ok && !e.until.IsZero() && !l.clock.Now().Before(e.until) {
		ok = false // expired: read it again
	}
	if !ok {
		e = &localeEntry{ready: make(chan struct{})}
		l.users[userID] = e
		l.mu.Unlock()
		l.read(ctx, userID, e)
		return e.lang
	}
	l.mu.Unlock()
	select {
	case <-e.ready:
		return e.lang
	case <-ctx.Done():
		return ""
	}
}

// read asks Slack for userID's locale and fills e.
func (l *locales) read(ctx context.Context, userID string, e *localeEntry) {
	locale, err := l.fetch(ctx, userID)
	if err != nil {
		l.log.WarnContext(ctx, "slack user locale unknown", "user_id", userID, "error", err)
	}
	if lang, ok := i18n.Parse(locale); ok && err == nil {
		e.lang = lang.String()
	}
	l.mu.Lock()
	e.until = l.clock.Now().Add(l.ttl)
	l.mu.Unlock()
	close(e.ready)
}

// userLocale is users.info's locale of a user ("fr-FR").
func userLocale(client *slackapi.Client) func(ctx context.Context, userID string) (string, error) {
	return func(ctx context.Context, userID string) (string, error) {
		u, err := client.GetUserInfoContext(ctx, userID, slackapi.GetUserInfoOptionIncludeLocale(true))
		if err != nil {
			return "", err
		}
		return u.Locale, nil
	}
}
