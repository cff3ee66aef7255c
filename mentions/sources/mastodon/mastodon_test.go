package mastodon

import (
	"context"
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

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/mentions/web"
)

// fakeMastodon is an instance on loopback serving the hashtag timeline of
// #acme and, for the token "tok", a status search, over recorded statuses.
type fakeMastodon struct {
	*httptest.Server

	mu       sync.Mutex
	tag      []json.RawMessage
	search   []json.RawMessage
	queries  []string // path?query of each request
	authOnly bool     // the timeline wants a token too
	fail     func(w http.ResponseWriter, r *http.Request) bool
}

func MustStatuses(tb testing.TB, name string, search bool) []json.RawMessage {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	var out []json.RawMessage
	if search {
		var s struct{ Statuses []json.RawMessage }
		err = json.Unmarshal(b, &s)
		out = s.Statuses
	} else {
		err = json.Unmarshal(b, &out)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func newFakeMastodon(tb testing.TB) *fakeMastodon {
	tb.Helper()
	f := &fakeMastodon{tag: MustStatuses(tb, "tag_acme.json", false), search: MustStatuses(tb, "search_acme.json", true)}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.Close)
	return f
}

func idOf(raw json.RawMessage) string {
	var s struct{ ID string }
	_ = json.Unmarshal(raw, &s)
	return s.ID
}

// page applies Mastodon's pagination: max_id and since_id bound the ids,
// min_id gives the page just after it; the page is newest first.
func page(all []json.RawMessage, q map[string][]string) []json.RawMessage {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	limit, _ := strconv.Atoi(get("limit"))
	if limit <= 0 || limit > 40 {
		limit = 20
	}
	var in []json.RawMessage
	for _, s := range all {
		id := idOf(s)
		if m := get("max_id"); m != "" && compareIDs(id, m) >= 0 {
			continue
		}
		if m := get("since_id"); m != "" && compareIDs(id, m) <= 0 {
			continue
		}
		if m := get("min_id"); m != "" && compareIDs(id, m) <= 0 {
			continue
		}
		in = append(in, s)
	}
	slices.SortFunc(in, func(a, b json.RawMessage) int { return compareIDs(idOf(b), idOf(a)) })
	if get("min_id") != "" && get("max_id") == "" && len(in) > limit {
		in = in[len(in)-limit:] // the oldest page after min_id
	}
	return in[:min(limit, len(in))]
}

func (f *fakeMastodon) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries = append(f.queries, r.URL.Path+"?"+r.URL.RawQuery)
	if f.fail != nil && f.fail(w, r) {
		return
	}
	authed := r.Header.Get("Authorization") == "Bearer tok"
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	switch r.URL.Path {
	case "/api/v1/timelines/tag/acme":
		if f.authOnly && !authed {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"This API requires an authenticated user"}`)
			return
		}
		_ = json.NewEncoder(w).Encode(page(f.tag, r.URL.Query()))
	case "/api/v2/search":
		q := r.URL.Query()
		if !authed {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"The access token is invalid"}`)
			return
		}
		if q.Get("type") != "statuses" || q.Get("resolve") != "false" || q.Get("q") != "acme" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"error":"unexpected query %s"}`, r.URL.RawQuery)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"accounts": []any{}, "hashtags": []any{}, "statuses": page(f.search, q)})
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":"Record not found"}`)
	}
}

// add puts n new statuses on the tag timeline, with ids after the newest.
func (f *fakeMastodon) add(n int, base int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range n {
		id := strconv.FormatInt(base+int64(i), 10)
		raw, _ := json.Marshal(map[string]any{
			"id": id, "created_at": "2026-12-01T10:00:00.000Z", "uri": "https://mastodon.social/users/bot/statuses/" + id,
			"url": "https://mastodon.social/@bot/" + id, "content": "<p>#acme n°" + strconv.Itoa(i) + "</p>", "spoiler_text": "",
			"language": "en", "reblog": nil, "account": map[string]string{"acct": "bot", "url": "https://mastodon.social/@bot"},
		})
		f.tag = append(f.tag, raw)
	}
}

func (f *fakeMastodon) lastQuery() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.queries[len(f.queries)-1]
}

func MustSource(tb testing.TB, f *fakeMastodon, edit func(*Config)) *Source {
	tb.Helper()
	cfg := Config{Instance: f.URL + "/", Tag: "#acme", Client: f.Client()}
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(cfg)
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

func TestPoll(t *testing.T) {
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		f := newFakeMastodon(t)
		s := MustSource(t, f, nil)
		b, err := s.Poll(ctx, mentions.Request{Terms: []string{"acme"}})
		if err != nil {
			t.Fatalf("first Poll: %v", err)
		}
		// Issue 19: each item keeps what a reply needs: the status id on
		// the instance read, and its visibility.
		reply := func(id string) mentions.ReplyRef {
			return mentions.ReplyRef{Network: "mastodon", Instance: f.URL, ID: id, Visibility: "public"}
		}
		want := []mentions.Item{
			{Source: "mastodon", ExternalID: "https://mastodon.social/users/caffeinated/statuses/113581099999999999", URL: "https://mastodon.social/@caffeinated/113581099999999999",
				Text: "#acme coffee <3", Author: "caffeinated@127.0.0.1", AuthorURL: "https://mastodon.social/@caffeinated",
				Published: time.Date(2026, 12, 1, 8, 23, 59, 0, time.UTC), Reply: reply("113581099999999999")},
			{Source: "mastodon", ExternalID: "https://mstdn.jp/users/kenji/statuses/113581100000000001", URL: "https://mstdn.jp/users/kenji/statuses/113581100000000001",
				Text: "#acmeのグラインダー、静かでいい感じ。", Author: "kenji@mstdn.jp", AuthorURL: "https://mstdn.jp/@kenji", Lang: "ja",
				Published: time.Date(2026, 12, 1, 8, 24, 0, 0, time.UTC), Reply: reply("113581100000000001")},
			{Source: "mastodon", ExternalID: "https://fosstodon.org/users/roaster/statuses/113581187654321098", URL: "https://fosstodon.org/@roaster/113581187654321098",
				Title: "shop news", Text: "We're stocking #acme grinders from next week. https://roaster.example.com/acme", Author: "roaster@fosstodon.org",
				AuthorURL: "https://fosstodon.org/@roaster", Lang: "en", Published: time.Date(2026, 12, 1, 8, 46, 30, 0, time.UTC), Reply: reply("113581187654321098")},
			{Source: "mastodon", ExternalID: "https://piaille.fr/users/marie/statuses/113581200987654321", URL: "https://piaille.fr/@marie/113581200987654321",
				Text: "Franchement le SAV #acme m'a bluffé : remplacement en 48h. Bravo 👏", Author: "marie@piaille.fr",
				AuthorURL: "https://piaille.fr/@marie", Lang: "fr", Published: time.Date(2026, 12, 1, 8, 50, 3, 0, time.UTC), Reply: reply("113581201234567890")},
			{Source: "mastodon", ExternalID: "https://mastodon.social/users/caffeinated/statuses/113581239876543210", URL: "https://mastodon.social/@caffeinated/113581239876543210",
				Text: "The new #acme grinder is here & it's quiet. Pour-over tomorrow!", Author: "caffeinated@127.0.0.1",
				AuthorURL: "https://mastodon.social/@caffeinated", Lang: "en", Published: time.Date(2026, 12, 1, 9, 0, 12, 0, time.UTC), Reply: reply("113581239876543210")},
		}
		if diff := cmp.Diff(want, b.Items); diff != "" {
			t.Errorf("first poll (-want +got):\n%s", diff)
		}
		if q := f.lastQuery(); q != "/api/v1/timelines/tag/acme?limit=40" {
			t.Errorf("first poll asked %q, want the newest page and no token", q)
		}

		b2, err := s.Poll(ctx, mentions.Request{Cursor: b.Cursor, Terms: []string{"acme"}})
		if err != nil || len(b2.Items) != 0 {
			t.Fatalf("second poll: %q, %v; want nothing", texts(b2.Items), err)
		}
		if q := f.lastQuery(); q != "/api/v1/timelines/tag/acme?limit=40&min_id=113581239876543210" {
			t.Errorf("second poll asked %q, want min_id of the newest status", q)
		}

		f.add(45, 113581300000000000)
		b3, err := s.Poll(ctx, mentions.Request{Cursor: b2.Cursor})
		if err != nil || len(b3.Items) != 45 || b3.Items[0].Text != "#acme n°0" || b3.Items[44].Text != "#acme n°44" {
			t.Fatalf("third poll: %d items (%v), want the 45 new ones in order", len(b3.Items), err)
		}
		b4, err := s.Poll(ctx, mentions.Request{Cursor: b3.Cursor})
		if err != nil || len(b4.Items) != 0 {
			t.Errorf("fourth poll: %q, %v; want nothing", texts(b4.Items), err)
		}
	})

	t.Run("OKCutShortResumes", func(t *testing.T) {
		f := newFakeMastodon(t)
		s := MustSource(t, f, func(c *Config) { c.Limit = 10; c.MaxPages = 2 })
		b, err := s.Poll(ctx, mentions.Request{})
		if err != nil {
			t.Fatal(err)
		}
		f.add(25, 113581300000000000)
		b, err = s.Poll(ctx, mentions.Request{Cursor: b.Cursor})
		if err != nil || len(b.Items) != 20 {
			t.Fatalf("second poll: %d items, %v; want two pages of 10", len(b.Items), err)
		}
		b, err = s.Poll(ctx, mentions.Request{Cursor: b.Cursor})
		if err != nil || len(b.Items) != 5 || b.Items[0].Text != "#acme n°20" {
			t.Errorf("third poll: %q, %v; want the last 5, none lost", texts(b.Items), err)
		}
	})

	t.Run("OKSearch", func(t *testing.T) {
		f := newFakeMastodon(t)
		s := MustSource(t, f, func(c *Config) { c.Token = "tok" })
		b, err := s.Poll(ctx, mentions.Request{Terms: []string{"acme", " ACME "}})
		if err != nil {
			t.Fatalf("Poll: %v", err)
		}
		if len(b.Items) != 6 || b.Items[5].Text != "Quelqu'un a testé le moulin Acme C2 ?" {
			t.Fatalf("Poll: %q, want the 5 tagged statuses and the one search found", texts(b.Items))
		}
		var c cursor
		if err := json.Unmarshal([]byte(b.Cursor), &c); err != nil || c.Tag != "113581239876543210" || c.Terms["acme"] != "113581250000000000" {
			t.Errorf("cursor %q", b.Cursor)
		}
		b, err = s.Poll(ctx, mentions.Request{Cursor: b.Cursor, Terms: []string{"acme"}})
		if err != nil || len(b.Items) != 0 {
			t.Errorf("second poll: %q, %v; want nothing", texts(b.Items), err)
		}
		if q := f.lastQuery(); !strings.Contains(q, "/api/v2/search?") || !strings.Contains(q, "min_id=113581250000000000") {
			t.Errorf("second search asked %q, want min_id", q)
		}
	})

	t.Run("OKTimelineIgnoresMinID", func(t *testing.T) {
		f := newFakeMastodon(t)
		f.fail = func(w http.ResponseWriter, r *http.Request) bool {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(f.tag) // everything, every time
			return true
		}
		s := MustSource(t, f, nil)
		b, err := s.Poll(ctx, mentions.Request{})
		if err != nil || len(b.Items) != 5 {
			t.Fatalf("first poll: %d, %v", len(b.Items), err)
		}
		b, err = s.Poll(ctx, mentions.Request{Cursor: b.Cursor})
		if err != nil || len(b.Items) != 0 {
			t.Errorf("second poll: %q, %v; want nothing", texts(b.Items), err)
		}
	})

	errs := []struct {
		name     string
		fail     func(w http.ResponseWriter, r *http.Request) bool
		token    string
		authOnly bool
		status   int
		wait     time.Duration
		code     string
		msg      string
	}{
		{name: "ErrRateLimited", status: 429, wait: 120 * time.Second, fail: func(w http.ResponseWriter, r *http.Request) bool {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"error":"Too many requests"}`)
			return true
		}},
		{name: "ErrRateLimitReset", status: 429, fail: func(w http.ResponseWriter, r *http.Request) bool {
			w.Header().Set("X-RateLimit-Reset", time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
			w.WriteHeader(http.StatusTooManyRequests)
			return true
		}},
		{name: "ErrServer", status: 500, fail: func(w http.ResponseWriter, r *http.Request) bool {
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `<html>We're sorry, but something went wrong.</html>`)
			return true
		}},
		{name: "ErrGarbage", status: 200, fail: func(w http.ResponseWriter, r *http.Request) bool {
			fmt.Fprint(w, `<!DOCTYPE html><html><body>Maintenance</body></html>`)
			return true
		}},
		{name: "ErrWrongShape", status: 200, fail: func(w http.ResponseWriter, r *http.Request) bool {
			fmt.Fprint(w, `{"error":"not an array"}`)
			return true
		}},
		{name: "ErrTimelineNeedsToken", authOnly: true, status: 401, code: herald.EINVALID, msg: "without a token"},
		{name: "ErrTimelineTokenRefused", token: "expired", authOnly: true, status: 401, code: herald.EINVALID, msg: "token for its #acme timeline"},
		{name: "ErrBadToken", token: "expired", status: 401, code: herald.EINVALID, msg: "token for searching"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeMastodon(t)
			f.fail, f.authOnly = tt.fail, tt.authOnly
			s := MustSource(t, f, func(c *Config) { c.Token = tt.token })
			b, err := s.Poll(ctx, mentions.Request{Cursor: `{"tag":"113581099999999999"}`, Terms: []string{"acme"}})
			var fe *httpx.Error
			if !errors.As(err, &fe) || fe.Status != tt.status {
				t.Fatalf("Poll = %v, want an *httpx.Error %d", err, tt.status)
			}
			if tt.wait != 0 && fe.RetryAfter != tt.wait || tt.name == "ErrRateLimitReset" && fe.RetryAfter < 59*time.Minute {
				t.Errorf("RetryAfter = %v, want %v", fe.RetryAfter, tt.wait)
			}
			if tt.code != "" && herald.ErrorCode(err) != tt.code {
				t.Errorf("code %q (%v), want %q", herald.ErrorCode(err), err, tt.code)
			}
			if m := herald.ErrorMessage(err); !strings.Contains(m, tt.msg) {
				t.Errorf("message %q, want it to contain %q", m, tt.msg)
			}
			if len(b.Items) != 0 || b.Cursor != "" {
				t.Errorf("a failed poll returned %+v", b)
			}
			if strings.Contains(err.Error(), "expired") {
				t.Errorf("the error shows the token: %v", err)
			}
		})
	}
}

func TestNew(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		s, err := New(Config{Instance: "https://mastodon.social/", Tag: "#Café_2026"})
		if err != nil || s.tagURL() != "https://mastodon.social/api/v1/timelines/tag/Caf%C3%A9_2026" {
			t.Errorf("New = %v; tag URL %q", err, s.tagURL())
		}
	})
	for name, cfg := range map[string]Config{
		"ErrScheme":      {Instance: "ftp://mastodon.social", Tag: "acme"},
		"ErrNoHost":      {Instance: "https://", Tag: "acme"},
		"ErrUser":        {Instance: "https://u:p@mastodon.social", Tag: "acme"},
		"ErrTag":         {Instance: "https://mastodon.social", Tag: "acme/../../admin"},
		"ErrTagSpace":    {Instance: "https://mastodon.social", Tag: "two words"},
		"ErrNothingToDo": {Instance: "https://mastodon.social"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := New(cfg); herald.ErrorCode(err) != herald.EINVALID {
				t.Errorf("New(%+v) = %v, want EINVALID", cfg, err)
			}
		})
	}
}

func TestCompareIDs(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"113581239876543210", "113581239876543210", 0},
		{"99", "100", -1},
		{"113581300000000000", "113581299999999999", 1},
		{"9", "10", -1},
		{"AbC", "AbD", -1},
	}
	for _, tt := range tests {
		if got := compareIDs(tt.a, tt.b); got != tt.want {
			t.Errorf("compareIDs(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func FuzzParsePage(f *testing.F) {
	for _, name := range []string{"tag_acme.json", "search_acme.json"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, name == "search_acme.json")
	}
	f.Add([]byte(`[{"id":"1","uri":"javascript:x","url":null,"reblog":{"id":"2","uri":"https://a/b"}}]`), false)
	f.Add([]byte(`{"statuses":null}`), true)
	f.Add([]byte(`[null]`), false)
	s, err := New(Config{Instance: "https://mastodon.social", Tag: "acme"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, search bool) {
		statuses, err := parsePage(body, search)
		if err != nil {
			return
		}
		for _, st := range statuses {
			it, ok := s.item(st)
			if !ok {
				continue
			}
			if it.ExternalID == "" || web.WebURL(it.URL) == "" || it.Source != Kind {
				t.Fatalf("invalid item accepted: %+v", it)
			}
			if it.AuthorURL != "" && web.WebURL(it.AuthorURL) == "" {
				t.Fatalf("invalid author URL accepted: %q", it.AuthorURL)
			}
		}
	})
}
