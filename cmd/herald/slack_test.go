package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
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

	const secret = "s3cret"
	env := map[string]string{
		"HERALD_DATABASE": "sqlite:" + filepath.Join(t.TempDir(), "herald.db"), "HERALD_HTTP_ADDR": "127.0.0.1:0",
		"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": secret, "SLACK_API_URL": api.GetAPIURL(),
	}
	m := NewMain()
	m.Stdout, m.Stderr = io.Discard, io.Discard
	if err := m.ParseFlags(nil, envOf(env)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		m.Close()
	}()

	body := url.Values{"command": {"/herald"}, "text": {"brand add Acme"}, "team_id": {"T1"}, "channel_id": {"C1"},
		"user_id": {"UALICE"}, "user_name": {"alice"}, "response_url": {api.GetAPIURL() + "response"}}.Encode()
	select {
	case <-m.Listening():
	case <-time.After(10 * time.Second):
		t.Fatal("herald run never listened")
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	io.WriteString(mac, "v0:"+ts+":"+body)
	req, _ := http.NewRequest(http.MethodPost, "http://"+m.HTTPAddr+"/slack/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("slash command: %s", resp.Status)
	}
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
