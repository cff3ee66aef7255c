package hn

import (
	"context"
	"encoding/json"
	"errors"
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

	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/mentions"
)

// fakeAlgolia serves the fixture's hits like search_by_date: newest
// first, filtered by numericFilters=created_at_i>N, paged.
type fakeAlgolia struct {
	mu      sync.Mutex
	hits    []map[string]any
	status  int
	header  http.Header
	body    string // served as is when set
	queries []string
	filters []string
}

func newFake(t *testing.T) *fakeAlgolia {
	t.Helper()
	b, err := os.ReadFile("testdata/search_by_date.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Hits []map[string]any }
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return &fakeAlgolia{hits: doc.Hits}
}

func (f *fakeAlgolia) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path != "/api/v1/search_by_date" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	f.queries = append(f.queries, q.Get("query"))
	f.filters = append(f.filters, q.Get("numericFilters"))
	for k, v := range f.header {
		w.Header()[k] = v
	}
	if f.status != 0 {
		w.WriteHeader(f.status)
		return
	}
	if f.body != "" {
		w.Write([]byte(f.body))
		return
	}
	if q.Get("tags") != "(story,comment)" {
		http.Error(w, "bad tags", http.StatusBadRequest)
		return
	}
	var after int64
	if nf := q.Get("numericFilters"); nf != "" {
		v, ok := strings.CutPrefix(nf, "created_at_i>")
		n, err := strconv.ParseInt(v, 10, 64)
		if !ok || err != nil {
			http.Error(w, "bad numericFilters", http.StatusBadRequest)
			return
		}
		after = n
	}
	var hits []map[string]any
	for _, h := range f.hits {
		if int64(h["created_at_i"].(float64)) > after {
			hits = append(hits, h)
		}
	}
	slices.SortStableFunc(hits, func(a, b map[string]any) int {
		return int(b["created_at_i"].(float64) - a["created_at_i"].(float64))
	})
	per, _ := strconv.Atoi(q.Get("hitsPerPage"))
	page, _ := strconv.Atoi(q.Get("page"))
	pages := (len(hits) + per - 1) / per
	lo, hi := min(page*per, len(hits)), min((page+1)*per, len(hits))
	json.NewEncoder(w).Encode(map[string]any{"hits": hits[lo:hi], "nbHits": len(hits), "nbPages": pages, "page": page, "hitsPerPage": per})
}

func (f *fakeAlgolia) set(fn func(*fakeAlgolia)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func newSource(t *testing.T, f *fakeAlgolia, cfg Config) *Source {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL + "/api/v1/"
	return New(httpx.New(httpx.Options{AllowPrivate: true}), cfg)
}

var want = []mentions.Item{
	{
		Source: "hn", ExternalID: "42310457",
		URL:       "https://news.ycombinator.com/item?id=42310457",
		Title:     "Ask HN: What monitoring do you use in 2026?",
		Text:      `We switched from Acme to a self-hosted setup last year. Honestly the pricing change was the trigger: "per seat" didn't work for a 40-person team. See https://example.com/blog/pricing`,
		Author:    "throwaway_dev",
		AuthorURL: "https://news.ycombinator.com/user?id=throwaway_dev",
		Published: time.Unix(1764582067, 0).UTC(),
	},
	{
		Source: "hn", ExternalID: "42310320",
		URL:       "https://news.ycombinator.com/item?id=42310320",
		Title:     "Acme Corp acquires Initech for $2B",
		Text:      "https://www.reuters.example/business/acme-initech-2026-12-01/",
		Author:    "pg_fan",
		AuthorURL: "https://news.ycombinator.com/user?id=pg_fan",
		Published: time.Unix(1764580375, 0).UTC(),
	},
	{
		Source: "hn", ExternalID: "42310400",
		URL:       "https://news.ycombinator.com/item?id=42310400",
		Title:     "Acme Corp acquires Initech for $2B",
		Text:      "Acme's support was great when I used them in 2019.",
		Author:    "lurker42",
		AuthorURL: "https://news.ycombinator.com/user?id=lurker42",
		Published: time.Unix(1764580375, 0).UTC(),
	},
	{
		Source: "hn", ExternalID: "42309876",
		URL:       "https://news.ycombinator.com/item?id=42309876",
		Title:     "Show HN: An open-source alternative to Acme Analytics",
		Text:      "Hi HN! I built this because Acme Analytics got too expensive for side projects. It's MIT licensed & runs on a $5 VPS.",
		Author:    "jdoe",
		AuthorURL: "https://news.ycombinator.com/user?id=jdoe",
		Published: time.Unix(1764577800, 0).UTC(),
	},
}

func TestPoll(t *testing.T) {
	ctx := context.Background()
	acme := mentions.Request{Terms: []string{"acme"}}

	t.Run("OK", func(t *testing.T) {
		f := newFake(t)
		src := newSource(t, f, Config{})
		first, err := src.Poll(ctx, acme)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, first.Items); diff != "" {
			t.Errorf("first poll (-want +got):\n%s", diff)
		}
		second, err := src.Poll(ctx, mentions.Request{Cursor: first.Cursor, Terms: acme.Terms})
		if err != nil || len(second.Items) != 0 {
			t.Fatalf("second poll: %+v, %v; want nothing", second.Items, err)
		}
		if got, want := f.filters[1], "created_at_i>"+strconv.Itoa(1764582067-600); got != want {
			t.Errorf("second poll filter %q, want %q", got, want)
		}
		// A restart from the stored cursor, and a new comment at the
		// same second as the newest one seen.
		f.set(func(f *fakeAlgolia) {
			f.hits = append(f.hits, map[string]any{
				"objectID": "42310458", "created_at_i": float64(1764582067), "author": "newcomer",
				"comment_text": "Acme <i>again</i>", "story_title": "Ask HN: What monitoring do you use in 2026?", "_tags": []any{"comment"},
			})
		})
		restarted := newSource(t, f, Config{})
		third, err := restarted.Poll(ctx, mentions.Request{Cursor: second.Cursor, Terms: acme.Terms})
		if err != nil {
			t.Fatal(err)
		}
		if len(third.Items) != 1 || third.Items[0].ExternalID != "42310458" || third.Items[0].Text != "Acme again" {
			t.Errorf("after restart: %+v, want only the new comment", third.Items)
		}
		fourth, err := restarted.Poll(ctx, mentions.Request{Cursor: third.Cursor, Terms: acme.Terms})
		if err != nil || len(fourth.Items) != 0 {
			t.Errorf("fourth poll: %+v, %v", fourth.Items, err)
		}
	})
	t.Run("OKTerms", func(t *testing.T) {
		f := newFake(t)
		src := newSource(t, f, Config{})
		b, err := src.Poll(ctx, mentions.Request{Terms: []string{"Acme", "acme ", `"Acme  Corp"`, "", "initech"}})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"acme", "acme corp", "initech"}, f.queries); diff != "" {
			t.Errorf("queries (-want +got):\n%s", diff)
		}
		if len(b.Items) != len(want) {
			t.Errorf("%d items, want %d once each", len(b.Items), len(want))
		}
	})
	t.Run("OKMaxTerms", func(t *testing.T) {
		f := newFake(t)
		src := newSource(t, f, Config{MaxTerms: 2})
		if _, err := src.Poll(ctx, mentions.Request{Terms: []string{"c", "b", "a"}}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"a", "b"}, f.queries); diff != "" {
			t.Errorf("queries (-want +got):\n%s", diff)
		}
	})
	t.Run("OKNoTerms", func(t *testing.T) {
		f := newFake(t)
		src := newSource(t, f, Config{})
		b, err := src.Poll(ctx, mentions.Request{Cursor: `{"newest":5}`})
		if err != nil || len(b.Items) != 0 || b.Cursor != `{"newest":5}` || len(f.queries) != 0 {
			t.Errorf("got %+v, %v after %d queries", b, err, len(f.queries))
		}
	})
	t.Run("OKDamagedCursor", func(t *testing.T) {
		// A cursor that does not read starts over rather than failing
		// every poll: the items come again (the pipeline dedupes them).
		f := newFake(t)
		src := newSource(t, f, Config{})
		b, err := src.Poll(ctx, mentions.Request{Cursor: `{"newest":"x"`, Terms: acme.Terms})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, b.Items); diff != "" {
			t.Errorf("items (-want +got):\n%s", diff)
		}
		if f.filters[0] != "" {
			t.Errorf("filter %q, want none", f.filters[0])
		}
		if c := mentions.ReadSeen(b.Cursor); !c.Has(want[0].ExternalID) || !c.Newest().Equal(want[0].Published) {
			t.Errorf("cursor %s: want one from the newest item", b.Cursor)
		}
	})
	t.Run("OKFutureItem", func(t *testing.T) {
		// An item dated a year ahead does not carry the cursor past
		// what comes next, and is not returned twice.
		now := int64(1764582067 + 3600)
		f := newFake(t)
		comment := func(id string, at int64) map[string]any {
			return map[string]any{"objectID": id, "created_at_i": float64(at), "author": "x", "comment_text": "acme", "story_title": "t", "_tags": []any{"comment"}}
		}
		f.hits = append(f.hits, comment("future", now+365*24*3600))
		src := newSource(t, f, Config{Clock: testclock.New(time.Unix(now, 0))})
		first, err := src.Poll(ctx, acme)
		if err != nil || len(first.Items) != len(want)+1 || first.Items[0].ExternalID != "future" {
			t.Fatalf("first poll: %d items, %v; want the future one first and the %d others", len(first.Items), err, len(want))
		}
		f.set(func(f *fakeAlgolia) { f.hits = append(f.hits, comment("late", now-60)) })
		second, err := src.Poll(ctx, mentions.Request{Cursor: first.Cursor, Terms: acme.Terms})
		if err != nil || len(second.Items) != 1 || second.Items[0].ExternalID != "late" {
			t.Errorf("second poll: %+v, %v; want only the late comment", second.Items, err)
		}
		if got, want := f.filters[1], "created_at_i>"+strconv.FormatInt(now+60-600, 10); got != want {
			t.Errorf("second poll filter %q, want %q", got, want)
		}
	})
	t.Run("OKPages", func(t *testing.T) {
		f := newFake(t)
		src := newSource(t, f, Config{HitsPerPage: 1, MaxPages: 10})
		b, err := src.Poll(ctx, acme)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, b.Items); diff != "" {
			t.Errorf("paged poll (-want +got):\n%s", diff)
		}
		if len(f.queries) != 4 {
			t.Errorf("%d requests, want 4 pages", len(f.queries))
		}
	})
	t.Run("ErrRateLimited", func(t *testing.T) {
		f := newFake(t)
		f.status, f.header = http.StatusTooManyRequests, http.Header{"Retry-After": {"3600"}}
		src := newSource(t, f, Config{})
		_, err := src.Poll(ctx, acme)
		var fe *httpx.Error
		if !errors.As(err, &fe) || fe.Status != 429 || fe.RetryAfter != time.Hour {
			t.Errorf("got %v, want an *httpx.Error 429 asking for 1h", err)
		}
	})
	t.Run("ErrServer", func(t *testing.T) {
		f := newFake(t)
		f.status = http.StatusInternalServerError
		src := newSource(t, f, Config{})
		_, err := src.Poll(ctx, acme)
		var fe *httpx.Error
		if !errors.As(err, &fe) || fe.Status != 500 {
			t.Errorf("got %v, want an *httpx.Error 500", err)
		}
	})
	t.Run("ErrGarbage", func(t *testing.T) {
		for _, body := range []string{"<html>oops</html>", "{}", `{"hits": 3}`, `{"hits": [{"objectID": 5}]}`, "\x00\xff", `[1,2]`} {
			f := newFake(t)
			f.body = body
			src := newSource(t, f, Config{})
			if b, err := src.Poll(ctx, acme); err == nil {
				t.Errorf("%q: no error; got %+v", body, b)
			}
		}
	})
}

func FuzzParseAnswer(f *testing.F) {
	b, err := os.ReadFile("testdata/search_by_date.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"hits":[{"objectID":"1","created_at_i":-5,"title":null,"comment_text":"<p>x"}],"nbPages":-1}`))
	f.Add([]byte(`{"hits":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		hits, _, err := parseAnswer(data)
		if err != nil {
			return
		}
		for _, h := range hits {
			if it, ok := item(h); ok && it.Source != Kind {
				t.Errorf("item %+v", it)
			}
		}
	})
}
