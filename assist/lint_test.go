package assist

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
)

var (
	bluesky  = herald.Target{Kind: "bluesky", Name: "main"}
	mastodon = herald.Target{Kind: "mastodon", Name: "main"}
	slackNew = herald.Target{Kind: "slack", Name: "#news"}
)

// rules are short: the rule and whether it blocks, for each finding.
type rule struct {
	Rule     string
	Blocking bool
}

func rulesOf(fs []Finding) []rule {
	var out []rule
	for _, f := range fs {
		out = append(out, rule{f.Rule, f.Blocking})
	}
	return out
}

func TestLint(t *testing.T) {
	ban := Guidelines{Banned: []string{"gratuit", "free money", "cheap", "#ad"}}
	for _, tt := range []struct {
		name    string
		g       Guidelines
		targets []herald.Target
		text    string
		want    []rule
	}{
		// Banned words and phrases: case and accents ignored, on word boundaries.
		{"OKClean", ban, nil, "Our new store opens Monday.", nil},
		{"ErrBannedExact", ban, nil, "Entrée gratuit ce soir", []rule{{"ban", true}}},
		{"ErrBannedCase", ban, nil, "Entrée GRATUIT ce soir", []rule{{"ban", true}}},
		{"ErrBannedAccents", ban, nil, "Entrée GRATUÏT ce soir", []rule{{"ban", true}}},
		{"ErrBannedDecomposedAccent", ban, nil, "gratui\u0308t", []rule{{"ban", true}}},
		{"ErrBannedAccentInRule", Guidelines{Banned: []string{"crédit"}}, nil, "CREDIT offert", []rule{{"ban", true}}},
		{"ErrBannedPhraseSpaces", ban, nil, "Free   Money for all", []rule{{"ban", true}}},
		{"ErrBannedPhraseLineBreak", ban, nil, "free\nmoney", []rule{{"ban", true}}},
		{"ErrBannedPunctuation", ban, nil, "It's cheap!", []rule{{"ban", true}}},
		{"OKBannedInsideWord", ban, nil, "Cheapest? No: gratuitement and freemoney.", nil},
		{"OKBannedHashtagPrefix", ban, nil, "#adventure awaits", nil},
		{"ErrBannedHashtag", ban, nil, "Great deal #ad", []rule{{"ban", true}}},
		{"ErrBannedLigature", Guidelines{Banned: []string{"oeuvre"}}, nil, "Une Œuvre", []rule{{"ban", true}}},

		// Lengths in graphemes, per target kind.
		{"OKLengthAtLimit", Guidelines{MaxLength: map[string]int{"bluesky": 5}}, []herald.Target{bluesky}, "héllo", nil},
		{"ErrLengthOver", Guidelines{MaxLength: map[string]int{"bluesky": 5}}, []herald.Target{bluesky}, "héllo!", []rule{{"max.bluesky", true}}},
		{"OKLengthGraphemes", Guidelines{MaxLength: map[string]int{"bluesky": 3}}, []herald.Target{bluesky}, "👍🏽🇫🇷e\u0301", nil}, // 3 graphemes, 7 code points
		{"ErrLengthGraphemes", Guidelines{MaxLength: map[string]int{"bluesky": 2}}, []herald.Target{bluesky}, "👍🏽🇫🇷e\u0301", []rule{{"max.bluesky", true}}},
		{"OKLengthOtherKind", Guidelines{MaxLength: map[string]int{"bluesky": 3}}, []herald.Target{mastodon}, "long enough text", nil},
		{"ErrLengthDefault", Guidelines{MaxLength: map[string]int{"": 3, "bluesky": 100}}, []herald.Target{bluesky, mastodon}, "four", []rule{{"max", true}}},
		{"ErrLengthTwoKinds", Guidelines{MaxLength: map[string]int{"bluesky": 3, "mastodon": 3}}, []herald.Target{bluesky, mastodon}, "four", []rule{{"max.bluesky", true}, {"max.mastodon", true}}},
		{"OKLengthNoTargets", Guidelines{MaxLength: map[string]int{"": 3}}, nil, "four", nil},

		// Required elements.
		{"OKRequired", Guidelines{Required: []Requirement{{Text: "#ad"}}}, nil, "Great deal #ad", nil},
		{"OKRequiredCase", Guidelines{Required: []Requirement{{Text: "#Ad"}}}, nil, "Great deal #AD.", nil},
		{"ErrRequiredMissing", Guidelines{Required: []Requirement{{Text: "#ad"}}}, nil, "Great deal", []rule{{"require", true}}},
		{"ErrRequiredPrefixOnly", Guidelines{Required: []Requirement{{Text: "#ad"}}}, nil, "#adventure", []rule{{"require", true}}},
		{"ErrRequiredPerKind", Guidelines{Required: []Requirement{{Text: "#acme", Kind: "mastodon"}}}, []herald.Target{slackNew, mastodon}, "hello", []rule{{"require.mastodon", true}}},
		{"OKRequiredOtherKind", Guidelines{Required: []Requirement{{Text: "#acme", Kind: "mastodon"}}}, []herald.Target{slackNew}, "hello", nil},

		// Advice.
		{"OKEmojiFew", Guidelines{Emoji: EmojiFew}, nil, "Yes 🎉🎉👍🏽", nil},
		{"AdviceEmojiFew", Guidelines{Emoji: EmojiFew}, nil, "Yes 🎉🎉👍🏽🔥", []rule{{"emoji", false}}},
		{"AdviceEmojiNone", Guidelines{Emoji: EmojiNone}, nil, "Yes ☕", []rule{{"emoji", false}}},
		{"OKEmojiAny", Guidelines{Emoji: EmojiAny}, nil, "🎉🎉🎉🎉🎉", nil},
		{"AdviceShouting", Guidelines{}, nil, "HUGE SALE TODAY ONLY at Acme", []rule{{"tone", false}}},
		{"OKAcronyms", Guidelines{}, nil, "NASA and the ESA at CERN", nil},
		{"AdviceBangs", Guidelines{}, nil, "Wow! Great! Now!", []rule{{"tone", false}}},
		{"AdviceLanguage", Guidelines{Lang: "fr"}, nil, "Our new store is open and we have the best deals for you this week", []rule{{"lang", false}}},
		{"OKLanguage", Guidelines{Lang: "fr"}, nil, "Notre nouvelle boutique est ouverte et nous avons les meilleures offres pour vous", nil},
		{"OKLanguageShort", Guidelines{Lang: "fr"}, nil, "Hello world", nil},
		{"OKLanguageUnknown", Guidelines{Lang: "ja"}, nil, "Our new store is open and we have the best deals for you this week", nil},

		// Several at once, in a fixed order.
		{"ErrSeveral", Guidelines{Banned: []string{"cheap"}, Required: []Requirement{{Text: "#ad"}}, MaxLength: map[string]int{"bluesky": 5}},
			[]herald.Target{bluesky}, "Cheap stuff", []rule{{"ban", true}, {"max.bluesky", true}, {"require", true}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Lint(tt.g, tt.targets, tt.text)
			if diff := cmp.Diff(tt.want, rulesOf(got)); diff != "" {
				t.Errorf("Lint(%q) (-want +got):\n%s\nfindings: %+v", tt.text, diff, got)
			}
			for _, f := range got {
				if f.Message == "" {
					t.Errorf("finding %+v has no message", f)
				}
			}
		})
	}
}

func TestLintMessages(t *testing.T) {
	g := Guidelines{Banned: []string{"gratuit"}, MaxLength: map[string]int{"bluesky": 3}, Required: []Requirement{{Text: "#ad"}}}
	fs := Lint(g, []herald.Target{bluesky}, "GRATUÏT")
	want := []string{
		"The brand's guidelines ban “gratuit”; rephrase without it.",
		"Too long for bluesky:main: 7 characters, the brand's limit is 3 (max.bluesky); cut 4.",
		"The brand requires #ad in every post; add it.",
	}
	var got []string
	for _, f := range fs {
		got = append(got, f.Message)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
}

// BenchmarkLint lints a typical post (about 280 characters) against full
// guidelines with 50 banned words, for two targets.
func BenchmarkLint(b *testing.B) {
	var banned []string
	for i := range 50 {
		banned = append(banned, "mot"+strings.Repeat("x", i%7)+string(rune('a'+i%26)))
	}
	banned = append(banned, "free money", "gratuit")
	g := Guidelines{Tone: "friendly", Banned: banned, Required: []Requirement{{Text: "#ad"}, {Text: "#acme", Kind: "mastodon"}},
		MaxLength: map[string]int{"bluesky": 300, "mastodon": 500}, Emoji: EmojiFew, Lang: "fr"}
	text := "Notre nouvelle boutique ouvre lundi à Lyon ! Venez découvrir la collection d'hiver, des cafés offerts toute la journée et une surprise pour les 100 premiers clients. Réservez votre créneau sur acme.example/lyon 🎉 #acme #ad — à très vite, l'équipe Acme. Entrée libre, sans inscription."
	targets := []herald.Target{bluesky, mastodon}
	b.ReportAllocs()
	for b.Loop() {
		Lint(g, targets, text)
	}
}
