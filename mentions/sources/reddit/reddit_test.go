package reddit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/mentions"
)

// fakeReddit serves search listings from the fixture's children (newest
// first, paged with after/limit), the app-only token endpoint and the
// OAuth search.
type fakeReddit struct {
	mu       sync.Mutex
	children []map[string]any
	status   int
	header   http.Header
	body     string
	requests []*http.Request
	tokens   int    // tokens handed out
	valid    string // the token the OAuth search accepts
}

func newFake(t *testing.T) *fakeReddit {
	t.Helper()
	b, err := os.ReadFile("testdata/search.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Data struct{ Children []map[string]any }
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return &fakeReddit{children: doc.Data.Children}
}

func (f *fakeReddit) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Clone(context.Background()))
	for k, v := range f.header {
		w.Header()[k] = v
	}
	switch {
	case r.URL.Path == "/api/v1/access_token":
		id, secret, ok := r.BasicAuth()
		if r.Method != http.MethodPost || !ok || id != "app-id" || secret != "app-secret" || r.FormValue("grant_type") != "client_credentials" {
			http.Error(w, `{"message": "Unauthorized", "error": 401}`, http.StatusUnauthorized)
			return
		}
		f.tokens++
		f.valid = fmt.Sprintf("tok-%d", f.tokens)
		json.NewEncoder(w).Encode(map[string]any{"access_token": f.valid, "token_type": "bearer", "expires_in": 86400, "scope": "*"})
		return
	case strings.HasPrefix(r.URL.Path, "/oauth/"):
		if r.Header.Get("Authorization") != "bearer "+f.valid || f.valid == "" {
			http.Error(w, `{"message": "Unauthorized", "error": 401}`, http.StatusUnauthorized)
			return
		}
	}
	if f.status != 0 {
		w.WriteHeader(f.status)
		return
	}
	if f.body != "" {
		w.Write([]byte(f.body))
		return
	}
	q := r.URL.Query()
	if q.Get("sort") != "new" || q.Get("raw_json") != "1" || q.Get("q") == "" {
		http.Error(w, "bad query", http.StatusBadRequest)
		return
	}
	kids := slices.Clone(f.children)
	slices.SortStableFunc(kids, func(a, b map[string]any) int {
		return int(created(b) - created(a))
	})
	if after := q.Get("after"); after != "" {
		i := slices.IndexFunc(kids, func(c map[string]any) bool { return name(c) == after })
		kids = kids[i+1:]
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	var next any
	if len(kids) > limit {
		kids = kids[:limit]
		next = name(kids[limit-1])
	}
	json.NewEncoder(w).Encode(map[string]any{"kind": "Listing", "data": map[string]any{"after": next, "children": kids, "before": nil}})
}

func created(c map[string]any) float64 { return c["data"].(map[string]any)["created_utc"].(float64) }
func name(c map[string]any) string     { return c["data"].(map[string]any)["name"].(string) }

func (f *fakeReddit) set(fn func(*fakeReddit)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeReddit) paths() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, r := range f.requests {
		out = append(out, r.URL.Path)
	}
	return out
}

func newSource(t *testing.T, f *fakeReddit, cfg Config) *Source {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL
	cfg.OAuthURL = srv.URL + "/oauth/"
	return New(httpx.New(httpx.Options{AllowPrivate: true}), cfg)
}

var want = []mentions.Item{
	{
		Source: "reddit", ExternalID: "t3_1h4k2xq",
		URL:       "https://www.reddit.com/r/BuyItForLife/comments/1h4k2xq/acme_x2_after_7_years_still_going_strong/",
		Title:     "Acme X2 after 7 years: still going strong",
		Text:      "Bought the Acme X2 in 2019. Still works perfectly & the support replaced the battery for free. Anyone else?",
		Author:    "frugal_fran",
		AuthorURL: "https://www.reddit.com/user/frugal_fran",
		Published: time.Unix(1764583200, 0).UTC(),
	},
	{
		Source: "reddit", ExternalID: "t3_1h4jz0a",
		URL:       "https://www.reddit.com/r/technology/comments/1h4jz0a/acme_corp_to_acquire_initech_in_2b_deal/",
		Title:     "Acme Corp to acquire Initech in $2B deal",
		Text:      "https://www.reuters.example/business/acme-initech-2026-12-01/",
		Author:    "newsbot_3000",
		AuthorURL: "https://www.reddit.com/user/newsbot_3000",
		Published: time.Unix(1764580380, 0).UTC(),
	},
	{
		Source: "reddit", ExternalID: "t3_1h4hq77",
		URL:       "https://www.reddit.com/r/france/comments/1h4hq77/sav_acme_délai_de_livraison/",
		Title:     "SAV Acme : délai de livraison",
		Text:      "Quelqu'un a déjà eu affaire au SAV d'Acme ? Mon colis est bloqué depuis 3 semaines…",
		Author:    "[deleted]",
		Published: time.Unix(1764571000, 0).UTC(),
	},
}

func TestPoll(t *testing.T) {
	ctx := context.Background()
	acme := mentions.Request{Terms: []string{"acme"}}
	ua := UserAgent("v1.0.0", "acme_social")

	t.Run("OK", func(t *testing.T) {
		f := newFake(t)
		src := newSource(t, f, Config{UserAgent: ua})
		first, err := src.Poll(ctx, acme)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, first.Items); diff != "" {
			t.Errorf("first poll (-want +got):\n%s", diff)
		}
		r := f.requests[0]
		if r.URL.Path != "/search.json" || r.URL.Query().Get("q") != "acme" || r.URL.Query().Get("limit") != "100" || r.Header.Get("User-Agent") != ua {
			t.Errorf("request %s with User-Agent %q", r.URL, r.Header.Get("User-Agent"))
		}
		if r.Header.Get("Authorization") != "" {
			t.Error("an Authorization header without credentials")
		}
		second, err := src.Poll(ctx, mentions.Request{Cursor: first.Cursor, Terms: acme.Terms})
		if err != nil || len(second.Items) != 0 {
			t.Fatalf("second poll: %+v, %v; want nothing", second.Items, err)
		}
		// A restart from the stored cursor; one new post.
		f.set(func(f *fakeReddit) {
			f.children = append(f.children, map[string]any{"kind": "t3", "data": map[string]any{
				"name": "t3_new1", "title": "Acme outage?", "selftext": "Is it down for anyone else", "is_self": true,
				"author": "someone", "permalink": "/r/sysadmin/comments/new1/acme_outage/", "created_utc": 1764583300.0,
			}})
		})
		restarted := newSource(t, f, Config{UserAgent: ua})
		third, err := restarted.Poll(ctx, mentions.Request{Cursor: second.Cursor, Terms: acme.Terms})
		if err != nil {
			t.Fatal(err)
		}
		if len(third.Items) != 1 || third.Items[0].ExternalID != "t3_new1" {
			t.Errorf("after restart: %+v, want only the new post", third.Items)
		}
	})
	t.Run("OKDamagedCursor", func(t *testing.T) {
		// A cursor that does not read starts over rather than failing
		// every poll: the posts come again (the pipeline dedupes them).
		f := newFake(t)
		src := newSource(t, f, Config{})
		b, err := src.Poll(ctx, mentions.Request{Cursor: "\x00not json", Terms: acme.Terms})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, b.Items); diff != "" {
			t.Errorf("items (-want +got):\n%s", diff)
		}
		if c := mentions.ReadSeen(b.Cursor); !c.Has(want[0].ExternalID) || !c.Newest().Equal(want[0].Published) {
			t.Errorf("cursor %s: want one from the newest item", b.Cursor)
		}
	})
	t.Run("OKFuturePost", func(t *testing.T) {
		// A post dated a year ahead does not carry the cursor past what
		// comes next, and is not returned twice.
		now := int64(1764583200 + 3600)
		post := func(name string, at int64) map[string]any {
			return map[string]any{"kind": "t3", "data": map[string]any{
				"name": name, "title": "Acme", "selftext": "acme", "is_self": true, "author": "x",
				"permalink": "/r/x/comments/" + name + "/", "created_utc": float64(at),
			}}
		}
		f := newFake(t)
		f.children = append(f.children, post("t3_future", now+365*24*3600))
		src := newSource(t, f, Config{Clock: testclock.New(time.Unix(now, 0))})
		first, err := src.Poll(ctx, acme)
		if err != nil || len(first.Items) != len(want)+1 || first.Items[0].ExternalID != "t3_future" {
			t.Fatalf("first poll: %d items, %v; want the future one first and the %d others", len(first.Items), err, len(want))
		}
		f.set(func(f *fakeReddit) { f.children = append(f.children, post("t3_late", now-60)) })
		second, err := src.Poll(ctx, mentions.Request{Cursor: first.Cursor, Terms: acme.Terms})
		if err != nil || len(second.Items) != 1 || second.Items[0].ExternalID != "t3_late" {
			t.Errorf("second poll: %+v, %v; want only the late post", second.Items, err)
		}
	})
	t.Run("OKPages", func(t *testing.T) {
		f := newFake(t)
		src := newSource(t, f, Config{Limit: 1, MaxPages: 5})
		b, err := src.Poll(ctx, acme)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, b.Items); diff != "" {
			t.Errorf("paged (-want +got):\n%s", diff)
		}
		// Paging stops at the first post older than the cursor.
		f.set(func(f *fakeReddit) { f.requests = nil })
		cur := fmt.Sprintf(`{"newest":%d}`, 1764583200+int64(Overlap/time.Second))
		b, err = src.Poll(ctx, mentions.Request{Cursor: cur, Terms: acme.Terms})
		if err != nil || len(b.Items) != 0 {
			t.Errorf("got %+v, %v", b.Items, err)
		}
		if n := len(f.paths()); n != 1 {
			t.Errorf("%d requests, want 1: the first page is already older than the cursor", n)
		}
	})
	t.Run("OKSubreddit", func(t *testing.T) {
		f := newFake(t)
		src := newSource(t, f, Config{Subreddit: "r/france"})
		if _, err := src.Poll(ctx, acme); err != nil {
			t.Fatal(err)
		}
		r := f.requests[0]
		if r.URL.Path != "/r/france/search.json" || r.URL.Query().Get("restrict_sr") != "1" {
			t.Errorf("request %s", r.URL)
		}
	})
	t.Run("OKNoTerms", func(t *testing.T) {
		f := newFake(t)
		src := newSource(t, f, Config{})
		b, err := src.Poll(ctx, mentions.Request{Cursor: "c", Terms: []string{" ", `""`}})
		if err != nil || len(b.Items) != 0 || b.Cursor != "c" || len(f.requests) != 0 {
			t.Errorf("got %+v, %v after %d requests", b, err, len(f.requests))
		}
	})
	t.Run("OKOAuth", func(t *testing.T) {
		f := newFake(t)
		clock := testclock.New(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
		src := newSource(t, f, Config{ClientID: "app-id", ClientSecret: "app-secret", UserAgent: ua, Clock: clock})
		first, err := src.Poll(ctx, acme)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, first.Items); diff != "" {
			t.Errorf("OAuth poll (-want +got):\n%s", diff)
		}
		if _, err := src.Poll(ctx, acme); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"/api/v1/access_token", "/oauth/search", "/oauth/search"}, f.paths()); diff != "" {
			t.Errorf("the token is not cached (-want +got):\n%s", diff)
		}
		if ua := f.requests[0].Header.Get("User-Agent"); ua != UserAgent("v1.0.0", "acme_social") {
			t.Errorf("token request User-Agent %q", ua)
		}
		// Expired: a new token.
		clock.Advance(24 * time.Hour)
		if _, err := src.Poll(ctx, acme); err != nil {
			t.Fatal(err)
		}
		if f.tokens != 2 {
			t.Errorf("%d tokens after expiry, want 2", f.tokens)
		}
		// Revoked early: one 401, a fresh token, the search again.
		f.set(func(f *fakeReddit) { f.valid = "revoked"; f.requests = nil })
		if _, err := src.Poll(ctx, acme); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"/oauth/search", "/api/v1/access_token", "/oauth/search"}, f.paths()); diff != "" {
			t.Errorf("after a 401 (-want +got):\n%s", diff)
		}
	})
	t.Run("ErrOAuthCredentials", func(t *testing.T) {
		f := newFake(t)
		src := newSource(t, f, Config{ClientID: "app-id", ClientSecret: "wrong"})
		_, err := src.Poll(ctx, acme)
		if herald.ErrorCode(err) != herald.EUNAVAILABLE || !strings.Contains(herald.ErrorMessage(err), "client id and secret") {
			t.Errorf("got %v, want EUNAVAILABLE about the credentials", err)
		}
		if strings.Contains(err.Error(), "wrong") {
			t.Error("the error shows the secret")
		}
	})
	t.Run("ErrRateLimitUsedUp", func(t *testing.T) {
		f := newFake(t)
		f.header = http.Header{"X-Ratelimit-Used": {"10"}, "X-Ratelimit-Remaining": {"0.0"}, "X-Ratelimit-Reset": {"120"}}
		clock := testclock.New(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
		src := newSource(t, f, Config{Clock: clock})
		first, err := src.Poll(ctx, acme)
		if err != nil || len(first.Items) != 3 {
			t.Fatalf("the poll that used the limit up: %d items, %v", len(first.Items), err)
		}
		_, err = src.Poll(ctx, acme)
		var fe *httpx.Error
		if !errors.As(err, &fe) || fe.Status != 429 || fe.RetryAfter != 120*time.Second {
			t.Errorf("got %v, want an *httpx.Error 429 asking for 120s", err)
		}
		if n := len(f.paths()); n != 1 {
			t.Errorf("%d requests, want none while the limit is used up", n)
		}
		clock.Advance(121 * time.Second)
		f.set(func(f *fakeReddit) {
			f.header = http.Header{"X-Ratelimit-Remaining": {"99.0"}, "X-Ratelimit-Reset": {"600"}}
		})
		if _, err := src.Poll(ctx, mentions.Request{Cursor: first.Cursor, Terms: acme.Terms}); err != nil {
			t.Errorf("after the reset: %v", err)
		}
	})
	t.Run("ErrRateLimited", func(t *testing.T) {
		f := newFake(t)
		f.status, f.header = http.StatusTooManyRequests, http.Header{"Retry-After": {"30"}}
		src := newSource(t, f, Config{})
		_, err := src.Poll(ctx, acme)
		if fe := (*httpx.Error)(nil); !errors.As(err, &fe) || fe.Status != 429 || fe.RetryAfter != 30*time.Second {
			t.Errorf("got %v, want an *httpx.Error 429 asking for 30s", err)
		}
		f.set(func(f *fakeReddit) { f.header = http.Header{"X-Ratelimit-Reset": {"45"}} })
		_, err = src.Poll(ctx, acme)
		if fe := (*httpx.Error)(nil); !errors.As(err, &fe) || fe.RetryAfter != 45*time.Second {
			t.Errorf("got %v, want an *httpx.Error asking for 45s", err)
		}
	})
	t.Run("ErrServer", func(t *testing.T) {
		for _, status := range []int{500, 403} {
			f := newFake(t)
			f.status = status
			src := newSource(t, f, Config{})
			_, err := src.Poll(ctx, acme)
			if fe := (*httpx.Error)(nil); !errors.As(err, &fe) || fe.Status != status {
				t.Errorf("got %v, want an *httpx.Error %d", err, status)
			}
		}
	})
	t.Run("ErrGarbage", func(t *testing.T) {
		for _, body := range []string{"<html>blocked</html>", "{}", `{"kind":"t3"}`, `{"kind":"Listing","data":{"children":5}}`, "\xff", "[]"} {
			f := newFake(t)
			f.body = body
			src := newSource(t, f, Config{})
			if b, err := src.Poll(ctx, acme); err == nil {
				t.Errorf("%q: no error; got %+v", body, b)
			}
		}
	})
}

func TestQueries(t *testing.T) {
	long := strings.Repeat("x", 300)
	tests := []struct {
		name  string
		terms []string
		want  []string
	}{
		{"none", nil, nil},
		{"one", []string{"acme"}, []string{"acme"}},
		{"ored and sorted", []string{"initech", "Acme", "acme ", "globex"}, []string{"acme OR globex OR initech"}},
		{"phrases quoted", []string{"acme corp", `"new  store"`, "OR"}, []string{`"acme corp" OR "new store" OR "or"`}},
		{"cut to the same", []string{long + long + "a", long + long + "b"}, []string{long + strings.Repeat("x", 210)}},
		{"empty dropped", []string{"", "  ", `""`}, nil},
		{"split at 512", []string{long + "a", long + "b"}, []string{long + "a", long + "b"}},
		{"cut alone", []string{strings.Repeat("é", 400)}, []string{strings.Repeat("é", 255)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := searchQueries(tt.terms)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for _, q := range got {
				if len(q) > maxQuery {
					t.Errorf("a query of %d bytes", len(q))
				}
			}
		})
	}
}

func TestUserAgent(t *testing.T) {
	p := runtime.GOOS
	tests := []struct{ version, user, want string }{
		{"v1.2.0", "acme_social", p + ":herald:v1.2.0 (by /u/acme_social)"},
		{"v1.2.0", "/u/acme_social", p + ":herald:v1.2.0 (by /u/acme_social)"},
		{"v1.2.0", "u/acme_social", p + ":herald:v1.2.0 (by /u/acme_social)"},
		{"", "x", p + ":herald:dev (by /u/x)"},
		{"v1", "", p + ":herald:v1 (+https://github.com/heraldhq/herald)"},
	}
	for _, tt := range tests {
		if got := UserAgent(tt.version, tt.user); got != tt.want {
			t.Errorf("UserAgent(%q, %q) = %q, want %q", tt.version, tt.user, got, tt.want)
		}
	}
}

func FuzzParseListing(f *testing.F) {
	b, err := os.ReadFile("testdata/search.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"kind":"Listing","data":{"after":"t3_x","children":[{"kind":"t1","data":{"name":"t1_a","body":"hi","link_title":"t","created_utc":-1e300}}]}}`))
	f.Add([]byte(`{"kind":"Listing","data":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		posts, _, err := parseListing(data)
		if err != nil {
			return
		}
		for _, p := range posts {
			if it, ok := p.item(); ok && (it.Source != Kind || it.ExternalID == "") {
				t.Errorf("item %+v", it)
			}
		}
	})
}

func TestNewDefaults(t *testing.T) {
	s := New(nil, Config{})
	if s.cfg.BaseURL != DefaultBaseURL || s.cfg.OAuthURL != DefaultOAuthURL || s.cfg.TokenURL != DefaultTokenURL {
		t.Errorf("defaults %+v", s.cfg)
	}
	s = New(nil, Config{BaseURL: "http://proxy.internal/reddit/", Subreddit: "/r/golang"})
	if s.cfg.TokenURL != "http://proxy.internal/reddit/api/v1/access_token" || s.cfg.Subreddit != "golang" {
		t.Errorf("derived %+v", s.cfg)
	}
}
