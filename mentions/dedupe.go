package mentions

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald/mentions/web"
)

// trackingParams are query parameters that only say where a click came
// from; utm_* are matched by prefix.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "mc_cid": true, "mc_eid": true,
	"ref": true, "ref_src": true, "ref_url": true, "igshid": true, "yclid": true, "_hsenc": true, "_hsmi": true,
}

// CanonicalURL returns the form of raw used to recognise the same page
// reached by different links: Google's /url?q= redirect unwrapped, scheme
// and host lowercased, user info, default ports, fragment, tracking
// parameters (utm_*, fbclid, gclid, mc_cid, mc_eid, ref, ref_src, ...) and
// a trailing slash removed, the remaining parameters sorted. It returns ""
// for anything that is not an absolute http or https URL. It never panics
// and is idempotent.
func CanonicalURL(raw string) string {
	u := web.ParseURL(raw)
	for range 3 {
		inner := googleRedirect(u)
		if inner == nil {
			break
		}
		u = inner
	}
	if u == nil {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	out := url.URL{Scheme: u.Scheme, Host: host, RawPath: u.RawPath, Path: u.Path}
	out.Path = strings.TrimRight(out.Path, "/")
	out.RawPath = strings.TrimRight(out.RawPath, "/")
	if out.RawPath != "" && out.RawPath == out.EscapedPath() {
		out.RawPath = ""
	}
	if u.RawQuery != "" {
		q, err := url.ParseQuery(u.RawQuery)
		if err == nil {
			for k := range q {
				if trackingParams[strings.ToLower(k)] || strings.HasPrefix(strings.ToLower(k), "utm_") {
					delete(q, k)
				}
			}
			out.RawQuery = q.Encode()
		} else if utf8.ValidString(u.RawQuery) && !strings.ContainsFunc(u.RawQuery, unicode.IsControl) {
			out.RawQuery = u.RawQuery // unparsable: kept as it is, when printable
		}
	}
	s := out.String()
	if len(s) > web.MaxURLLength || !utf8.ValidString(s) || web.ParseURL(s) == nil {
		return ""
	}
	return s
}

// googleRedirect returns the target of a Google redirect link
// (https://www.google.com/url?q=TARGET&..., also url=), or nil.
func googleRedirect(u *url.URL) *url.URL {
	if u == nil || u.Path != "/url" {
		return nil
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if !strings.HasPrefix(host, "google.") {
		return nil
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil
	}
	for _, k := range []string{"q", "url"} {
		if t := web.ParseURL(q.Get(k)); t != nil {
			return t
		}
	}
	return nil
}

// globalIDs are the source kinds whose ids name one thing whichever
// configured source found it (an HN objectID, a Reddit fullname, a
// Mastodon status URI, an at:// URI). Feed GUIDs and webhook ids are only
// unique within their feed or tool.
var globalIDs = map[string]bool{"hn": true, "reddit": true, "mastodon": true, "bluesky": true}

// dedupeKeys returns the dedupe keys of a normalised item: its canonical URL,
// its id at its source (by kind for kinds with global ids, by configured
// source for feeds and webhooks), and when it has neither a hash of its
// source, author and text. Two items sharing any key are one mention.
func dedupeKeys(it *Item) []string { return keysFor(it, CanonicalURL(it.URL)) }

// keysFor is Keys given the item's canonical URL.
func keysFor(it *Item, canonical string) []string {
	keys := make([]string, 0, 2)
	if c := canonical; c != "" {
		keys = append(keys, "url:"+c)
	}
	if it.ExternalID != "" {
		if globalIDs[it.Source] {
			keys = append(keys, "ext:"+it.Source+":"+it.ExternalID)
		} else {
			keys = append(keys, "ext:"+it.Source+"#"+strconv.FormatInt(it.SourceID, 10)+":"+it.ExternalID)
		}
	}
	if len(keys) == 0 {
		h := sha256.Sum256([]byte(it.Source + "\x00" + it.Author + "\x00" + it.Title + "\x00" + it.Text))
		keys = append(keys, "txt:"+hex.EncodeToString(h[:16]))
	}
	return keys
}
