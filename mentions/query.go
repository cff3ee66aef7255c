package mentions

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/textfold"
)

// The query language of watches (PRODUCT.md, "Query language"):
//
//	acme                      a word
//	"acme corp"               a phrase: these words in a row
//	acme OR acmecorp          either
//	acme -job -"job offer"    exclusions: a '-' before any term, filter or group
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

// Limits on a query.
const (
	maxQueryRunes = 500
	maxTerms      = 50
	maxDepth      = 10
)

// Query is a parsed watch query. It is immutable and safe for concurrent
// use. Only ParseQuery makes one: the zero Query (or a nil one) matches
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

// ParseQuery parses a watch query. Its errors are *herald.Error with code
// EINVALID and a message that says at which column (counted in characters
// from 1) the problem is, such as `column 7: unclosed quote`.
func ParseQuery(s string) (*Query, error) {
	if !utf8.ValidString(s) {
		return nil, herald.Errorf(herald.EINVALID, "the query is not valid UTF-8 text")
	}
	if len(s) > maxQueryRunes && utf8.RuneCountInString(s) > maxQueryRunes {
		return nil, herald.Errorf(herald.EINVALID, "column %d: the query is longer than %d characters", maxQueryRunes+1, maxQueryRunes)
	}
	rs := []rune(s)
	toks, err := lexQuery(rs)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	root, err := p.and(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tRParen {
		return nil, colErr(t.col, ") without a matching (")
	}
	if root == nil {
		return nil, herald.Errorf(herald.EINVALID, "the query is empty: give a word or a \"phrase\" to look for")
	}
	if p.terms > maxTerms {
		return nil, herald.Errorf(herald.EINVALID, "the query has more than %d terms and filters", maxTerms)
	}
	q := &Query{root: root}
	if len(q.positive()) == 0 {
		return nil, herald.Errorf(herald.EINVALID, "the query needs a word or a \"phrase\" to look for that is not excluded: filters and exclusions alone would match nearly everything")
	}
	return q, nil
}

func colErr(col int, format string, args ...any) error {
	return herald.Errorf(herald.EINVALID, "column %d: %s", col, fmt.Sprintf(format, args...))
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
		case r == '-':
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

// Parsing: recursive descent over
//
//	and     = or { ["AND"] or }
//	or      = unary { "OR" unary }
//	unary   = "-" unary | primary
//	primary = WORD | PHRASE | FIELD | "(" and ")"

type parser struct {
	toks  []qtok
	pos   int
	terms int
}

func (p *parser) peek() qtok { return p.toks[p.pos] }

func (p *parser) next() qtok {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

// and parses terms side by side until the end or a ')'; nil when there is
// none.
func (p *parser) and(depth int) (*node, error) {
	var kids []*node
	for {
		t := p.peek()
		switch t.kind {
		case tEOF, tRParen:
			return join(kindAnd, kids), nil
		case tAnd:
			p.next()
			if u := p.peek(); len(kids) == 0 || !startsOperand(u.kind) {
				return nil, colErr(t.col, "AND needs a term on each side")
			}
			continue
		}
		n, err := p.or(depth)
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
}

func startsOperand(k tokKind) bool {
	switch k {
	case tWord, tPhrase, tField, tLParen, tMinus:
		return true
	}
	return false
}

func (p *parser) or(depth int) (*node, error) {
	n, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	kids := []*node{n}
	for p.peek().kind == tOr {
		t := p.next()
		if !startsOperand(p.peek().kind) {
			return nil, colErr(t.col, "OR needs a term on each side")
		}
		n, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	return join(kindOr, kids), nil
}

func (p *parser) unary(depth int) (*node, error) {
	t := p.peek()
	if t.kind != tMinus {
		return p.primary(depth)
	}
	p.next()
	if depth+1 > maxDepth {
		return nil, colErr(t.col, "the query nests more than %d levels deep", maxDepth)
	}
	kid, err := p.unary(depth + 1)
	if err != nil {
		return nil, err
	}
	return &node{kind: kindNot, kids: []*node{kid}}, nil
}

func (p *parser) primary(depth int) (*node, error) {
	t := p.next()
	switch t.kind {
	case tWord, tPhrase:
		p.terms++
		return termNode(t)
	case tField:
		p.terms++
		return fieldNode(t)
	case tLParen:
		if depth+1 > maxDepth {
			return nil, colErr(t.col, "the query nests more than %d levels deep", maxDepth)
		}
		inner, err := p.and(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.peek().kind != tRParen {
			return nil, colErr(t.col, "this ( is never closed")
		}
		p.next()
		if inner == nil {
			return nil, colErr(t.col, "empty parentheses")
		}
		return inner, nil
	case tOr:
		return nil, colErr(t.col, "OR needs a term on each side")
	case tAnd:
		return nil, colErr(t.col, "AND needs a term on each side")
	case tRParen:
		return nil, colErr(t.col, ") without a matching (")
	}
	return nil, colErr(t.col, "the query ends where a term was expected")
}

// join makes an AND or an OR of kids, flattening kids of the same kind;
// one kid is itself, none is nil.
func join(kind nodeKind, kids []*node) *node {
	switch len(kids) {
	case 0:
		return nil
	case 1:
		return kids[0]
	}
	flat := make([]*node, 0, len(kids))
	for _, k := range kids {
		if k.kind == kind {
			flat = append(flat, k.kids...)
		} else {
			flat = append(flat, k)
		}
	}
	return &node{kind: kind, kids: flat}
}

func termNode(t qtok) (*node, error) {
	key := Fold(t.text)
	if key == "" {
		return nil, colErr(t.col, "%q has no letters or digits to look for", t.text)
	}
	return &node{kind: kindTerm, text: t.text, quoted: t.kind == tPhrase, key: " " + key + " "}, nil
}

func fieldNode(t qtok) (*node, error) {
	n := &node{kind: kindField, field: t.field, text: t.text}
	v := t.text
	switch t.field {
	case "site":
		host, ok := siteHost(v)
		if !ok {
			return nil, colErr(t.col, "site: takes a host name such as reddit.com or news.ycombinator.com, without a path")
		}
		n.key = host
	case "author":
		n.key = NormalizeAuthor(v)
		if n.key == "" {
			return nil, colErr(t.col, "author: needs a name, as in author:jane")
		}
	case "lang":
		code, _, _ := strings.Cut(strings.ReplaceAll(v, "_", "-"), "-")
		if len(code) < 2 || len(code) > 3 || !isASCIILetters(code) {
			return nil, colErr(t.col, "lang: takes a language code such as fr or en")
		}
		n.key = strings.ToLower(code)
	case "source":
		k := strings.ToLower(v)
		if !slices.Contains(sourceKinds(), k) {
			return nil, colErr(t.col, "unknown source %q: the sources are %s", v, strings.Join(sourceKinds(), ", "))
		}
		n.key = k
	}
	return n, nil
}

// sourceKinds are the values Item.Source takes.
func sourceKinds() []string {
	return []string{"rss", "hn", "reddit", "mastodon", "bluesky", "webhook"}
}

// siteHost normalises the value of site:, forgiving a scheme, a trailing
// slash and a leading "www.".
func siteHost(v string) (string, bool) {
	v = strings.ToLower(v)
	for _, p := range []string{"https://", "http://"} {
		v = strings.TrimPrefix(v, p)
	}
	v = strings.TrimSuffix(v, "/")
	v = strings.TrimPrefix(v, "www.")
	if v == "" || strings.HasPrefix(v, ".") || strings.HasSuffix(v, ".") || strings.Contains(v, "..") {
		return "", false
	}
	for _, r := range v {
		if !(r == '.' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return "", false
		}
	}
	return v, true
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

// String returns the query in canonical form: ParseQuery(q.String()) gives
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
