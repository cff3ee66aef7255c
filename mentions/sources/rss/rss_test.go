package rss

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/mentions"
)

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func mustRead(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// wantItems are the items each fixture gives.
var wantItems = map[string][]mentions.Item{
	"googlealerts.xml": {
		{
			Source: "rss", ExternalID: "tag:google.com,2013:googlealerts/feed:12501224780620368192",
			URL:       "https://www.lyon-actu.example/2026/11/30/acme-nouveau-magasin/?utm_source=google",
			Title:     "Acme opens a new store in Lyon",
			Text:      "The Acme group announced on Monday that its 40th store ...",
			Published: date("2026-11-30T14:26:15Z"),
		},
		{
			Source: "rss", ExternalID: "tag:google.com,2013:googlealerts/feed:9876543210987654321",
			URL:       "https://news.example.com/business/acme-recall",
			Title:     "Why Acme Corp's recall matters",
			Text:      `Shares of Acme Corp fell 4% after the company "voluntarily" recalled ... & more`,
			Published: date("2026-11-30T09:02:44Z"),
		},
		{
			Source: "rss", ExternalID: "tag:google.com,2013:googlealerts/feed:1122334455667788990",
			URL:       "https://www.journal.example.fr/eco/acme-gamme",
			Title:     "Acme : la marque lance sa gamme éco-responsable",
			Text:      "La société Acme dévoile une gamme de produits ...",
			Published: date("2026-11-29T18:40:00Z"),
		},
	},
	"talkwalker.xml": {
		{
			Source: "rss", ExternalID: "tw-4721-acme-recycling",
			URL:       "https://www.greenbiz.example/article/acme-recycling",
			Title:     "Acme launches recycling programme across Europe",
			Text:      "Acme said on Monday it will collect used products in 12 countries… greenbiz.example | English | News",
			Author:    "Jane Reporter",
			Lang:      "en",
			Published: date("2026-11-30T16:55:03Z"),
		},
		{
			Source: "rss", ExternalID: "tw-4722-acme-blender",
			URL:       "https://forum.example.org/t/acme-blender/99",
			Title:     "Is anyone else having trouble with their Acme blender?",
			Text:      "Mine stopped working after two weeks. Acme support says...",
			Lang:      "en",
			Published: date("2026-11-30T16:20:41Z"),
		},
	},
	"rss2.xml": {
		{
			Source: "rss", ExternalID: "https://blog.example.fr/?p=1842",
			URL:       "https://blog.example.fr/2026/12/01/test-acme-x2/",
			Title:     "Test du robot Acme X2 : notre avis",
			Text:      "Nous avons testé le robot Acme X2 pendant deux semaines. Verdict : très bon.",
			Author:    "Élodie Martin",
			Lang:      "fr",
			Published: date("2026-12-01T06:30:00Z"),
		},
		{
			Source: "rss", ExternalID: "https://blog.example.fr/2026/11/30/offres/",
			URL:       "https://blog.example.fr/2026/11/30/offres/",
			Title:     "Les meilleures offres de la semaine",
			Text:      "Remises sur Acme, Globex & Initech.",
			Author:    "La Rédaction",
			Lang:      "fr",
			Published: date("2026-11-30T18:00:00Z"),
		},
		{
			Source: "rss", ExternalID: "https://blog.example.fr/sans-date/",
			URL:   "https://blog.example.fr/sans-date/",
			Title: "Sans date",
			Text:  "Un article sans date de publication.",
			Lang:  "fr",
		},
	},
	"atom.xml": {
		{
			Source: "rss", ExternalID: "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a",
			URL:       "https://eng.example.com/posts/acme-cloud-migration",
			Title:     "Migrating our fleet to Acme Cloud",
			Text:      "We moved 400 services to Acme Cloud. Here is what we learned.",
			Author:    "Sam Lee",
			AuthorURL: "https://eng.example.com/authors/sam",
			Lang:      "en",
			Published: date("2026-12-01T08:15:00Z"),
		},
		{
			Source: "rss", ExternalID: "urn:uuid:2b7c1e44-0f0a-4d2e-9a51-5d3c1c7a9a10",
			URL:       "https://eng.example.com/de/posts/warum-acme",
			Title:     "Warum wir Acme gewählt haben",
			Text:      "Ein Rückblick — ehrlich.",
			Author:    "Jonas Weber",
			Lang:      "de",
			Published: date("2026-11-28T12:00:00Z"),
		},
	},
}

// feedServer serves one fixture with an ETag, honouring If-None-Match
// when conditional is set, and counts the requests.
type feedServer struct {
	mu          sync.Mutex
	body        []byte
	etag        string
	conditional bool
	status      int
	header      http.Header
	requests    int
	lastReq     http.Header
	contentType string // "application/xml" when empty
}

func (f *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	f.lastReq = r.Header.Clone()
	for k, v := range f.header {
		w.Header()[k] = v
	}
	if f.status != 0 {
		w.WriteHeader(f.status)
		return
	}
	if f.etag != "" {
		if f.conditional && r.Header.Get("If-None-Match") == f.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", f.etag)
		w.Header().Set("Last-Modified", "Mon, 30 Nov 2026 17:05:12 GMT")
	}
	ct := f.contentType
	if ct == "" {
		ct = "application/xml"
	}
	w.Header().Set("Content-Type", ct)
	w.Write(f.body)
}

func (f *feedServer) set(fn func(*feedServer)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func newServer(t *testing.T, f *feedServer) (*Source, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c := httpx.New(httpx.Options{AllowPrivate: true, MaxBody: 1 << 20})
	return New(c, srv.URL+"/feed"), srv
}

func TestPoll(t *testing.T) {
	ctx := context.Background()
	for name, want := range wantItems {
		t.Run("OK/"+name, func(t *testing.T) {
			f := &feedServer{body: mustRead(t, name), etag: `W/"v1"`, conditional: true}
			src, _ := newServer(t, f)
			first, err := src.Poll(ctx, mentions.Request{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, first.Items); diff != "" {
				t.Errorf("first poll (-want +got):\n%s", diff)
			}
			// Second poll: the server answers 304 to the stored ETag.
			second, err := src.Poll(ctx, mentions.Request{Cursor: first.Cursor})
			if err != nil {
				t.Fatal(err)
			}
			if len(second.Items) != 0 || second.Cursor != first.Cursor {
				t.Errorf("second poll: %d items, cursor changed %v", len(second.Items), second.Cursor != first.Cursor)
			}
			if got := f.lastReq.Get("If-None-Match"); got != `W/"v1"` {
				t.Errorf("If-None-Match = %q", got)
			}
			if got := f.lastReq.Get("If-Modified-Since"); got != "Mon, 30 Nov 2026 17:05:12 GMT" {
				t.Errorf("If-Modified-Since = %q", got)
			}
		})
	}
	t.Run("OKNoConditionalSupport", func(t *testing.T) {
		// A server that ignores conditional requests and sends the same
		// feed again: the cursor's ids keep it from repeating.
		f := &feedServer{body: mustRead(t, "rss2.xml")}
		src, _ := newServer(t, f)
		first, err := src.Poll(ctx, mentions.Request{})
		if err != nil || len(first.Items) != 3 {
			t.Fatalf("first poll: %d items, %v", len(first.Items), err)
		}
		second, err := src.Poll(ctx, mentions.Request{Cursor: first.Cursor})
		if err != nil || len(second.Items) != 0 {
			t.Fatalf("second poll: %d items, %v", len(second.Items), err)
		}
		// A restart: a new Source from the stored cursor resumes; a new
		// item appears at the top of the feed.
		updated := strings.Replace(string(mustRead(t, "rss2.xml")), "<item>", `<item>
    <title>Acme X3 annoncé</title>
    <link>https://blog.example.fr/2026/12/02/acme-x3/</link>
    <guid isPermaLink="false">https://blog.example.fr/?p=1850</guid>
    <pubDate>Wed, 02 Dec 2026 09:00:00 +0100</pubDate>
  </item>
  <item>`, 1)
		f.set(func(f *feedServer) { f.body = []byte(updated) })
		restarted := New(src.client, src.feedURL)
		third, err := restarted.Poll(ctx, mentions.Request{Cursor: second.Cursor})
		if err != nil {
			t.Fatal(err)
		}
		if len(third.Items) != 1 || third.Items[0].ExternalID != "https://blog.example.fr/?p=1850" {
			t.Errorf("after restart: %+v, want only the new item", third.Items)
		}
		if f.lastReq.Get("If-None-Match") != "" {
			t.Error("sent If-None-Match though the server gave no ETag")
		}
	})
	t.Run("ErrRateLimited", func(t *testing.T) {
		f := &feedServer{status: http.StatusTooManyRequests, header: http.Header{"Retry-After": {"300"}}}
		src, _ := newServer(t, f)
		_, err := src.Poll(ctx, mentions.Request{})
		var fe *httpx.Error
		if !errors.As(err, &fe) || fe.Status != 429 || fe.RetryAfter != 5*time.Minute {
			t.Errorf("got %v, want an *httpx.Error 429 asking for 5m", err)
		}
	})
	t.Run("ErrServer", func(t *testing.T) {
		f := &feedServer{status: http.StatusInternalServerError}
		src, _ := newServer(t, f)
		_, err := src.Poll(ctx, mentions.Request{})
		var fe *httpx.Error
		if !errors.As(err, &fe) || fe.Status != 500 {
			t.Errorf("got %v, want an *httpx.Error 500", err)
		}
	})
	t.Run("ErrGarbage", func(t *testing.T) {
		for _, body := range []string{
			"this is not xml at all",
			`{"items": []}`,
			"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Log in</body></html>",
			"<rss><channel><item><title>unterminated",
			"",
			"\x00\x01\x02\xff\xfe",
		} {
			f := &feedServer{body: []byte(body)}
			src, _ := newServer(t, f)
			cursor := `{"etag":"x","seen":["a"]}`
			b, err := src.Poll(ctx, mentions.Request{Cursor: cursor})
			if err == nil {
				t.Errorf("%q: no error; got %+v", body, b)
			}
		}
	})
	t.Run("ErrHTMLPage", func(t *testing.T) {
		f := &feedServer{body: []byte("<html><body>Google Alerts</body></html>")}
		src, _ := newServer(t, f)
		_, err := src.Poll(ctx, mentions.Request{})
		if !errors.Is(err, ErrNotFeed) || !strings.Contains(err.Error(), "HTML page") {
			t.Errorf("got %v, want ErrNotFeed saying it is an HTML page", err)
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		big := "<rss><channel>" + strings.Repeat("<item><title>x</title></item>", 50000) + "</channel></rss>"
		f := &feedServer{body: []byte(big)}
		src, _ := newServer(t, f)
		if _, err := src.Poll(ctx, mentions.Request{}); !errors.Is(err, httpx.ErrBodyTooLarge) {
			t.Errorf("got %v, want ErrBodyTooLarge", err)
		}
	})
	t.Run("ErrCancelled", func(t *testing.T) {
		f := &feedServer{body: mustRead(t, "rss2.xml")}
		src, _ := newServer(t, f)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := src.Poll(cctx, mentions.Request{}); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	})
}

// A feed URL that does not parse fails without echoing the URL: it may
// carry a secret.
func TestPollBadURLKeepsItsSecret(t *testing.T) {
	src := New(http.DefaultClient, "https://example.com/feed?key=s3cr3t\x7f")
	_, err := src.Poll(context.Background(), mentions.Request{})
	if err == nil {
		t.Fatal("Poll of an unparsable URL succeeded")
	}
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("error %q echoes the feed URL", err)
	}
}

func TestParseHostile(t *testing.T) {
	laughs := `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><item><title>&lol9;</title><guid>1</guid></item></channel></rss>`
	t.Run("OKBillionLaughs", func(t *testing.T) {
		// The DTD is ignored: the entity stays unexpanded text.
		f, err := parse([]byte(laughs))
		if err != nil || len(f.Items) != 1 || f.Items[0].Title != "&lol9;" {
			t.Errorf("got %+v, %v; want the entity left as text", f, err)
		}
	})
	t.Run("ErrDeepNesting", func(t *testing.T) {
		deep := "<rss><channel>" + strings.Repeat("<x>", 100000) + strings.Repeat("</x>", 100000) + "</channel></rss>"
		if _, err := parse([]byte(deep)); err == nil {
			t.Error("a deeply nested document parsed")
		}
		// Unknown elements inside an item are skipped without recursion.
		inItem := "<rss><channel><item><guid>g</guid>" + strings.Repeat("<x>", 100000) + strings.Repeat("</x>", 100000) + "</item></channel></rss>"
		if f, err := parse([]byte(inItem)); err != nil || len(f.Items) != 1 || f.Items[0].ID != "g" {
			t.Errorf("got %+v, %v; want the one item", f, err)
		}
	})
	t.Run("ErrExternalEntity", func(t *testing.T) {
		xxe := `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&x;</title><guid>1</guid></item></channel></rss>`
		f, err := parse([]byte(xxe))
		if err != nil || len(f.Items) != 1 || f.Items[0].Title != "&x;" {
			t.Errorf("got %+v, %v; want the entity left as text", f, err)
		}
	})
	t.Run("OKManyItems", func(t *testing.T) {
		many := "<rss><channel>" + strings.Repeat("<item><guid>x</guid></item>", maxItems+10) + "</channel></rss>"
		f, err := parse([]byte(many))
		if err != nil || len(f.Items) != maxItems {
			t.Errorf("got %d items, %v; want %d", len(f.Items), err, maxItems)
		}
	})
	t.Run("OKLatin1", func(t *testing.T) {
		doc := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><item><title>Cr\xe9dit \x80</title><guid>1</guid></item></channel></rss>"
		f, err := parse([]byte(doc))
		if err != nil || len(f.Items) != 1 || f.Items[0].Title != "Crédit \u0080" {
			t.Errorf("got %+v, %v", f, err)
		}
		doc = strings.Replace(doc, "ISO-8859-1", "windows-1252", 1)
		f, err = parse([]byte(doc))
		if err != nil || len(f.Items) != 1 || f.Items[0].Title != "Crédit €" {
			t.Errorf("got %+v, %v", f, err)
		}
	})
	t.Run("ErrCharset", func(t *testing.T) {
		doc := `<?xml version="1.0" encoding="EBCDIC-FR"?><rss><channel></channel></rss>`
		if _, err := parse([]byte(doc)); err == nil {
			t.Error("an unknown charset parsed")
		}
	})
}

func TestCollect(t *testing.T) {
	newest := date("2026-12-01T00:00:00Z")
	e := func(id string, published string) entry {
		var p time.Time
		if published != "" {
			p = date(published)
		}
		return entry{ID: id, Published: p}
	}
	tests := []struct {
		name    string
		cur     cursor
		entries []entry
		want    []string // new ids
		seen    []string
	}{
		{"first poll", cursor{}, []entry{e("a", "2026-11-01T00:00:00Z"), e("b", "")}, []string{"a", "b"}, []string{"a", "b"}},
		{"all seen", cursor{Newest: newest, Seen: []string{"a", "b"}}, []entry{e("a", "2026-12-01T00:00:00Z"), e("b", "")}, nil, []string{"a", "b"}},
		{"a late arrival", cursor{Newest: newest, Seen: []string{"a"}}, []entry{e("c", "2026-11-30T00:00:00Z"), e("a", "2026-12-01T00:00:00Z")}, []string{"c"}, []string{"c", "a"}},
		{"forgotten and old", cursor{Newest: newest, Seen: []string{"a"}}, []entry{e("old", "2026-10-01T00:00:00Z")}, nil, []string{"old", "a"}},
		{"undated and unknown", cursor{Newest: newest, Seen: []string{"a"}}, []entry{e("u", "")}, []string{"u"}, []string{"u", "a"}},
		{"duplicates and empty ids", cursor{}, []entry{e("a", ""), e("a", ""), e("", "")}, []string{"a"}, []string{"a"}},
		{"dropped then relisted", cursor{Seen: []string{"x", "y"}}, []entry{e("y", "")}, nil, []string{"y", "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, next := collect(feed{Items: tt.entries}, tt.cur, nil)
			var got []string
			for _, it := range items {
				got = append(got, it.ExternalID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("new items (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.seen, next.Seen); diff != "" {
				t.Errorf("seen (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("bounded", func(t *testing.T) {
		var entries []entry
		for i := range maxSeen + 50 {
			entries = append(entries, e(fmt.Sprint(i), ""))
		}
		_, next := collect(feed{Items: entries}, cursor{Seen: []string{"old1", "old2"}}, nil)
		if len(next.Seen) != maxSeen {
			t.Errorf("remembered %d ids, want %d", len(next.Seen), maxSeen)
		}
	})
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 UTC, "" when unreadable
	}{
		{"2026-11-30T14:26:15Z", "2026-11-30T14:26:15Z"},
		{"2026-11-30T14:26:15.123+01:00", "2026-11-30T13:26:15.123Z"},
		{"2026-11-30T14:26+01:00", "2026-11-30T13:26:00Z"},
		{"2026-11-30T14:26:15", "2026-11-30T14:26:15Z"},
		{"2026-11-30", "2026-11-30T00:00:00Z"},
		{"Mon, 30 Nov 2026 16:55:03 +0000", "2026-11-30T16:55:03Z"},
		{"Mon, 30 Nov 2026 16:55:03 GMT", "2026-11-30T16:55:03Z"},
		{"Mon, 30 Nov 2026 11:20:41 EST", "2026-11-30T16:20:41Z"},
		{"Mon, 30 Nov 2026 11:20:41 pdt", "2026-11-30T18:20:41Z"},
		{"Mon,  2 Nov 2026 11:20:41 +0100", "2026-11-02T10:20:41Z"},
		{"2 Nov 2026 11:20 +0100", "2026-11-02T10:20:00Z"},
		{"Mon, 02 Nov 26 11:20:41 +0000", "2026-11-02T11:20:41Z"},
		{"Monday, 02 November 2026 11:20:41 +0000", "2026-11-02T11:20:41Z"},
		{"  Tue, 01 Dec 2026 07:30:00 +0100 \n", "2026-12-01T06:30:00Z"},
		{"", ""},
		{"yesterday", ""},
		{"Mon, 30 Foo 2026 16:55:03 GMT", ""},
		{strings.Repeat("9", 100), ""},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in)
		s := ""
		if ok {
			s = got.Format(time.RFC3339Nano)
		}
		if s != tt.want {
			t.Errorf("parseDate(%q) = %q, want %q", tt.in, s, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"googlealerts.xml", "talkwalker.xml", "rss2.xml", "atom.xml"} {
		f.Add(mustRead(f, name))
	}
	f.Add([]byte(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><item rdf:about="https://x.example/1"><title>t</title></item></rdf:RDF>`))
	f.Add([]byte(`<?xml version="1.0" encoding="windows-1252"?><rss><channel><item><title>\x93q\x94</title></item></channel></rss>`))
	f.Add([]byte(`<!DOCTYPE r [<!ENTITY a "&a;&a;">]><feed><entry><title>&a;</title></entry></feed>`))
	f.Add([]byte("<feed><entry><content type='xhtml'><div><p>x</div></content></entry></feed>"))
	f.Add([]byte("<rss><channel><item><guid>1</guid><title>A\x0c</title></b><description><p>x<br>y</description></item></span><item><guid>1</guid><title><![CDAT</title></item></channel></rss>"))
	f.Add([]byte("\xff\xfe<\x00r\x00s\x00s\x00>\x00"))
	f.Add([]byte(`<?xml version="1.0" encoding="koi8-r"?><feed xml:base="/a/"><entry xml:base="b/"><link href="c"/><title type="html">&lt;b&gt;x</title></entry></feed>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fd, err := parse(data)
		if err != nil {
			return
		}
		if len(fd.Items) > maxItems {
			t.Errorf("%d items", len(fd.Items))
		}
		items, next := collect(fd, cursor{}, nil)
		if len(next.Seen) > maxSeen || len(items) > len(fd.Items) {
			t.Errorf("%d items, %d seen", len(items), len(next.Seen))
		}
		for _, it := range items {
			if it.ExternalID == "" {
				t.Error("an item without an id")
			}
		}
		_ = readCursor(next.String())
	})
}

func mustURL(tb testing.TB, s string) *url.URL {
	tb.Helper()
	u, err := url.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

func TestItemLinks(t *testing.T) {
	base, _ := url.Parse("https://blog.example.org/feeds/all.xml")
	tests := []struct{ link, want string }{
		{"https://x.example/a", "https://x.example/a"},
		{"/posts/1", "https://blog.example.org/posts/1"},
		{"posts/2", "https://blog.example.org/feeds/posts/2"},
		{"javascript:alert(1)", ""},
		{"data:text/html,hi", ""},
		{"ftp://x.example/file", ""},
		{"", ""},
		{"https://www.google.com/url?url=https://real.example/&sa=t", "https://real.example/"},
	}
	for _, tt := range tests {
		if got := item(feed{}, entry{ID: "1", Link: tt.link}, base).URL; got != tt.want {
			t.Errorf("link %q: URL %q, want %q", tt.link, got, tt.want)
		}
	}
}
