package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
)

// slackRun is `herald run` with Slack's HTTP endpoints against a fake Web
// API: what it posted (messages and response_url answers) is recorded.
type slackRun struct {
	t      *testing.T
	m      *Main
	db     string
	secret string
	clock  herald.Clock
	api    string // the fake Web API's URL
	n      int

	mu   sync.Mutex
	said []string
}

func startSlackRun(t *testing.T, extra map[string]string, set func(*Main)) *slackRun {
	t.Helper()
	// Commands run one after the other: each waits for the answer to the
	// one before, so Herald's answers are read in order.
	s := &slackRun{t: t, secret: "s3cret", db: filepath.Join(t.TempDir(), "herald.db")}
	record := func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		s.mu.Lock()
		s.said = append(s.said, form.Get("text")+" "+string(body))
		s.mu.Unlock()
		w.Write([]byte(`{"ok":true,"channel":"C1","ts":"1.000001"}`))
	}
	api := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", record)
		c.Handle("/chat.update", record)
		c.Handle("/chat.postEphemeral", record)
		c.Handle("/response", record)
	})
	api.Start()
	t.Cleanup(api.Stop)
	s.api = api.GetAPIURL()
	env := map[string]string{
		"HERALD_DATABASE": "sqlite:" + s.db, "HERALD_HTTP_ADDR": "127.0.0.1:0",
		"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": s.secret, "SLACK_API_URL": api.GetAPIURL(),
	}
	for k, v := range extra {
		env[k] = v
	}
	s.m = NewMain()
	s.m.Stdout, s.m.Stderr = io.Discard, io.Discard
	set(s.m)
	s.clock = s.m.Clock
	if err := s.m.ParseFlags(nil, envOf(env)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		s.m.Close()
	})
	select {
	case <-s.m.Listening():
	case <-time.After(10 * time.Second):
		t.Fatal("herald run never listened")
	}
	return s
}

// command is the body of a slash command typed by alice in C1, with a
// trigger id of its own (as every real one has).
func (s *slackRun) command(text string) string {
	s.n++
	return url.Values{"command": {"/herald"}, "text": {text}, "team_id": {"T1"}, "channel_id": {"C1"},
		"user_id": {"UALICE"}, "user_name": {"alice"}, "trigger_id": {"trig" + strconv.Itoa(s.n)},
		"response_url": {s.api + "response"}}.Encode()
}

// signedRequest signs body with timestamp ts, as Slack does.
func (s *slackRun) signedRequest(path, body string, ts int64) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, "http://"+s.m.HTTPAddr+path, strings.NewReader(body))
	mac := hmac.New(sha256.New, []byte(s.secret))
	fmt.Fprintf(mac, "v0:%d:%s", ts, body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return req
}

// post sends req and returns its status and body.
func (s *slackRun) post(req *http.Request) (int, string) {
	s.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// send types text as a slash command and waits until Herald says want
// (in what it says from then on).
func (s *slackRun) send(text, want string) {
	s.t.Helper()
	from := s.heard()
	if code, _ := s.post(s.signedRequest("/slack/commands", s.command(text), s.clock.Now().Unix())); code != http.StatusOK {
		s.t.Fatalf("%s: status %d", text, code)
	}
	s.wait(from, want)
}

// heard is how many messages Herald has said so far.
func (s *slackRun) heard() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.said)
}

// wait waits until one of Herald's messages after the first from says want.
func (s *slackRun) wait(from int, want string) {
	s.t.Helper()
	waitFor(s.t, "Herald to say "+want, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, m := range s.said[from:] {
			if strings.Contains(m, want) {
				return true
			}
		}
		return false
	}, func() string { s.mu.Lock(); defer s.mu.Unlock(); return strings.Join(s.said, "\n") })
}

// TestSlackEscapedInput drives Main with what Slack sends when the
// manifest sets should_escape: links in angle brackets are read as the
// URLs typed (a feed, a Mastodon instance), and a draft's text reaches
// Mastodon as typed, without Slack's markup.
func TestSlackEscapedInput(t *testing.T) {
	masto := mastodontest.New(mastodontest.WithToken("masto-token"))
	defer masto.Close()
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Acme</title></channel></rss>`)
	}))
	defer feed.Close()
	s := startSlackRun(t, map[string]string{"HERALD_ALLOW_PRIVATE_SOURCES": "true"}, func(m *Main) { m.PublicAddrs = func(ap netip.AddrPort) bool { return ap.Addr().IsLoopback() } })

	// Herald's answer is escaped again for Slack: &amp;amp; would mean
	// the name kept Slack's escapes.
	s.send("brand add Tom &amp; Jerry &lt;3", "Brand Tom &amp; Jerry &lt;3 created")
	s.send("policy none", "no longer need review")
	s.send("source add rss <"+feed.URL+"/feed.xml>", "added source #1")
	s.send("target add mastodon:main <"+masto.URL()+"> --secret masto-token", "mastodon:main is set up")
	s.send("draft Read our story <https://acme.example/spring> &amp; say hi to <@U024BE7LH|bob> in <#C024BE7LR|news> --to mastodon:main", "Draft #1 created")
	s.send("submit 1", "approved")
	s.send("publish 1", "#1")
	ro := openRO(t, s.db)
	waitFor(t, "draft 1 published", func() bool { return ro.draftState(t, 1) == "published" }, func() string { return fmt.Sprint(masto.Statuses()) })
	const want = "Read our story https://acme.example/spring & say hi to @bob in #news"
	waitFor(t, "the status on Mastodon", func() bool { return len(masto.Statuses()) == 1 }, func() string { return fmt.Sprint(masto.Statuses()) })
	if got := masto.Statuses()[0].Text; got != want {
		t.Errorf("Mastodon got %q, want %q", got, want)
	}
}

// TestSlackReplay: the same signed slash command sent three times within
// the signature window runs once (one draft), the replays are answered
// 200 with nothing; after the window the request is refused as stale.
func TestSlackReplay(t *testing.T) {
	clock := testclock.New(time.Now())
	s := startSlackRun(t, nil, func(m *Main) { m.Clock = clock })
	s.send("brand add Acme", "Brand Acme created")
	body := s.command("draft Spring is here")
	ts := clock.Now().Unix()
	from := s.heard()
	for i := range 3 {
		code, answer := s.post(s.signedRequest("/slack/commands", body, ts))
		if code != http.StatusOK || answer != "" {
			t.Fatalf("request %d: %d %q, want 200 and no body", i+1, code, answer)
		}
	}
	s.wait(from, "Draft #1 created")
	// A later command is answered after the replays would have been.
	s.send("brand add Second", "Brand Second created")
	ro := openRO(t, s.db)
	if n := ro.count(t, `SELECT 'all', COUNT(*) FROM drafts`)["all"]; n != 1 {
		t.Errorf("%d drafts from one request sent three times; want 1", n)
	}
	clock.Advance(6 * time.Minute)
	if code, answer := s.post(s.signedRequest("/slack/commands", body, ts)); code != http.StatusUnauthorized || !strings.Contains(answer, "stale") {
		t.Errorf("after the window: %d %q, want 401 stale", code, answer)
	}
}
