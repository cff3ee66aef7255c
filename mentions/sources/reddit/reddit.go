// Package reddit is the Reddit source: posts whose text contains the
// brand's terms, from Reddit's search, newest first.
//
// Without credentials it reads the public search
// (https://www.reddit.com/search.json); with a client id and secret it
// uses the OAuth app-only flow (client_credentials, the token cached
// until it expires) and https://oauth.reddit.com/search. Reddit limits
// both (about 10 requests a minute without OAuth, 100 with) and may
// refuse unauthenticated requests altogether: the source then fails with
// an httpx.Error and the poller backs off. Every request carries the
// User-Agent Reddit's rules ask for (see UserAgent). When Reddit's
// X-Ratelimit-Remaining reaches zero the source makes no request until
// X-Ratelimit-Reset has passed, failing with an httpx.Error that says how
// long to wait.
package reddit

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/internal/retryafter"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/mentions/web"
)

// Kind is the source kind this package implements.
const Kind = "reddit"

// Defaults of Config.
const (
	DefaultBaseURL  = "https://www.reddit.com"
	DefaultOAuthURL = "https://oauth.reddit.com"
	DefaultTokenURL = "https://www.reddit.com/api/v1/access_token"
	DefaultLimit    = 100
	DefaultMaxPages = 3
	// Overlap is how far before the newest post seen a poll still
	// accepts posts (Reddit's search index lags); the cursor (a
	// mentions.Seen) remembers the ids seen in that window so none
	// repeats.
	Overlap = time.Hour
	// maxQuery is Reddit's limit on q.
	maxQuery = 512
	// maxSeen bounds the ids the cursor remembers.
	maxSeen = 5000
	// maxSkew is how far past our clock a post may be dated before the
	// cursor stops following it (mentions.Seen.Clamp).
	maxSkew = time.Minute
)

// UserAgent returns the User-Agent Reddit's API rules ask for:
// "<platform>:herald:<version> (by /u/<user>)", e.g.
// "linux:herald:v1.2.0 (by /u/acme_social)". With no user name the
// "(by ...)" part names the project instead of a made-up user (Reddit
// bans lying User-Agents).
func UserAgent(version, user string) string {
	if version == "" {
		version = "dev"
	}
	user = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(user), "/"), "u/")
	if user == "" {
		return runtime.GOOS + ":herald:" + version + " (+https://github.com/heraldhq/herald)"
	}
	return runtime.GOOS + ":herald:" + version + " (by /u/" + user + ")"
}

// Config configures the source. The zero value searches all of Reddit
// without credentials.
type Config struct {
	// BaseURL is the public site (DefaultBaseURL), OAuthURL the API
	// host for authenticated calls (DefaultOAuthURL), TokenURL where
	// tokens are asked for (BaseURL + "/api/v1/access_token" when "",
	// which is DefaultTokenURL for the default BaseURL).
	BaseURL, OAuthURL, TokenURL string
	// ClientID and ClientSecret, both set, turn on OAuth app-only.
	ClientID, ClientSecret string
	// UserAgent is sent with every request; UserAgent("dev", "") when
	// "". Set it with UserAgent(version, redditUser).
	UserAgent string
	// Subreddit, when set (without "r/"), restricts the search to it.
	Subreddit string
	// Limit is the page size (1–100); DefaultLimit when 0.
	Limit int
	// MaxPages bounds the pages read per query and poll;
	// DefaultMaxPages when 0.
	MaxPages int
	// Clock tells the time for token expiry, rate-limit pauses and the
	// time the cursor may not run past; herald.SystemClock when nil.
	Clock herald.Clock
}

// Source searches Reddit. Safe for concurrent use.
type Source struct {
	client *http.Client
	cfg    Config

	mu          sync.Mutex
	token       string
	tokenExpiry time.Time
	pausedUntil time.Time // the rate limit is used up until then
}

var _ mentions.Source = (*Source)(nil)

// New returns the source, fetching with c (httpx.New).
func New(c *http.Client, cfg Config) *Source {
	cfg.BaseURL = strings.TrimRight(cmp.Or(cfg.BaseURL, DefaultBaseURL), "/")
	cfg.OAuthURL = strings.TrimRight(cmp.Or(cfg.OAuthURL, DefaultOAuthURL), "/")
	cfg.TokenURL = cmp.Or(cfg.TokenURL, cfg.BaseURL+"/api/v1/access_token")
	cfg.UserAgent = cmp.Or(cfg.UserAgent, UserAgent("dev", ""))
	cfg.Subreddit = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(cfg.Subreddit), "/"), "r/")
	if cfg.Limit <= 0 || cfg.Limit > 100 {
		cfg.Limit = DefaultLimit
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = DefaultMaxPages
	}
	if cfg.Clock == nil {
		cfg.Clock = herald.SystemClock{}
	}
	return &Source{client: c, cfg: cfg}
}

func (s *Source) oauth() bool { return s.cfg.ClientID != "" && s.cfg.ClientSecret != "" }

// Poll searches for the terms (ORed, in as few queries as Reddit's
// 512-character limit allows) and returns the posts not returned
// before, newest first. No terms, no request. An error on any request
// fails the whole poll and leaves the cursor where it was.
func (s *Source) Poll(ctx context.Context, r mentions.Request) (mentions.Batch, error) {
	queries := searchQueries(r.Terms)
	if len(queries) == 0 {
		return mentions.Batch{Cursor: r.Cursor}, nil
	}
	seen := mentions.ReadSeen(r.Cursor)
	seen.Clamp(s.cfg.Clock.Now().Add(maxSkew))
	since := seen.Since(Overlap).Unix()
	found := map[string]post{}
	for _, q := range queries {
		after := ""
		for range s.cfg.MaxPages {
			posts, next, err := s.search(ctx, q, after)
			if err != nil {
				return mentions.Batch{}, err
			}
			older := false
			for _, p := range posts {
				if p.created() <= since {
					older = true
					continue
				}
				found[p.Name] = p
			}
			if next == "" || older || len(posts) == 0 {
				break
			}
			after = next
		}
	}
	var items []mentions.Item
	for name, p := range found {
		if !seen.Add(name, time.Unix(p.created(), 0)) {
			continue
		}
		if it, ok := p.item(); ok {
			items = append(items, it)
		}
	}
	mentions.SortNewestFirst(items)
	seen.Trim(Overlap, maxSeen)
	return mentions.Batch{Items: items, Cursor: seen.String()}, nil
}

// searchQueries turns terms into Reddit search queries: web.SearchTerms,
// phrases quoted, joined with OR into as few queries as fit in 512
// characters. A term too long for a query alone is cut.
func searchQueries(terms []string) []string {
	clean := web.SearchTerms(terms)
	for i, t := range clean {
		t = strings.TrimSpace(web.ClipBytes(t, maxQuery-2))
		if strings.Contains(t, " ") || t == "or" || t == "and" || t == "not" {
			t = `"` + t + `"`
		}
		clean[i] = t
	}
	clean = slices.Compact(clean) // two long terms may be cut to the same
	var out []string
	var b strings.Builder
	for _, t := range clean {
		if b.Len() > 0 && b.Len()+len(" OR ")+len(t) > maxQuery {
			out = append(out, b.String())
			b.Reset()
		}
		if b.Len() > 0 {
			b.WriteString(" OR ")
		}
		b.WriteString(t)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// search asks for one page of a query's posts, newest first, and
// returns them and the fullname to ask for the next page after ("" at
// the end).
func (s *Source) search(ctx context.Context, q, after string) ([]post, string, error) {
	if err := s.checkPaused(); err != nil {
		return nil, "", err
	}
	params := url.Values{
		"q":        {q},
		"sort":     {"new"},
		"limit":    {strconv.Itoa(s.cfg.Limit)},
		"raw_json": {"1"},
		"type":     {"link"},
	}
	if after != "" {
		params.Set("after", after)
	}
	base, path := s.cfg.BaseURL, "/search.json"
	if s.oauth() {
		base, path = s.cfg.OAuthURL, "/search"
	}
	if s.cfg.Subreddit != "" {
		path = "/r/" + url.PathEscape(s.cfg.Subreddit) + path
		params.Set("restrict_sr", "1")
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path+"?"+params.Encode(), nil)
		if err != nil {
			return nil, "", fmt.Errorf("reddit: bad base URL: %w", err)
		}
		req.Header.Set("User-Agent", s.cfg.UserAgent)
		req.Header.Set("Accept", "application/json")
		if s.oauth() {
			tok, err := s.accessToken(ctx)
			if err != nil {
				return nil, "", err
			}
			req.Header.Set("Authorization", "bearer "+tok)
		}
		resp, body, err := httpx.Fetch(ctx, s.client, req, 0)
		if resp != nil {
			s.notePause(resp.Header)
		}
		var fe *httpx.Error
		if errors.As(err, &fe) && fe.Status == http.StatusUnauthorized && s.oauth() && attempt == 0 {
			s.dropToken() // expired or revoked early: one fresh token, one retry
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("reddit: %w", err)
		}
		posts, next, err := parseListing(body)
		if err != nil {
			return nil, "", fmt.Errorf("reddit: %s: %w", req.URL.Host, err)
		}
		return posts, next, nil
	}
}

// checkPaused fails while the rate limit is used up.
func (s *Source) checkPaused() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if wait := s.pausedUntil.Sub(s.cfg.Clock.Now()); wait > 0 {
		return &httpx.Error{
			Status:     http.StatusTooManyRequests,
			RetryAfter: wait,
			Err:        fmt.Errorf("reddit: the rate limit is used up for %s more", wait.Round(time.Second)),
		}
	}
	return nil
}

// notePause reads Reddit's rate-limit headers: none left means no
// request until the reset.
func (s *Source) notePause(h http.Header) {
	remaining, err := strconv.ParseFloat(strings.TrimSpace(h.Get("X-Ratelimit-Remaining")), 64)
	if err != nil || math.IsNaN(remaining) || remaining >= 1 {
		return
	}
	now := s.cfg.Clock.Now()
	wait := retryafter.Parse(h.Get("X-Ratelimit-Reset"), now)
	if wait <= 0 {
		wait = time.Minute // Reddit's window; the header went missing
	}
	s.mu.Lock()
	s.pausedUntil = now.Add(wait)
	s.mu.Unlock()
}

// tokenAnswer is the access-token endpoint's answer.
type tokenAnswer struct {
	AccessToken string  `json:"access_token"`
	TokenType   string  `json:"token_type"`
	ExpiresIn   float64 `json:"expires_in"`
	Error       string  `json:"error"`
}

// accessToken returns the cached app-only token, asking for a new one
// when there is none or it is about to expire.
func (s *Source) accessToken(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Clock.Now()
	if s.token != "" && now.Before(s.tokenExpiry) {
		return s.token, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("reddit: bad token URL: %w", err)
	}
	req.SetBasicAuth(s.cfg.ClientID, s.cfg.ClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", s.cfg.UserAgent)
	_, body, err := httpx.Fetch(ctx, s.client, req, 64<<10)
	if err != nil {
		var fe *httpx.Error
		if errors.As(err, &fe) && (fe.Status == http.StatusUnauthorized || fe.Status == http.StatusForbidden) {
			return "", &herald.Error{Code: herald.EUNAVAILABLE, Message: "Reddit refused Herald's client id and secret; check the Reddit app credentials.", Err: err}
		}
		return "", fmt.Errorf("reddit: getting a token: %w", err)
	}
	var a tokenAnswer
	if err := json.Unmarshal(body, &a); err != nil || a.AccessToken == "" {
		why := a.Error
		if err != nil {
			why = err.Error()
		}
		return "", &herald.Error{Code: herald.EUNAVAILABLE, Message: "Reddit gave no access token; check the Reddit app credentials.", Err: fmt.Errorf("reddit: token answer: %s", why)}
	}
	life := time.Duration(a.ExpiresIn * float64(time.Second))
	if a.ExpiresIn <= 0 || math.IsNaN(a.ExpiresIn) || life > 24*time.Hour {
		life = time.Hour
	}
	s.token = a.AccessToken
	s.tokenExpiry = now.Add(life - min(time.Minute, life/10)) // renew a little early
	return s.token, nil
}

func (s *Source) dropToken() {
	s.mu.Lock()
	s.token = ""
	s.mu.Unlock()
}

// listing is a Reddit Listing.
type listing struct {
	Kind string `json:"kind"`
	Data struct {
		After    *string `json:"after"`
		Children []struct {
			Kind string `json:"kind"`
			Data post   `json:"data"`
		} `json:"children"`
	} `json:"data"`
}

// post is a t3 (link or self post) or, if a listing ever has one, a t1
// (comment).
type post struct {
	kind       string
	Name       string  `json:"name"` // fullname: t3_abc
	Title      string  `json:"title"`
	Selftext   string  `json:"selftext"`
	URL        string  `json:"url"`
	IsSelf     bool    `json:"is_self"`
	Permalink  string  `json:"permalink"`
	Subreddit  string  `json:"subreddit"`
	Author     string  `json:"author"`
	CreatedUTC float64 `json:"created_utc"`
	Body       string  `json:"body"`       // t1
	LinkTitle  string  `json:"link_title"` // t1
}

func (p post) created() int64 {
	if math.IsNaN(p.CreatedUTC) || p.CreatedUTC < 0 || p.CreatedUTC > 1e11 {
		return 0
	}
	return int64(p.CreatedUTC)
}

// errNotListing is returned for an answer that is not a Listing.
var errNotListing = errors.New("the answer is not a Reddit listing")

// parseListing reads a search answer: the posts and comments in it and
// the fullname after which the next page starts.
func parseListing(body []byte) ([]post, string, error) {
	var l listing
	if err := json.Unmarshal(body, &l); err != nil {
		return nil, "", fmt.Errorf("%w: %v", errNotListing, err)
	}
	if l.Kind != "Listing" {
		return nil, "", fmt.Errorf("%w: its kind is %q", errNotListing, web.ClipBytes(l.Kind, 20))
	}
	var posts []post
	for _, c := range l.Data.Children {
		if (c.Kind == "t3" || c.Kind == "t1") && c.Data.Name != "" {
			c.Data.kind = c.Kind
			posts = append(posts, c.Data)
		}
	}
	next := ""
	if l.Data.After != nil {
		next = *l.Data.After
	}
	return posts, next, nil
}

// item turns a post into a mentions.Item; ok is false when it has no
// text at all.
func (p post) item() (mentions.Item, bool) {
	it := mentions.Item{
		Source:     Kind,
		ExternalID: p.Name,
		Author:     p.Author,
		Published:  time.Unix(p.created(), 0).UTC(),
	}
	if strings.HasPrefix(p.Permalink, "/") {
		it.URL = "https://www.reddit.com" + p.Permalink
	}
	if p.Author != "" && p.Author != "[deleted]" {
		it.AuthorURL = "https://www.reddit.com/user/" + url.PathEscape(p.Author)
	}
	switch p.kind {
	case "t1":
		it.Title = oneLine(p.LinkTitle)
		it.Text = oneLine(p.Body)
	default:
		it.Title = oneLine(p.Title)
		it.Text = oneLine(p.Selftext)
		if !p.IsSelf && p.URL != "" && p.URL != it.URL {
			it.Text = strings.TrimSpace(it.Text + " " + p.URL)
		}
	}
	return it, it.Title != "" || it.Text != ""
}

// oneLine collapses white space (Reddit text is Markdown: its line
// breaks carry no meaning for matching).
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
