package bluesky

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/mentions/web"
)

// DefaultPDS is where Search logs in when SearchConfig.PDS is empty.
const DefaultPDS = "https://bsky.social"

// SearchConfig configures a Search. Zero fields take the defaults.
type SearchConfig struct {
	// PDS is the account's server, where it logs in (DefaultPDS).
	PDS string
	// AppView is the base URL searchPosts is sent to; "" sends it
	// through the PDS, which forwards it to Bluesky's AppView (the way
	// that works with an app password).
	AppView string
	// Handle and AppPassword are the account's; both are required.
	Handle      string
	AppPassword string
	// Client sends the requests; nil uses httpx.New with
	// its defaults (public addresses only).
	Client *http.Client
	// Clock tells the time for token expiry and Retry-After.
	Clock herald.Clock
	// Limit is how many posts a page asks for, 1 to 100 (100).
	Limit int
	// MaxPages bounds the pages read per term and poll (5); the first
	// poll reads one.
	MaxPages int
	// Logger notes an unreadable cursor and posts that are skipped.
	Logger *slog.Logger
}

// Search finds posts with app.bsky.feed.searchPosts, logged in as an
// account: Bluesky refuses anonymous searches. It caches its session,
// refreshes it before the access token expires (refreshSession) and logs
// in again (createSession, limited to 30 per 5 minutes) only when the
// refresh token is refused too. It is safe for concurrent use.
type Search struct {
	cfg     SearchConfig
	search  string // base URL of searchPosts
	mu      sync.Mutex
	session *session
}

var _ mentions.Source = (*Search)(nil)

// session is a logged-in account.
type session struct {
	access, refresh string
	accessExp       time.Time // zero when unknown
}

// NewSearch checks cfg and fills its defaults. It returns a herald
// EINVALID error when the handle or app password is missing or a base
// URL is not http(s).
func NewSearch(cfg SearchConfig) (*Search, error) {
	cfg.Handle = strings.TrimPrefix(strings.TrimSpace(cfg.Handle), "@")
	if cfg.Handle == "" || cfg.AppPassword == "" {
		return nil, herald.Errorf(herald.EINVALID, "Bluesky search needs an account: a handle and an app password")
	}
	if cfg.PDS == "" {
		cfg.PDS = DefaultPDS
	}
	var err error
	if cfg.PDS, err = baseURL(cfg.PDS); err != nil {
		return nil, herald.Errorf(herald.EINVALID, "the Bluesky PDS %s", err)
	}
	search := cfg.PDS
	if cfg.AppView != "" {
		if search, err = baseURL(cfg.AppView); err != nil {
			return nil, herald.Errorf(herald.EINVALID, "the Bluesky AppView %s", err)
		}
	}
	if cfg.Client == nil {
		cfg.Client = httpx.New(httpx.Options{})
	}
	if cfg.Clock == nil {
		cfg.Clock = herald.SystemClock{}
	}
	if cfg.Limit <= 0 || cfg.Limit > 100 {
		cfg.Limit = 100
	}
	if cfg.MaxPages <= 0 {
		cfg.MaxPages = 5
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Search{cfg: cfg, search: search}, nil
}

// baseURL checks an http(s) base URL (web.BaseURL) and drops its
// trailing slash.
func baseURL(s string) (string, error) {
	base, _, ok := web.BaseURL(s)
	if !ok {
		return "", fmt.Errorf("must be an http or https URL such as %s", DefaultPDS)
	}
	return base, nil
}

// cursor is what Search stores between polls: the sort time of the newest
// post seen and the URIs of the posts at that very time (the API's since
// is inclusive).
type cursor struct {
	T    time.Time `json:"t"`
	URIs []string  `json:"uris,omitempty"`
}

// maxCursorURIs bounds the URIs kept in a cursor.
const maxCursorURIs = 200

func (c cursor) seen(uri string, at time.Time) bool {
	return at.Before(c.T) || at.Equal(c.T) && slices.Contains(c.URIs, uri)
}

// Poll searches each of r.Terms (Bluesky's search has no OR: one query a
// term, each term quoted as a phrase) for posts newer than r.Cursor and
// returns them oldest first, each post once. The first poll (no cursor)
// reads one page a term; later ones read pages back to the cursor, at
// most MaxPages a term. With no terms it returns no items and the same
// cursor. A failure returns no items: the next poll repeats the same
// search; a *httpx.Error carries 429's Retry-After or
// RateLimit-Reset, and a refused app password is an httpx.Error with
// status 401 wrapping a herald EINVALID error that says so.
func (s *Search) Poll(ctx context.Context, r mentions.Request) (mentions.Batch, error) {
	terms := queryTerms(r.Terms)
	if len(terms) == 0 {
		return mentions.Batch{Cursor: r.Cursor}, nil
	}
	var from cursor
	first := r.Cursor == ""
	if !first {
		if err := json.Unmarshal([]byte(r.Cursor), &from); err != nil || from.T.IsZero() {
			s.cfg.Logger.Warn("bluesky search: ignoring an unreadable cursor; starting from the newest posts", "cursor_len", len(r.Cursor))
			first, from = true, cursor{}
		}
	}
	found := map[string]post{}
	for _, term := range terms {
		if err := s.searchTerm(ctx, term, from, first, found); err != nil {
			return mentions.Batch{}, err
		}
	}
	next := from
	posts := make([]post, 0, len(found))
	for _, p := range found {
		posts = append(posts, p)
		switch {
		case p.sortAt.After(next.T):
			next = cursor{T: p.sortAt, URIs: []string{p.item.ExternalID}}
		case p.sortAt.Equal(next.T) && !slices.Contains(next.URIs, p.item.ExternalID) && len(next.URIs) < maxCursorURIs:
			next.URIs = append(next.URIs, p.item.ExternalID)
		}
	}
	slices.SortFunc(posts, func(a, b post) int {
		return cmp.Or(a.sortAt.Compare(b.sortAt), strings.Compare(a.item.ExternalID, b.item.ExternalID))
	})
	b := mentions.Batch{Items: make([]mentions.Item, 0, len(posts)), Cursor: r.Cursor}
	for _, p := range posts {
		b.Items = append(b.Items, p.item)
	}
	if !next.T.IsZero() {
		slices.Sort(next.URIs)
		c, _ := json.Marshal(next) // a time and strings always marshal
		b.Cursor = string(c)
	}
	return b, nil
}

// queryTerms turns watch terms into searchPosts queries: each of
// web.SearchTerms quoted as a phrase (Bluesky's search has no OR).
func queryTerms(terms []string) []string {
	out := web.SearchTerms(terms)
	for i, t := range out {
		out[i] = `"` + t + `"`
	}
	return out
}

// searchTerm adds to found the posts for q newer than from.
func (s *Search) searchTerm(ctx context.Context, q string, from cursor, first bool, found map[string]post) error {
	page := ""
	for range s.cfg.MaxPages {
		query := url.Values{"q": {q}, "sort": {"latest"}, "limit": {strconv.Itoa(s.cfg.Limit)}}
		if !first {
			query.Set("since", from.T.UTC().Format("2006-01-02T15:04:05.000Z"))
		}
		if page != "" {
			query.Set("cursor", page)
		}
		body, err := s.authed(ctx, s.search, nsidSearchPosts, query)
		if err != nil {
			return err
		}
		var out struct {
			Posts  []postView `json:"posts"`
			Cursor string     `json:"cursor"`
		}
		if err := json.Unmarshal(body, &out); err != nil {
			return &httpx.Error{Status: http.StatusOK, Err: fmt.Errorf("Bluesky's search answer could not be read: %w", err)}
		}
		older := false
		for _, v := range out.Posts {
			p, ok := v.post()
			if !ok {
				s.cfg.Logger.Debug("bluesky search: skipped a post without a valid uri", "uri_len", len(v.URI))
				continue
			}
			if !first && from.seen(p.item.ExternalID, p.sortAt) {
				older = true
				continue
			}
			found[p.item.ExternalID] = p
		}
		if first || older || out.Cursor == "" || len(out.Posts) == 0 {
			return nil
		}
		page = out.Cursor
	}
	return nil
}

// authed calls nsid on base with the session's access token; when the
// token is refused it gets a new session once and repeats the call (a
// search changes nothing, so repeating it is safe).
func (s *Search) authed(ctx context.Context, base, nsid string, query url.Values) ([]byte, error) {
	token, err := s.token(ctx, "")
	if err != nil {
		return nil, err
	}
	body, xe := s.call(ctx, http.MethodGet, base, nsid, query, token, nil)
	if xe == nil {
		return body, nil
	}
	if !xe.tokenRefused() {
		return nil, xe.fetch
	}
	if token, err = s.token(ctx, token); err != nil {
		return nil, err
	}
	if body, xe = s.call(ctx, http.MethodGet, base, nsid, query, token, nil); xe != nil {
		return nil, xe.fetch
	}
	return body, nil
}

// token returns a usable access token. stale is one that was just
// refused: a session still holding it is refreshed (or, failing that,
// made anew). An access token about to expire is refreshed first.
func (s *Search) token(ctx context.Context, stale string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Clock.Now()
	sess := s.session
	if sess != nil && sess.access != stale && (sess.accessExp.IsZero() || now.Add(time.Minute).Before(sess.accessExp)) {
		return sess.access, nil
	}
	if sess != nil && sess.refresh != "" {
		body, xe := s.call(ctx, http.MethodPost, s.cfg.PDS, nsidRefreshSession, nil, sess.refresh, nil)
		switch {
		case xe == nil:
			if next, err := readSession(body); err == nil {
				s.session = next
				return next.access, nil
			}
		case !xe.tokenRefused():
			return "", xe.fetch
		}
	}
	s.session = nil
	body, xe := s.call(ctx, http.MethodPost, s.cfg.PDS, nsidCreateSession, nil, "", map[string]string{"identifier": s.cfg.Handle, "password": s.cfg.AppPassword})
	if xe != nil {
		if st := xe.fetch.Status; st == http.StatusUnauthorized || st == http.StatusBadRequest && xe.name != "" {
			return "", &httpx.Error{Status: st, Err: &herald.Error{
				Code:    herald.EINVALID,
				Message: fmt.Sprintf("Bluesky refused to log in @%s; check the handle and the app password", s.cfg.Handle),
				Err:     xe.fetch,
			}}
		}
		return "", xe.fetch
	}
	next, err := readSession(body)
	if err != nil {
		return "", &httpx.Error{Status: http.StatusOK, Err: err}
	}
	s.session = next
	return next.access, nil
}

// readSession reads a createSession or refreshSession answer.
func readSession(body []byte) (*session, error) {
	var out struct {
		AccessJwt  string `json:"accessJwt"`
		RefreshJwt string `json:"refreshJwt"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.AccessJwt == "" {
		return nil, fmt.Errorf("Bluesky answered the login without a session")
	}
	return &session{access: out.AccessJwt, refresh: out.RefreshJwt, accessExp: jwtExpiry(out.AccessJwt)}, nil
}

// postView is the part of app.bsky.feed.defs#postView Herald reads.
type postView struct {
	URI    string `json:"uri"`
	Author struct {
		DID    string `json:"did"`
		Handle string `json:"handle"`
	} `json:"author"`
	Record    postRecord `json:"record"`
	IndexedAt string     `json:"indexedAt"`
}

// post is a search result: its item and the time search sorts it by.
type post struct {
	item   mentions.Item
	sortAt time.Time
}

// post maps a view to an item; false when its URI is not a valid post URI.
func (v postView) post() (post, bool) {
	rest, ok := strings.CutPrefix(v.URI, "at://")
	if !ok {
		return post{}, false
	}
	did, rkey, ok := strings.Cut(rest, "/"+postCollection+"/")
	if !ok || !validDID(did) || !validRKey(rkey) {
		return post{}, false
	}
	created, cerr := time.Parse(time.RFC3339Nano, v.Record.CreatedAt)
	indexed, ierr := time.Parse(time.RFC3339Nano, v.IndexedAt)
	var sortAt time.Time
	switch {
	case cerr == nil && ierr == nil:
		sortAt = created
		if indexed.Before(created) {
			sortAt = indexed
		}
	case ierr == nil:
		sortAt, created = indexed, indexed
	case cerr == nil:
		sortAt = created
	default:
		return post{}, false
	}
	author := v.Author.Handle
	if author == "" || author == "handle.invalid" {
		author = did
	}
	return post{item: postItem(did, rkey, author, v.Record, created.UTC()), sortAt: sortAt.UTC()}, true
}
