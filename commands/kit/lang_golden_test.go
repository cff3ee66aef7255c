package kit

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/mentions"
)

var update = flag.Bool("update", false, "rewrite the golden files of the cards")

// goldenCards compares cards, as JSON, with testdata/name.
func goldenCards(t *testing.T, name string, cards []commands.Card) {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(cards); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("cards differ from %s (-want +got):\n%s", path, diff)
	}
}

var goldenAt = time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)

// goldenMentions are a mention in each state a card shows differently.
func goldenMentions() []mentions.Mention {
	ann := herald.Actor{Platform: "slack", UserID: "U1", Name: "ann"}
	return []mentions.Mention{
		{ID: 7, State: mentions.StateNew, Sources: []string{"hn", "rss:example.com"}, URL: "https://example.com/a?utm_source=x", CanonicalURL: "https://example.com/a",
			Title: "Acme kettles", Text: "My Acme kettle leaks since Monday.", Terms: []string{"acme"}, Author: "zoe", Published: goldenAt,
			Sentiment: "negative", Urgency: "high"},
		{ID: 8, State: mentions.StateClaimed, Sources: []string{"mastodon:mastodon.social#acme"}, URL: "https://mastodon.social/@bob/1",
			Text: "Thanks acme!", Terms: []string{"acme"}, Author: "bob", FoundAt: goldenAt, Claimer: ann, DraftID: 12, Sentiment: "positive", Urgency: "low"},
		{ID: 9, State: mentions.StateHandled, Sources: []string{"bluesky"}, URL: "https://bsky.app/x", Text: "acme?", Terms: []string{"acme"},
			FoundAt: goldenAt, DraftID: 13, Answer: mentions.Answer{By: ann, At: goldenAt, URL: "https://bsky.app/y"}},
		{ID: 10, State: mentions.StateIgnored, Sources: []string{"reddit"}, Text: "acme", FoundAt: goldenAt, Sentiment: "neutral", Urgency: "medium"},
	}
}

// TestMentionCardGolden renders the mention cards in English and in
// French: the English is Herald's words as they were; the French has every
// label, state and button in French.
func TestMentionCardGolden(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run("OK"+lang.String(), func(t *testing.T) {
			b := herald.Brand{Name: "Acme", Timezone: "Europe/Paris", Lang: string(lang)}
			var cards []commands.Card
			for _, m := range goldenMentions() {
				cards = append(cards, MentionCard(b, m, lang))
			}
			goldenCards(t, "mention_"+lang.String()+".golden", cards)
		})
	}
}

// TestDigestGolden sends the daily digest through the MentionNotifier, in
// the brand's language, as the pipeline does.
func TestDigestGolden(t *testing.T) {
	sum := mentions.Summary{BrandID: 1, Since: goldenAt.Add(-24 * time.Hour), Until: goldenAt, Total: 5, Unhandled: 2,
		BySource:   []mentions.Count{{Key: "hn", N: 3}, {Key: "bluesky", N: 2}},
		TopAuthors: []mentions.Count{{Key: "zoe", N: 2}, {Key: "bob", N: 1}},
		Newest:     goldenMentions()[:2]}
	for _, lang := range i18n.Langs {
		t.Run("OK"+lang.String(), func(t *testing.T) {
			b := herald.Brand{ID: 1, Name: "Acme", Timezone: "UTC", Lang: string(lang)}
			var shown []commands.Card
			n := NewMentionNotifier(func(_ context.Context, c commands.Card, _ herald.ChannelRef) { shown = append(shown, c) },
				func(context.Context, commands.Card, commands.Response) {})
			err := n.Notify(t.Context(), mentions.Event{Kind: mentions.EventDigest, Brand: b, Digest: &sum, Routes: []herald.ChannelRef{{Platform: "slack", Channel: "C1"}}})
			if err != nil {
				t.Fatal(err)
			}
			empty := SummaryCard(b, mentions.Summary{}, lang.F("Mentions of %s, today", b.Name), lang)
			goldenCards(t, "digest_"+lang.String()+".golden", append(shown, empty))
		})
	}
}
