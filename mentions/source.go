// Package mentions is Herald's listening half: watches, sources (one table
// of their kinds, kinds.go), the pipeline that turns what sources find into
// mentions (normalise, match, dedupe, filter, route, store, relay; see
// Service.Ingest), the LLM triage of new mentions (Triager), surge
// detection, summaries and digests. The query language and the matcher are
// in mentions/query, part of this domain. Sources live in
// mentions/sources/X, one package each; they import this package, the
// root and internal leaves (httpx, the one outbound client), nothing else.
package mentions

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/mentions/query"
)

// Item is one post, story, comment or article a source found, before any
// watch has looked at it. Sources fill it with plain text (HTML stripped,
// entities decoded) and the real link (redirect wrappers unwrapped).
type Item struct {
	Source     string    // the source's kind: "rss", "hn", "reddit", "mastodon", "bluesky", "webhook"
	SourceID   int64     // the configured source it came from; 0 when none
	ExternalID string    // its id at the source: feed GUID, HN objectID, Reddit fullname, status URI, at:// URI
	URL        string    // the link to the item itself
	Title      string    // plain text; may be empty (comments, posts)
	Text       string    // plain text
	Author     string    // the author's handle or name, as the source shows it
	AuthorURL  string    // a link to the author, when the source has one
	Lang       string    // primary language subtag ("fr") when the source says; else ""
	Published  time.Time // when the author published it; zero when unknown
	Reply      ReplyRef  // how to answer it on its network (Mastodon, Bluesky); zero elsewhere
}

// matchable returns what a query reads of the item.
func (it *Item) matchable() query.Item {
	return query.Item{Title: it.Title, Text: it.Text, URL: it.URL, Author: it.Author, Lang: it.Lang, Source: it.Source}
}

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

// Spec is a configured source, as stored: what `source add` was given.
type Spec struct {
	ID      int64
	BrandID int64
	Kind    string // "rss", "hn", "reddit", "mastodon", "bluesky", "webhook"
	URL     string // rss: the feed; mastodon: the instance's base URL; else ""
	Tag     string // mastodon: the hashtag, without '#'
}

// Request is what a poll asks of a source.
type Request struct {
	// Cursor is what the source's last Batch returned ("" the first
	// time): opaque to everyone but the source.
	Cursor string
	// Terms are the words and phrases the brand's watches look for,
	// for sources that search (hn, reddit, mastodon search, bluesky
	// search); feeds and streams ignore them.
	Terms []string
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

// Batch is what one poll found.
type Batch struct {
	Items []Item
	// Cursor resumes after these items; it is stored with them, so a
	// restart neither misses nor repeats items.
	Cursor string
}

// Source is something polled for new items.
type Source interface {
	Poll(ctx context.Context, r Request) (Batch, error)
}

// Streamer is a source that pushes items (Bluesky's Jetstream). Stream
// runs until ctx ends or the connection fails, calling emit with each
// batch and the cursor after it; emit returns only once the batch is
// stored. An error from emit ends Stream with that error.
type Streamer interface {
	Stream(ctx context.Context, cursor string, emit func(context.Context, Batch) error) error
}

// RetryAfter returns how long the source behind err asked to be left
// alone (an *httpx.Error's RetryAfter), or 0.
func RetryAfter(err error) time.Duration {
	var fe *httpx.Error
	if errors.As(err, &fe) {
		return fe.RetryAfter
	}
	return 0
}
