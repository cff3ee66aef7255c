// Package mastodon finds mentions on a Mastodon instance (or any server
// with Mastodon's API): the public hashtag timeline
// (GET /api/v1/timelines/tag/{tag}) and, when the instance's token is
// configured, a full-text search of the watch terms
// (GET /api/v2/search?type=statuses, which Mastodon gives only to
// authenticated requests).
//
// Both are read forwards with min_id (the statuses just after the last
// one seen, oldest first) rather than since_id (the newest ones, which
// skips a gap when more than a page came in between), so a busy tag loses
// nothing up to MaxPages pages a poll. The cursor keeps the newest status
// id seen for the tag and for each search term.
package mastodon

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/mentions/web"
)

// Kind is the mentions.Item Source of every item this package makes.
const Kind = "mastodon"

// maxLimit is the most statuses Mastodon returns in one page.
const maxLimit = 40

// Config configures a Source. Zero fields take the defaults.
type Config struct {
	// Instance is the server's base URL, http or https (the caller vets
	// it with web.CheckSourceURL when a user adds it).
	Instance string
	// Tag is the hashtag to follow, with or without '#'; "" follows none
	// (a search-only source).
	Tag string
	// Token is an access token on Instance (scope read, or read:statuses
	// and read:search); with it, Poll also searches the request's terms,
	// and reads the timeline of an instance that shows it only to its
	// users. It is sent only to Instance, as Authorization: Bearer (Go's
	// client drops it on a redirect to another host), and never logged.
	Token string
	// Client sends the requests; nil uses httpx.New with
	// its defaults (public addresses only).
	Client *http.Client
	// Limit is how many statuses a page asks for, 1 to 40 (40).
	Limit int
	// MaxPages bounds the pages read per tag or term and poll (5); the
	// first poll reads one, the newest.
	MaxPages int
	// Logger notes skipped statuses and an unreadable cursor.
	Logger *slog.Logger
}

// Source polls one Mastodon instance. It is safe for concurrent use.
type Source struct {
	cfg  Config
	host string
}

var _ mentions.Source = (*Source)(nil)

// New checks cfg and fills its defaults. It returns a herald EINVALID
// error for an instance that is not an http(s) base URL, a tag that is
// not a hashtag, or neither a tag nor a token (nothing to poll).
func New(cfg Config) (*Source, error) {
	instance, host, ok := web.BaseURL(cfg.Instance)
	if !ok {
		return nil, herald.Errorf(herald.EINVALID, "the Mastodon instance must be an http or https URL such as https://mastodon.social")
	}
	cfg.Instance = instance
	cfg.Tag = strings.TrimPrefix(strings.TrimSpace(cfg.Tag), "#")
	if cfg.Tag != "" && !validTag(cfg.Tag) {
		return nil, herald.Errorf(herald.EINVALID, "%q is not a hashtag: letters, digits and _ only", web.ClipBytes(cfg.Tag, 40))
	}
	if cfg.Tag == "" && cfg.Token == "" {
		return nil, herald.Errorf(herald.EINVALID, "a Mastodon source needs a hashtag, or a token to search with")
	}
	if cfg.Client == nil {
		cfg.Client = httpx.New(httpx.Options{})
	}
	if cfg.Limit <= 0 || cfg.Limit > maxLimit {
		cfg.Limit = maxLimit
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = 5
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Source{cfg: cfg, host: host}, nil
}

// validTag reports whether s is a hashtag as Mastodon reads them: letters,
// digits, marks, '_' and the middle dot, at most 100 characters.
func validTag(s string) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 100 {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && r != '_' && r != '·' {
			return false
		}
	}
	return true
}

// cursor is what Source stores between polls: the newest status id seen
// for the tag and for each search term.
type cursor struct {
	Tag   string            `json:"tag,omitempty"`
	Terms map[string]string `json:"terms,omitempty"`
}

// Poll reads the statuses newer than r.Cursor: those of the hashtag, and
// with a token those that a search of each of r.Terms finds. It returns
// them oldest first, each status once. A failure returns no items and
// the cursor unchanged: a *httpx.Error with the status and
// Retry-After (or X-RateLimit-Reset) of a refusal; a 401 or 403 wraps a
// herald EINVALID error saying the instance wants a (valid) token.
func (s *Source) Poll(ctx context.Context, r mentions.Request) (mentions.Batch, error) {
	var from cursor
	if r.Cursor != "" {
		if err := json.Unmarshal([]byte(r.Cursor), &from); err != nil {
			s.cfg.Logger.Warn("mastodon: ignoring an unreadable cursor; starting from the newest statuses", "instance", s.host, "cursor_len", len(r.Cursor))
			from = cursor{}
		}
	}
	next := cursor{Terms: map[string]string{}}
	byURI := map[string]found{}
	if s.cfg.Tag != "" {
		newest, err := s.read(ctx, s.tagURL(), from.Tag, from.Tag == "", false, byURI)
		if err != nil {
			return mentions.Batch{}, err
		}
		next.Tag = newest
	}
	if s.cfg.Token != "" {
		for _, term := range searchTerms(r.Terms) {
			since, seen := from.Terms[term]
			newest, err := s.read(ctx, s.searchURL(term), since, !seen || since == "", true, byURI)
			if err != nil {
				return mentions.Batch{}, err
			}
			next.Terms[term] = newest
		}
	}
	list := make([]found, 0, len(byURI))
	for _, f := range byURI {
		list = append(list, f)
	}
	slices.SortFunc(list, func(a, b found) int {
		return cmp.Or(compareIDs(a.id, b.id), strings.Compare(a.item.ExternalID, b.item.ExternalID))
	})
	b := mentions.Batch{Items: make([]mentions.Item, 0, len(list))}
	for _, f := range list {
		b.Items = append(b.Items, f.item)
	}
	if len(next.Terms) == 0 {
		next.Terms = nil
	}
	c, _ := json.Marshal(next) // strings only
	b.Cursor = string(c)
	return b, nil
}

// searchTerms are the terms searched for (web.SearchTerms), each at
// most 200 characters; they also key the cursor.
func searchTerms(terms []string) []string {
	return slices.DeleteFunc(web.SearchTerms(terms), func(t string) bool { return utf8.RuneCountInString(t) > 200 })
}

func (s *Source) tagURL() string {
	return s.cfg.Instance + "/api/v1/timelines/tag/" + url.PathEscape(s.cfg.Tag)
}

func (s *Source) searchURL(term string) string {
	q := url.Values{"q": {term}, "type": {"statuses"}, "resolve": {"false"}}
	if strings.ContainsRune(term, ' ') { // a phrase; SearchTerms left no '"' in it
		q.Set("q", `"`+term+`"`)
	}
	return s.cfg.Instance + "/api/v2/search?" + q.Encode()
}

// found is a status kept by a poll, with its id for ordering.
type found struct {
	id   string
	item mentions.Item
}

// read adds to out the statuses of endpoint after since (the newest page
// only when first) and returns the newest id seen (since when none).
//
// A timeline is read forwards: min_id=<newest seen> gives the page just
// after it, oldest first, so a poll cut short by MaxPages resumes where
// it stopped. A search is read backwards from the newest (max_id=<oldest
// of the page>) with min_id=since as a filter, since Mastodon sorts
// search results newest first.
func (s *Source) read(ctx context.Context, endpoint, since string, first, backwards bool, out map[string]found) (string, error) {
	newest, oldest := since, ""
	for range s.cfg.MaxPages {
		u, err := url.Parse(endpoint)
		if err != nil {
			return "", herald.Errorf(herald.EINVALID, "the Mastodon instance URL is not usable")
		}
		q := u.Query()
		q.Set("limit", strconv.Itoa(s.cfg.Limit))
		switch {
		case first:
		case backwards:
			if since != "" {
				q.Set("min_id", since)
			}
			if oldest != "" {
				q.Set("max_id", oldest)
			}
		case newest != "":
			q.Set("min_id", newest)
		}
		u.RawQuery = q.Encode()
		statuses, err := s.get(ctx, u)
		if err != nil {
			return "", err
		}
		valid := 0
		for _, st := range statuses {
			if !validID(st.ID) {
				s.cfg.Logger.Debug("mastodon: skipped a status with an invalid id", "instance", s.host)
				continue
			}
			valid++
			if newest == "" || compareIDs(st.ID, newest) > 0 {
				newest = st.ID
			}
			if oldest == "" || compareIDs(st.ID, oldest) < 0 {
				oldest = st.ID
			}
			if since != "" && compareIDs(st.ID, since) <= 0 {
				continue // an instance that ignored min_id
			}
			it, ok := s.item(st)
			if !ok {
				s.cfg.Logger.Debug("mastodon: skipped a status without a usable uri or url", "instance", s.host, "status_id", st.ID)
				continue
			}
			if prev, dup := out[it.ExternalID]; !dup || compareIDs(st.ID, prev.id) < 0 {
				out[it.ExternalID] = found{id: st.ID, item: it}
			}
		}
		if first || len(statuses) < s.cfg.Limit || valid == 0 || (backwards && since != "" && compareIDs(oldest, since) <= 0) {
			return newest, nil
		}
	}
	return newest, nil
}

// get fetches one page: a JSON array of statuses (timeline) or a search
// result ({"statuses": [...]}).
func (s *Source) get(ctx context.Context, u *url.URL) ([]status, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, herald.Errorf(herald.EINVALID, "the Mastodon instance URL is not usable")
	}
	req.Header.Set("Accept", "application/json")
	search := strings.HasSuffix(u.Path, "/api/v2/search")
	if s.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+s.cfg.Token)
	}
	_, body, err := httpx.Fetch(ctx, s.cfg.Client, req, 0)
	if err != nil {
		return nil, s.refusal(err, search)
	}
	statuses, err := parsePage(body, search)
	if err != nil {
		return nil, &httpx.Error{Status: http.StatusOK, Err: fmt.Errorf("the answer from %s is not Mastodon's: %w", s.host, err)}
	}
	return statuses, nil
}

// parsePage reads a page of statuses: a JSON array (a timeline) or, for
// a search, an object whose "statuses" is one.
func parsePage(body []byte, search bool) ([]status, error) {
	var statuses []status
	if !search {
		err := json.Unmarshal(body, &statuses)
		return statuses, err
	}
	var out struct {
		Statuses json.RawMessage `json:"statuses"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	if len(out.Statuses) == 0 {
		return nil, fmt.Errorf("a search answer without statuses")
	}
	err := json.Unmarshal(out.Statuses, &statuses)
	return statuses, err
}

// refusal gives a 401 or 403 a message the user can act on.
func (s *Source) refusal(err error, search bool) error {
	var fe *httpx.Error
	if !errors.As(err, &fe) || (fe.Status != http.StatusUnauthorized && fe.Status != http.StatusForbidden) {
		return err
	}
	var msg string
	switch {
	case s.cfg.Token == "":
		msg = fmt.Sprintf("%s does not let Herald read its #%s timeline without a token; add a token for the instance (scope read)", s.host, s.cfg.Tag)
	case search:
		msg = fmt.Sprintf("%s refused Herald's token for searching; check it (scope read or read:search)", s.host)
	default:
		msg = fmt.Sprintf("%s refused Herald's token for its #%s timeline; check it (scope read or read:statuses)", s.host, s.cfg.Tag)
	}
	return &httpx.Error{Status: fe.Status, RetryAfter: fe.RetryAfter, Err: &herald.Error{Code: herald.EINVALID, Message: msg, Err: fe.Err}}
}

// status is the part of a Mastodon Status entity Herald reads.
type status struct {
	ID          string  `json:"id"`
	CreatedAt   string  `json:"created_at"`
	URI         string  `json:"uri"`
	URL         *string `json:"url"`
	Content     string  `json:"content"`
	SpoilerText string  `json:"spoiler_text"`
	Visibility  string  `json:"visibility"`
	Language    *string `json:"language"`
	Account     struct {
		Acct string `json:"acct"`
		URL  string `json:"url"`
	} `json:"account"`
	Reblog *status `json:"reblog"`
}

// item maps a status (the original of a boost) to an item; false when
// it has neither a web URL nor a URI to identify it by.
func (s *Source) item(st status) (mentions.Item, bool) {
	if st.Reblog != nil {
		st = *st.Reblog
	}
	id := strings.TrimSpace(st.URI)
	link := ""
	if st.URL != nil {
		link = web.WebURL(*st.URL)
	}
	if link == "" {
		link = web.WebURL(id)
	}
	if id == "" || link == "" || len(id) > 2048 {
		return mentions.Item{}, false
	}
	it := mentions.Item{
		Source:     Kind,
		ExternalID: id,
		URL:        link,
		Title:      web.HTMLText(st.SpoilerText),
		Text:       web.HTMLText(st.Content),
		Author:     s.acct(st.Account.Acct),
		AuthorURL:  web.WebURL(st.Account.URL),
	}
	if st.ID != "" && len(st.ID) <= 64 {
		it.Reply = mentions.ReplyRef{Network: Kind, Instance: s.cfg.Instance, ID: st.ID, Visibility: st.Visibility}
	}
	if st.Language != nil {
		it.Lang = web.PrimaryLang(*st.Language)
	}
	if t, err := time.Parse(time.RFC3339Nano, st.CreatedAt); err == nil {
		it.Published = t.UTC()
	}
	return it, true
}

// acct makes an account's handle global: a local account ("marie") gets
// the instance's host ("marie@mastodon.social").
func (s *Source) acct(a string) string {
	a = strings.TrimPrefix(strings.TrimSpace(a), "@")
	if a == "" || strings.Contains(a, "@") {
		return web.ClipBytes(a, 300)
	}
	return web.ClipBytes(a, 200) + "@" + s.host
}

// validID reports whether id looks like a status id: 1 to 64 ASCII
// letters or digits (Mastodon's are decimal, Akkoma's base62).
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// compareIDs orders status ids as the big numbers they are: by length,
// then lexically.
func compareIDs(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}
