package bluesky_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/publish/targets/bluesky"
)

// vector is the example of the Bluesky docs (bsky-docs posts.md), whose
// offsets were checked by hand: mention 23–35, link 74–108.
const vector = "✨ example mentioning @atproto.com to share the URL 👨‍❤️‍👨 https://en.wikipedia.org/wiki/CBOR."

func linkAt(start, end int, uri string) bluesky.Facet {
	return bluesky.Facet{Index: bluesky.ByteSlice{ByteStart: start, ByteEnd: end}, Features: []bluesky.Feature{{Type: bluesky.FeatureLink, URI: uri}}}
}

func tagAt(start, end int, tag string) bluesky.Facet {
	return bluesky.Facet{Index: bluesky.ByteSlice{ByteStart: start, ByteEnd: end}, Features: []bluesky.Feature{{Type: bluesky.FeatureTag, Tag: tag}}}
}

func mentionAt(start, end int, handle string) bluesky.Facet {
	return bluesky.Facet{Index: bluesky.ByteSlice{ByteStart: start, ByteEnd: end}, Features: []bluesky.Feature{{Type: bluesky.FeatureMention, Handle: handle}}}
}

func TestFacets(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []bluesky.Facet
	}{
		{name: "OKVector", text: vector, want: []bluesky.Facet{
			mentionAt(23, 35, "atproto.com"),
			linkAt(74, 108, "https://en.wikipedia.org/wiki/CBOR"),
		}},
		{name: "OKNothing", text: "no links here, 100% sure. Mail me: bob at example dot com"},
		{name: "OKEmpty", text: ""},

		{name: "OKLinkTrailingPeriod", text: "see https://example.com.", want: []bluesky.Facet{linkAt(4, 23, "https://example.com")}},
		{name: "OKLinkTrailingComma", text: "https://a.io/x, then", want: []bluesky.Facet{linkAt(0, 14, "https://a.io/x")}},
		{name: "OKLinkTrailingPunctuationRun", text: "(go to https://a.io/x?)!", want: []bluesky.Facet{linkAt(7, 21, "https://a.io/x")}},
		{name: "OKLinkInParentheses", text: "(see https://a.io/x)", want: []bluesky.Facet{linkAt(5, 19, "https://a.io/x")}},
		{name: "OKLinkWithParentheses", text: "https://en.wikipedia.org/wiki/Go_(language)", want: []bluesky.Facet{linkAt(0, 43, "https://en.wikipedia.org/wiki/Go_(language)")}},
		{name: "OKLinkQuoted", text: `"http://a.io/b"`, want: []bluesky.Facet{linkAt(1, 14, "http://a.io/b")}},
		{name: "OKLinkQueryFragment", text: "https://a.io/p?q=1&r=2#top", want: []bluesky.Facet{linkAt(0, 26, "https://a.io/p?q=1&r=2#top")}},
		{name: "OKLinkUpperCaseScheme", text: "HTTPS://A.IO", want: []bluesky.Facet{linkAt(0, 12, "HTTPS://A.IO")}},
		{name: "OKLinkNonASCII", text: "→ https://ja.wikipedia.org/wiki/日本 ←", want: []bluesky.Facet{linkAt(4, 40, "https://ja.wikipedia.org/wiki/日本")}},
		{name: "OKTwoLinks", text: "https://a.io and http://b.io", want: []bluesky.Facet{linkAt(0, 12, "https://a.io"), linkAt(17, 28, "http://b.io")}},
		{name: "OKLinkNoHost", text: "https:// and https://.", want: nil},
		{name: "OKLinkInsideWord", text: "xhttps://a.io", want: nil},
		{name: "OKNoScheme", text: "example.com and ftp://a.io", want: nil},

		{name: "OKTag", text: "launch #GoLang today", want: []bluesky.Facet{tagAt(7, 14, "GoLang")}},
		{name: "OKTagTrailingPunctuation", text: "#go! #rust.", want: []bluesky.Facet{tagAt(0, 3, "go"), tagAt(5, 10, "rust")}},
		{name: "OKTagDigitsOnly", text: "#2026 #1", want: nil},
		{name: "OKTagDigitsAndLetters", text: "#2026rocks", want: []bluesky.Facet{tagAt(0, 10, "2026rocks")}},
		{name: "OKTagInsideWord", text: "a#b C# x&#39;", want: nil},
		{name: "OKTagNonASCII", text: "#ünïcödé", want: []bluesky.Facet{tagAt(0, 12, "ünïcödé")}},
		{name: "OKTagFullWidthHash", text: "＃タグ", want: []bluesky.Facet{tagAt(0, 9, "タグ")}},
		{name: "OKTag64Graphemes", text: "#" + strings.Repeat("a", 64), want: []bluesky.Facet{tagAt(0, 65, strings.Repeat("a", 64))}},
		{name: "OKTag65GraphemesNoFacet", text: "#" + strings.Repeat("a", 65), want: nil},
		{name: "OKTagKeycapEmoji", text: "#️⃣ 1", want: nil},
		{name: "OKTagEndsAtZWJ", text: "#go\u200dx", want: []bluesky.Facet{tagAt(0, 3, "go")}},
		{name: "OKLoneHash", text: "# title", want: nil},

		{name: "OKMention", text: "hi @alice.bsky.social!", want: []bluesky.Facet{mentionAt(3, 21, "alice.bsky.social")}},
		{name: "OKMentionTrailingPeriod", text: "thanks @atproto.com.", want: []bluesky.Facet{mentionAt(7, 19, "atproto.com")}},
		{name: "OKMentionInParentheses", text: "(@Bob.example.com)", want: []bluesky.Facet{mentionAt(1, 17, "Bob.example.com")}},
		{name: "OKMentionEmail", text: "mail bob@example.com", want: nil},
		{name: "OKMentionNoDomain", text: "@alice and @a.1", want: nil},
		{name: "OKMentionFollowedByLetter", text: "@a.bcé", want: nil},
		{name: "OKMentionBadLabel", text: "@-a.com @a-.com @a..com", want: nil},

		{name: "OKMixedInOrder", text: "#a @b.co https://c.io", want: []bluesky.Facet{tagAt(0, 2, "a"), mentionAt(3, 8, "b.co"), linkAt(9, 21, "https://c.io")}},
		{name: "OKNothingInsideALink", text: "https://a.io/@b.co/#c (@d.co)", want: []bluesky.Facet{linkAt(0, 21, "https://a.io/@b.co/#c"), mentionAt(23, 28, "d.co")}},
		{name: "OKTagOverMention", text: "#x(@b.co)", want: []bluesky.Facet{tagAt(0, 8, "x(@b.co")}},
		{name: "OKAfterEmoji", text: "👨‍❤️‍👨 #love", want: []bluesky.Facet{tagAt(21, 26, "love")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bluesky.Facets(tt.text)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Facets(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
			checkFacets(t, tt.text, got)
		})
	}
}

// checkFacets checks what holds for every text: facets in order, not
// overlapping, within the text, on rune boundaries (for valid UTF-8), each
// slice being the matched text.
func checkFacets(t *testing.T, text string, facets []bluesky.Facet) {
	t.Helper()
	last := 0
	for _, f := range facets {
		s, e := f.Index.ByteStart, f.Index.ByteEnd
		if s < last || s >= e || e > len(text) {
			t.Fatalf("facet %+v: range %d–%d is out of order or outside the %d-byte text", f, s, e, len(text))
		}
		last = e
		if utf8.ValidString(text) && (!utf8.RuneStart(text[s]) || e < len(text) && !utf8.RuneStart(text[e])) {
			t.Fatalf("facet %+v: range %d–%d splits a rune of %q", f, s, e, text)
		}
		if len(f.Features) != 1 {
			t.Fatalf("facet %+v: want one feature", f)
		}
		slice := text[s:e]
		switch ft := f.Features[0]; ft.Type {
		case bluesky.FeatureLink:
			if slice != ft.URI {
				t.Fatalf("link facet covers %q; its URI is %q", slice, ft.URI)
			}
		case bluesky.FeatureTag:
			if slice != "#"+ft.Tag && slice != "＃"+ft.Tag {
				t.Fatalf("tag facet covers %q; its tag is %q", slice, ft.Tag)
			}
		case bluesky.FeatureMention:
			if slice != "@"+ft.Handle || ft.DID != "" {
				t.Fatalf("mention facet covers %q; its handle is %q (DID %q)", slice, ft.Handle, ft.DID)
			}
		default:
			t.Fatalf("facet %+v: unknown feature type", f)
		}
	}
}

func FuzzFacets(f *testing.F) {
	for _, s := range []string{
		vector, "", "https://a.io/x).", "#tag #2026 ＃タグ #️⃣", "@a.bc @a @a.bc. x@y.zz",
		"(https://en.wikipedia.org/wiki/Go_(language))", "#x(@b.co) https://a.io/@b.co/#c",
		"\xff#a\xfe https://\xc3", "https://a.io/\u00e9\u0301.", "#" + strings.Repeat("👨‍❤️‍👨", 70),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkFacets(t, text, bluesky.Facets(text))
	})
}
