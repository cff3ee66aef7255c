package bluesky

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/mentions"
)

// MustEvents reads testdata/jetstream.jsonl, one recorded event a line.
func MustEvents(tb testing.TB) [][]byte {
	tb.Helper()
	f, err := os.Open("testdata/jetstream.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
			out = append(out, append([]byte(nil), line...))
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestDecodeEvent(t *testing.T) {
	did := "did:plc:oxcxj6r32fv7lcrphdm7mbat"
	ok := []struct {
		name  string
		frame string
		want  event
	}{
		{
			name:  "OK/Post",
			frame: `{"did":"` + did + `","time_us":1733047262357172,"kind":"commit","commit":{"rev":"3lf2wdn4a567m","operation":"create","collection":"app.bsky.feed.post","rkey":"3lvbc6wo4nrua","record":{"$type":"app.bsky.feed.post","createdAt":"2024-12-01T10:01:00.656Z","langs":["pt-BR","en"],"text":"Olá #acme","facets":[{"index":{"byteStart":5,"byteEnd":10},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"acme"}]}]},"cid":"bafyrei"}}`,
			want: event{timeUS: 1733047262357172, post: true, item: mentions.Item{
				Source: "bluesky", ExternalID: "at://" + did + "/app.bsky.feed.post/3lvbc6wo4nrua",
				URL: "https://bsky.app/profile/" + did + "/post/3lvbc6wo4nrua", Text: "Olá #acme",
				Author: did, AuthorURL: "https://bsky.app/profile/" + did, Lang: "pt",
				Published: time.Date(2024, 12, 1, 10, 1, 0, 656e6, time.UTC),
				Reply:     mentions.ReplyRef{Network: "bluesky", ID: "at://" + did + "/app.bsky.feed.post/3lvbc6wo4nrua", AuthorID: did},
			}},
		},
		{
			name:  "OK/PostWithoutDateOrLang",
			frame: `{"did":"did:web:example.com","time_us":1733047262000000,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"3l3","record":{"text":"hi","createdAt":"yesterday"}}}`,
			want: event{timeUS: 1733047262000000, post: true, item: mentions.Item{
				Source: "bluesky", ExternalID: "at://did:web:example.com/app.bsky.feed.post/3l3",
				URL: "https://bsky.app/profile/did:web:example.com/post/3l3", Text: "hi",
				Author: "did:web:example.com", AuthorURL: "https://bsky.app/profile/did:web:example.com",
				Published: time.UnixMicro(1733047262000000).UTC(),
				Reply:     mentions.ReplyRef{Network: "bluesky", ID: "at://did:web:example.com/app.bsky.feed.post/3l3", AuthorID: "did:web:example.com"},
			}},
		},
		{name: "OK/Delete", frame: `{"did":"` + did + `","time_us":5,"kind":"commit","commit":{"rev":"x","operation":"delete","collection":"app.bsky.feed.post","rkey":"3lvbc6wo4nrua"}}`, want: event{timeUS: 5}},
		{name: "OK/Update", frame: `{"did":"` + did + `","time_us":6,"kind":"commit","commit":{"operation":"update","collection":"app.bsky.feed.post","rkey":"3l","record":{"text":"edited"}}}`, want: event{timeUS: 6}},
		{name: "OK/OtherCollection", frame: `{"did":"` + did + `","time_us":7,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.like","rkey":"3l","record":{}}}`, want: event{timeUS: 7}},
		{name: "OK/Identity", frame: `{"did":"` + did + `","time_us":8,"kind":"identity","identity":{"did":"` + did + `","handle":"a.bsky.social","seq":1,"time":"2024-12-01T10:01:00Z"}}`, want: event{timeUS: 8}},
		{name: "OK/Account", frame: `{"did":"` + did + `","time_us":9,"kind":"account","account":{"active":false,"did":"` + did + `","seq":2}}`, want: event{timeUS: 9}},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeEvent([]byte(tt.frame))
			if err != nil {
				t.Fatalf("decodeEvent: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(event{})); diff != "" {
				t.Errorf("decodeEvent (-want +got):\n%s", diff)
			}
		})
	}
	bad := []struct{ name, frame string }{
		{"ErrNotJSON", `not json`},
		{"ErrTruncated", `{"did":"` + did + `","time_us":1,"kind":"commit","commit":{"operation":"create"`},
		{"ErrNoTime", `{"did":"` + did + `","kind":"identity"}`},
		{"ErrArray", `[1,2]`},
		{"ErrBadDID", `{"did":"did:plc:a/b","time_us":1,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"3l","record":{"text":"x"}}}`},
		{"ErrBadRKey", `{"did":"` + did + `","time_us":1,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"../x","record":{"text":"x"}}}`},
		{"ErrNoRecord", `{"did":"` + did + `","time_us":1,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"3l"}}`},
		{"ErrRecordText", `{"did":"` + did + `","time_us":1,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"3l","record":{"text":42}}}`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := decodeEvent([]byte(tt.frame)); err == nil {
				t.Errorf("decodeEvent = %+v, want an error", got)
			}
		})
	}
}

// fakeJetstream is a Jetstream server on loopback: each connection gets
// frames, then the server closes it (or holds it open when hold is set).
type fakeJetstream struct {
	*httptest.Server
	queries chan string // the query of each connection
}

func newFakeJetstream(tb testing.TB, frames [][]byte, hold bool) *fakeJetstream {
	tb.Helper()
	f := &fakeJetstream{queries: make(chan string, 10)}
	upgrader := websocket.Upgrader{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/subscribe" {
			http.NotFound(w, r)
			return
		}
		f.queries <- r.URL.RawQuery
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		for _, fr := range frames {
			typ := websocket.TextMessage
			if bytes.HasPrefix(fr, []byte("\x00binary")) {
				typ = websocket.BinaryMessage
			}
			if err := conn.WriteMessage(typ, fr); err != nil {
				return
			}
		}
		if hold {
			// Wait for the client to go away.
			for {
				if _, _, err := conn.ReadMessage(); err != nil {
					return
				}
			}
		}
		_ = conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "bye"))
	}))
	tb.Cleanup(f.Close)
	return f
}

func (f *fakeJetstream) wsURL() string {
	return "ws" + strings.TrimPrefix(f.URL, "http") + "/subscribe"
}

func MustJetstream(tb testing.TB, cfg JetstreamConfig) *Jetstream {
	tb.Helper()
	j, err := NewJetstream(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return j
}

func TestStream(t *testing.T) {
	events := MustEvents(t)
	var posts int
	var lastTime int64
	for _, e := range events {
		ev, err := decodeEvent(e)
		if err != nil {
			t.Fatalf("recorded event does not decode: %v", err)
		}
		if ev.post {
			posts++
		}
		lastTime = ev.timeUS
	}
	malformed := [][]byte{
		[]byte(`{"did":"did:plc:x","kind":"commit"`),
		[]byte(`garbage`),
		[]byte("\x00binary zstd frame"),
		[]byte(`{"did":"did:plc:a b","time_us":1,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"3l","record":{"text":"x"}}}`),
	}
	frames := append(append([][]byte{}, events[:10]...), malformed...)
	frames = append(frames, events[10:]...)

	t.Run("OK", func(t *testing.T) {
		srv := newFakeJetstream(t, frames, false)
		j := MustJetstream(t, JetstreamConfig{URL: srv.wsURL() + "?wantedDids=did:plc:x", MaxBatch: 50})
		var batches []mentions.Batch
		err := j.Stream(context.Background(), "", func(_ context.Context, b mentions.Batch) error {
			batches = append(batches, b)
			return nil
		})
		var fe *httpx.Error
		if !errors.As(err, &fe) {
			t.Fatalf("Stream = %v, want an *httpx.Error when the server closes", err)
		}
		q := <-srv.queries
		if !strings.Contains(q, "wantedCollections=app.bsky.feed.post") || !strings.Contains(q, "wantedDids=did%3Aplc%3Ax") || strings.Contains(q, "cursor=") {
			t.Errorf("query = %q, want wantedCollections and wantedDids, no cursor", q)
		}
		var got int
		prev := int64(0)
		seen := map[string]bool{}
		for i, b := range batches {
			if len(b.Items) > 50 {
				t.Errorf("batch %d has %d items, more than MaxBatch", i, len(b.Items))
			}
			c, err := strconv.ParseInt(b.Cursor, 10, 64)
			if err != nil || c < prev {
				t.Errorf("batch %d cursor %q does not advance from %d", i, b.Cursor, prev)
			}
			prev = c
			for _, it := range b.Items {
				if it.Source != "bluesky" || !strings.HasPrefix(it.ExternalID, "at://did:") || !strings.HasPrefix(it.URL, "https://bsky.app/profile/did:") || it.Text == "" {
					t.Errorf("item %+v", it)
				}
				seen[it.Lang] = true
				got++
			}
		}
		if got != posts {
			t.Errorf("got %d items, want %d (the recorded creates)", got, posts)
		}
		if prev != lastTime {
			t.Errorf("last cursor = %d, want %d", prev, lastTime)
		}
		for _, lang := range []string{"en", "fr", "ja", "pt", "de"} {
			if !seen[lang] {
				t.Errorf("no item in %q", lang)
			}
		}
		st := j.Stats()
		if st.Malformed != uint64(len(malformed)) || st.Items != uint64(posts) || st.Events != uint64(len(events)) {
			t.Errorf("Stats = %+v, want %d malformed, %d items, %d events", st, len(malformed), posts, len(events))
		}
	})

	t.Run("OKResume", func(t *testing.T) {
		srv := newFakeJetstream(t, events[:3], false)
		j := MustJetstream(t, JetstreamConfig{URL: srv.wsURL(), Rewind: 3 * time.Second})
		_ = j.Stream(context.Background(), "1733047262357172", func(context.Context, mentions.Batch) error { return nil })
		if q := <-srv.queries; !strings.Contains(q, "cursor=1733047259357172") {
			t.Errorf("query = %q, want the cursor rewound by 3 s", q)
		}
	})

	t.Run("OKBadCursorStartsLive", func(t *testing.T) {
		srv := newFakeJetstream(t, events[:3], false)
		j := MustJetstream(t, JetstreamConfig{URL: srv.wsURL()})
		_ = j.Stream(context.Background(), "not-a-number", func(context.Context, mentions.Batch) error { return nil })
		if q := <-srv.queries; strings.Contains(q, "cursor=") {
			t.Errorf("query = %q, want no cursor", q)
		}
	})

	t.Run("OKFlushAfterMaxWait", func(t *testing.T) {
		srv := newFakeJetstream(t, events[:5], true)
		j := MustJetstream(t, JetstreamConfig{URL: srv.wsURL(), MaxBatch: 1000, MaxWait: 10 * time.Millisecond})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		got := make(chan mentions.Batch, 10)
		errc := make(chan error, 1)
		go func() {
			errc <- j.Stream(ctx, "", func(_ context.Context, b mentions.Batch) error {
				got <- b
				return nil
			})
		}()
		var items int
		var cursor string
		for cursor != strconv.FormatInt(mustTime(t, events[4]), 10) {
			select {
			case b := <-got:
				items += len(b.Items)
				cursor = b.Cursor
			case err := <-errc:
				t.Fatalf("Stream ended early: %v", err)
			case <-time.After(10 * time.Second):
				t.Fatal("no batch while the connection stays open")
			}
		}
		if items != countPosts(t, events[:5]) {
			t.Errorf("got %d items, want %d", items, countPosts(t, events[:5]))
		}
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Errorf("Stream after cancel = %v, want context.Canceled", err)
		}
	})

	t.Run("ErrEmit", func(t *testing.T) {
		srv := newFakeJetstream(t, events, true)
		j := MustJetstream(t, JetstreamConfig{URL: srv.wsURL(), MaxBatch: 10})
		boom := errors.New("disk full")
		calls := 0
		err := j.Stream(context.Background(), "", func(context.Context, mentions.Batch) error {
			calls++
			return boom
		})
		if !errors.Is(err, boom) || calls != 1 {
			t.Errorf("Stream = %v after %d emits, want the emit error after 1", err, calls)
		}
	})

	t.Run("ErrRefused", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "30")
			http.Error(w, "slow down", http.StatusTooManyRequests)
		}))
		defer srv.Close()
		j := MustJetstream(t, JetstreamConfig{URL: "ws" + strings.TrimPrefix(srv.URL, "http") + "/subscribe"})
		err := j.Stream(context.Background(), "", func(context.Context, mentions.Batch) error { return nil })
		var fe *httpx.Error
		if !errors.As(err, &fe) || fe.Status != 429 || fe.RetryAfter != 30*time.Second {
			t.Errorf("Stream = %#v, want an *httpx.Error 429 with RetryAfter 30s", err)
		}
	})

	t.Run("ErrUnreachable", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := "ws" + strings.TrimPrefix(srv.URL, "http")
		srv.Close()
		j := MustJetstream(t, JetstreamConfig{URL: url})
		err := j.Stream(context.Background(), "", func(context.Context, mentions.Batch) error { return nil })
		var fe *httpx.Error
		if !errors.As(err, &fe) || fe.Status != 0 {
			t.Errorf("Stream = %v, want an *httpx.Error without status", err)
		}
	})
}

func TestNewJetstream(t *testing.T) {
	t.Run("OKDefault", func(t *testing.T) {
		j := MustJetstream(t, JetstreamConfig{})
		u, _ := j.subscribeURL("")
		if u != DefaultJetstreamURL+"?wantedCollections=app.bsky.feed.post" {
			t.Errorf("subscribe URL = %q", u)
		}
	})
	for _, bad := range []string{"https://jetstream.example/subscribe", "ws://", "::"} {
		t.Run("ErrURL", func(t *testing.T) {
			if _, err := NewJetstream(JetstreamConfig{URL: bad}); herald.ErrorCode(err) != herald.EINVALID {
				t.Errorf("NewJetstream(%q) = %v, want EINVALID", bad, err)
			}
		})
	}
}

func mustTime(tb testing.TB, frame []byte) int64 {
	tb.Helper()
	ev, err := decodeEvent(frame)
	if err != nil {
		tb.Fatal(err)
	}
	return ev.timeUS
}

func countPosts(tb testing.TB, frames [][]byte) int {
	tb.Helper()
	n := 0
	for _, f := range frames {
		if ev, err := decodeEvent(f); err == nil && ev.post {
			n++
		}
	}
	return n
}

// BenchmarkJetstreamDecode decodes the recorded events, as Stream's reader
// does for each frame, and reports events per second on one core.
func BenchmarkJetstreamDecode(b *testing.B) {
	events := MustEvents(b)
	var size int64
	for _, e := range events {
		size += int64(len(e))
	}
	b.SetBytes(size / int64(len(events)))
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		if _, err := decodeEvent(events[n%len(events)]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

func FuzzDecodeEvent(f *testing.F) {
	for _, e := range MustEvents(f)[:40] {
		f.Add(e)
	}
	f.Add([]byte(`{"time_us":1}`))
	f.Add([]byte(`{"did":"did:plc:x","time_us":1,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"3l","record":null}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, frame []byte) {
		ev, err := decodeEvent(frame)
		if err != nil {
			return
		}
		if ev.timeUS <= 0 {
			t.Fatalf("event without a time accepted: %+v", ev)
		}
		if ev.post {
			it := ev.item
			if !validDID(it.Author) || !strings.HasPrefix(it.ExternalID, "at://"+it.Author+"/app.bsky.feed.post/") || it.Published.IsZero() {
				t.Fatalf("invalid item accepted: %+v", it)
			}
			if strings.ContainsAny(it.URL, " \n\"<>") {
				t.Fatalf("item URL %q is not clean", it.URL)
			}
		}
	})
}
