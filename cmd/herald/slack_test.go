package main

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"
)

// TestRunWithSlack starts `herald run` with Slack's HTTP endpoints
// configured against a fake Web API, and sends it a signed slash command:
// the wiring from configuration to answer.
func TestRunWithSlack(t *testing.T) {
	var mu sync.Mutex
	var posted []string
	got := make(chan struct{}, 10)
	api := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			mu.Lock()
			posted = append(posted, r.Form.Get("text"))
			mu.Unlock()
			got <- struct{}{}
			w.Write([]byte(`{"ok":true,"channel":"C1","ts":"1.000001"}`))
		})
	})
	api.Start()
	defer api.Stop()

	env := map[string]string{
		"HERALD_DATABASE": "sqlite:" + filepath.Join(t.TempDir(), "herald.db"), "HERALD_HTTP_ADDR": "127.0.0.1:0",
		"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": testSlackSecret, "SLACK_API_URL": api.GetAPIURL(),
	}
	m := startReplica(t, env)
	body := url.Values{"command": {"/herald"}, "text": {"brand add Acme"}, "team_id": {"T1"}, "channel_id": {"C1"},
		"user_id": {"UALICE"}, "user_name": {"alice"}, "response_url": {api.GetAPIURL() + "response"}}.Encode()
	slackPost(t, m.HTTPAddr, "/slack/commands", "application/x-www-form-urlencoded", body, nil)
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("no answer posted to Slack")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posted) == 0 || !strings.Contains(posted[0], "Brand Acme created") {
		t.Errorf("posted %q", posted)
	}
}
