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
	"time"

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

// retryAfter returns how long the source behind err asked to be left
// alone (an *httpx.Error's RetryAfter), or 0.
func retryAfter(err error) time.Duration {
	var fe *httpx.Error
	if errors.As(err, &fe) {
		return fe.RetryAfter
	}
	return 0
}
