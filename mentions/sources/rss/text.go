package rss

import (
	"net/url"
	"strings"

	"github.com/heraldhq/herald/mentions/web"
)

// Text constructs. An element with a type attribute follows Atom's rules
// (RFC 4287, 3.1), whatever its namespace: "text" (the default) is
// literal text, "html" is HTML escaped in the element's text, "xhtml"
// (or any XML media type) is markup inside the element. An Atom element
// without one is text. Any other element (RSS's title and description,
// RSS 1.0, Dublin Core) is read as HTML when it looks like HTML (a known
// tag or an entity) and as literal text otherwise, as feed readers do:
// RSS says titles are text and descriptions HTML, and feeds do both.
// Markup left unescaped inside an element (<description><p>Acme
// launches <b>Rocket</b></p></description>) is read as HTML. content:
// encoded is always HTML.

// plain returns f as plain text.
func (f *field) plain() string {
	typ := strings.ToLower(strings.TrimSpace(attrOf(f.attrs, "", "type")))
	switch {
	case f.name.Space == nsCE:
		return f.asHTML()
	case strings.Contains(typ, "xhtml") || strings.HasSuffix(typ, "xml"):
		return web.HTMLText(f.xhtml.String())
	case typ == "html" || strings.HasSuffix(typ, "/html"):
		return f.asHTML()
	case typ != "" || f.name.Space == nsAtom || f.name.Space == nsAtom3:
		// text, text/plain, or another type Herald does not read: the
		// characters as they are.
		if strings.EqualFold(attrOf(f.attrs, "", "mode"), "escaped") && looksLikeHTML(f.text.String()) {
			return f.asHTML() // Atom 0.3's escaped mode with a text type
		}
		return literal(f.text.String())
	case f.children || looksLikeHTML(f.text.String()):
		return f.asHTML()
	}
	return literal(f.text.String())
}

// asHTML reads f as HTML: its markup when it has child elements, else its
// text (escaped HTML, or HTML in a CDATA section).
func (f *field) asHTML() string {
	if f.children {
		return web.HTMLText(f.html.String())
	}
	return web.HTMLText(f.text.String())
}

// literal returns s with its runs of white space collapsed, trimmed, and
// invalid UTF-8 replaced.
func literal(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
}

// htmlTags are the elements whose tags make a text look like HTML.
var htmlTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "big": true, "blockquote": true, "br": true, "center": true,
	"cite": true, "code": true, "dd": true, "div": true, "dl": true, "dt": true, "em": true,
	"font": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"hr": true, "i": true, "iframe": true, "img": true, "li": true, "ol": true, "p": true,
	"pre": true, "q": true, "s": true, "script": true, "small": true, "span": true,
	"strike": true, "strong": true, "style": true, "sub": true, "sup": true, "table": true,
	"td": true, "th": true, "tr": true, "tt": true, "u": true, "ul": true,
}

// looksLikeHTML reports whether s holds a tag of a known HTML element
// (<b>, </p>, <br/>, <a href=...>) or a character reference (&amp;,
// &#233;): "Announcing <Acme> 2.0" does not.
func looksLikeHTML(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			j := i + 1
			if j < len(s) && s[j] == '/' {
				j++
			}
			k := j
			for k < len(s) && k-j < 12 && isAlnum(s[k]) {
				k++
			}
			if k > j && k < len(s) && (s[k] == '>' || s[k] == ' ' || s[k] == '/' || s[k] == '\t' || s[k] == '\n') &&
				htmlTags[strings.ToLower(s[j:k])] {
				return true
			}
		case '&':
			j := i + 1
			if j < len(s) && s[j] == '#' {
				j++
			}
			k := j
			for k < len(s) && k-j < 10 && isAlnum(s[k]) {
				k++
			}
			if k > j && k < len(s) && s[k] == ';' {
				return true
			}
		}
	}
	return false
}

func isAlnum(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// joinBase resolves the xml:base inner against the xml:base outer (both
// may be relative or empty).
func joinBase(outer, inner string) string {
	inner = strings.TrimSpace(inner)
	if outer == "" {
		return inner
	}
	if inner == "" {
		return outer
	}
	o, err1 := url.Parse(strings.TrimSpace(outer))
	i, err2 := url.Parse(inner)
	if err1 != nil || err2 != nil {
		return inner
	}
	return o.ResolveReference(i).String()
}
