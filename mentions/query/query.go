// Package query is the query language of watches (Parse, Query), the
// matcher of many watches at once (Index), and the folding both match on
// (Fold, Highlight, NormalizeAuthor). It is part of the mentions domain and
// imports only the root and internal leaves.
package query

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
)

// The query language of watches (PRODUCT.md, "Query language"):
//
//	acme                      a word
//	"acme corp"               a phrase: these words in a row
//	acme OR acmecorp          either
//	acme -job -"job offer"    exclusions: a '-' before any term, filter or group
//	                          (an en dash –, em dash — or minus sign − too)
//	(acme OR acmecorp) "new store"
//	site:reddit.com           the item's link is on this host or a subdomain of it
//	author:NAME               the item's author (author:"Jane Doe" for spaces)
//	lang:fr                   the item's language, as its source says
//	source:hn                 the item's source: rss, hn, reddit, mastodon, bluesky, webhook
//
// Terms side by side must all match (AND is implicit; an explicit upper-case
// AND is accepted and means the same). OR binds tighter than AND, as in web
// search engines: `acme OR acmecorp store` is `(acme OR acmecorp) store`.
// OR must be upper case; a lower-case "or" is a word. Parentheses group.
//
// Matching folds case and accents (see Fold) and is on whole words: `acme`
// matches "Acme's", "#acme", "@acme", "l'Acme" and "acme.com", not "acmes" or
// "acmecorp". A phrase matches its words in a row, whatever punctuation or
// spaces separate them; a term that folds into several words ("acme-corp",
// "l'acme") is such a phrase. Words and phrases look at an item's title and
// text (a phrase does not run from the title into the text).
//
// A query has at most 500 characters, 50 terms and filters, 10 levels of
// parentheses and exclusions, and at least one word or phrase that is not
// excluded: filters and exclusions alone would match nearly everything.

// MaxLength bounds a query, in characters.
const MaxLength = 500

// Limits on a query.
const (
	maxTerms = 50
	maxDepth = 10
)

// Item is what a query reads of a found item: words and phrases look at
// its Title and Text, site: at the host of its URL, author: at its Author,
// lang: at its Lang, source: at its Source (the source's kind).
type Item struct {
	Title, Text string
	URL         string
	Author      string
	Lang        string
	Source      string
}

// Query is a parsed watch query. It is immutable and safe for concurrent
// use. Only Parse makes one: the zero Query (or a nil one) matches
// nothing and has no terms.
type Query struct {
	root *node
}

type nodeKind uint8

const (
	kindTerm  nodeKind = iota // a word or a phrase
	kindField                 // site:, author:, lang:, source:
	kindNot                   // kids[0] must not match
	kindAnd                   // every kid matches
	kindOr                    // some kid matches
)

// node is one node of a query's syntax tree. ANDs and ORs are flat (no AND
// directly under an AND, no OR directly under an OR) and have two kids or
// more, so that equal queries have equal trees.
type node struct {
	kind   nodeKind
	text   string // term: as typed (a phrase's spaces collapsed); field: the value as typed
	quoted bool   // term: written in quotes
	field  string // field: "site", "author", "lang" or "source"
	// key is what matching compares. Term: the folded pattern " w1 w2 ";
	// site: the host; author: the folded name; lang: the primary
	// language subtag; source: the kind.
	key  string
	kids []*node
}

// Parse parses a watch query; sources are the values source: accepts (the
// source kinds), named in the error about any other. Its errors are
// *herald.Error with code EINVALID and a message that says at which column
// (counted in characters from 1) the problem is, such as `column 7:
// unclosed quote`.
func Parse(s string, sources []string) (*Query, error) {
	if !utf8.ValidString(s) {
		return nil, plainErr("the query is not valid UTF-8 text")
	}
	if len(s) > MaxLength && utf8.RuneCountInString(s) > MaxLength {
		return nil, colErr(MaxLength+1, "the query is longer than %d characters", MaxLength)
	}
	rs := []rune(s)
	toks, err := lexQuery(rs)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, sources: sources}
	root, err := p.and(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tRParen {
		return nil, colErr(t.col, ") without a matching (")
	}
	if root == nil {
		return nil, plainErr("the query is empty: give a word or a \"phrase\" to look for")
	}
	if p.terms > maxTerms {
		return nil, plainErr("the query has more than %d terms and filters", maxTerms)
	}
	q := &Query{root: root}
	if len(q.positive()) == 0 {
		return nil, plainErr("the query needs a word or a \"phrase\" to look for that is not excluded: filters and exclusions alone would match nearly everything")
	}
	return q, nil
}

// ReasonBad is the reason of every error of Parse; its facts are "col"
// (0 when the problem has no column), "problem" (the English format of
// the problem, without the column) and "args" ([]any, its values), so
// that an edge can word each problem in its reader's language.
const ReasonBad = "query.bad"

func colErr(col int, format string, args ...any) error {
	return herald.Errorf(herald.EINVALID, "column %d: %s", col, fmt.Sprintf(format, args...)).
		Because(ReasonBad, herald.Facts{"col": col, "problem": format, "args": args})
}

func plainErr(format string, args ...any) error {
	return herald.Errorf(herald.EINVALID, format, args...).
		Because(ReasonBad, herald.Facts{"col": 0, "problem": format, "args": args})
}

// Lexing.

type tokKind uint8

const (
	tEOF tokKind = iota
	tWord
	tPhrase
	tField
	tLParen
	tRParen
	tMinus
	tOr
	tAnd
)

type qtok struct {
	kind   tokKind
	col    int    // 1-based column of its first character
	text   string // word, phrase or field value
	field  string // tField: the field's name, lower case
	quoted bool   // tField: the value was in quotes
}

// closers maps a quote that opens a phrase to the quotes that close it.
func closers(r rune) string {
	switch r {
	case '"':
		return `"`
	case '“':
		return `”"`
	case '„':
		return `“”"`
	case '«':
		return `»`
	}
	return ""
}

// isMinus reports whether r, before a term, excludes it: a hyphen-minus,
// or the en dash, em dash and minus sign that phone keyboards and word
// processors put in its place (acme –emploi).
func isMinus(r rune) bool {
	return r == '-' || r == '\u2013' || r == '\u2014' || r == '\u2212'
}

// isWordRune reports whether r continues an unquoted word.
func isWordRune(r rune) bool {
	return !unicode.IsSpace(r) && r != '(' && r != ')' && r != '"'
}

func isFieldName(s string) bool {
	switch s {
	case "site", "author", "lang", "source":
		return true
	}
	return false
}

func lexQuery(rs []rune) ([]qtok, error) {
	var toks []qtok
	i := 0
	for {
		for i < len(rs) && unicode.IsSpace(rs[i]) {
			i++
		}
		if i == len(rs) {
			toks = append(toks, qtok{kind: tEOF, col: i + 1})
			return toks, nil
		}
		col, r := i+1, rs[i]
		switch {
		case r == '(':
			toks = append(toks, qtok{kind: tLParen, col: col})
			i++
		case r == ')':
			toks = append(toks, qtok{kind: tRParen, col: col})
			i++
		case closers(r) != "":
			text, next, err := lexPhrase(rs, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, qtok{kind: tPhrase, col: col, text: text})
			i = next
		case isMinus(r):
			if i+1 == len(rs) || !isWordRune(rs[i+1]) && rs[i+1] != '(' && closers(rs[i+1]) == "" {
				return nil, colErr(col, "a - must be followed by what to exclude, as in -job")
			}
			toks = append(toks, qtok{kind: tMinus, col: col})
			i++
		default:
			j := i
			for j < len(rs) && isWordRune(rs[j]) {
				if j > i && rs[j-1] == ':' && closers(rs[j]) != "" {
					break // a quoted value: author:“Jane Doe”
				}
				j++
			}
			word := string(rs[i:j])
			t, next, err := lexWord(rs, word, i, j)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i = next
		}
	}
}

// lexPhrase reads the phrase whose opening quote is at rs[i]. It returns the
// phrase with its runs of spaces (and any quote character) collapsed to one
// space, and where lexing continues.
func lexPhrase(rs []rune, i int) (string, int, error) {
	cl := closers(rs[i])
	for j := i + 1; j < len(rs); j++ {
		if strings.ContainsRune(cl, rs[j]) {
			text := strings.Join(strings.FieldsFunc(string(rs[i+1:j]), func(r rune) bool {
				return unicode.IsSpace(r) || r == '"'
			}), " ")
			if text == "" {
				return "", 0, colErr(i+1, "empty quotes: put the phrase to look for between them")
			}
			return text, j + 1, nil
		}
	}
	return "", 0, colErr(i+1, "unclosed quote")
}

// lexWord classifies the unquoted word rs[i:j]: OR, AND, a filter such as
// site:reddit.com (whose value may be quoted), or a plain word.
func lexWord(rs []rune, word string, i, j int) (qtok, int, error) {
	col := i + 1
	switch word {
	case "OR":
		return qtok{kind: tOr, col: col}, j, nil
	case "AND":
		return qtok{kind: tAnd, col: col}, j, nil
	}
	name, value, ok := strings.Cut(word, ":")
	if !ok || name == "" {
		return qtok{kind: tWord, col: col, text: word}, j, nil
	}
	lname := strings.ToLower(name)
	if !isFieldName(lname) {
		// "re:acme" is likely a mistyped filter; "acme:" (a colon ending a
		// word), "10:30" and "https://..." are words.
		if value != "" && !strings.HasPrefix(value, "//") && isASCIILetters(name) {
			return qtok{}, 0, colErr(col, "unknown filter %s: (the filters are site:, author:, lang: and source:; put the word in quotes to look for it as is)", name)
		}
		return qtok{kind: tWord, col: col, text: word}, j, nil
	}
	t := qtok{kind: tField, col: col, field: lname, text: value}
	if value == "" {
		if j == len(rs) || closers(rs[j]) == "" {
			return qtok{}, 0, colErr(col, "%s: needs a value, as in %s", lname, fieldExample(lname))
		}
		text, next, err := lexPhrase(rs, j)
		if err != nil {
			return qtok{}, 0, err
		}
		t.text, t.quoted = text, true
		return t, next, nil
	}
	return t, j, nil
}

func fieldExample(name string) string {
	switch name {
	case "site":
		return "site:reddit.com"
	case "author":
		return `author:jane or author:"Jane Doe"`
	case "lang":
		return "lang:fr"
	}
	return "source:hn"
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// String returns the query in canonical form: Parse(q.String(), sources) gives
// an equal query. An OR inside an AND is in parentheses, although it need
// not be.
func (q *Query) String() string {
	if q == nil || q.root == nil {
		return ""
	}
	var b strings.Builder
	q.root.write(&b, true)
	return b.String()
}

func (n *node) write(b *strings.Builder, top bool) {
	switch n.kind {
	case kindTerm:
		if n.quoted {
			b.WriteString(`"` + n.text + `"`)
		} else {
			b.WriteString(n.text)
		}
	case kindField:
		b.WriteString(n.field + ":")
		if n.text == "" || strings.ContainsFunc(n.text, func(r rune) bool { return !isWordRune(r) }) || closers([]rune(n.text)[0]) != "" {
			b.WriteString(`"` + n.text + `"`)
		} else {
			b.WriteString(n.text)
		}
	case kindNot:
		b.WriteByte('-')
		n.kids[0].write(b, false)
	case kindAnd, kindOr:
		// Trees are flat, so below the top an AND is in an OR or an
		// exclusion, and an OR in an AND or an exclusion: parentheses.
		paren := !top
		sep := " "
		if n.kind == kindOr {
			sep = " OR "
		}
		if paren {
			b.WriteByte('(')
		}
		for i, k := range n.kids {
			if i > 0 {
				b.WriteString(sep)
			}
			k.write(b, false)
		}
		if paren {
			b.WriteByte(')')
		}
	}
}

// Terms returns the words and phrases the query looks for (not those it
// excludes), as typed, each once: what sources that search (hn, reddit,
// mastodon and bluesky search) are asked for.
func (q *Query) Terms() []string {
	var out []string
	for _, n := range q.positive() {
		out = append(out, n.text)
	}
	return out
}

// positive returns the term nodes under an even number of exclusions, one
// per folded pattern, in the query's order.
func (q *Query) positive() []*node {
	if q == nil || q.root == nil {
		return nil
	}
	var out []*node
	var walk func(n *node, neg bool)
	walk = func(n *node, neg bool) {
		switch n.kind {
		case kindTerm:
			if !neg && !slices.ContainsFunc(out, func(o *node) bool { return o.key == n.key }) {
				out = append(out, n)
			}
		case kindNot:
			walk(n.kids[0], !neg)
		case kindAnd, kindOr:
			for _, k := range n.kids {
				walk(k, neg)
			}
		}
	}
	walk(q.root, false)
	return out
}
