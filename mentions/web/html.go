package web

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
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
// A '<' that opens no tag ("a < b") is kept. It never fails. It reads
// the fragment with the HTML5 tokenizer of golang.org/x/net/html.
func HTMLText(s string) string {
	var out strings.Builder
	out.Grow(len(s))
	z := html.NewTokenizer(strings.NewReader(s))
	skipping := "" // inside a script or style element: its name
	var nameBuf [16]byte
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.Join(strings.Fields(strings.ToValidUTF8(out.String(), "\uFFFD")), " ")
		case html.TextToken:
			if skipping == "" {
				out.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name := tagName(z.Raw(), nameBuf[:0]) // TagName would copy it
			switch {
			case tt == html.StartTagToken && (string(name) == "script" || string(name) == "style"):
				skipping = string(name)
			case tt == html.EndTagToken && skipping != "" && string(name) == skipping:
				skipping = ""
			}
			if !inlineTags[string(name)] {
				out.WriteByte(' ')
			}
		}
	}
}

// tagName returns the lower-cased name of the tag raw ("<IMG src=x>",
// "</p>"), appended to buf; a name longer than buf's capacity is cut
// (no element Herald tells apart is that long).
func tagName(raw, buf []byte) []byte {
	i := 1
	if i < len(raw) && raw[i] == '/' {
		i++
	}
	for ; i < len(raw) && len(buf) < cap(buf); i++ {
		c := raw[i]
		if c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' {
			break
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}
