package assist

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/heraldhq/herald"
)

func TestParseRules(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     Guidelines
	}{
		{"OK", `tone="friendly, no jargon" ban="cheap,free money" require=#ad max.bluesky=280 emoji=few lang=fr`, Guidelines{
			Tone: "friendly, no jargon", Banned: []string{"cheap", "free money"}, Required: []Requirement{{Text: "#ad"}},
			MaxLength: map[string]int{"bluesky": 280}, Emoji: EmojiFew, Lang: "fr"}},
		{"OKTypographicQuotes", `tone=“chaleureux, sans jargon” ban=«pas cher»`, Guidelines{Tone: "chaleureux, sans jargon", Banned: []string{"pas cher"}}},
		{"OKEscapedQuote", `tone="say \"hi\""`, Guidelines{Tone: `say "hi"`}},
		{"OKListTrimmedAndDeduplicated", `ban=" Cheap , cheap,CHÉAP,, free   money "`, Guidelines{Banned: []string{"Cheap", "free money"}}},
		{"OKPerKindRequire", `require.mastodon=#acme,#ad require=#ad`, Guidelines{Required: []Requirement{{Text: "#acme", Kind: "mastodon"}, {Text: "#ad", Kind: "mastodon"}, {Text: "#ad"}}}},
		{"OKDefaultMax", `max=1000 MAX.Mastodon=500`, Guidelines{MaxLength: map[string]int{"": 1000, "mastodon": 500}}},
		{"OKLangRegion", `lang=PT-BR`, Guidelines{Lang: "pt-BR"}},
		{"OKEmojiCase", `emoji=NONE`, Guidelines{Emoji: EmojiNone}},
		{"OKLineBreaks", "tone=warm\nban=cheap", Guidelines{Tone: "warm", Banned: []string{"cheap"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := ParseRules(tt.in)
			if err != nil {
				t.Fatalf("ParseRules(%q): %v", tt.in, err)
			}
			got := Guidelines{}.Apply(rs)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseRules(%q) applied (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseRulesErrors(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string // want: in the message
	}{
		{"ErrEmpty", "   ", "No rule given"},
		{"ErrNoEquals", `tone`, `"tone" at column 1 is not a rule`},
		{"ErrUnknown", `ban=x colour=red`, `"colour" at column 7 is not a rule`},
		{"ErrUnknownKind", `max.myspace=10`, `"myspace" at column 1 names no target kind`},
		{"ErrKindOnPlainRule", `tone.slack=hi`, "takes no target kind"},
		{"ErrMaxNotNumber", `emoji=few max.bluesky=lots`, "max.bluesky at column 11: \"lots\" is not a length"},
		{"ErrMaxZero", `max=0`, "is not a length"},
		{"ErrMaxHuge", `max=1000001`, "is not a length"},
		{"ErrEmoji", `emoji=many`, "emoji at column 1: \"many\" is not an emoji policy"},
		{"ErrLang", `lang=french`, "is not a language tag"},
		{"ErrAlt", `alt=optional`, "alt at column 1: \"optional\" is not an alt text policy; write alt=required"},
		{"ErrAltKind", `alt.bluesky=required`, "takes no target kind"},
		{"ErrUnclosedQuote", `ban=x tone="friendly`, "The quote opened at column 12 is never closed"},
		{"ErrTwice", `ban=a ban=b`, "ban is given twice (columns 1 and 7)"},
		{"ErrListOnlyCommas", `ban=",,"`, "give items separated by commas"},
		{"ErrItemTooLong", `ban=` + strings.Repeat("x", MaxItemLength+1), "an item has at most"},
		{"ErrToneTooLong", `tone="` + strings.Repeat("x", MaxTone+1) + `"`, "keep it under"},
		{"ErrTooLong", strings.Repeat("ban=x ", MaxRulesInput), "at most"},
		{"ErrInvalidUTF8", "tone=\xff", "not valid UTF-8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := ParseRules(tt.in)
			if herald.ErrorCode(err) != herald.EINVALID {
				t.Fatalf("ParseRules(%.40q) = %v, %v; want EINVALID", tt.in, rs, err)
			}
			if msg := herald.ErrorMessage(err); !strings.Contains(msg, tt.want) {
				t.Errorf("ParseRules(%.40q) says %q; want it to contain %q", tt.in, msg, tt.want)
			}
		})
	}
}

func TestApply(t *testing.T) {
	base := Guidelines{}.Apply(mustRules(t, `tone=warm ban=cheap,free require=#ad require.mastodon=#acme max.bluesky=280 max=1000 emoji=none lang=fr`))
	for _, tt := range []struct {
		name, rules string
		want        Guidelines
	}{
		{"OKMerges", `ban=gratuit`, Guidelines{Tone: "warm", Banned: []string{"gratuit"}, Required: []Requirement{{Text: "#ad"}, {Text: "#acme", Kind: "mastodon"}},
			MaxLength: map[string]int{"bluesky": 280, "": 1000}, Emoji: EmojiNone, Lang: "fr"}},
		{"OKClears", `ban= require.mastodon= max.bluesky= emoji= lang= tone=`, Guidelines{Required: []Requirement{{Text: "#ad"}}, MaxLength: map[string]int{"": 1000}}},
		{"OKClearsAllRequire", `require= require.mastodon= max= max.bluesky=`, Guidelines{Tone: "warm", Banned: []string{"cheap", "free"}, Emoji: EmojiNone, Lang: "fr"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := base.Apply(mustRules(t, tt.rules))
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Apply(%q) (-want +got):\n%s", tt.rules, diff)
			}
		})
	}
	t.Run("OKLeavesTheOriginal", func(t *testing.T) {
		before := base.clone()
		base.Apply(mustRules(t, `ban= max.bluesky=10 require.slack=#x`))
		if diff := cmp.Diff(before, base); diff != "" {
			t.Errorf("Apply changed its receiver (-before +after):\n%s", diff)
		}
	})
	t.Run("OKClearRules", func(t *testing.T) {
		rs, err := ClearRules(base, "ban max.bluesky")
		if err != nil {
			t.Fatal(err)
		}
		got := base.Apply(rs)
		if len(got.Banned) != 0 || got.MaxLength["bluesky"] != 0 || got.MaxLength[""] != 1000 {
			t.Errorf("clear ban max.bluesky left %+v", got)
		}
		rs, err = ClearRules(base, "all")
		if err != nil {
			t.Fatal(err)
		}
		if got := base.Apply(rs); !got.IsZero() {
			t.Errorf("clear all left %+v", got)
		}
	})
	t.Run("ErrClearWithValue", func(t *testing.T) {
		if _, err := ClearRules(base, "ban=x"); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("ClearRules(ban=x) = %v; want EINVALID", err)
		}
	})
}

func TestRulesRoundTrip(t *testing.T) {
	g := Guidelines{}.Apply(mustRules(t, `tone="say \"hi\", “warmly\”" ban="cheap,free money" require=#ad require.bluesky="#a b" max=9 max.mastodon=500 emoji=any lang=en-GB alt=REQUIRED`))
	back := Guidelines{}.Apply(mustRules(t, strings.Join(g.Rules(), " ")))
	if diff := cmp.Diff(g, back); diff != "" {
		t.Errorf("Rules() does not read back (-want +got):\n%s\nrules: %q", diff, g.Rules())
	}
	if g.Alt != AltRequired {
		t.Errorf("alt=REQUIRED gives %q", g.Alt)
	}
}

func mustRules(tb testing.TB, s string) []Rule {
	tb.Helper()
	rs, err := ParseRules(s)
	if err != nil {
		tb.Fatalf("ParseRules(%q): %v", s, err)
	}
	return rs
}

// FuzzParseRules: any input gets rules or an EINVALID error, never a
// panic; and rules applied, written back and read again give the same
// guidelines.
func FuzzParseRules(f *testing.F) {
	for _, seed := range []string{
		`tone="friendly, no jargon" ban="cheap,free money" require=#ad max.bluesky=280 emoji=few lang=fr`,
		`ban= max.bluesky=`, `tone=“x” ban=«y»`, `tone="a\"b"`, `tone="unclosed`, `=x`, `max.=3`, `require.slack=#a,,#b`,
		"tone=\xff", `lang=pt-BR`, `alt=required`, `alt=maybe`, `alt=`, `ban="„quoted“"`, `tone="\\"`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		rs, err := ParseRules(in)
		if err != nil {
			if herald.ErrorCode(err) != herald.EINVALID {
				t.Fatalf("ParseRules(%q) = %v; want EINVALID", in, err)
			}
			return
		}
		g := Guidelines{}.Apply(rs)
		again, err := ParseRules(strings.Join(g.Rules(), " "))
		if g.IsZero() {
			return
		}
		if err != nil {
			t.Fatalf("the rules of %q do not read back: %v (%q)", in, err, g.Rules())
		}
		if back := (Guidelines{}).Apply(again); !cmp.Equal(g, back) {
			t.Fatalf("round trip of %q: %+v, then %+v", in, g, back)
		}
	})
}
