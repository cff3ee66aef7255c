package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/handlers"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/storage/sqlite"
)

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// apiCall is one Web API call the fake Slack received.
type apiCall struct {
	Method   string
	Channel  string
	TS       string
	ThreadTS string
	User     string
	Text     string
	Body     string // blocks, view or webhook JSON
	Metadata string // chat.postMessage metadata JSON
}

// fakeSlack is Slack's Web API on loopback (slacktest, with recording
// handlers for the methods Herald calls) plus response_url endpoints.
type fakeSlack struct {
	srv *slacktest.Server

	mu      sync.Mutex
	calls   []apiCall
	changed chan struct{}
	nextTS  int
	limit   map[string]int    // method → 429s still to answer
	files   fakeFiles         // files: downloads, files.info, the external upload flow
	locales map[string]string // user id → users.info locale ("en-US" when absent)
}

func newFakeSlack(t testing.TB) *fakeSlack {
	f := &fakeSlack{changed: make(chan struct{}, 1), limit: map[string]int{}, locales: map[string]string{}}
	f.srv = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", f.formHandler("chat.postMessage"))
		c.Handle("/chat.update", f.formHandler("chat.update"))
		c.Handle("/chat.postEphemeral", f.formHandler("chat.postEphemeral"))
		c.Handle("/views.open", f.jsonHandler("views.open"))
		c.Handle("/response/", f.jsonHandler("response_url"))
		f.files.handle(c, f)
		c.Handle("/users.info", f.usersInfo)
	})
	f.srv.Start()
	t.Cleanup(f.srv.Stop)
	go func() {
		for range f.srv.SeenFeed { // unbuffered: keep it drained
		}
	}()
	return f
}

func (f *fakeSlack) record(c apiCall) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	select {
	case f.changed <- struct{}{}:
	default:
	}
}

func (f *fakeSlack) limited(method string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.limit[method] > 0 {
		f.limit[method]--
		return true
	}
	return false
}

func (f *fakeSlack) formHandler(method string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if f.limited(method) {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		r.ParseForm()
		c := apiCall{Method: method, Channel: r.Form.Get("channel"), TS: r.Form.Get("ts"), ThreadTS: r.Form.Get("thread_ts"),
			User: r.Form.Get("user"), Text: r.Form.Get("text"), Body: r.Form.Get("blocks"), Metadata: r.Form.Get("metadata")}
		if method == "chat.postMessage" {
			f.mu.Lock()
			f.nextTS++
			c.TS = fmt.Sprintf("1700000000.%06d", f.nextTS)
			f.mu.Unlock()
		}
		f.record(c)
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": c.Channel, "ts": c.TS, "message_ts": c.TS})
	}
}

// usersInfo answers users.info as Slack does, with the user's locale
// when include_locale is true; the call is recorded with include_locale
// in Text.
func (f *fakeSlack) usersInfo(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	user := r.Form.Get("user")
	f.record(apiCall{Method: "users.info", User: user, Text: r.Form.Get("include_locale")})
	f.mu.Lock()
	locale, ok := f.locales[user]
	f.mu.Unlock()
	if !ok {
		locale = "en-US"
	}
	u := map[string]any{"id": user, "name": strings.ToLower(user), "tz": "Europe/Paris"}
	if r.Form.Get("include_locale") == "true" {
		u["locale"] = locale
	}
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "user": u})
}

func (f *fakeSlack) jsonHandler(method string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.record(apiCall{Method: method, Body: string(body)})
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "view": map[string]any{"id": "V1"}})
	}
}

// wait returns the first call (from index from on) that matches, failing
// the test after 10 s.
func (f *fakeSlack) wait(t *testing.T, what string, match func(apiCall) bool) apiCall {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		f.mu.Lock()
		for _, c := range f.calls {
			if match(c) {
				f.mu.Unlock()
				return c
			}
		}
		f.mu.Unlock()
		select {
		case <-f.changed:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("Slack never received %s; calls:\n%s", what, f.dump())
		}
	}
}

func (f *fakeSlack) count(match func(apiCall) bool) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if match(c) {
			n++
		}
	}
	return n
}

func (f *fakeSlack) dump() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b strings.Builder
	for _, c := range f.calls {
		fmt.Fprintf(&b, "  %s ch=%s ts=%s thread=%s text=%.120q\n", c.Method, c.Channel, c.TS, c.ThreadTS, c.Text)
	}
	return b.String()
}

// harness runs a real router over SQLite behind the Slack adapter.
type harness struct {
	t     testing.TB
	fake  *fakeSlack
	a     *Adapter
	web   *httptest.Server
	store *sqlite.Store
	n     int
}

func newHarness(t testing.TB, socket bool, d func(*sqlite.Store) bot.Dispatcher) *harness {
	t.Helper()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, fake: newFakeSlack(t), store: store}
	o := Options{BotToken: "xoxb-test", SigningSecret: testSecret, APIURL: h.fake.srv.GetAPIURL(), Cards: store, Events: store, PostInterval: time.Millisecond, Log: testLog(t)}
	if socket {
		o.AppToken = "xapp-test"
	}
	h.a = New(o)
	h.web = httptest.NewServer(h.a.Handler())
	t.Cleanup(h.web.Close)
	if d == nil {
		d = func(s *sqlite.Store) bot.Dispatcher {
			bs := brands.NewService(s, herald.SystemClock{}, "UTC")
			return handlers.New(kit.Deps{Brands: bs, Approvals: approvals.NewService(s, bs, herald.SystemClock{})})
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.a.Run(ctx, d(store)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	<-h.a.work.Ready()
	return h
}

// signedBody posts a signed body and returns the answer's body.
func (h *harness) signedBody(path, contentType, body string) string {
	h.t.Helper()
	resp := h.signed(path, contentType, body, nil)
	return resp.Header.Get("X-Test-Body")
}

// request builds a POST of body to path, signed now as Slack signs.
func (h *harness) request(path, contentType, body string) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, h.web.URL+path, strings.NewReader(body))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(testSecret))
	io.WriteString(mac, "v0:"+ts+":"+body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return req
}

// signed posts a body to path as Slack would, signed now. The answer's
// body is returned in the X-Test-Body header of the response.
func (h *harness) signed(path, contentType, body string, header http.Header) *http.Response {
	h.t.Helper()
	req := h.request(path, contentType, body)
	for k, v := range header {
		req.Header[k] = v
	}
	client := &http.Client{Timeout: 3 * time.Second} // Slack's acknowledgement limit
	resp, err := client.Do(req)
	if err != nil {
		h.t.Fatalf("POST %s: %v", path, err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		h.t.Fatalf("POST %s: %s", path, resp.Status)
	}
	resp.Header.Set("X-Test-Body", string(got))
	return resp
}

var people = map[string]string{"alice": "UALICE", "bob": "UBOB", "carol": "UCAROL", "dave": "UDAVE"}

// slash sends /herald text as name, over HTTP or Socket Mode.
func (h *harness) slash(name, text string, socket bool) {
	h.t.Helper()
	h.n++
	f := url.Values{"command": {"/herald"}, "text": {text}, "team_id": {"T1"}, "channel_id": {"C1"},
		"user_id": {people[name]}, "user_name": {name}, "trigger_id": {"trig" + strconv.Itoa(h.n)},
		"response_url": {h.fake.srv.GetAPIURL() + "response/" + strconv.Itoa(h.n)}}
	if !socket {
		h.signed("/slack/commands", "application/x-www-form-urlencoded", f.Encode(), nil)
		return
	}
	payload := map[string]string{}
	for k := range f {
		payload[k] = f.Get(k)
	}
	h.envelope("slash_commands", payload)
}

// click presses a button of a card as name.
func (h *harness) click(name, actionID, value string, socket bool) {
	h.t.Helper()
	h.n++
	cb := map[string]any{
		"type": "block_actions", "trigger_id": "trig" + strconv.Itoa(h.n),
		"user": map[string]string{"id": people[name], "name": name}, "team": map[string]string{"id": "T1"},
		"channel":      map[string]string{"id": "C1"},
		"response_url": h.fake.srv.GetAPIURL() + "response/" + strconv.Itoa(h.n),
		"actions":      []map[string]any{{"action_id": actionID, "block_id": "draft:1.actions", "value": value, "type": "button", "text": map[string]string{"type": "plain_text", "text": "Approve"}}},
	}
	if socket {
		h.envelope("interactive", cb)
		return
	}
	js, _ := json.Marshal(cb)
	h.signed("/slack/interactivity", "application/x-www-form-urlencoded", url.Values{"payload": {string(js)}}.Encode(), nil)
}

// envelope sends a Socket Mode envelope and waits for its acknowledgement.
func (h *harness) envelope(typ string, payload any) {
	h.t.Helper()
	h.n++
	id := "env-" + strconv.Itoa(h.n)
	js, _ := json.Marshal(map[string]any{"envelope_id": id, "type": typ, "accepts_response_payload": true, "payload": payload})
	h.fake.srv.SendToWebsocket(string(js))
	deadline := time.Now().Add(3 * time.Second) // Slack's acknowledgement limit
	for time.Now().Before(deadline) {
		for _, m := range h.fake.srv.GetSeenInboundMessages() {
			if strings.Contains(m, `"envelope_id":"`+id+`"`) {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	h.t.Fatalf("envelope %s was not acknowledged within 3 s", id)
}

func isCardPost(c apiCall) bool {
	return c.Method == "chat.postMessage" && strings.Contains(c.Body, `"type":"header"`) && strings.Contains(c.Body, "Draft #1")
}

// runApprovalFlow drives draft → submit → approve (team) → approve (client)
// with slash commands and a button click, and checks that the one card in
// the channel is updated in place after each step.
func runApprovalFlow(t *testing.T, socket bool) {
	h := newHarness(t, socket, nil)
	if socket {
		waitConnected(t, h)
	}
	f := h.fake
	h.slash("alice", "brand add Acme", socket)
	f.wait(t, "the brand confirmation", func(c apiCall) bool { return strings.Contains(c.Text, "Brand Acme created") })
	h.slash("alice", `policy "team:1 client:1"`, socket)
	for who, role := range map[string]string{"bob": "editor", "carol": "approver", "dave": "client"} {
		h.slash("alice", fmt.Sprintf("role <@%s|%s> %s", people[who], who, role), socket)
		f.wait(t, who+"'s role", func(c apiCall) bool { return strings.Contains(c.Text, who+" is now "+role) })
	}
	h.slash("bob", "draft Our new store opens Monday! &amp; more", socket)
	card := f.wait(t, "the draft card", isCardPost)
	f.wait(t, "the thread reply", func(c apiCall) bool { return c.ThreadTS == card.TS && strings.Contains(c.Text, "Draft #1 created") })

	steps := []struct {
		act   func()
		state string
	}{
		{func() { h.slash("bob", "submit 1", socket) }, "team 0/1"},
		{func() { h.click("carol", ActionRun+"approve", "approve 1 --rev 1", socket) }, "team 1/1, client 0/1"},
		{func() { h.slash("dave", "approve 1", socket) }, "approved"},
	}
	for _, s := range steps {
		s.act()
		f.wait(t, "the card updated to "+s.state, func(c apiCall) bool {
			return c.Method == "chat.update" && c.Channel == "C1" && c.TS == card.TS && strings.Contains(c.Body, s.state)
		})
	}
	if n := f.count(isCardPost); n != 1 {
		t.Errorf("the card was posted %d times; want once, then updated in place:\n%s", n, f.dump())
	}
	// Slack sent "&amp;" for the "&" bob typed; the card shows it escaped
	// once again for Slack, so it reads as "&" there.
	if !strings.Contains(card.Text, "Our new store opens Monday! &amp; more") || strings.Contains(card.Text, "&amp;amp;") {
		t.Errorf("the card's text is not the draft's, escaped once for Slack: %.300s", card.Text)
	}
	// Refusals go to the actor alone, through the response_url.
	h.slash("bob", "approve 1", socket)
	f.wait(t, "the refusal", func(c apiCall) bool {
		return c.Method == "response_url" && strings.Contains(c.Body, "ephemeral") && strings.Contains(c.Body, "already approved")
	})
}

func TestApprovalFlowHTTP(t *testing.T)   { runApprovalFlow(t, false) }
func TestApprovalFlowSocket(t *testing.T) { runApprovalFlow(t, true) }

func waitConnected(t *testing.T, h *harness) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if h.a.connected() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("socket mode never connected")
}

// slowDispatcher blocks every command until released.
type slowDispatcher struct{ release chan struct{} }

func (s slowDispatcher) Dispatch(ctx context.Context, c commands.Call) commands.Response {
	select {
	case <-s.release:
	case <-ctx.Done():
	}
	return commands.Response{Text: "done: " + c.Text}
}

func TestAckBeforeSlowWork(t *testing.T) {
	release := make(chan struct{})
	h := newHarness(t, false, func(*sqlite.Store) bot.Dispatcher { return slowDispatcher{release} })
	start := time.Now()
	h.slash("alice", "ai a slow brief", false) // returns only after the ack: within 3 s or it fails
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("acknowledged after %v", d)
	}
	if n := h.fake.count(func(c apiCall) bool { return c.Method != "users.info" }); n != 0 {
		t.Fatalf("the answer came before the work was done")
	}
	close(release) // the 10-second work ends now
	h.fake.wait(t, "the late answer", func(c apiCall) bool { return strings.Contains(c.Text, "done: ai a slow brief") })
}

func TestEventRetriesHandledOnce(t *testing.T) {
	h := newHarness(t, false, nil)
	ev := `{"type":"event_callback","team_id":"T1","event_id":"Ev42","event":{"type":"app_mention","channel":"C1","user":"UALICE","ts":"1.000001","text":"<@UBOT> hi"}}`
	h.signed("/slack/events", "application/json", ev, nil)
	h.signed("/slack/events", "application/json", ev, http.Header{"X-Slack-Retry-Num": {"1"}, "X-Slack-Retry-Reason": {"http_timeout"}})
	h.signed("/slack/events", "application/json", ev, http.Header{"X-Slack-Retry-Num": {"2"}})
	h.fake.wait(t, "the help reply", func(c apiCall) bool { return c.ThreadTS == "1.000001" && strings.Contains(c.Text, "/herald help") })
	// Let the retries' handling finish, then count.
	h.a.work.Wait()
	if n := h.fake.count(func(c apiCall) bool { return c.Method == "chat.postMessage" }); n != 1 {
		t.Errorf("%d replies to one mention sent three times; want 1", n)
	}
}

func TestURLVerification(t *testing.T) {
	h := newHarness(t, false, nil)
	body := `{"type":"url_verification","challenge":"abc123"}`
	resp, err := http.Post(h.web.URL+"/slack/events", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an unsigned challenge got %s; want 401", resp.Status)
	}
	if got := h.signedBody("/slack/events", "application/json", body); got != "abc123" {
		t.Errorf("signed challenge answered %q; want abc123", got)
	}
}

func TestRateLimitedPostDelayedThenDelivered(t *testing.T) {
	h := newHarness(t, false, nil)
	ft := &fakeTime{now: time.Now()}
	h.a.poster.Sleep, h.a.poster.Now = ft.sleep, ft.Now
	h.fake.limit["chat.postMessage"] = 1
	h.slash("alice", "brand add Acme", false)
	h.fake.wait(t, "the answer, after the 429", func(c apiCall) bool { return strings.Contains(c.Text, "Brand Acme created") })
	if len(ft.slept) == 0 || ft.slept[0] < time.Second {
		t.Errorf("waits %v; want the 429's Retry-After (1 s) first", ft.slept)
	}
}

// TestSocketReconnects sends Slack's refresh_requested disconnect: the
// adapter opens a new connection (slacktest keeps writing to the first
// socket, so the traffic after it is covered by the flow tests, not here).
func TestSocketReconnects(t *testing.T) {
	h := newHarness(t, true, nil)
	waitConnected(t, h)
	h.fake.srv.SendToWebsocket(`{"type":"disconnect","reason":"refresh_requested","debug_info":{"host":"test"}}`)
	deadline := time.Now().Add(10 * time.Second)
	for h.a.dials.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("no new connection after refresh_requested")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// testLog sends the adapter's logs to the test's log when -v is given.
func testLog(t testing.TB) *slog.Logger {
	if !testing.Verbose() {
		return nil
	}
	return slog.New(slog.NewTextHandler(tlogWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tlogWriter struct{ t testing.TB }

func (w tlogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// TestSocketDialer: the Socket Mode websocket takes no proxy from the
// environment and dials through internal/httpx.
func TestSocketDialer(t *testing.T) {
	d := socketDialer()
	if d.Proxy != nil || d.NetDialContext == nil {
		t.Errorf("socket dialer: proxy set %v, own dial %v; want no proxy, httpx's dial", d.Proxy != nil, d.NetDialContext != nil)
	}
}
