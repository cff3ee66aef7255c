package bluesky

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/mentions"
)

// jwt makes an unsigned token with an exp claim, as a PDS's looks.
func jwt(sub string, exp time.Time) string {
	enc := base64.RawURLEncoding.EncodeToString
	payload, _ := json.Marshal(map[string]any{"scope": "com.atproto.appPass", "sub": sub, "exp": exp.Unix()})
	return enc([]byte(`{"typ":"at+jwt","alg":"ES256K"}`)) + "." + enc(payload) + "." + enc([]byte("sig"))
}

// fakeXRPC is a PDS on loopback: createSession, refreshSession and
// searchPosts over the posts of testdata/searchposts.json.
type fakeXRPC struct {
	*httptest.Server
	clock *testclock.Clock

	mu       sync.Mutex
	posts    []json.RawMessage
	access   string // the valid access token
	refresh  string // the valid refresh token
	n        int    // tokens issued
	logins   int
	refreshs int
	searches []string // queries of searchPosts, encoded
	fail     func(w http.ResponseWriter) bool
}

func newFakeXRPC(tb testing.TB, clock *testclock.Clock) *fakeXRPC {
	tb.Helper()
	b, err := os.ReadFile("testdata/searchposts.json")
	if err != nil {
		tb.Fatal(err)
	}
	var in struct{ Posts []json.RawMessage }
	if err := json.Unmarshal(b, &in); err != nil {
		tb.Fatal(err)
	}
	f := &fakeXRPC{clock: clock, posts: in.Posts}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.Close)
	return f
}

func xrpcErr(w http.ResponseWriter, status int, name string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":%q,"message":"%s from the fake"}`, name, name)
}

func (f *fakeXRPC) issue() map[string]string {
	f.n++
	f.access = jwt("did:plc:herald"+strconv.Itoa(f.n), f.clock.Now().Add(2*time.Hour))
	f.refresh = "refresh-" + strconv.Itoa(f.n)
	return map[string]string{"accessJwt": f.access, "refreshJwt": f.refresh, "did": "did:plc:herald", "handle": "herald.bsky.social"}
}

func (f *fakeXRPC) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	bearer, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	switch r.URL.Path {
	case "/xrpc/" + nsidCreateSession:
		var in struct{ Identifier, Password string }
		if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&in) != nil {
			xrpcErr(w, 400, "InvalidRequest")
			return
		}
		if in.Identifier != "herald.bsky.social" || in.Password != "abcd-efgh-ijkl-mnop" {
			xrpcErr(w, 401, "AuthenticationRequired")
			return
		}
		f.logins++
		_ = json.NewEncoder(w).Encode(f.issue())
	case "/xrpc/" + nsidRefreshSession:
		if r.ContentLength > 0 {
			xrpcErr(w, 400, "InvalidRequest") // a body refreshSession does not take
			return
		}
		if r.Method != http.MethodPost || bearer != f.refresh || f.refresh == "" {
			xrpcErr(w, 400, "ExpiredToken")
			return
		}
		f.refreshs++
		_ = json.NewEncoder(w).Encode(f.issue())
	case "/xrpc/" + nsidSearchPosts:
		switch {
		case bearer == "":
			xrpcErr(w, 401, "AuthMissing")
			return
		case bearer != f.access:
			xrpcErr(w, 400, "ExpiredToken")
			return
		}
		f.searches = append(f.searches, r.URL.RawQuery)
		if f.fail != nil && f.fail(w) {
			return
		}
		f.searchPosts(w, r)
	default:
		xrpcErr(w, 404, "MethodNotImplemented")
	}
}

func (f *fakeXRPC) searchPosts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	term := strings.ToLower(strings.Trim(q.Get("q"), `"`))
	if q.Get("sort") != "latest" || term == "" {
		xrpcErr(w, 400, "InvalidRequest")
		return
	}
	var since time.Time
	if s := q.Get("since"); s != "" {
		since, _ = time.Parse(time.RFC3339Nano, s)
	}
	type hit struct {
		raw json.RawMessage
		at  time.Time
	}
	var hits []hit
	for _, raw := range f.posts {
		var v postView
		_ = json.Unmarshal(raw, &v)
		p, ok := v.post()
		if ok && strings.Contains(strings.ToLower(v.Record.Text), term) && !p.sortAt.Before(since) {
			hits = append(hits, hit{raw, p.sortAt})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return b.at.Compare(a.at) })
	limit, _ := strconv.Atoi(q.Get("limit"))
	off, _ := strconv.Atoi(q.Get("cursor"))
	end := min(off+limit, len(hits))
	out := struct {
		Posts  []json.RawMessage `json:"posts"`
		Cursor string            `json:"cursor,omitempty"`
	}{Posts: []json.RawMessage{}}
	for _, h := range hits[min(off, end):end] {
		out.Posts = append(out.Posts, h.raw)
	}
	if end < len(hits) {
		out.Cursor = strconv.Itoa(end)
	}
	_ = json.NewEncoder(w).Encode(out)
}

// add puts a new post on the fake.
func (f *fakeXRPC) add(uri, handle, text, at string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	did := strings.Split(strings.TrimPrefix(uri, "at://"), "/")[0]
	raw, _ := json.Marshal(map[string]any{
		"uri": uri, "cid": "bafyrei", "author": map[string]string{"did": did, "handle": handle},
		"record": map[string]any{"$type": "app.bsky.feed.post", "text": text, "createdAt": at, "langs": []string{"en"}}, "indexedAt": at,
	})
	f.posts = append(f.posts, raw)
}

func (f *fakeXRPC) counts() (logins, refreshs, searches int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.logins, f.refreshs, len(f.searches)
}

func MustSearch(tb testing.TB, f *fakeXRPC, edit func(*SearchConfig)) *Search {
	tb.Helper()
	cfg := SearchConfig{PDS: f.URL, Handle: "@herald.bsky.social", AppPassword: "abcd-efgh-ijkl-mnop", Client: f.Client(), Clock: f.clock}
	if edit != nil {
		edit(&cfg)
	}
	s, err := NewSearch(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func texts(items []mentions.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Text)
	}
	return out
}

func TestSearch(t *testing.T) {
	start := time.Date(2026, 12, 1, 9, 5, 0, 0, time.UTC)
	ctx := context.Background()
	terms := []string{"acme", "ACME", " moulins  acme ", ""}

	t.Run("OK", func(t *testing.T) {
		clock := testclock.New(start)
		f := newFakeXRPC(t, clock)
		s := MustSearch(t, f, nil)

		b, err := s.Poll(ctx, mentions.Request{Terms: terms})
		if err != nil {
			t.Fatalf("first Poll: %v", err)
		}
		if len(b.Items) != 7 {
			t.Fatalf("first poll: %d items, want 7: %q", len(b.Items), texts(b.Items))
		}
		first := b.Items[len(b.Items)-1]
		want := mentions.Item{
			Source: "bluesky", ExternalID: "at://did:plc:odt56ar5h47vu6j7v5bi5t5i/app.bsky.feed.post/3l4cmudbnfagr",
			URL:  "https://bsky.app/profile/did:plc:odt56ar5h47vu6j7v5bi5t5i/post/3l4cmudbnfagr",
			Text: "Le nouveau moulin Acme est arrivé ! Premier espresso ce matin ☕", Author: "marie.bsky.social",
			AuthorURL: "https://bsky.app/profile/did:plc:odt56ar5h47vu6j7v5bi5t5i", Lang: "fr",
			Published: time.Date(2026, 12, 1, 8, 59, 58, 120e6, time.UTC),
			Reply: mentions.ReplyRef{Network: "bluesky", ID: "at://did:plc:odt56ar5h47vu6j7v5bi5t5i/app.bsky.feed.post/3l4cmudbnfagr",
				AuthorID: "did:plc:odt56ar5h47vu6j7v5bi5t5i"},
		}
		if first != want {
			t.Errorf("newest item = %+v,\nwant %+v", first, want)
		}
		for _, q := range f.searches {
			if !strings.Contains(q, "sort=latest") || strings.Contains(q, "since=") {
				t.Errorf("first poll query %q: want sort=latest, no since", q)
			}
		}
		if _, _, n := f.counts(); n != 2 {
			t.Errorf("%d searches, want 2 (acme and \"moulins acme\", each once)", n)
		}

		b2, err := s.Poll(ctx, mentions.Request{Terms: terms, Cursor: b.Cursor})
		if err != nil {
			t.Fatalf("second Poll: %v", err)
		}
		if len(b2.Items) != 0 || b2.Cursor != b.Cursor {
			t.Errorf("second poll: %q with cursor %q, want nothing and the same cursor", texts(b2.Items), b2.Cursor)
		}
		f.mu.Lock()
		last := f.searches[len(f.searches)-1]
		f.mu.Unlock()
		if !strings.Contains(last, "since=2026-12-01T08%3A59%3A58.120Z") {
			t.Errorf("second poll query %q: want since the cursor", last)
		}

		f.add("at://did:plc:newposter/app.bsky.feed.post/3lnew1", "new.bsky.social", "acme again", "2026-12-01T09:06:00.000Z")
		f.add("at://did:plc:newposter/app.bsky.feed.post/3lnew2", "new.bsky.social", "and acme once more", "2026-12-01T09:06:00.000Z")
		b3, err := s.Poll(ctx, mentions.Request{Terms: terms, Cursor: b2.Cursor})
		if err != nil {
			t.Fatalf("third Poll: %v", err)
		}
		if got := texts(b3.Items); !slices.Equal(got, []string{"acme again", "and acme once more"}) {
			t.Errorf("third poll: %q, want the two new posts", got)
		}
		var c cursor
		if err := json.Unmarshal([]byte(b3.Cursor), &c); err != nil || len(c.URIs) != 2 {
			t.Errorf("cursor %q: want both URIs at its time", b3.Cursor)
		}
		b4, err := s.Poll(ctx, mentions.Request{Terms: terms, Cursor: b3.Cursor})
		if err != nil || len(b4.Items) != 0 {
			t.Errorf("fourth poll: %q, %v; want nothing", texts(b4.Items), err)
		}
		if logins, refreshs, _ := f.counts(); logins != 1 || refreshs != 0 {
			t.Errorf("%d logins, %d refreshes; want one login for every poll", logins, refreshs)
		}
	})

	t.Run("OKPages", func(t *testing.T) {
		clock := testclock.New(start)
		f := newFakeXRPC(t, clock)
		s := MustSearch(t, f, func(c *SearchConfig) { c.Limit = 2 })
		b, err := s.Poll(ctx, mentions.Request{Terms: []string{"acme"}})
		if err != nil || len(b.Items) != 2 {
			t.Fatalf("first poll: %d items, %v; want one page of 2", len(b.Items), err)
		}
		for i := range 5 {
			f.add(fmt.Sprintf("at://did:plc:newposter/app.bsky.feed.post/3lp%d", i), "new.bsky.social", fmt.Sprintf("acme %d", i), fmt.Sprintf("2026-12-01T09:1%d:00.000Z", i))
		}
		b, err = s.Poll(ctx, mentions.Request{Terms: []string{"acme"}, Cursor: b.Cursor})
		if got := texts(b.Items); err != nil || !slices.Equal(got, []string{"acme 0", "acme 1", "acme 2", "acme 3", "acme 4"}) {
			t.Errorf("second poll: %q, %v; want the 5 new posts over 3 pages", got, err)
		}
	})

	t.Run("OKNoTerms", func(t *testing.T) {
		f := newFakeXRPC(t, testclock.New(start))
		s := MustSearch(t, f, nil)
		b, err := s.Poll(ctx, mentions.Request{Cursor: "kept", Terms: []string{" ", `""`}})
		if err != nil || len(b.Items) != 0 || b.Cursor != "kept" {
			t.Errorf("Poll = %+v, %v; want nothing and the cursor kept", b, err)
		}
		if logins, _, _ := f.counts(); logins != 0 {
			t.Errorf("logged in without a search")
		}
	})

	t.Run("OKExpiredToken", func(t *testing.T) {
		clock := testclock.New(start)
		f := newFakeXRPC(t, clock)
		s := MustSearch(t, f, nil)
		if _, err := s.Poll(ctx, mentions.Request{Terms: []string{"acme"}}); err != nil {
			t.Fatal(err)
		}
		f.mu.Lock()
		f.access = "revoked" // the PDS no longer takes the token Search holds
		f.mu.Unlock()
		if _, err := s.Poll(ctx, mentions.Request{Terms: []string{"acme"}}); err != nil {
			t.Fatalf("Poll after the token expired: %v", err)
		}
		if logins, refreshs, _ := f.counts(); logins != 1 || refreshs != 1 {
			t.Errorf("%d logins, %d refreshes; want the session refreshed, not a new login", logins, refreshs)
		}
	})

	t.Run("OKRefreshBeforeExpiry", func(t *testing.T) {
		clock := testclock.New(start)
		f := newFakeXRPC(t, clock)
		s := MustSearch(t, f, nil)
		if _, err := s.Poll(ctx, mentions.Request{Terms: []string{"acme"}}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(2*time.Hour - 30*time.Second)
		if _, err := s.Poll(ctx, mentions.Request{Terms: []string{"acme"}}); err != nil {
			t.Fatal(err)
		}
		if logins, refreshs, searches := f.counts(); logins != 1 || refreshs != 1 || searches != 2 {
			t.Errorf("%d logins, %d refreshes, %d searches; want a refresh before the second search and no refused call", logins, refreshs, searches)
		}
	})

	t.Run("OKRefreshRefused", func(t *testing.T) {
		clock := testclock.New(start)
		f := newFakeXRPC(t, clock)
		s := MustSearch(t, f, nil)
		if _, err := s.Poll(ctx, mentions.Request{Terms: []string{"acme"}}); err != nil {
			t.Fatal(err)
		}
		f.mu.Lock()
		f.access, f.refresh = "revoked", "revoked"
		f.mu.Unlock()
		if _, err := s.Poll(ctx, mentions.Request{Terms: []string{"acme"}}); err != nil {
			t.Fatalf("Poll after the session was revoked: %v", err)
		}
		if logins, _, _ := f.counts(); logins != 2 {
			t.Errorf("%d logins, want a new login", logins)
		}
	})

	errs := []struct {
		name   string
		fail   func(w http.ResponseWriter) bool
		pass   string
		status int
		wait   time.Duration
		code   string
	}{
		{name: "ErrRateLimited", status: 429, wait: 90 * time.Second, fail: func(w http.ResponseWriter) bool {
			w.Header().Set("RateLimit-Limit", "3000")
			w.Header().Set("RateLimit-Remaining", "0")
			w.Header().Set("RateLimit-Reset", strconv.FormatInt(start.Add(90*time.Second).Unix(), 10))
			xrpcErr(w, 429, "RateLimitExceeded")
			return true
		}},
		{name: "ErrRetryAfter", status: 429, wait: 30 * time.Second, fail: func(w http.ResponseWriter) bool {
			w.Header().Set("Retry-After", "30")
			xrpcErr(w, 429, "RateLimitExceeded")
			return true
		}},
		{name: "ErrServer", status: 500, fail: func(w http.ResponseWriter) bool {
			xrpcErr(w, 500, "InternalServerError")
			return true
		}},
		{name: "ErrGarbage", status: 200, fail: func(w http.ResponseWriter) bool {
			w.WriteHeader(200)
			fmt.Fprint(w, "<html>not json</html>")
			return true
		}},
		{name: "ErrPassword", pass: "wrong", status: 401, code: herald.EINVALID},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeXRPC(t, testclock.New(start))
			f.fail = tt.fail
			s := MustSearch(t, f, func(c *SearchConfig) {
				if tt.pass != "" {
					c.AppPassword = tt.pass
				}
			})
			b, err := s.Poll(ctx, mentions.Request{Terms: []string{"acme"}, Cursor: ""})
			var fe *httpx.Error
			if !errors.As(err, &fe) || fe.Status != tt.status || fe.RetryAfter != tt.wait {
				t.Fatalf("Poll = %v (%#v), want an *httpx.Error %d waiting %v", err, err, tt.status, tt.wait)
			}
			if len(b.Items) != 0 || b.Cursor != "" {
				t.Errorf("a failed poll returned %+v", b)
			}
			if tt.code != "" && herald.ErrorCode(err) != tt.code {
				t.Errorf("code = %q, want %q (message %q)", herald.ErrorCode(err), tt.code, herald.ErrorMessage(err))
			}
			if strings.Contains(err.Error(), "abcd-efgh") || strings.Contains(err.Error(), "wrong") && tt.pass == "wrong" {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

func TestNewSearch(t *testing.T) {
	t.Run("OKDefaults", func(t *testing.T) {
		s, err := NewSearch(SearchConfig{Handle: "a.bsky.social", AppPassword: "p"})
		if err != nil || s.cfg.PDS != DefaultPDS || s.search != DefaultPDS {
			t.Errorf("NewSearch = %+v, %v", s, err)
		}
		s, err = NewSearch(SearchConfig{Handle: "a.bsky.social", AppPassword: "p", PDS: "https://pds.example/", AppView: "https://api.bsky.app/"})
		if err != nil || s.cfg.PDS != "https://pds.example" || s.search != "https://api.bsky.app" {
			t.Errorf("NewSearch = %+v, %v", s, err)
		}
	})
	for name, cfg := range map[string]SearchConfig{
		"ErrNoHandle":   {AppPassword: "p"},
		"ErrNoPassword": {Handle: "a.bsky.social"},
		"ErrPDS":        {Handle: "a", AppPassword: "p", PDS: "ftp://pds.example"},
		"ErrAppView":    {Handle: "a", AppPassword: "p", AppView: "api.bsky.app"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := NewSearch(cfg); herald.ErrorCode(err) != herald.EINVALID {
				t.Errorf("NewSearch = %v, want EINVALID", err)
			}
		})
	}
}

func TestJWTExpiry(t *testing.T) {
	exp := time.Unix(1764579600, 0)
	if got := jwtExpiry(jwt("did:plc:x", exp)); !got.Equal(exp) {
		t.Errorf("jwtExpiry = %v, want %v", got, exp)
	}
	for _, bad := range []string{"", "a.b", "a.!!!.c", "a." + base64.RawURLEncoding.EncodeToString([]byte(`{"exp":"x"}`)) + ".c"} {
		if got := jwtExpiry(bad); !got.IsZero() {
			t.Errorf("jwtExpiry(%q) = %v, want zero", bad, got)
		}
	}
}

// FuzzSearchAnswer feeds searchPosts answers and cursors to the code that
// reads them: never a panic, and only well-formed items.
func FuzzSearchAnswer(f *testing.F) {
	b, err := os.ReadFile("testdata/searchposts.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b, `{"t":"2026-12-01T08:59:58.12Z","uris":["at://did:plc:x/app.bsky.feed.post/3l"]}`)
	f.Add([]byte(`{"posts":[{"uri":"at://did:plc:x/app.bsky.feed.post/../x","record":{"createdAt":"2026-12-01T00:00:00Z"}}]}`), `{}`)
	f.Add([]byte(`{"posts":[{"uri":"at://did:web:a/app.bsky.feed.post/3l","indexedAt":"2026-12-01T00:00:00Z","record":{"text":7}}]}`), `[]`)
	f.Fuzz(func(t *testing.T, body []byte, cur string) {
		var c cursor
		if json.Unmarshal([]byte(cur), &c) == nil {
			_ = c.seen("at://did:plc:x/app.bsky.feed.post/3l", time.Now())
		}
		var out struct {
			Posts []postView `json:"posts"`
		}
		if json.Unmarshal(body, &out) != nil {
			return
		}
		for _, v := range out.Posts {
			p, ok := v.post()
			if !ok {
				continue
			}
			it := p.item
			if it.ExternalID != v.URI || !strings.HasPrefix(it.URL, "https://bsky.app/profile/did:") || it.Author == "" || p.sortAt.IsZero() {
				t.Fatalf("invalid item accepted: %+v", it)
			}
		}
	})
}
