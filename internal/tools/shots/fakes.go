package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// call is one request Herald made to a fake platform API.
type call struct {
	Method, Path string
	Body         string     // the raw body
	Form         url.Values // a form body's values
}

// recorder records the calls a fake receives.
type recorder struct {
	mu    sync.Mutex
	calls []call
	n     int // messages made, for ids
}

func (r *recorder) add(req *http.Request) call {
	body, _ := io.ReadAll(req.Body)
	c := call{Method: req.Method, Path: req.URL.Path, Body: string(body)}
	if strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		c.Form, _ = url.ParseQuery(c.Body)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
	r.n++
	return c
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

// last returns the last call for which ok holds.
func (r *recorder) last(ok func(call) bool) (call, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.calls) - 1; i >= 0; i-- {
		if ok(r.calls[i]) {
			return r.calls[i], true
		}
	}
	return call{}, false
}

// all joins every body received, for finding what Herald answered.
func (r *recorder) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, c := range r.calls {
		b.WriteString(c.Body)
		b.WriteByte('\n')
	}
	return b.String()
}

// settle waits until a call beyond before arrives, then until none has
// arrived for a moment: Herald answers a command after acknowledging it.
func (r *recorder) settle(before int) {
	waitFor(10*time.Second, func() bool { return r.count() > before })
	for n := r.count(); ; n = r.count() {
		time.Sleep(1500 * time.Millisecond) // Slack posts are paced at about one a second
		if r.count() == n {
			return
		}
	}
}

// run sends each step in turn, letting Herald answer one before the next.
func (r *recorder) run(steps []step, send func(int, step) error) error {
	for i, s := range steps {
		before := r.count()
		if err := send(i, s); err != nil {
			return err
		}
		r.settle(before)
	}
	return nil
}

// newFakeSlack serves Slack's Web API methods Herald calls (as the Web API
// answers them) under /api/, and response URLs under /response.
func newFakeSlack(rec *recorder) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		c := rec.add(req)
		w.Header().Set("Content-Type", "application/json")
		method := strings.TrimPrefix(c.Path, "/api/")
		ts := fmt.Sprintf("1765000000.%06d", rec.count())
		switch method {
		case "chat.postMessage", "chat.update":
			ch := c.Form.Get("channel")
			if ts0 := c.Form.Get("ts"); ts0 != "" {
				ts = ts0
			}
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": ch, "ts": ts})
		case "chat.postEphemeral":
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "message_ts": ts})
		case "users.info":
			id := c.Form.Get("user")
			name := strings.ToLower(strings.TrimPrefix(id, "U"))
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "user": map[string]any{"id": id, "name": name, "real_name": name,
				"locale": "en-US", "profile": map[string]any{"display_name": name, "real_name": name}}})
		case "auth.test":
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "user_id": "UHERALD", "bot_id": "BHERALD", "team_id": "T1", "user": "herald"})
		default:
			w.Write([]byte(`{"ok":true}`))
		}
	}))
}

// newFakeDiscord serves Discord's REST API as Herald calls it: messages
// get ids, interaction callbacks 204.
func newFakeDiscord(rec *recorder) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		c := rec.add(req)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(c.Path, "/callback"):
			w.WriteHeader(http.StatusNoContent)
		case c.Method == http.MethodPut:
			w.Write([]byte(c.Body))
		case strings.HasSuffix(c.Path, "/channels"):
			w.Write([]byte(`[{"id":"2002","name":"news","type":0,"guild_id":"3003"},{"id":"2001","name":"general","type":0,"guild_id":"3003"}]`))
		case strings.Contains(c.Path, "/users/@me/guilds"):
			w.Write([]byte(`[{"id":"3003","name":"Acme Agency"}]`))
		default:
			fmt.Fprintf(w, `{"id":"%d","channel_id":"2001"}`, 5000+rec.count())
		}
	}))
}

func (r *recorder) debug() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, c := range r.calls {
		t := c.Form.Get("text")
		if t == "" {
			t = c.Body
		}
		fmt.Fprintf(&b, "%s %s %.200s\n", c.Method, c.Path, t)
	}
	return b.String()
}
