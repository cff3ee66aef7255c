package bluesky

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"github.com/heraldhq/herald/publish"
)

// The facet feature types of app.bsky.richtext.facet.
const (
	FeatureLink    = "app.bsky.richtext.facet#link"
	FeatureMention = "app.bsky.richtext.facet#mention"
	FeatureTag     = "app.bsky.richtext.facet#tag"
)

// MaxTagGraphemes and MaxTagBytes bound a hashtag (without its #), as the
// lexicon does; a longer one gets no facet.
const (
	MaxTagGraphemes = 64
	MaxTagBytes     = 640
)

// Facet marks a range of a post's text as a link, a mention or a hashtag.
// Bluesky does not find these itself: a post carries its facets.
type Facet struct {
	Index    ByteSlice `json:"index"`
	Features []Feature `json:"features"`
}

// ByteSlice is a range of the text in UTF-8 bytes: start inclusive, end
// exclusive.
type ByteSlice struct {
	ByteStart int `json:"byteStart"`
	ByteEnd   int `json:"byteEnd"`
}

// Feature is what a facet is: a link (URI), a mention (DID) or a tag (Tag,
// without its #).
type Feature struct {
	Type string `json:"$type"`
	URI  string `json:"uri,omitempty"`
	DID  string `json:"did,omitempty"`
	Tag  string `json:"tag,omitempty"`
	// Handle is the mentioned handle as written, without its @. Facets
	// sets it and leaves DID empty; Publish resolves it. It is not sent.
	Handle string `json:"-"`
}

// Facets finds the links, hashtags and mentions in text, in order, none
// overlapping:
//
//   - links: http:// and https:// URLs not inside a word, up to the next
//     space, without the trailing punctuation people write after a link
//     (".", ",", ")" unless the URL opened it, quotes, ...);
//   - hashtags: #tag not inside a word, up to the next space, without
//     trailing punctuation, not only digits, at most 64 graphemes;
//   - mentions: @handle.domain not inside a word; their feature carries
//     Handle and an empty DID, for the caller to resolve.
//
// It is pure and never fails; text that is not valid UTF-8 gets facets on
// the same rules.
func Facets(text string) []Facet {
	var spans []Facet
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !atWordStart(text, i) {
			i += size
			continue
		}
		var f Facet
		var ok bool
		switch {
		case r == 'h' || r == 'H':
			f, ok = link(text, i)
		case r == '#' || r == '＃':
			f, ok = tag(text, i, size)
		case r == '@':
			f, ok = mention(text, i)
		}
		if !ok {
			i += size
			continue
		}
		spans = append(spans, f)
		if f.Features[0].Type == FeatureLink {
			i = f.Index.ByteEnd // nothing inside a link is anything else
		} else {
			i += size
		}
	}
	return dropOverlaps(spans)
}

// dropOverlaps keeps links over anything they overlap, then earlier facets
// over later ones.
func dropOverlaps(spans []Facet) []Facet {
	slices.SortStableFunc(spans, func(a, b Facet) int {
		la, lb := a.Features[0].Type == FeatureLink, b.Features[0].Type == FeatureLink
		switch {
		case la && !lb:
			return -1
		case lb && !la:
			return 1
		}
		return a.Index.ByteStart - b.Index.ByteStart
	})
	var kept []Facet
	for _, f := range spans {
		if !slices.ContainsFunc(kept, func(k Facet) bool {
			return f.Index.ByteStart < k.Index.ByteEnd && k.Index.ByteStart < f.Index.ByteEnd
		}) {
			kept = append(kept, f)
		}
	}
	slices.SortFunc(kept, func(a, b Facet) int { return a.Index.ByteStart - b.Index.ByteStart })
	return kept
}

// atWordStart reports whether the rune at byte i begins a word: it is the
// first, or follows a rune that cannot be part of a word, a URL or a
// handle.
func atWordStart(text string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return !wordRune(r) && !strings.ContainsRune("/#@.-&+=:\\", r)
}

func wordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// link reads a URL at byte i.
func link(text string, i int) (Facet, bool) {
	rest := text[i:]
	var scheme int
	for _, s := range []string{"https://", "http://"} {
		if len(rest) >= len(s) && strings.EqualFold(rest[:len(s)], s) {
			scheme = len(s)
			break
		}
	}
	if scheme == 0 {
		return Facet{}, false
	}
	end := strings.IndexFunc(rest, unicode.IsSpace)
	if end < 0 {
		end = len(rest)
	}
	u := trimLinkEnd(rest[:end])
	host := u[min(scheme, len(u)):]
	if j := strings.IndexAny(host, "/?#"); j >= 0 {
		host = host[:j]
	}
	if !strings.ContainsFunc(host, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return Facet{}, false
	}
	return Facet{
		Index:    ByteSlice{ByteStart: i, ByteEnd: i + len(u)},
		Features: []Feature{{Type: FeatureLink, URI: u}},
	}, true
}

// trimLinkEnd drops what people write after a link rather than in it: a
// sentence's punctuation, quotes, and closing brackets the URL did not
// open.
func trimLinkEnd(u string) string {
	pairs := map[rune]rune{')': '(', ']': '[', '}': '{', '>': '<'}
	for u != "" {
		r, size := utf8.DecodeLastRuneInString(u)
		if open, ok := pairs[r]; ok {
			if strings.Count(u, string(open)) >= strings.Count(u, string(r)) {
				return u
			}
		} else if !strings.ContainsRune(".,;:!?'\"…’”»", r) {
			return u
		}
		u = u[:len(u)-size]
	}
	return u
}

// tagBreaks end a hashtag besides spaces: invisible joiners and hyphens.
const tagBreaks = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"

// tag reads a hashtag at byte i, whose # takes size bytes.
func tag(text string, i, size int) (Facet, bool) {
	rest := text[i+size:]
	if strings.HasPrefix(rest, "\ufe0f") { // the keycap emoji #️⃣
		return Facet{}, false
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(tagBreaks, r) })
	if end < 0 {
		end = len(rest)
	}
	t := strings.TrimRightFunc(rest[:end], unicode.IsPunct)
	if !strings.ContainsFunc(t, func(r rune) bool { return !unicode.IsDigit(r) && !unicode.IsPunct(r) }) ||
		len(t) > MaxTagBytes || uniseg.GraphemeClusterCount(t) > MaxTagGraphemes {
		return Facet{}, false
	}
	return Facet{
		Index:    ByteSlice{ByteStart: i, ByteEnd: i + size + len(t)},
		Features: []Feature{{Type: FeatureTag, Tag: t}},
	}, true
}

// mention reads @handle at byte i.
func mention(text string, i int) (Facet, bool) {
	rest := text[i+1:]
	end := strings.IndexFunc(rest, func(r rune) bool {
		return !(r < utf8.RuneSelf && (r == '.' || r == '-' || isAlnum(byte(r))))
	})
	if end < 0 {
		end = len(rest)
	}
	h := strings.TrimRight(rest[:end], ".-")
	if next, _ := utf8.DecodeRuneInString(rest[len(h):]); len(h) < len(rest) && (wordRune(next) || next == '@') {
		return Facet{}, false // part of something longer: an address, a word
	}
	if !validHandle(h) {
		return Facet{}, false
	}
	return Facet{
		Index:    ByteSlice{ByteStart: i, ByteEnd: i + 1 + len(h)},
		Features: []Feature{{Type: FeatureMention, Handle: h}},
	}, true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// validHandle checks the atproto handle syntax: at most 253 characters, two
// or more dot-separated labels of 1–63 letters, digits and inner hyphens,
// the last starting with a letter.
func validHandle(h string) bool {
	labels := strings.Split(h, ".")
	if len(h) > 253 || len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for j := 0; j < len(l); j++ {
			if !isAlnum(l[j]) && l[j] != '-' {
				return false
			}
		}
	}
	last := labels[len(labels)-1][0]
	return 'a' <= last|0x20 && last|0x20 <= 'z'
}

// facets returns the facets of text for a post from a, mentions resolved
// to DIDs. A handle that does not resolve gets no facet; a PDS that cannot
// answer is a Transient error, since a post sent without the link could
// not get it back.
func (p *Publisher) facets(ctx context.Context, a publish.Account, text string) ([]Facet, error) {
	all := Facets(text)
	out := make([]Facet, 0, len(all))
	dids := make(map[string]string)
	for _, f := range all {
		h := strings.ToLower(f.Features[0].Handle)
		if h == "" {
			out = append(out, f)
			continue
		}
		did, seen := dids[h]
		if !seen {
			var err error
			if did, err = p.resolveHandle(ctx, pdsOf(a), h); err != nil {
				return nil, err
			}
			dids[h] = did
		}
		if did != "" {
			f.Features = []Feature{{Type: FeatureMention, DID: did, Handle: f.Features[0].Handle}}
			out = append(out, f)
		}
	}
	return out, nil
}

// resolveHandle returns the DID of handle, "" when the PDS cannot resolve
// it.
func (p *Publisher) resolveHandle(ctx context.Context, pds, handle string) (string, error) {
	r, err := p.xrpc(ctx, pds, call{method: http.MethodGet, nsid: nsidResolveHandle, query: url.Values{"handle": {handle}}})
	if err != nil {
		e := publish.Classify(err)
		if e.Outcome == publish.Rejected {
			return "", nil
		}
		return "", &publish.Error{Outcome: publish.Transient, Message: "resolving @" + handle + " on Bluesky: " + e.Message, RetryAfter: e.RetryAfter, Err: err}
	}
	var out struct {
		DID string `json:"did"`
	}
	if json.Unmarshal(r.body, &out) != nil || !strings.HasPrefix(out.DID, "did:") {
		return "", nil
	}
	return out.DID, nil
}
