package query

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald/internal/textfold"
)

// Evaluation: an item against a query, and the highlighting of terms.

// Match reports whether the item matches the query: words and phrases
// against its Title and Text, site: against the host of its URL, author:
// against its Author, lang: against its Lang, source: against its Source.
// It folds the item's text on every call; to match many queries, use an
// Index.
func (q *Query) Match(it *Item) bool {
	if q == nil || q.root == nil {
		return false
	}
	var f folded
	f.add(it.Title)
	f.add(it.Text)
	facts := itemFacts{it: it}
	return q.root.match(f.buf, &facts)
}

// MatchedTerms returns the terms of Terms that occur in the item's title or
// text: the ones to highlight.
func (q *Query) MatchedTerms(it *Item) []string {
	var f folded
	f.add(it.Title)
	f.add(it.Text)
	var out []string
	for _, n := range q.positive() {
		if bytes.Contains(f.buf, []byte(n.key)) {
			out = append(out, n.text)
		}
	}
	return out
}

func (n *node) match(buf []byte, f *itemFacts) bool {
	switch n.kind {
	case kindTerm:
		return bytes.Contains(buf, []byte(n.key))
	case kindField:
		return n.matchField(f)
	case kindNot:
		return !n.kids[0].match(buf, f)
	case kindAnd:
		for _, k := range n.kids {
			if !k.match(buf, f) {
				return false
			}
		}
		return true
	case kindOr:
		for _, k := range n.kids {
			if k.match(buf, f) {
				return true
			}
		}
	}
	return false
}

// itemFacts is what filters look at, worked out once per item when first
// needed.
type itemFacts struct {
	it         *Item
	host       string
	hostDone   bool
	author     string
	authorDone bool
}

func (f *itemFacts) reset(it *Item) { *f = itemFacts{it: it} }

func (n *node) matchField(f *itemFacts) bool {
	switch n.field {
	case "site":
		if !f.hostDone {
			f.host, f.hostDone = urlHost(f.it.URL), true
		}
		h := f.host
		return h == n.key || len(h) > len(n.key) && strings.HasSuffix(h, n.key) && h[len(h)-len(n.key)-1] == '.'
	case "author":
		if !f.authorDone {
			f.author, f.authorDone = NormalizeAuthor(f.it.Author), true
		}
		a := f.author
		// author:jane matches the Mastodon handle @jane@mastodon.social.
		return a == n.key || len(a) > len(n.key) && strings.HasPrefix(a, n.key) && a[len(n.key)] == '@'
	case "lang":
		l := f.it.Lang
		if len(l) < len(n.key) || !strings.EqualFold(l[:len(n.key)], n.key) {
			return false
		}
		return len(l) == len(n.key) || l[len(n.key)] == '-' || l[len(n.key)] == '_'
	case "source":
		return strings.EqualFold(f.it.Source, n.key)
	}
	return false
}

// urlHost returns the lower-cased host of a URL, without port, user or a
// trailing dot; "" when there is none.
func urlHost(u string) string {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		rest = strings.TrimPrefix(u, "//")
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	if strings.HasPrefix(rest, "[") { // an IPv6 literal
		if i := strings.IndexByte(rest, ']'); i >= 0 {
			return strings.ToLower(rest[1:i])
		}
		return ""
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		rest = rest[:i]
	}
	return strings.ToLower(strings.TrimSuffix(rest, "."))
}

// Highlight returns where terms occur in text, as byte ranges [start, end)
// of text itself, sorted and not overlapping (ranges that would overlap or
// touch are merged). Terms are matched as queries match them: folded, on
// whole words, a phrase across any punctuation; a range runs from the first
// character of a term's first word to the last of its last word.
func Highlight(text string, terms []string) [][2]int {
	var f folded
	f.add(text)
	type pat struct {
		key   string
		words int
	}
	var pats []pat
	for _, t := range terms {
		if k := Fold(t); k != "" {
			pats = append(pats, pat{" " + k + " ", strings.Count(k, " ") + 1})
		}
	}
	var out [][2]int
	for i := range f.words() {
		tk := f.tok(i)
		end := -1
		for _, p := range pats {
			if i+p.words <= f.words() && hasPrefix(f.buf[tk.fs-1:], p.key) {
				end = max(end, int(f.tok(i+p.words-1).oe))
			}
		}
		if end < 0 {
			continue
		}
		r := [2]int{int(tk.os), end}
		if n := len(out); n > 0 && r[0] <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], r[1])
			continue
		}
		out = append(out, r)
	}
	return out
}

// NormalizeAuthor folds an author handle for comparisons (author: in
// queries, mutes, spam counts, summaries): folded case and accents, spaces
// trimmed, without a leading '@', "u/" or "/u/".
func NormalizeAuthor(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "@")
	if l := strings.ToLower(s); strings.HasPrefix(l, "/u/") {
		s = s[3:]
	} else if strings.HasPrefix(l, "u/") {
		s = s[2:]
	}
	if plainLower(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf {
			if c := byte(r); c >= 'A' && c <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteRune(r)
			continue
		}
		switch m, lr := textfold.Rune(r); {
		case m != "":
			b.WriteString(m)
		case lr == textfold.Mark:
		case lr > 0:
			b.WriteRune(lr)
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return strings.TrimSpace(b.String())
}

// plainLower reports whether s is ASCII without upper case letters or
// surrounding spaces: already an author key.
func plainLower(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c >= 'A' && c <= 'Z' {
			return false
		}
	}
	return true
}
