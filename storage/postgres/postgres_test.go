package postgres_test

import (
	"context"
	"testing"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/internal/pgtest"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/storage/postgres"
	"github.com/heraldhq/herald/storage/storagetest"
)

var (
	_ bot.CardStore = (*postgres.Store)(nil)
	_ bot.Deduper   = (*postgres.Store)(nil)
)

// MustOpen opens a fresh, migrated store in a schema of its own on
// HERALD_TEST_POSTGRES (skipped without it), closed when the test ends.
func MustOpen(tb testing.TB) *postgres.Store {
	tb.Helper()
	return MustOpenURL(tb, pgtest.Schema(tb))
}

// MustOpenURL opens and migrates the store at url, closed when the test
// ends.
func MustOpenURL(tb testing.TB, url string) *postgres.Store {
	tb.Helper()
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	if _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatalf("Migrate: %v", err)
	}
	return s
}

func TestStore(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storagetest.Store { return MustOpen(t) })
	t.Run("Publish", func(t *testing.T) {
		storagetest.RunPublish(t, func(t *testing.T) publish.Store { return MustOpen(t) })
	})
	t.Run("Assist", func(t *testing.T) {
		storagetest.RunAssist(t, func(t *testing.T) storagetest.AssistStore { return MustOpen(t) })
	})
	t.Run("Mentions", func(t *testing.T) {
		storagetest.RunMentions(t, func(t *testing.T) storagetest.MentionsStore { return MustOpen(t) })
	})
	t.Run("Chat", func(t *testing.T) {
		storagetest.RunChat(t, func(t *testing.T) storagetest.ChatStore { return MustOpen(t) })
	})
}
