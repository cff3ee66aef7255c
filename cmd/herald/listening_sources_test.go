package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/heraldhq/herald/internal/testclock"
)

// jetstreamPrefix is how many recorded Jetstream events the fake serves:
// the first 60 lines of the recording (1.2 s of the firehose: posts,
// deletes, identity and account events). Past them the recording repeats
// each text from a fourth author, which the spam filter drops as copies —
// and a restart, which forgets the spam filter's counts, would then let
// the copies in the rewound window through.
const jetstreamPrefix = 60

// sourceFakes serves on loopback, from the source packages' recorded
// fixtures, every kind of source Herald polls or streams, each answering
// as the real service does: an RSS 2.0 feed with an ETag (/blog/feed.xml),
// Reddit's search (/reddit/search.json), a Mastodon instance's hashtag
// timeline (/api/v1/timelines/tag/acme) and status search (/api/v2/search,
// with the instance's token) and Jetstream (/subscribe, a websocket that
// honours ?cursor=). The content can change between polls.
type sourceFakes struct {
	*httptest.Server
	t    testing.TB
	done chan struct{} // closed at cleanup: ends the held websockets

	mu          sync.Mutex
	rss         []byte
	rssNotMod   int               // 304 answers to a conditional GET
	reddit      []json.RawMessage // children of the Listing, newest first
	redditQ     []string          // q of each search
	redditBadUA int               // searches without Herald's User-Agent
	toots       []json.RawMessage // the hashtag's statuses
	found       []json.RawMessage // statuses only a search finds
	tootQueries []string          // the query of each timeline request
	searchQ     []string          // q of each status search
	noToken     int               // Mastodon requests without the instance's token
	jet         [][]byte          // Jetstream events, oldest first
	jetQueries  []string          // the query of each Jetstream connection
}

func newSourceFakes(t *testing.T) *sourceFakes {
	t.Helper()
	f := &sourceFakes{t: t, done: make(chan struct{}), rss: mustRead(t, "../../mentions/sources/rss/testdata/rss2.xml")}
	var listing struct {
		Data struct{ Children []json.RawMessage } `json:"data"`
	}
	if err := json.Unmarshal(mustRead(t, "../../mentions/sources/reddit/testdata/search.json"), &listing); err != nil {
		t.Fatal(err)
	}
	f.reddit = listing.Data.Children
	if err := json.Unmarshal(mustRead(t, "../../mentions/sources/mastodon/testdata/tag_acme.json"), &f.toots); err != nil {
		t.Fatal(err)
	}
	var search struct{ Statuses []json.RawMessage }
	if err := json.Unmarshal(mustRead(t, "../../mentions/sources/mastodon/testdata/search_acme.json"), &search); err != nil {
		t.Fatal(err)
	}
	for _, s := range search.Statuses {
		if !slices.ContainsFunc(f.toots, func(t json.RawMessage) bool { return statusID(t) == statusID(s) }) {
			f.found = append(f.found, s)
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(mustRead(t, "../../mentions/sources/bluesky/testdata/jetstream.jsonl")))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() && len(f.jet) < jetstreamPrefix {
		if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
			f.jet = append(f.jet, append([]byte(nil), line...))
		}
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /blog/feed.xml", f.serveRSS)
	mux.HandleFunc("GET /reddit/search.json", f.serveReddit)
	mux.HandleFunc("GET /api/v1/timelines/tag/acme", f.serveTag)
	mux.HandleFunc("GET /api/v2/search", f.serveSearch)
	mux.HandleFunc("GET /subscribe", f.serveJetstream)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(func() {
		close(f.done)
		f.Close()
	})
	return f
}

// serveRSS answers the feed with its ETag, and 304 to a GET conditional
// on the current one.
func (f *sourceFakes) serveRSS(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256(f.rss))
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		f.rssNotMod++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write(f.rss)
}

// serveReddit answers a search as Reddit does: the posts whose title or
// text contains one of the ORed terms of q, newest first, in a Listing.
func (f *sourceFakes) serveReddit(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	f.redditQ = append(f.redditQ, q.Get("q"))
	if !strings.Contains(r.UserAgent(), ":herald:") || !strings.HasSuffix(r.UserAgent(), "(by /u/acme_social)") {
		f.redditBadUA++
		http.Error(w, `{"message": "Too Many Requests", "error": 429}`, http.StatusTooManyRequests)
		return
	}
	var terms []string
	for _, t := range strings.Split(q.Get("q"), " OR ") {
		terms = append(terms, strings.ToLower(strings.Trim(t, `"`)))
	}
	var children []json.RawMessage
	for _, c := range f.reddit {
		var p struct {
			Data struct{ Title, Selftext string } `json:"data"`
		}
		if err := json.Unmarshal(c, &p); err != nil {
			f.t.Errorf("a Reddit fixture child does not decode: %v", err)
			continue
		}
		text := strings.ToLower(p.Data.Title + " " + p.Data.Selftext)
		if slices.ContainsFunc(terms, func(t string) bool { return t != "" && strings.Contains(text, t) }) {
			children = append(children, c)
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	json.NewEncoder(w).Encode(map[string]any{"kind": "Listing", "data": map[string]any{
		"after": nil, "before": nil, "dist": len(children), "modhash": "", "children": children,
	}})
}

// mastodonToken is the instance's token in MASTODON_TOKENS.
const mastodonToken = "tok-acme-0123"

// serveTag answers the hashtag timeline as Mastodon does.
func (f *sourceFakes) serveTag(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tootQueries = append(f.tootQueries, r.URL.RawQuery)
	if r.Header.Get("Authorization") != "Bearer "+mastodonToken {
		f.noToken++
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(statusPage(f.toots, r.URL.Query()))
}

// serveSearch answers a status search as Mastodon does: to its users
// only, the statuses whose text contains q (a phrase when quoted), paged
// like a timeline.
func (f *sourceFakes) serveSearch(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	f.searchQ = append(f.searchQ, q.Get("q"))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if r.Header.Get("Authorization") != "Bearer "+mastodonToken {
		f.noToken++
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":"The access token is invalid"}`)
		return
	}
	if q.Get("type") != "statuses" || q.Get("resolve") != "false" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":"unexpected search %s"}`, r.URL.RawQuery)
		return
	}
	term := strings.ToLower(strings.Trim(q.Get("q"), `"`))
	var hits []json.RawMessage
	for _, s := range append(slices.Clone(f.toots), f.found...) {
		var st struct{ Content string }
		json.Unmarshal(s, &st)
		if term != "" && strings.Contains(strings.ToLower(st.Content), term) {
			hits = append(hits, s)
		}
	}
	json.NewEncoder(w).Encode(map[string]any{"accounts": []any{}, "hashtags": []any{}, "statuses": statusPage(hits, q)})
}

// statusPage applies Mastodon's paging to statuses: newest first, limit
// of them, those between max_id and min_id; with min_id alone, the oldest
// page of those after it.
func statusPage(statuses []json.RawMessage, q url.Values) []json.RawMessage {
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 || limit > 40 {
		limit = 20
	}
	page := []json.RawMessage{}
	for _, s := range statuses {
		if after := q.Get("min_id"); after != "" && cmpStatusIDs(statusID(s), after) <= 0 {
			continue
		}
		if before := q.Get("max_id"); before != "" && cmpStatusIDs(statusID(s), before) >= 0 {
			continue
		}
		page = append(page, s)
	}
	slices.SortFunc(page, func(a, b json.RawMessage) int { return cmpStatusIDs(statusID(b), statusID(a)) })
	if q.Get("min_id") != "" && q.Get("max_id") == "" && len(page) > limit {
		page = page[len(page)-limit:]
	}
	return page[:min(limit, len(page))]
}

func statusID(raw json.RawMessage) string {
	var s struct{ ID string }
	json.Unmarshal(raw, &s)
	return s.ID
}

// cmpStatusIDs orders Mastodon's numeric string ids.
func cmpStatusIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// serveJetstream is Jetstream's subscribe endpoint: it sends the events
// after ?cursor= (all of them without one), then holds the connection
// open as the live firehose does, until the client or the test leaves.
func (f *sourceFakes) serveJetstream(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.jetQueries = append(f.jetQueries, r.URL.RawQuery)
	var cursor int64
	if c := r.URL.Query().Get("cursor"); c != "" {
		var err error
		if cursor, err = strconv.ParseInt(c, 10, 64); err != nil {
			f.mu.Unlock()
			http.Error(w, "bad cursor", http.StatusBadRequest)
			return
		}
	}
	var send [][]byte
	for _, e := range f.jet {
		if jetTime(f.t, e) > cursor {
			send = append(send, e)
		}
	}
	f.mu.Unlock()
	up := websocket.Upgrader{}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-f.done:
			conn.Close()
		case <-stop:
		}
	}()
	for _, e := range send {
		if err := conn.WriteMessage(websocket.TextMessage, e); err != nil {
			return
		}
	}
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			return
		}
	}
}

func jetTime(tb testing.TB, event []byte) int64 {
	var e struct {
		TimeUS int64 `json:"time_us"`
	}
	if err := json.Unmarshal(event, &e); err != nil || e.TimeUS <= 0 {
		tb.Errorf("a Jetstream event without its time_us: %.80s", event)
	}
	return e.TimeUS
}

// addNews changes every source's content the way the services would: one
// more feed item, Reddit post, status and Jetstream post.
func (f *sourceFakes) addNews(t *testing.T) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rss = bytes.Replace(f.rss, []byte("<item>"), []byte(`<item>
    <title>Initech équipe ses bureaux du robot Acme X2</title>
    <link>https://blog.example.fr/2026/12/02/initech-acme-x2/</link>
    <guid isPermaLink="false">https://blog.example.fr/?p=1850</guid>
    <pubDate>Wed, 02 Dec 2026 09:00:00 +0100</pubDate>
    <dc:creator><![CDATA[Élodie Martin]]></dc:creator>
    <description>Après notre test, Initech en commande cinquante.</description>
  </item>
  <item>`), 1)

	var post map[string]any
	if err := json.Unmarshal(f.reddit[0], &post); err != nil {
		t.Fatal(err)
	}
	d := post["data"].(map[string]any)
	d["id"], d["name"] = "1h5a0b1", "t3_1h5a0b1"
	d["title"] = "Initech just ordered fifty Acme X2 for the office"
	d["selftext"] = "Our facilities team swears by them."
	d["author"] = "office_oracle"
	d["permalink"] = "/r/BuyItForLife/comments/1h5a0b1/initech_just_ordered_fifty_acme_x2/"
	d["url"] = "https://www.reddit.com" + d["permalink"].(string)
	d["created_utc"], d["created"] = 1764590000.0, 1764590000.0
	raw, err := json.Marshal(post)
	if err != nil {
		t.Fatal(err)
	}
	f.reddit = append([]json.RawMessage{raw}, f.reddit...)

	var toot map[string]any
	if err := json.Unmarshal(f.toots[1], &toot); err != nil {
		t.Fatal(err)
	}
	toot["id"], toot["created_at"] = "113581300000000000", "2026-12-01T09:15:00.000Z"
	toot["uri"] = "https://piaille.fr/users/marie/statuses/113581299000000000"
	toot["url"] = "https://piaille.fr/@marie/113581299000000000"
	toot["content"] = `<p>Deuxième panne, et le SAV <a href="https://mastodon.social/tags/acme" class="mention hashtag" rel="tag">#<span>acme</span></a> répond encore en une heure.</p>`
	if raw, err = json.Marshal(toot); err != nil {
		t.Fatal(err)
	}
	f.toots = append([]json.RawMessage{raw}, f.toots...)

	last := jetTime(t, f.jet[len(f.jet)-1])
	f.jet = append(f.jet, fmt.Appendf(nil, `{"did":"did:plc:newcomer7xq2vd5mzk3h4bpl","time_us":%d,"kind":"commit","commit":{"rev":"3lnew2abcde2x","operation":"create","collection":"app.bsky.feed.post","rkey":"3lnewpost2xyz","record":{"$type":"app.bsky.feed.post","createdAt":"2024-12-01T10:01:05.000Z","langs":["en"],"text":"Called Acme support about my grinder and they fixed it on the phone in five minutes."},"cid":"bafyreinew"}}`, last+250_000))
}

// routedCard is a mention card the console showed in a channel.
var routedCard = regexp.MustCompile(`── news from Herald · (\S+) ──\n  ┌ [^\n]*?Mention #(\d+) · ([^\n]+)\n`)

// routedCards maps each mention id to the channels its card was shown in,
// a channel once per card shown there.
func routedCards(out string) map[int64][]string {
	got := map[int64][]string{}
	for _, m := range routedCard.FindAllStringSubmatch(out, -1) {
		id, _ := strconv.ParseInt(m[2], 10, 64)
		got[id] = append(got[id], m[1])
	}
	for _, chans := range got {
		slices.Sort(chans)
	}
	return got
}

func countCards(cards map[int64][]string) int {
	n := 0
	for _, c := range cards {
		n += len(c)
	}
	return n
}

// storedMention is a mention row as the test reads it.
type storedMention struct {
	ID      int64
	Brand   string
	Sources string
	Text    string // title and text
}

func (db roDB) storedMentions(tb testing.TB) []storedMention {
	tb.Helper()
	rows, err := db.Query(`SELECT m.id, b.name, m.sources, m.title || ' ' || m.text FROM mentions m JOIN brands b ON b.id = m.brand_id ORDER BY m.id`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []storedMention
	for rows.Next() {
		var m storedMention
		if err := rows.Scan(&m.ID, &m.Brand, &m.Sources, &m.Text); err != nil {
			tb.Fatal(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// sourceCursor reads a source's stored cursor.
func (db roDB) sourceCursor(tb testing.TB, kind string) string {
	tb.Helper()
	var c string
	if err := db.QueryRow(`SELECT cursor FROM sources WHERE kind = ?`, kind).Scan(&c); err != nil {
		tb.Fatal(err)
	}
	return c
}

// expectedMention is a fixture item that must be stored once per count,
// for brand, from source, its card shown in channels.
type expectedMention struct {
	text     string // in its title or text
	brand    string
	source   string // in its sources
	count    int
	channels []string
}

// checkMentions compares the stored mentions with want, and each one's
// cards (from cards, when not nil) with the channels it must be shown in.
func checkMentions(t *testing.T, stored []storedMention, cards map[int64][]string, want []expectedMention) {
	t.Helper()
	got := make([]int, len(want))
	for _, m := range stored {
		i := slices.IndexFunc(want, func(w expectedMention) bool {
			return strings.Contains(m.Text, w.text) && m.Brand == w.brand && strings.Contains(m.Sources, w.source)
		})
		if i < 0 {
			t.Errorf("unexpected mention #%d of %s from %s: %.100q", m.ID, m.Brand, m.Sources, m.Text)
			continue
		}
		got[i]++
		if cards != nil && !slices.Equal(cards[m.ID], want[i].channels) {
			t.Errorf("mention #%d (%.40q of %s) shown in %v; want %v", m.ID, want[i].text, m.Brand, cards[m.ID], want[i].channels)
		}
	}
	for i, w := range want {
		if got[i] != w.count {
			t.Errorf("%d mention(s) %q of %s from %s; want %d", got[i], w.text, w.brand, w.source, w.count)
		}
	}
}

// TestListeningEverySourceThroughMain runs listening end to end through
// Main and the console over every kind of polled or streamed source:
// recorded RSS 2.0, Reddit, Mastodon (hashtag and, with the token from
// MASTODON_TOKENS, search) and Jetstream answers served on loopback
// become mentions of the right brand, their cards shown in the channels
// of the watches they match — two brands, each watch in its own channel,
// a mention matching two watches in both. A second poll of the same
// content creates nothing; a restart resumes every source from its stored
// cursor (Jetstream from the cursor, rewound, its replay deduplicated)
// and creates exactly the new items.
func TestListeningEverySourceThroughMain(t *testing.T) {
	fx := newSourceFakes(t)
	db := filepath.Join(t.TempDir(), "herald.db")
	env := map[string]string{
		"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "127.0.0.1:0", "HERALD_TIMEZONE": "Europe/Paris",
		"HERALD_ALLOW_PRIVATE_SOURCES": "true", "HERALD_REDDIT_URL": fx.URL + "/reddit",
		"HERALD_JETSTREAM_URL": "ws" + strings.TrimPrefix(fx.URL, "http") + "/subscribe",
		"REDDIT_USERNAME":      "acme_social",
		"MASTODON_TOKENS":      "mastodon.example=other-token, " + strings.TrimPrefix(fx.URL, "http://") + "=" + mastodonToken,
	}
	clock := testclock.New(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	set := func(m *Main) { m.Clock, m.PollEvery = clock, 5*time.Millisecond }
	c := startConsoleWith(t, env, set)

	// Acme lives in #acme: product reviews go to #products, support
	// matters to #support. Initech lives in #initech, its watch too.
	c.send("/channel #acme", "You are now in #acme")
	c.send("brand add Acme", "Brand Acme created")
	c.send(`watch add "acme x2" OR "acme c2" --channel #products`, "added watch #1")
	c.send(`watch add acme (sav OR support OR "service client") --channel #support`, "added watch #2")
	c.send("/channel #initech", "You are now in #initech")
	c.send("brand add Initech", "Brand Initech created")
	c.send("watch add initech", "added watch #3")
	c.send("/channel #acme", "You are now in #acme")
	c.send("source add rss "+fx.URL+"/blog/feed.xml", "added source #1")
	c.send("source add reddit", "added source #2")
	c.send("source add mastodon "+fx.URL+" #acme", "added source #3")
	c.send("source add bluesky", "added source #4")
	c.send("/channel #initech", "You are now in #initech")
	c.send("source add rss "+fx.URL+"/blog/feed.xml", "added source #5")
	c.send("source add reddit", "added source #6")
	out := c.send("watch list --brand Acme", "Watches of Acme")
	if !strings.Contains(out, `"acme x2" OR "acme c2"`) {
		t.Errorf("watch #1 did not keep its phrases:\n%s", out)
	}

	// The first polls: what the watches match becomes mentions, each
	// card in its watches' channels; the rest is left alone (the feed's
	// undated post, the hashtag's grinders, most of the firehose).
	first := []expectedMention{
		{"Test du robot Acme X2", "Acme", "rss:127.0.0.1", 1, []string{"#products"}},
		{"Remises sur Acme, Globex & Initech", "Initech", "rss:127.0.0.1", 1, []string{"#initech"}},
		{"Acme X2 after 7 years", "Acme", "reddit", 1, []string{"#products", "#support"}},
		{"SAV Acme : délai de livraison", "Acme", "reddit", 1, []string{"#support"}},
		{"Acme Corp to acquire Initech", "Initech", "reddit", 1, []string{"#initech"}},
		{"Franchement le SAV #acme", "Acme", "mastodon:127.0.0.1#acme", 1, []string{"#support"}},
		{"le moulin Acme C2", "Acme", "mastodon:127.0.0.1#acme", 1, []string{"#products"}}, // found by searching "acme c2"
		{"le service client d'Acme m'a bluffé", "Acme", "bluesky", 2, []string{"#support"}},
		{"Just tried the new Acme C2 grinder", "Acme", "bluesky", 3, []string{"#products"}},
	}
	const firstCards = 13 // one per mention and channel
	ro := openRO(t, db)
	waitFor(t, "the first polls of the six sources", func() bool { return ro.polledSince(t, nil) == 6 }, c.out.String)
	waitFor(t, "the first cards", func() bool { return countCards(routedCards(c.out.String())) >= firstCards }, c.out.String)
	checkMentions(t, ro.storedMentions(t), routedCards(c.out.String()), first)
	if n := countCards(routedCards(c.out.String())); n != firstCards {
		t.Errorf("%d mention cards shown; want %d", n, firstCards)
	}
	out = c.send("source list --brand Acme", "Sources of Acme")
	if strings.Contains(out, "never polled") || strings.Contains(out, "last error") {
		t.Errorf("source list after the first polls:\n%s", out)
	}
	fx.mu.Lock()
	if len(fx.jetQueries) != 1 || !strings.Contains(fx.jetQueries[0], "wantedCollections=app.bsky.feed.post") || strings.Contains(fx.jetQueries[0], "cursor=") {
		t.Errorf("Jetstream connections %q; want one, for posts, live (no cursor)", fx.jetQueries)
	}
	if fx.redditBadUA > 0 {
		t.Errorf("%d Reddit searches without Herald's User-Agent", fx.redditBadUA)
	}
	if fx.noToken > 0 {
		t.Errorf("%d Mastodon requests without the instance's token from MASTODON_TOKENS", fx.noToken)
	}
	if !slices.Contains(fx.searchQ, `"acme c2"`) || !slices.Contains(fx.searchQ, "sav") {
		t.Errorf("Mastodon searches %q; want one per watch term", fx.searchQ)
	}
	fx.mu.Unlock()

	// A second poll of the same content creates nothing: the feed answers
	// 304 to its conditional GET, Mastodon is read after the newest
	// status seen, Reddit's posts are all remembered.
	polls := ro.polled(t)
	clock.Advance(20 * time.Minute)
	waitFor(t, "a second poll of the five polled sources", func() bool { return ro.polledSince(t, polls) == 5 }, c.out.String)
	checkMentions(t, ro.storedMentions(t), nil, first)
	fx.mu.Lock()
	if fx.rssNotMod != 2 {
		t.Errorf("the feed answered 304 %d times; want 2 (a conditional GET per brand)", fx.rssNotMod)
	}
	if q := fx.tootQueries[len(fx.tootQueries)-1]; q != "limit=40&min_id=113581239876543210" {
		t.Errorf("the second timeline request asked %q; want min_id of the newest status", q)
	}
	if n := len(fx.redditQ); n != 4 {
		t.Errorf("%d Reddit searches; want 4 (two polls of two brands): %q", n, fx.redditQ)
	}
	fx.mu.Unlock()
	if n := countCards(routedCards(c.out.String())); n != firstCards {
		t.Errorf("after the second poll %d mention cards were shown; want still %d", n, firstCards)
	}
	jetCursor := ro.sourceCursor(t, "bluesky")
	before := map[int64]bool{}
	for _, m := range ro.storedMentions(t) {
		before[m.ID] = true
	}
	c.stop()

	// A restart resumes from the stored cursors: each source now has one
	// more item, and only those become mentions and cards. Jetstream is
	// asked for the events from the cursor, rewound 5 s: it replays the
	// whole recording, which dedupe recognises.
	fx.addNews(t)
	polls = ro.polled(t)
	clock.Advance(20 * time.Minute)
	c = startConsoleWith(t, env, set)
	waitFor(t, "the polls after the restart", func() bool { return ro.polledSince(t, polls) == 6 }, c.out.String)
	next := append(slices.Clone(first),
		expectedMention{"Initech équipe ses bureaux du robot Acme X2", "Acme", "rss:127.0.0.1", 1, []string{"#products"}},
		expectedMention{"Initech équipe ses bureaux du robot Acme X2", "Initech", "rss:127.0.0.1", 1, []string{"#initech"}},
		expectedMention{"Initech just ordered fifty Acme X2", "Acme", "reddit", 1, []string{"#products"}},
		expectedMention{"Initech just ordered fifty Acme X2", "Initech", "reddit", 1, []string{"#initech"}},
		expectedMention{"Deuxième panne, et le SAV #acme", "Acme", "mastodon:127.0.0.1#acme", 1, []string{"#support"}},
		expectedMention{"Called Acme support about my grinder", "Acme", "bluesky", 1, []string{"#support"}},
	)
	const newCards = 6
	waitFor(t, "the new items' cards", func() bool { return countCards(routedCards(c.out.String())) >= newCards }, c.out.String)
	stored := ro.storedMentions(t)
	checkMentions(t, stored, nil, next)
	// The restarted console shows the new mentions' cards only.
	cards := routedCards(c.out.String())
	var fresh []storedMention
	for _, m := range stored {
		if !before[m.ID] {
			fresh = append(fresh, m)
		} else if len(cards[m.ID]) > 0 {
			t.Errorf("after the restart, mention #%d's card was shown again in %v", m.ID, cards[m.ID])
		}
	}
	checkMentions(t, fresh, cards, next[len(first):])
	if n := countCards(cards); n != newCards {
		t.Errorf("after the restart %d mention cards were shown; want %d", n, newCards)
	}
	fx.mu.Lock()
	jq := slices.Clone(fx.jetQueries)
	fx.mu.Unlock()
	stored64, err := strconv.ParseInt(jetCursor, 10, 64)
	if err != nil {
		t.Fatalf("the stored Jetstream cursor %q is not a time_us: %v", jetCursor, err)
	}
	if want := jetTime(t, fx.jet[jetstreamPrefix-1]); stored64 != want {
		t.Errorf("the stored Jetstream cursor is %d; want the last event's time_us %d", stored64, want)
	}
	if len(jq) != 2 {
		t.Fatalf("Jetstream connections %q; want two (before and after the restart)", jq)
	}
	q, err := url.ParseQuery(jq[1])
	if err != nil || q.Get("cursor") != strconv.FormatInt(stored64-5_000_000, 10) || q.Get("wantedCollections") != "app.bsky.feed.post" {
		t.Errorf("the reconnection asked %q; want the stored cursor %d rewound 5 s", jq[1], stored64)
	}
}
