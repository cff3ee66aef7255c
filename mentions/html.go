package mentions

import (
	"html"
	"net/url"
	"strings"
)

// UnwrapRedirect returns the real link behind a redirect wrapper that
// alert feeds put around their links: Google's
// (https://www.google.com/url?rct=j&sa=t&url=REAL&...; also q=REAL, and
// any google.TLD) and Talkwalker's (a *.talkwalker.com link whose url
// query parameter holds the target). Nested wrappers are unwrapped. The
// result is always an absolute http or https URL; anything else (a
// wrapper around javascript:, an unparsable link, a link that is no
// wrapper) returns u unchanged.
func UnwrapRedirect(u string) string {
	out := u
	for range 3 {
		next, ok := unwrapOnce(out)
		if !ok {
			break
		}
		out = next
	}
	return out
}

func unwrapOnce(u string) (string, bool) {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") {
		return "", false
	}
	host := strings.ToLower(p.Hostname())
	q := p.Query()
	var target string
	switch {
	case isGoogle(host) && p.Path == "/url":
		target = q.Get("url")
		if target == "" {
			target = q.Get("q")
		}
	case host == "talkwalker.com" || strings.HasSuffix(host, ".talkwalker.com"):
		target = q.Get("url")
	}
	t, err := url.Parse(target)
	if target == "" || err != nil || (t.Scheme != "http" && t.Scheme != "https") || t.Host == "" {
		return "", false
	}
	return target, true
}

// isGoogle reports whether host is Google's search host in some
// country: google.com, www.google.fr, google.co.uk, www.google.com.br.
func isGoogle(host string) bool {
	host = strings.TrimPrefix(host, "www.")
	rest, ok := strings.CutPrefix(host, "google.")
	if !ok || rest == "" {
		return false
	}
	labels := strings.Split(rest, ".")
	switch len(labels) {
	case 1:
		return true
	case 2:
		return labels[0] == "co" || labels[0] == "com"
	}
	return false
}

// inlineTags are the elements that sit inside a line of text: removing
// them must not split a word ("<b>Con</b>cord" is "Concord"). Every
// other tag separates words.
var inlineTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "cite": true,
	"code": true, "data": true, "del": true, "dfn": true, "em": true, "font": true,
	"i": true, "ins": true, "kbd": true, "mark": true, "q": true, "s": true,
	"samp": true, "small": true, "span": true, "strike": true, "strong": true,
	"sub": true, "sup": true, "time": true, "tt": true, "u": true, "var": true,
}

// HTMLText turns an HTML fragment into plain text: tags are removed
// (block tags become spaces, inline ones vanish), comments and the
// content of script and style elements are dropped, entities are
// decoded, invalid UTF-8 is replaced and runs of white space (non
// breaking spaces included) collapse to one space, trimmed at both ends.
// A '<' that opens no tag ("a < b") is kept. It never fails.
func HTMLText(s string) string {
	var out strings.Builder
	out.Grow(len(s))
	text := func(t string) {
		if t != "" {
			out.WriteString(html.UnescapeString(t))
		}
	}
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			text(s)
			break
		}
		text(s[:i])
		s = s[i:]
		if len(s) < 2 || !opensTag(s[1]) {
			out.WriteByte('<')
			s = s[1:]
			continue
		}
		var name string
		var closing bool
		name, closing, s = skipTag(s)
		if !closing && (name == "script" || name == "style") {
			s = skipRawText(s, name)
		}
		if !inlineTags[name] {
			out.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(strings.ToValidUTF8(out.String(), "\uFFFD")), " ")
}

// opensTag reports whether c, after '<', starts a tag, an end tag, a
// comment, a declaration or a processing instruction.
func opensTag(c byte) bool {
	return c == '/' || c == '!' || c == '?' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// skipTag consumes the markup at the start of s (which begins with '<')
// and returns the lower-cased element name ("" for comments and
// declarations), whether it is an end tag, and the rest of s.
func skipTag(s string) (name string, closing bool, rest string) {
	if strings.HasPrefix(s, "<!--") {
		if end := strings.Index(s[4:], "-->"); end >= 0 {
			return "", false, s[4+end+3:]
		}
		return "", false, ""
	}
	if s[1] == '!' || s[1] == '?' {
		if end := strings.IndexByte(s, '>'); end >= 0 {
			return "", false, s[end+1:]
		}
		return "", false, ""
	}
	i := 1
	if s[i] == '/' {
		closing = true
		i++
	}
	start := i
	for i < len(s) && (isAlnum(s[i]) || s[i] == '-' || s[i] == ':') {
		i++
	}
	name = strings.ToLower(s[start:i])
	// Find the '>' that ends the tag, skipping quoted attribute values.
	var quote byte
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return name, closing, s[i+1:]
		}
	}
	return name, closing, ""
}

// skipRawText drops the content of a script or style element up to and
// including its end tag.
func skipRawText(s, name string) string {
	for i := 0; i+2+len(name) <= len(s); i++ {
		if s[i] == '<' && s[i+1] == '/' && strings.EqualFold(s[i+2:i+2+len(name)], name) {
			_, _, rest := skipTag(s[i:])
			return rest
		}
	}
	return ""
}

func isAlnum(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}
