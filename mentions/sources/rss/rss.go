// Package rss is the RSS and Atom source: any feed, Google Alerts and
// Talkwalker Alerts feeds included (their redirect links are unwrapped to
// the real URL). It fetches with a conditional GET (ETag,
// Last-Modified) through the client it is given (httpx.New:
// the SSRF guard, the size and time limits) and parses with encoding/xml,
// which never expands DTD entities, in its lenient mode and behind a
// balancer that drops stray end tags (parse.go), reading each item's
// elements itself (item.go, text.go for Atom's and RSS's text, date.go),
// and decoding legacy charsets with golang.org/x/net/html/charset
// (charset.go). TestCorpus runs it over public test feeds of other feed
// readers (testdata/corpus).
//
// The parser is our own rather than github.com/mmcdole/gofeed: Herald
// needs eight fields of three formats, and the module registry this
// project builds from marks the gofeed release as not approved.
package rss

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/mentions/web"
)

// Kind is the source kind this package implements.
const Kind = "rss"

// Limits of the cursor.
const (
	// maxSeen bounds the item ids the cursor remembers.
	maxSeen = 1000
	// lateness is how far before the newest item seen a newly listed
	// item may be dated and still count as new (feeds list late
	// arrivals; an id forgotten beyond maxSeen is older than this).
	lateness = 7 * 24 * time.Hour
)

// Source polls one feed. It is safe for concurrent use, though the
// poller polls each source from one goroutine.
type Source struct {
	client  *http.Client
	feedURL string
}

var _ mentions.Source = (*Source)(nil)

// New returns the source of the feed at feedURL, fetched with c (built
// by httpx.New; the URL was vetted with
// web.CheckSourceURL when it was added).
func New(c *http.Client, feedURL string) *Source {
	return &Source{client: c, feedURL: feedURL}
}

// cursor is the opaque state between polls, stored as JSON.
type cursor struct {
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Newest       time.Time `json:"newest,omitzero"` // the newest item's date seen so far
	Seen         []string  `json:"seen,omitempty"`  // ids listed lately, newest first, at most maxSeen
}

func readCursor(s string) cursor {
	var c cursor
	if s != "" {
		// A cursor that does not decode (from an older version, or
		// damaged) starts over: some items may repeat; none are lost.
		_ = json.Unmarshal([]byte(s), &c)
	}
	return c
}

func (c cursor) String() string {
	b, _ := json.Marshal(c)
	return string(b)
}

// Poll fetches the feed and returns the items not returned before. A
// 304 Not Modified returns no items and the same cursor. An item is new
// when its id is not among those the cursor remembers and it is not
// dated more than a week before the newest item seen (so a feed longer
// than the memory does not repeat its tail). The first poll returns
// every item of the feed. A broken, oversized or hostile feed is an
// error; the cursor is then unchanged (the caller keeps the old one).
func (s *Source) Poll(ctx context.Context, r mentions.Request) (mentions.Batch, error) {
	cur := readCursor(r.Cursor)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.feedURL, nil)
	if err != nil {
		// Not %w: url.Parse's error quotes the whole URL, and a feed URL
		// may carry a secret (a private feed's key).
		return mentions.Batch{}, herald.Errorf(herald.EINVALID, "the feed URL is not usable")
	}
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5")
	if cur.ETag != "" {
		req.Header.Set("If-None-Match", cur.ETag)
	}
	if cur.LastModified != "" {
		req.Header.Set("If-Modified-Since", cur.LastModified)
	}
	resp, body, err := httpx.Fetch(ctx, s.client, req, 0)
	if err != nil {
		return mentions.Batch{}, fmt.Errorf("rss: %w", err)
	}
	if resp.StatusCode == http.StatusNotModified {
		return mentions.Batch{Cursor: r.Cursor}, nil
	}
	f, err := parseDoc(body, contentCharset(resp.Header.Get("Content-Type")))
	if err != nil {
		return mentions.Batch{}, fmt.Errorf("rss: %s: %w", req.URL.Host, err)
	}
	items, next := collect(f, cur, req.URL)
	next.ETag = resp.Header.Get("ETag")
	next.LastModified = resp.Header.Get("Last-Modified")
	return mentions.Batch{Items: items, Cursor: next.String()}, nil
}

// collect returns the feed's new items (in feed order) and the cursor
// after them.
func collect(f feed, cur cursor, base *url.URL) ([]mentions.Item, cursor) {
	seen := make(map[string]bool, len(cur.Seen))
	for _, id := range cur.Seen {
		seen[id] = true
	}
	next := cursor{Newest: cur.Newest}
	legacy := legacyShared(f.Items, seen)
	listed := make(map[string]bool, len(f.Items))
	var items []mentions.Item
	for _, e := range f.Items {
		if e.ID == "" || listed[e.ID] {
			continue
		}
		listed[e.ID] = true
		next.Seen = append(next.Seen, e.ID)
		if e.Published.After(next.Newest) {
			next.Newest = e.Published
		}
		if seen[e.ID] || (legacy[e.Shared] && !e.Published.After(cur.Newest)) {
			continue
		}
		if !cur.Newest.IsZero() && !e.Published.IsZero() && e.Published.Before(cur.Newest.Add(-lateness)) {
			continue
		}
		items = append(items, item(f, e, base))
	}
	// Remember what the feed lists now, then what was remembered before
	// (a feed that drops an item and lists it again does not repeat it).
	for _, id := range cur.Seen {
		if len(next.Seen) >= maxSeen {
			break
		}
		if !listed[id] {
			next.Seen = append(next.Seen, id)
		}
	}
	if len(next.Seen) > maxSeen {
		next.Seen = next.Seen[:maxSeen]
	}
	return items, next
}

// legacyShared returns the guids shared by several entries (entry.Shared)
// that the cursor remembers only as the bare guid: it was written before
// such entries had ids of their own (or when one entry alone carried the
// guid). Those entries were seen under the bare guid, so only the ones
// dated after the newest item seen are new; the others are not announced
// again under their new ids.
func legacyShared(es []entry, seen map[string]bool) map[string]bool {
	legacy := map[string]bool{}
	for _, e := range es {
		if e.Shared != "" && seen[e.Shared] {
			legacy[e.Shared] = true
		}
	}
	for _, e := range es {
		if e.Shared != "" && seen[e.ID] {
			delete(legacy, e.Shared) // the cursor knows the new ids
		}
	}
	return legacy
}

// contentCharset returns the charset parameter of a Content-Type.
func contentCharset(ct string) string {
	_, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return ""
	}
	return params["charset"]
}

// item turns a feed entry into a mentions.Item. A relative link is
// resolved against the xml:base of the feed, then of the entry, then of
// the link, then against the feed's URL (base, when not nil); a link
// that is not http or https is dropped.
func item(f feed, e entry, base *url.URL) mentions.Item {
	lang := e.Lang
	if lang == "" {
		lang = f.Lang
	}
	if xb := joinBase(f.Base, e.Base); xb != "" {
		if u, err := url.Parse(xb); err == nil {
			if base != nil {
				u = base.ResolveReference(u)
			}
			base = u
		}
	}
	return mentions.Item{
		Source:     Kind,
		ExternalID: e.ID,
		URL:        web.UnwrapRedirect(absolute(e.Link, base)),
		Title:      e.Title,
		Text:       e.Text,
		Author:     e.Author,
		AuthorURL:  e.AuthorURL,
		Lang:       web.PrimaryLang(lang),
		Published:  e.Published,
	}
}

// absolute resolves link against base and keeps it only when it is an
// http or https URL.
func absolute(link string, base *url.URL) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || link == "" {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}
