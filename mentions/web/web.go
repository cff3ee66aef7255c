// Package web is what the listening's sources share to read the web:
// HTML to plain text, Google and alert redirects unwrapped, the URLs typed
// in chat checked (CheckSourceURL), API base URLs, language tags, search
// terms and byte clipping. It is part of the mentions domain and imports
// only the root and internal leaves.
package web

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// PrimaryLang returns the primary subtag of a language tag, lower case,
// as Item.Lang wants it: "pt-BR", "en_us" and " FR " give "pt", "en" and
// "fr". Anything that is not 2 or 3 ASCII letters before the first '-'
// or '_' gives "".
func PrimaryLang(tag string) string {
	p := strings.TrimSpace(tag)
	if i := strings.IndexAny(p, "-_"); i >= 0 {
		p = p[:i]
	}
	if len(p) < 2 || len(p) > 3 {
		return ""
	}
	for i := 0; i < len(p); i++ {
		if c := p[i] | 0x20; c < 'a' || c > 'z' {
			return ""
		}
	}
	return strings.ToLower(p)
}

// BaseURL reads the base URL of an API a source calls (a Mastodon
// instance, a Bluesky PDS): http or https, with a host, without user
// info, query or fragment. It returns it without its trailing slash, and
// its host name; ok is false for anything else.
func BaseURL(raw string) (base, host string, ok bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", "", false
	}
	return strings.TrimRight(u.String(), "/"), u.Hostname(), true
}

// ClipBytes cuts s to at most n bytes without splitting a character
// (UTF-8), for the bounds sources put on what they keep or echo.
func ClipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	n = max(n, 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// SearchTerms returns terms (Request.Terms) as a searching source sends
// them: double quotes dropped, white space collapsed, lower case (the
// searches Herald uses ignore case), empty ones dropped, sorted, each
// once. A source quotes phrases or joins terms as its API wants.
func SearchTerms(terms []string) []string {
	out := make([]string, 0, len(terms))
	for _, t := range terms {
		t = strings.ToLower(strings.Join(strings.Fields(strings.ReplaceAll(t, `"`, " ")), " "))
		if t != "" {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
