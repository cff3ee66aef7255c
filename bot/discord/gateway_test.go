package discord

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/heraldhq/herald/commands/handlers"
	"github.com/heraldhq/herald/commands/kit"
)

// fakeGateway speaks enough of Discord's gateway protocol for a session:
// HELLO, then IDENTIFY → READY (or a close code), then the events the
// test sends.
type fakeGateway struct {
	srv      *httptest.Server
	identify chan map[string]any
	events   chan string
	close    int // when set, IDENTIFY is answered with this close code
}

func newFakeGateway(t *testing.T, closeCode int) *fakeGateway {
	g := &fakeGateway{identify: make(chan map[string]any, 1), events: make(chan string, 10), close: closeCode}
	up := websocket.Upgrader{}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.WriteJSON(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}})
		var id map[string]any
		if err := c.ReadJSON(&id); err != nil {
			return
		}
		g.identify <- id
		if g.close != 0 {
			c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(g.close, "Authentication failed."))
			time.Sleep(50 * time.Millisecond)
			return
		}
		c.WriteJSON(map[string]any{"op": 0, "t": "READY", "s": 1, "d": map[string]any{
			"v": 9, "session_id": "s1", "user": map[string]any{"id": "100", "username": "herald", "bot": true}, "guilds": []any{}}})
		seq := 2
		go func() { // keep reading (heartbeats) until the client leaves
			for {
				if _, _, err := c.ReadMessage(); err != nil {
					return
				}
			}
		}()
		for {
			select {
			case ev := <-g.events:
				c.WriteMessage(websocket.TextMessage, []byte(`{"op":0,"t":"INTERACTION_CREATE","s":`+itoa(seq)+`,"d":`+ev+`}`))
				seq++
			case <-r.Context().Done():
				return
			case <-time.After(10 * time.Second):
				return
			}
		}
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func gatewayHarness(t *testing.T, closeCode int) (*fakeDiscord, *fakeGateway, *Adapter) {
	f := newFakeDiscord(t)
	g := newFakeGateway(t, closeCode)
	f.gateway = "ws" + strings.TrimPrefix(g.srv.URL, "http")
	a, err := New(Options{BotToken: "test-token", AppID: "100", APIURL: f.url(), Commands: handlers.New(kit.Deps{}).Defs(), Log: testLog(t)})
	if err != nil {
		t.Fatal(err)
	}
	return f, g, a
}

// TestGateway: without a public key the adapter connects to the gateway
// (through DISCORD_API_URL for the gateway's address), identifies with the
// bot token, and answers an interaction that arrives there through the
// REST callback.
func TestGateway(t *testing.T) {
	f, g, a := gatewayHarness(t, 0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, &countingDispatcher{}) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	select {
	case id := <-g.identify:
		d, _ := id["d"].(map[string]any)
		if id["op"] != 2.0 || d["token"] != "Bot test-token" {
			t.Errorf("identify = %v", id)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the adapter never identified")
	}
	g.events <- `{"id":"55","application_id":"100","type":2,"token":"gw-tok","version":1,"channel_id":"C1","guild_id":"G1",` +
		`"member":{"user":{"id":"1001","username":"alice"},"roles":[]},"data":{"id":"1","name":"herald","type":1,"options":[{"name":"help","type":1}]}}`
	c := f.wait(t, "the callback", func(c apiCall) bool { return c.Path == "/interactions/55/gw-tok/callback" })
	if typ, _ := c.Body["type"].(float64); typ != callbackMessage || content(c) != "ok" {
		t.Errorf("callback = %s", c.Raw)
	}
}

// TestGatewayBadToken: a token Discord refuses ends Run with an error
// naming the setting, instead of reconnecting forever.
func TestGatewayBadToken(t *testing.T) {
	_, _, a := gatewayHarness(t, 4004)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := a.Run(ctx, &countingDispatcher{})
	if err == nil || !strings.Contains(err.Error(), "DISCORD_BOT_TOKEN") {
		t.Errorf("Run = %v, want the token refused", err)
	}
}

// TestGatewayDialer: the gateway websocket takes no proxy from the
// environment and dials through internal/httpx.
func TestGatewayDialer(t *testing.T) {
	d := gatewayDialer()
	if d.Proxy != nil || d.NetDialContext == nil {
		t.Errorf("gateway dialer: proxy set %v, own dial %v; want no proxy, httpx's dial", d.Proxy != nil, d.NetDialContext != nil)
	}
}
