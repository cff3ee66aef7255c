package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands/handlers"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/storage/sqlite"
)

// apiCall is one REST call the fake Discord received.
type apiCall struct {
	Method string
	Path   string // below /api/v9
	Body   map[string]any
	Raw    string
	Status int
	Auth   string
	ID     string // the id of the message the call made
	At     time.Time
	// Parts are a multipart/form-data body's parts, in order (Body then
	// holds payload_json).
	Parts []fakePart
}

// fakeDiscord is Discord's REST API on loopback: it answers the routes
// Herald calls, records every call, and can answer 429 first.
type fakeDiscord struct {
	srv *httptest.Server

	mu       sync.Mutex
	calls    []apiCall
	changed  chan struct{}
	nextID   int
	limit    map[string]int           // "METHOD path prefix" → 429s still to answer
	drop     map[string]int           // "METHOD path prefix" → connections to cut after reading the request
	headers  map[string]string        // extra headers on every answer
	guilds   []guildInfo              // GET /users/@me/guilds
	channels map[string][]channelInfo // guild id → channels
	messages map[string]bool          // channel/message ids Herald posted
	gateway  string                   // the URL GET /gateway answers
	files    map[string][]byte        // CDN: /attachments/… → bytes
	fetches  []apiCall                // CDN requests, with their Authorization
}

func newFakeDiscord(t testing.TB) *fakeDiscord {
	f := &fakeDiscord{changed: make(chan struct{}, 1), limit: map[string]int{}, drop: map[string]int{}, headers: map[string]string{},
		channels: map[string][]channelInfo{}, messages: map[string]bool{}, files: map[string][]byte{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// url is the base to give as Options.APIURL.
func (f *fakeDiscord) url() string { return f.srv.URL + "/api" }

func (f *fakeDiscord) serve(w http.ResponseWriter, r *http.Request) {
	if f.cdn(w, r) {
		return
	}
	raw, _ := io.ReadAll(r.Body)
	path := strings.TrimPrefix(r.URL.Path, "/api/v9")
	c := apiCall{Method: r.Method, Path: path, Raw: string(raw), Auth: r.Header.Get("Authorization"), At: time.Now()}
	if c.Parts = multipartParts(r.Header.Get("Content-Type"), raw); c.Parts != nil {
		raw = c.Parts[0].Body // payload_json comes first
	}
	json.Unmarshal(raw, &c.Body)
	f.mu.Lock()
	for k, v := range f.headers {
		w.Header().Set(k, v)
	}
	for key, n := range f.limit {
		m, prefix, _ := strings.Cut(key, " ")
		if n > 0 && m == r.Method && strings.HasPrefix(path, prefix) {
			f.limit[key]--
			c.Status = http.StatusTooManyRequests
			f.record(c)
			f.mu.Unlock()
			w.Header().Set("Retry-After", "1")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"message":"You are being rate limited.","retry_after":1.0,"global":false}`))
			return
		}
	}
	for key, n := range f.drop {
		m, prefix, _ := strings.Cut(key, " ")
		if n > 0 && m == r.Method && strings.HasPrefix(path, prefix) {
			f.drop[key]--
			f.record(c)
			f.mu.Unlock()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
	}
	status, body := f.route(r.Method, path, c.Body, raw)
	c.Status = status
	if m, ok := body.(map[string]any); ok && r.Method == "POST" {
		c.ID, _ = m["id"].(string)
	}
	f.record(c)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if body != nil {
		json.NewEncoder(w).Encode(body)
	}
}

// record keeps a call; f.mu is held.
func (f *fakeDiscord) record(c apiCall) {
	f.calls = append(f.calls, c)
	select {
	case f.changed <- struct{}{}:
	default:
	}
}

// route answers a call; f.mu is held.
func (f *fakeDiscord) route(method, path string, body map[string]any, raw []byte) (int, any) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case method == "POST" && strings.HasSuffix(path, "/callback"):
		return http.StatusNoContent, nil
	case parts[0] == "webhooks" && method == "DELETE":
		return http.StatusNoContent, nil
	case parts[0] == "webhooks":
		f.nextID++
		return http.StatusOK, map[string]any{"id": strconv.Itoa(9000 + f.nextID)}
	case method == "POST" && len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages":
		f.nextID++
		id := strconv.Itoa(5000 + f.nextID)
		f.messages[parts[1]+"/"+id] = true
		return http.StatusOK, map[string]any{"id": id, "channel_id": parts[1], "nonce": body["nonce"]}
	case method == "PATCH" && len(parts) == 4 && parts[0] == "channels":
		if !f.messages[parts[1]+"/"+parts[3]] {
			return http.StatusNotFound, map[string]any{"message": "Unknown Message", "code": 10008}
		}
		return http.StatusOK, map[string]any{"id": parts[3], "channel_id": parts[1]}
	case method == "GET" && len(parts) == 2 && parts[0] == "channels":
		for _, cs := range f.channels {
			for _, c := range cs {
				if c.ID == parts[1] {
					return http.StatusOK, c
				}
			}
		}
		return http.StatusNotFound, map[string]any{"message": "Unknown Channel", "code": 10003}
	case method == "POST" && path == "/users/@me/channels":
		id, _ := body["recipient_id"].(string)
		return http.StatusOK, map[string]any{"id": "DM" + id, "type": 1, "recipients": []map[string]any{{"id": id}}}
	case method == "GET" && path == "/gateway":
		return http.StatusOK, map[string]any{"url": f.gateway}
	case method == "GET" && path == "/users/@me/guilds":
		return http.StatusOK, f.guilds
	case method == "GET" && len(parts) == 3 && parts[0] == "guilds" && parts[2] == "channels":
		return http.StatusOK, f.channels[parts[1]]
	case method == "PUT" && parts[0] == "applications":
		var cmds []map[string]any
		if err := json.Unmarshal(raw, &cmds); err != nil {
			return http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035}
		}
		for i, c := range cmds {
			c["id"] = strconv.Itoa(3000 + i)
		}
		return http.StatusOK, cmds
	}
	return http.StatusNotFound, map[string]any{"message": "404: Not Found", "code": 0}
}

// wait returns the first call that matches, failing the test after 10 s.
func (f *fakeDiscord) wait(t testing.TB, what string, match func(apiCall) bool) apiCall {
	t.Helper()
	return f.waitFrom(t, 0, what, match)
}

// waitFrom returns the first call from index from on that matches.
func (f *fakeDiscord) waitFrom(t testing.TB, from int, what string, match func(apiCall) bool) apiCall {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		f.mu.Lock()
		for _, c := range f.calls[min(from, len(f.calls)):] {
			if match(c) {
				f.mu.Unlock()
				return c
			}
		}
		f.mu.Unlock()
		select {
		case <-f.changed:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("Discord never received %s; calls:\n%s", what, f.dump())
		}
	}
}

// waitCount waits until n calls match and returns them, in order.
func (f *fakeDiscord) waitCount(t testing.TB, what string, match func(apiCall) bool, n int) []apiCall {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		var got []apiCall
		f.mu.Lock()
		for _, c := range f.calls {
			if match(c) {
				got = append(got, c)
			}
		}
		f.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-f.changed:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("Discord received %d of %d %s; calls:\n%s", len(got), n, what, f.dump())
		}
	}
}

// since returns the calls from index n on, and the count now.
func (f *fakeDiscord) since(n int) ([]apiCall, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiCall(nil), f.calls[n:]...), len(f.calls)
}

func (f *fakeDiscord) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func (f *fakeDiscord) dump() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b strings.Builder
	for _, c := range f.calls {
		fmt.Fprintf(&b, "  %d %s %s %.300s\n", c.Status, c.Method, c.Path, c.Raw)
	}
	return b.String()
}

// testKey is the application's key pair in tests (the brief's vector).
var testKey = ed25519.NewKeyFromSeed([]byte(strings.Repeat("\x07", 32)))

func testPublicKey() string { return hex.EncodeToString(testKey.Public().(ed25519.PublicKey)) }

func testLog(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// harness runs a real router over SQLite behind the adapter, its HTTP
// endpoint on loopback and a fake Discord REST API.
type harness struct {
	t     testing.TB
	fake  *fakeDiscord
	a     *Adapter
	web   *httptest.Server
	store *sqlite.Store
	n     int
}

type harnessOption func(*Options)

func newHarness(t testing.TB, d func(*harness) bot.Dispatcher, opts ...harnessOption) *harness {
	t.Helper()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, fake: newFakeDiscord(t), store: store}
	bs := brands.NewService(store, herald.SystemClock{}, "UTC")
	drafts := approvals.NewService(store, bs, herald.SystemClock{})
	router := handlers.New(kit.Deps{Brands: bs, Approvals: drafts})
	o := Options{BotToken: "test-token", AppID: "100", PublicKey: testPublicKey(), APIURL: h.fake.url(),
		Commands: router.Defs(), Cards: store, Events: store, Lookup: lookup{bs, drafts}, Log: testLog(t),
		Sleep: func(context.Context, time.Duration) error { return nil }}
	for _, f := range opts {
		f(&o)
	}
	h.a, err = New(o)
	if err != nil {
		t.Fatal(err)
	}
	h.web = httptest.NewServer(h.a.Handler())
	t.Cleanup(h.web.Close)
	var disp bot.Dispatcher = router
	if d != nil {
		disp = d(h)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.a.Run(ctx, disp) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	<-h.a.work.Ready()
	return h
}

// sign returns headers signing body at ts with key.
func sign(key ed25519.PrivateKey, ts, body string) http.Header {
	h := http.Header{}
	h.Set(headerSignature, hex.EncodeToString(ed25519.Sign(key, []byte(ts+body))))
	h.Set(headerTimestamp, ts)
	return h
}

// post sends a signed interaction and returns the response.
func (h *harness) post(body string) *http.Response {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.web.URL+PathInteractions, strings.NewReader(body))
	req.Header = sign(testKey, strconv.FormatInt(time.Now().Unix(), 10), body)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 3 * time.Second}).Do(req)
	if err != nil {
		h.t.Fatalf("POST interaction: %v", err)
	}
	return resp
}

// send posts an interaction that must be accepted (202).
func (h *harness) send(it map[string]any) string {
	h.t.Helper()
	h.n++
	id := fmt.Sprintf("%d", 700000+h.n)
	it["id"], it["token"], it["application_id"], it["version"] = id, "tok-"+id, "100", 1
	if _, ok := it["channel_id"]; !ok {
		it["channel_id"] = "C1"
	}
	if _, ok := it["guild_id"]; !ok {
		it["guild_id"] = "G1"
	}
	js, _ := json.Marshal(it)
	resp := h.post(string(js))
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		h.t.Fatalf("interaction %s: %s", js, resp.Status)
	}
	return id
}

// person is a guild member in tests.
type person struct {
	id, name string
	roles    []string
}

var (
	alice  = person{"1001", "alice", nil}
	bob    = person{"1002", "bob", nil}
	claire = person{"1003", "claire", []string{"2001"}} // has the Clients role
)

func (p person) member() map[string]any {
	roles := p.roles
	if roles == nil {
		roles = []string{}
	}
	return map[string]any{"user": map[string]any{"id": p.id, "username": p.name}, "roles": roles}
}

// opt is a command option.
type opt struct {
	name string
	typ  int
	val  any
}

// slashPayload is a /herald interaction for path with options.
func slashPayload(p person, path string, opts ...opt) map[string]any {
	var os []map[string]any
	for _, o := range opts {
		os = append(os, map[string]any{"name": o.name, "type": o.typ, "value": o.val})
	}
	words := strings.Fields(path)
	sub := map[string]any{"name": words[len(words)-1], "type": 1, "options": os}
	top := sub
	if len(words) == 2 {
		top = map[string]any{"name": words[0], "type": 2, "options": []any{sub}}
	}
	return map[string]any{"type": 2, "member": p.member(),
		"data": map[string]any{"id": "1", "name": RootCommand, "type": 1, "options": []any{top},
			"resolved": map[string]any{
				"users": map[string]any{bob.id: map[string]any{"id": bob.id, "username": "bob"}},
				"roles": map[string]any{"2001": map[string]any{"id": "2001", "name": "Clients"}},
			}}}
}

func (h *harness) slash(p person, path string, opts ...opt) string {
	h.t.Helper()
	return h.send(slashPayload(p, path, opts...))
}

// click presses the button with customID on message msgID.
func (h *harness) click(p person, msgID, customID string) string {
	h.t.Helper()
	return h.send(map[string]any{"type": 3, "member": p.member(),
		"message": map[string]any{"id": msgID, "channel_id": "C1"},
		"data":    map[string]any{"custom_id": customID, "component_type": 2}})
}

// submit answers a modal.
func (h *harness) submit(p person, customID string, values map[string]string) string {
	h.t.Helper()
	var rows []any
	for k, v := range values {
		rows = append(rows, map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": k, "value": v}}})
	}
	return h.send(map[string]any{"type": 5, "member": p.member(), "data": map[string]any{"custom_id": customID, "components": rows}})
}

// callbackOf waits for the callback of interaction id.
func (h *harness) callbackOf(id string) apiCall {
	h.t.Helper()
	return h.fake.wait(h.t, "the callback of "+id, func(c apiCall) bool {
		return c.Method == "POST" && strings.HasPrefix(c.Path, "/interactions/"+id+"/") && strings.HasSuffix(c.Path, "/callback")
	})
}

// content returns the callback's message content.
func content(c apiCall) string {
	d, _ := c.Body["data"].(map[string]any)
	s, _ := d["content"].(string)
	return s
}

// lookup is the Lookup of the wiring: brands from brands, drafts from
// approvals.
type lookup struct {
	brands *brands.Service
	drafts *approvals.Service
}

func (l lookup) Brands(ctx context.Context, a herald.Actor) ([]brands.Membership, error) {
	return l.brands.Brands(ctx, a)
}

func (l lookup) List(ctx context.Context, a herald.Actor, ch herald.ChannelRef, brand string, f approvals.DraftFilter) ([]approvals.Draft, map[int64]herald.Brand, error) {
	return l.drafts.List(ctx, a, ch, brand, f)
}
