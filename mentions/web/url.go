package web

import (
	"net/url"
	"strings"
)

// MaxURLLength bounds the URLs Herald keeps; longer ones are dropped.
const MaxURLLength = 2048

// ParseURL parses raw as an absolute http(s) URL with a host, or returns
// nil (javascript:, data:, relative links, oversize).
func ParseURL(raw string) *url.URL {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > MaxURLLength {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
		return nil
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil
	}
	return u
}

// WebURL returns raw trimmed when it is an absolute http(s) URL Herald may
// show as a link, else "".
func WebURL(raw string) string {
	if ParseURL(raw) == nil {
		return ""
	}
	return strings.TrimSpace(raw)
}
