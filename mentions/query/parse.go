package query

import (
	"slices"
	"strings"
	"unicode"
)

// Parsing: recursive descent over
//
//	and     = or { ["AND"] or }
//	or      = unary { "OR" unary }
//	unary   = "-" unary | primary
//	primary = WORD | PHRASE | FIELD | "(" and ")"

type parser struct {
	toks    []qtok
	pos     int
	terms   int
	sources []string // the values source: accepts
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
		return p.fieldNode(t)
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

func (p *parser) fieldNode(t qtok) (*node, error) {
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
		if !slices.Contains(p.sources, k) {
			return nil, colErr(t.col, "unknown source %q: the sources are %s", v, strings.Join(p.sources, ", "))
		}
		n.key = k
	}
	return n, nil
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
