// Package hn is the Hacker News source: the Algolia HN Search API
// (search_by_date), stories and comments that contain the brand's terms.
//
// Each term is one query (the API ANDs the words of a query and has no
// OR), newest first, filtered to what was created since the cursor. A
// phrase is sent as its words: the API's answer is a superset the
// matcher narrows down. Items link to the HN discussion
// (https://news.ycombinator.com/item?id=ID), where a reply goes; a
// story's own link is appended to its Text so that the matcher and the
// people reading the card see where it points.
package hn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/mentions/web"
)

// Kind is the source kind this package implements.
const Kind = "hn"

// Defaults of Config.
const (
	DefaultBaseURL     = "https://hn.algolia.com/api/v1"
	DefaultHitsPerPage = 100
	DefaultMaxPages    = 3
	DefaultMaxTerms    = 50
	// Overlap is how far before the newest item seen each query looks
	// again, for items the index took a while to receive; the cursor (a
	// mentions.Seen) remembers the ids seen in that window so none
	// repeats.
	Overlap = 10 * time.Minute
	// maxSeen bounds the ids the cursor remembers.
	maxSeen = 5000
	// maxSkew is how far past our clock an item may be dated before
	// the cursor stops following it (mentions.Seen.Clamp).
	maxSkew = time.Minute
)

// Config configures the source; the zero value uses Algolia's API.
type Config struct {
	// BaseURL of the API, without a trailing slash; DefaultBaseURL when
	// "" (tests and proxies set it).
	BaseURL string
	// HitsPerPage is asked of each query (1–1000); DefaultHitsPerPage
	// when 0.
	HitsPerPage int
	// MaxPages bounds the pages read per term and poll, when more
	// than a page of new items arrived since the last poll;
	// DefaultMaxPages when 0.
	MaxPages int
	// MaxTerms bounds the queries per poll (one per term): the terms
	// past it, in sorted order, are not searched. DefaultMaxTerms when
	// 0.
	MaxTerms int
	// Clock tells the time the cursor may not run past (see
	// mentions.Seen.Clamp); herald.SystemClock when nil.
	Clock herald.Clock
}

// Source searches Hacker News. Safe for concurrent use.
type Source struct {
	client *http.Client
	cfg    Config
}

var _ mentions.Source = (*Source)(nil)

// New returns the source, fetching with c (httpx.New).
func New(c *http.Client, cfg Config) *Source {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.HitsPerPage <= 0 {
		cfg.HitsPerPage = DefaultHitsPerPage
	}
	cfg.HitsPerPage = min(cfg.HitsPerPage, 1000)
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = DefaultMaxPages
	}
	if cfg.MaxTerms <= 0 {
		cfg.MaxTerms = DefaultMaxTerms
	}
	if cfg.Clock == nil {
		cfg.Clock = herald.SystemClock{}
	}
	return &Source{client: c, cfg: cfg}
}

// answer is the part of an Algolia search answer Herald reads.
type answer struct {
	Hits    *[]hit `json:"hits"`
	NbPages int    `json:"nbPages"`
}

// hit is one story or comment.
type hit struct {
	ObjectID    string   `json:"objectID"`
	CreatedAtI  int64    `json:"created_at_i"`
	Title       *string  `json:"title"`
	URL         *string  `json:"url"`
	Author      string   `json:"author"`
	StoryText   *string  `json:"story_text"`
	CommentText *string  `json:"comment_text"`
	StoryTitle  *string  `json:"story_title"`
	Tags        []string `json:"_tags"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// Poll searches each term (sorted, deduplicated, at most MaxTerms) for
// stories and comments created since the cursor, and returns those not
// returned before, newest first. No terms, no request: an empty batch
// with the same cursor. An error on any query fails the poll (its
// cursor is then not advanced, so nothing is lost).
func (s *Source) Poll(ctx context.Context, r mentions.Request) (mentions.Batch, error) {
	terms := web.SearchTerms(r.Terms)
	if len(terms) == 0 {
		return mentions.Batch{Cursor: r.Cursor}, nil
	}
	terms = terms[:min(len(terms), s.cfg.MaxTerms)]
	seen := mentions.ReadSeen(r.Cursor)
	seen.Clamp(s.cfg.Clock.Now().Add(maxSkew))
	since := seen.Since(Overlap).Unix()
	found := map[string]hit{}
	for _, term := range terms {
		for page := 0; page < s.cfg.MaxPages; page++ {
			hits, pages, err := s.search(ctx, term, since, page)
			if err != nil {
				return mentions.Batch{}, err
			}
			for _, h := range hits {
				if h.ObjectID != "" && h.CreatedAtI > since {
					found[h.ObjectID] = h
				}
			}
			if page+1 >= pages || len(hits) < s.cfg.HitsPerPage {
				break
			}
		}
	}
	var items []mentions.Item
	for id, h := range found {
		if !seen.Add(id, time.Unix(h.CreatedAtI, 0)) {
			continue
		}
		if it, ok := item(h); ok {
			items = append(items, it)
		}
	}
	mentions.SortNewestFirst(items)
	seen.Trim(Overlap, maxSeen)
	return mentions.Batch{Items: items, Cursor: seen.String()}, nil
}

// search asks for one page of one term's stories and comments created
// after since.
func (s *Source) search(ctx context.Context, term string, since int64, page int) ([]hit, int, error) {
	q := url.Values{
		"query":       {term},
		"tags":        {"(story,comment)"},
		"hitsPerPage": {strconv.Itoa(s.cfg.HitsPerPage)},
	}
	if since > 0 {
		q.Set("numericFilters", fmt.Sprintf("created_at_i>%d", since))
	}
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.cfg.BaseURL+"/search_by_date?"+q.Encode(), nil)
	if err != nil {
		return nil, 0, fmt.Errorf("hn: bad base URL: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	_, body, err := httpx.Fetch(ctx, s.client, req, 0)
	if err != nil {
		return nil, 0, fmt.Errorf("hn: %w", err)
	}
	hits, pages, err := parseAnswer(body)
	if err != nil {
		return nil, 0, fmt.Errorf("hn: %s: %w", req.URL.Host, err)
	}
	return hits, pages, nil
}

// errNotResults is returned for an answer that is not search results.
var errNotResults = errors.New("the answer is not HN search results")

// parseAnswer reads an Algolia search answer.
func parseAnswer(body []byte) ([]hit, int, error) {
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, 0, fmt.Errorf("%w: %v", errNotResults, err)
	}
	if a.Hits == nil {
		return nil, 0, fmt.Errorf("%w: it has no hits", errNotResults)
	}
	return *a.Hits, a.NbPages, nil
}

// item turns a hit into a mentions.Item; ok is false for what is not a
// story or a comment with some text.
func item(h hit) (mentions.Item, bool) {
	it := mentions.Item{
		Source:     Kind,
		ExternalID: h.ObjectID,
		URL:        "https://news.ycombinator.com/item?id=" + url.QueryEscape(h.ObjectID),
		Author:     h.Author,
		Published:  time.Unix(h.CreatedAtI, 0).UTC(),
	}
	if h.Author != "" {
		it.AuthorURL = "https://news.ycombinator.com/user?id=" + url.QueryEscape(h.Author)
	}
	switch {
	case h.CommentText != nil || slices.Contains(h.Tags, "comment"):
		it.Title = web.HTMLText(str(h.StoryTitle))
		it.Text = web.HTMLText(str(h.CommentText))
	default:
		it.Title = web.HTMLText(str(h.Title))
		it.Text = strings.TrimSpace(web.HTMLText(str(h.StoryText)) + " " + str(h.URL))
	}
	return it, it.Title != "" || it.Text != ""
}
