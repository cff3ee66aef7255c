package mentions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions/query"
)

// maxQueryLength bounds a watch's query, in characters.
const maxQueryLength = query.MaxLength

// `watch test` looks this far back, reading testPage mentions at a time,
// over at most testBudget of them (it then says how far back it got).
const (
	testWindow = 7 * 24 * time.Hour
	testPage   = 500
	testBudget = 50_000
)

// AddWatch saves a query for the brand, routed to ch. A query that does not
// parse is EINVALID with the column.
func (s *Service) AddWatch(ctx context.Context, actor herald.Actor, brand herald.Brand, query string, ch herald.ChannelRef) (Watch, error) {
	if err := s.require(ctx, actor, brand.ID, permManage); err != nil {
		return Watch{}, err
	}
	query = strings.TrimSpace(query)
	if query == "" {
		return Watch{}, herald.Errorf(herald.EINVALID, "Give the watch a query.").Because(ReasonNoQuery, nil)
	}
	if utf8.RuneCountInString(query) > maxQueryLength {
		return Watch{}, herald.Errorf(herald.EINVALID, "A query has at most %d characters.", maxQueryLength).
			Because(ReasonQueryLong, herald.Facts{"max": maxQueryLength})
	}
	if _, err := parseQuery(query); err != nil {
		return Watch{}, err
	}
	if ch.Platform == "" || ch.Channel == "" {
		return Watch{}, herald.Errorf(herald.EINVALID, "A watch needs a channel to post its mentions in; add it from a channel or name one.").
			Because(ReasonNoChannel, nil)
	}
	w := Watch{BrandID: brand.ID, Query: query, Channel: ch, CreatedBy: actor, CreatedAt: s.now()}
	if err := s.store.CreateWatch(ctx, &w, s.audit(brand.ID, 0, actor, actAddWatch, query)); err != nil {
		return Watch{}, err
	}
	s.idx.Store(nil)
	return w, nil
}

// parseQuery parses a watch query; any error is EINVALID.
func parseQuery(q string) (*query.Query, error) {
	pq, err := query.Parse(q, Kinds)
	if err != nil {
		var he *herald.Error
		if errors.As(err, &he) {
			return nil, err
		}
		return nil, &herald.Error{Code: herald.EINVALID, Message: "The query does not parse: " + err.Error(), Err: err}
	}
	return pq, nil
}

// Watches lists the brand's watches, oldest first.
func (s *Service) Watches(ctx context.Context, actor herald.Actor, brand herald.Brand) ([]Watch, error) {
	if err := s.require(ctx, actor, brand.ID, permRead); err != nil {
		return nil, err
	}
	return s.store.Watches(ctx, brand.ID)
}

// RemoveWatch deletes a watch and returns it.
func (s *Service) RemoveWatch(ctx context.Context, actor herald.Actor, id int64) (Watch, error) {
	w, err := s.store.Watch(ctx, id)
	if err != nil {
		return Watch{}, notFound(err, "watch", id)
	}
	if err := s.requireOn(ctx, actor, w.BrandID, permManage, "watch", id); err != nil {
		return Watch{}, err
	}
	if err := s.store.DeleteWatch(ctx, id, s.audit(w.BrandID, 0, actor, actRemoveWatch, fmt.Sprintf("#%d %s", id, w.Query))); err != nil {
		return Watch{}, notFound(err, "watch", id)
	}
	s.idx.Store(nil)
	return w, nil
}

// WatchTest is what TestQuery found.
type WatchTest struct {
	Matches []Mention // newest first, at most the limit asked
	Scanned int       // how many mentions the query was run over
	Since   time.Time // the start of the period searched: 7 days ago
	// Back is the found time of the oldest mention scanned (zero when
	// none was).
	Back time.Time
	// Whole is true when every mention of the period was scanned; false
	// when the search stopped at the limit of matches or after scanning
	// its budget of mentions (Back then says how far back it got).
	Whole bool
}

// TestQuery runs query, without saving it, over the brand's mentions of
// the last 7 days, newest first, a page at a time: it stops at limit
// matches, at the end of the 7 days or after scanning 50,000 mentions.
func (s *Service) TestQuery(ctx context.Context, actor herald.Actor, brand herald.Brand, query string, limit int) (WatchTest, error) {
	wt := WatchTest{Since: s.now().Add(-testWindow)}
	if err := s.require(ctx, actor, brand.ID, permRead); err != nil {
		return wt, err
	}
	if utf8.RuneCountInString(query) > maxQueryLength {
		return wt, herald.Errorf(herald.EINVALID, "A query has at most %d characters.", maxQueryLength).
			Because(ReasonQueryLong, herald.Facts{"max": maxQueryLength})
	}
	q, err := parseQuery(strings.TrimSpace(query))
	if err != nil {
		return wt, err
	}
	if limit <= 0 {
		limit = 10
	}
	var after MentionCursor
	for wt.Scanned < testBudget {
		want := min(testPage, testBudget-wt.Scanned)
		page, err := s.store.MentionPage(ctx, brand.ID, wt.Since, after, want)
		if err != nil {
			return wt, err
		}
		for _, m := range page {
			wt.Scanned++
			wt.Back = m.FoundAt
			item := m.Item()
			if it := item.matchable(); q.Match(&it) {
				m.Terms = q.MatchedTerms(&it)
				if wt.Matches = append(wt.Matches, m); len(wt.Matches) == limit {
					return wt, nil
				}
			}
		}
		if len(page) < want {
			wt.Whole = true // the period holds no more
			return wt, nil
		}
		after = MentionCursor{FoundAt: page[len(page)-1].FoundAt, ID: page[len(page)-1].ID}
	}
	return wt, nil
}

// Item returns the mention as an item, for matching again: its first
// source's kind as Source.
func (m Mention) Item() Item {
	it := Item{URL: m.URL, Title: m.Title, Text: m.Text, Author: m.Author, AuthorURL: m.AuthorURL, Lang: m.Lang, Published: m.Published}
	if len(m.Sources) > 0 {
		it.Source, _, _ = strings.Cut(m.Sources[0], ":")
	}
	return it
}
