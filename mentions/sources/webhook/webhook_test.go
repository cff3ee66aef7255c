package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/mentions/sources/webhook"
)

func TestParse(t *testing.T) {
	published := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		body string
		want []mentions.Item
	}{
		{
			name: "OK/Single",
			body: `{"url":"https://example.com/a","text":"Acme is great"}`,
			want: []mentions.Item{{Source: "webhook", ExternalID: "https://example.com/a", URL: "https://example.com/a", Text: "Acme is great"}},
		},
		{
			name: "OK/AllFields",
			body: `{"url":" https://blog.example.fr/p?id=1 ","text":" Super produit ","title":"Avis","author":"marie",
				"author_url":"https://blog.example.fr/marie","lang":"fr-CA","published_at":"2026-12-01T10:00:00+01:00",
				"source":"Brand24","id":"b24-991"}`,
			want: []mentions.Item{{
				Source: "webhook", ExternalID: "brand24:b24-991", URL: "https://blog.example.fr/p?id=1",
				Title: "Avis", Text: "Super produit", Author: "marie", AuthorURL: "https://blog.example.fr/marie",
				Lang: "fr", Published: published,
			}},
		},
		{
			name: "OK/TitleWithoutText",
			body: `{"url":"http://news.example.com/x","title":"Acme opens a store","text":null}`,
			want: []mentions.Item{{Source: "webhook", ExternalID: "http://news.example.com/x", URL: "http://news.example.com/x", Title: "Acme opens a store"}},
		},
		{
			name: "OK/IDWithoutSource",
			body: `{"url":"https://example.com/a","text":"t","id":"42"}`,
			want: []mentions.Item{{Source: "webhook", ExternalID: "42", URL: "https://example.com/a", Text: "t"}},
		},
		{
			name: "OK/List",
			body: `{"mentions":[{"url":"https://a.example/1","text":"one"},{"url":"https://b.example/2","text":"deux","lang":"FR"}]}`,
			want: []mentions.Item{
				{Source: "webhook", ExternalID: "https://a.example/1", URL: "https://a.example/1", Text: "one"},
				{Source: "webhook", ExternalID: "https://b.example/2", URL: "https://b.example/2", Text: "deux", Lang: "fr"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := webhook.Parse([]byte(tt.body))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	many := make([]string, webhook.MaxMentions+1)
	for i := range many {
		many[i] = fmt.Sprintf(`{"url":"https://example.com/%d","text":"t"}`, i)
	}
	long := strings.Repeat("é", 10001)
	tests := []struct {
		name string
		body string
		want string // in the message
	}{
		{"ErrEmpty", ``, "empty"},
		{"ErrNotObject", `[{"url":"https://example.com","text":"t"}]`, "must be a JSON object"},
		{"ErrSyntax", `{"url":"https://example.com",`, "not valid JSON"},
		{"ErrNoURL", `{"text":"t"}`, "url: is required"},
		{"ErrURLScheme", `{"url":"javascript:alert(1)","text":"t"}`, "url: must be an http or https URL"},
		{"ErrURLRelative", `{"url":"/a/b","text":"t"}`, "url: must be an absolute"},
		{"ErrURLNoHost", `{"url":"https:///path","text":"t"}`, "url: must name a host"},
		{"ErrURLSpaces", `{"url":"https://example.com/a b","text":"t"}`, "url: must be a URL without spaces"},
		{"ErrURLLong", `{"url":"https://example.com/` + strings.Repeat("a", 2048) + `","text":"t"}`, "url: is 2068 bytes long"},
		{"ErrURLNotString", `{"url":42,"text":"t"}`, "url: must be a string"},
		{"ErrNoText", `{"url":"https://example.com"}`, "text: is required unless title"},
		{"ErrTextLong", `{"url":"https://example.com","text":"` + long + `"}`, "text: is 10001 characters long"},
		{"ErrTitleLong", `{"url":"https://example.com","title":"` + strings.Repeat("x", 501) + `"}`, "title: is 501 characters"},
		{"ErrAuthorURL", `{"url":"https://example.com","text":"t","author_url":"ftp://example.com"}`, "author_url: must be an http or https URL"},
		{"ErrLang", `{"url":"https://example.com","text":"t","lang":"french!"}`, "lang: must be a language tag"},
		{"ErrLangPrimary", `{"url":"https://example.com","text":"t","lang":"e"}`, "lang: must be a language tag"},
		{"ErrPublished", `{"url":"https://example.com","text":"t","published_at":"yesterday"}`, "published_at: must be an RFC 3339 time"},
		{"ErrSourceLabel", `{"url":"https://example.com","text":"t","source":"brand 24"}`, "source: must be at most 64"},
		{"ErrID", `{"url":"https://example.com","text":"t","id":"` + strings.Repeat("i", 513) + `"}`, "id: is 513 characters"},
		{"ErrUnknownField", `{"url":"https://example.com","text":"t","link":"x"}`, `unknown field "link"`},
		{"ErrListNotArray", `{"mentions":{"url":"https://example.com"}}`, "mentions: must be an array"},
		{"ErrListNull", `{"mentions":null}`, "mentions: must be an array"},
		{"ErrListEmpty", `{"mentions":[]}`, "mentions: is empty"},
		{"ErrListTooMany", `{"mentions":[` + strings.Join(many, ",") + `]}`, "has 101 mentions; at most 100"},
		{"ErrListBeside", `{"mentions":[{"url":"https://example.com","text":"t"}],"url":"https://example.com"}`, `unexpected field "url" beside "mentions"`},
		{"ErrListItemNotObject", `{"mentions":[{"url":"https://example.com","text":"t"},"x"]}`, "mentions[1]: must be a mention object"},
		{"ErrListItemField", `{"mentions":[{"url":"https://example.com","text":"t"},{"url":"https://example.com"},{"url":"x"}]}`, "mentions[1].text: is required"},
		{"ErrListItemUnknown", `{"mentions":[{"url":"https://example.com","text":"t","Text":"x"}]}`, `mentions[0]: unknown field "Text"`},
		{"ErrListItemURL", `{"mentions":[{"url":"https://example.com","text":"t"},{"url":"https://example.com","text":"t"},{"url":"mailto:a@b","text":"t"}]}`, "mentions[2].url: must be an http or https URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := webhook.Parse([]byte(tt.body))
			if err == nil {
				t.Fatalf("Parse = %d items, want an error containing %q", len(items), tt.want)
			}
			if items != nil {
				t.Errorf("Parse returned %d items with its error", len(items))
			}
			if code := herald.ErrorCode(err); code != herald.EINVALID {
				t.Errorf("code = %q, want %q", code, herald.EINVALID)
			}
			if msg := herald.ErrorMessage(err); !strings.Contains(msg, tt.want) {
				t.Errorf("message = %q, want it to contain %q", msg, tt.want)
			}
		})
	}
}

// ingester records what the Handler hands over and answers as told.
type ingester struct {
	tokens map[string]bool
	err    error // returned for a known token when set
	calls  int
	got    []mentions.Item
}

func (g *ingester) ingest(_ context.Context, token string, items []mentions.Item) (int, error) {
	g.calls++
	if !g.tokens[token] {
		return 0, herald.Errorf(herald.ENOTFOUND, "no webhook source has this token")
	}
	if g.err != nil {
		return 0, g.err
	}
	g.got = append(g.got, items...)
	return len(items), nil
}

func serve(tb testing.TB, g *ingester, maxBody int64) *httptest.Server {
	tb.Helper()
	mux := http.NewServeMux()
	mux.Handle("/hooks/mentions/{token}", webhook.Handler(g.ingest, maxBody))
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

func send(tb testing.TB, method, url, contentType, body string) (int, map[string]any) {
	tb.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		tb.Errorf("answer Content-Type = %q, want application/json", ct)
	}
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		tb.Fatalf("answer is not JSON: %v", err)
	}
	return resp.StatusCode, out
}

func TestHandler(t *testing.T) {
	body, err := os.ReadFile("testdata/brand24.json")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		g := &ingester{tokens: map[string]bool{"tok1": true}}
		srv := serve(t, g, 0)
		status, out := send(t, http.MethodPost, srv.URL+"/hooks/mentions/tok1", "application/json; charset=utf-8", string(body))
		if status != http.StatusAccepted || out["accepted"] != float64(3) {
			t.Fatalf("answer = %d %v, want 202 accepted 3", status, out)
		}
		if len(g.got) != 3 || g.got[0].Source != "webhook" || g.got[2].Lang != "fr" {
			t.Errorf("ingested %+v", g.got)
		}
	})

	errs := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		maxBody     int64
		ingestErr   error
		status      int
		msg         string
		ingested    bool // whether ingest may be called
	}{
		{name: "ErrMethod", method: http.MethodGet, path: "/hooks/mentions/tok1", contentType: "application/json", status: 405, msg: "POST"},
		{name: "ErrContentType", method: http.MethodPost, path: "/hooks/mentions/tok1", contentType: "text/plain", body: string(body), status: 415, msg: "application/json"},
		{name: "ErrNoContentType", method: http.MethodPost, path: "/hooks/mentions/tok1", body: string(body), status: 415, msg: "application/json"},
		{name: "ErrInvalid", method: http.MethodPost, path: "/hooks/mentions/tok1", contentType: "application/json", body: `{"mentions":[{"url":"https://a.example","text":"t"},{"url":"ftp://x"}]}`, status: 400, msg: "mentions[1].url"},
		{name: "ErrTooLarge", method: http.MethodPost, path: "/hooks/mentions/tok1", contentType: "application/json", body: string(body), maxBody: 100, status: 413, msg: "larger than 100 bytes"},
		{name: "ErrUnknownToken", method: http.MethodPost, path: "/hooks/mentions/nope", contentType: "application/json", body: string(body), status: 404, msg: "unknown webhook", ingested: true},
		{name: "ErrInternal", method: http.MethodPost, path: "/hooks/mentions/tok1", contentType: "application/json", body: string(body), ingestErr: errors.New("disk I/O error at /var/lib/herald.db"), status: 500, msg: "could not store", ingested: true},
		{name: "ErrUnavailable", method: http.MethodPost, path: "/hooks/mentions/tok1", contentType: "application/json", body: string(body), ingestErr: herald.Errorf(herald.EUNAVAILABLE, "database locked"), status: 503, msg: "try again later", ingested: true},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			g := &ingester{tokens: map[string]bool{"tok1": true}, err: tt.ingestErr}
			srv := serve(t, g, tt.maxBody)
			status, out := send(t, tt.method, srv.URL+tt.path, tt.contentType, tt.body)
			msg, _ := out["error"].(string)
			if status != tt.status || !strings.Contains(msg, tt.msg) {
				t.Errorf("answer = %d %q, want %d containing %q", status, msg, tt.status, tt.msg)
			}
			if strings.Contains(msg, "/var/lib") {
				t.Errorf("answer leaks an internal error: %q", msg)
			}
			if g.calls > 0 && !tt.ingested {
				t.Errorf("ingest was called %d times for a refused request", g.calls)
			}
			if len(g.got) > 0 {
				t.Errorf("%d items were stored for a failed request", len(g.got))
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"url":"https://example.com/a","text":"Acme"}`,
		`{"mentions":[{"url":"https://a.example/1","text":"one","lang":"fr-CA","published_at":"2026-12-01T09:00:00Z"}]}`,
		`{"url":"http://x","title":"t","source":"n8n","id":"1","author":"a","author_url":"https://x/a"}`,
		`{"mentions":[]}`, `{"mentions":null}`, `[]`, `{`, `{"url":null}`, `"x"`,
	} {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile("testdata/brand24.json"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := webhook.Parse(body)
		if err != nil {
			if items != nil || herald.ErrorCode(err) != herald.EINVALID {
				t.Fatalf("Parse error %v with %d items (code %q)", err, len(items), herald.ErrorCode(err))
			}
			return
		}
		if len(items) == 0 || len(items) > webhook.MaxMentions {
			t.Fatalf("Parse gave %d items without an error", len(items))
		}
		for _, it := range items {
			if it.Source != "webhook" || it.URL == "" || it.ExternalID == "" || (it.Text == "" && it.Title == "") {
				t.Fatalf("invalid item accepted: %+v", it)
			}
			if !strings.HasPrefix(strings.ToLower(it.URL), "http://") && !strings.HasPrefix(strings.ToLower(it.URL), "https://") {
				t.Fatalf("non-web URL accepted: %q", it.URL)
			}
		}
	})
}
