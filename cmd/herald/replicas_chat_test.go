package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/pgtest"
	"github.com/heraldhq/herald/media/s3/s3test"
	"github.com/heraldhq/herald/storage/postgres"
)

// callLog records the calls a fake API receives, for tests to wait on.
type callLog struct {
	mu    sync.Mutex
	calls []string
	got   chan struct{}
}

// waitFor returns the first call containing want, waiting for it.
func (l *callLog) waitFor(t *testing.T, want string) string {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		if c := l.matching(want); len(c) > 0 {
			return c[0]
		}
		select {
		case <-l.got:
		case <-deadline:
			t.Fatalf("never received %q; got %q", want, l.matching(""))
		}
	}
}

// waitCount waits until n calls contain want.
func (l *callLog) waitCount(t *testing.T, want string, n int) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for len(l.matching(want)) < n {
		select {
		case <-l.got:
		case <-deadline:
			t.Fatalf("received %q %d times, not %d; got %q", want, len(l.matching(want)), n, l.matching(""))
		}
	}
}

// matching lists the calls containing want.
func (l *callLog) matching(want string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, c := range l.calls {
		if strings.Contains(c, want) {
			out = append(out, c)
		}
	}
	return out
}

// fakeSlackAPI records the Web API calls of every replica
// ("method channel ts text"): each posted message gets its own ts.
type fakeSlackAPI struct {
	srv *slacktest.Server
	callLog
}

func newFakeSlackAPI(t *testing.T) *fakeSlackAPI {
	f := &fakeSlackAPI{callLog: callLog{got: make(chan struct{}, 100)}}
	record := func(method string) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			f.mu.Lock()
			ts := r.Form.Get("ts")
			if ts == "" {
				ts = fmt.Sprintf("1.%06d", len(f.calls)+1)
			}
			f.calls = append(f.calls, strings.Join([]string{method, r.Form.Get("channel"), ts, r.Form.Get("text")}, " "))
			f.mu.Unlock()
			select {
			case f.got <- struct{}{}:
			default: // 100 wake-ups pending already
			}
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": r.Form.Get("channel"), "ts": ts})
		}
	}
	f.srv = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", record("post"))
		c.Handle("/chat.update", record("update"))
	})
	f.srv.Start()
	t.Cleanup(f.srv.Stop)
	return f
}

// startReplica runs `herald run` with env until the test ends, and
// returns it once it listens.
func startReplica(t *testing.T, env map[string]string) *Main {
	t.Helper()
	m := NewMain()
	m.Stdout, m.Stderr = io.Discard, io.Discard
	if err := m.ParseFlags(nil, envOf(env)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		m.Close()
	})
	select {
	case <-m.Listening():
	case err := <-done:
		done <- err
		t.Fatalf("herald run stopped: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("herald run never listened")
	}
	return m
}

// replicaProc is a `herald run` child process, at addr.
type replicaProc struct {
	addr string
	cmd  *exec.Cmd
}

// startReplicaProcess runs `herald run` with env in a child process (this
// test binary, as crash_test.go does) until the test ends or kill, and
// returns it once it answers /healthz.
func startReplicaProcess(t *testing.T, env map[string]string) *replicaProc {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "run")
	cmd.Env = append(os.Environ(), "HERALD_CRASH_CHILD=1", "HERALD_HTTP_ADDR="+addr)
	for k, v := range env {
		if k != "HERALD_HTTP_ADDR" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return &replicaProc{addr: addr, cmd: cmd}
			}
		}
		select {
		case <-exited:
			t.Fatalf("herald run exited: %s", stderr.String())
		case <-time.After(50 * time.Millisecond): // the child starts
		}
		if time.Now().After(deadline) {
			t.Fatalf("herald run never answered on %s: %s", addr, stderr.String())
		}
	}
}

const testSlackSecret = "s3cret"

// slackPost sends a body signed as Slack would to the Herald at addr.
func slackPost(t *testing.T, addr, path, contentType, body string, header http.Header) {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(testSlackSecret))
	io.WriteString(mac, "v0:"+ts+":"+body)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+path, strings.NewReader(body))
	maps.Copy(req.Header, header)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s on %s: %s", path, addr, resp.Status)
	}
}

func slackSlash(t *testing.T, addr, text string) {
	t.Helper()
	body := url.Values{"command": {"/herald"}, "text": {text}, "team_id": {"T1"}, "channel_id": {"C1"},
		"user_id": {"UALICE"}, "user_name": {"alice"}}.Encode()
	slackPost(t, addr, "/slack/commands", "application/x-www-form-urlencoded", body, nil)
}

// TestReplicasChat runs three Heralds on one PostgreSQL database, sharing an
// S3-compatible media store: A with Slack, B and C with Slack and Discord
// (Discord's HTTP interactions). A Slack event retried to another replica
// is answered once; a Discord interaction sent to two replicas is answered
// once; a click on replica A updates the Slack card B posted, and the
// card's Discord copy (A has no Discord) is updated once, by B or C,
// through the database, and still once by C when B has been SIGKILLed; a
// fourth replica with a local media directory is refused.
func TestReplicasChat(t *testing.T) {
	db := pgtest.Database(t)
	s3srv := s3test.New("AKIAHERALD", "s3cr3t", "media")
	t.Cleanup(s3srv.Close)
	slack := newFakeSlackAPI(t)
	discordAPI := newFakeDiscordAPI(t)
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	env := map[string]string{
		"HERALD_DATABASE": db, "HERALD_HTTP_ADDR": "127.0.0.1:0", "HERALD_LOG_LEVEL": "error",
		"HERALD_MEDIA": "s3://media/herald?endpoint=" + s3srv.URL, "AWS_ACCESS_KEY_ID": "AKIAHERALD", "AWS_SECRET_ACCESS_KEY": "s3cr3t",
		"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": testSlackSecret, "SLACK_API_URL": slack.srv.GetAPIURL(),
	}
	withDiscord := maps.Clone(env)
	maps.Copy(withDiscord, map[string]string{"DISCORD_BOT_TOKEN": "test-token", "DISCORD_APP_ID": "100",
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(key.Public().(ed25519.PublicKey)), "DISCORD_API_URL": discordAPI.srv.URL + "/api"})
	store, err := postgres.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	a := startReplicaProcess(t, env).addr
	b := startReplicaProcess(t, withDiscord)
	c := startReplicaProcess(t, withDiscord).addr

	t.Run("SlackEventRetryOnce", func(t *testing.T) {
		ev := `{"type":"event_callback","event_id":"Ev42","event":{"type":"app_mention","channel":"C1","user":"UBOB","ts":"9.000001"}}`
		slackPost(t, a, "/slack/events", "application/json", ev, nil)
		slack.waitFor(t, "Hi <@UBOB>")
		// Slack retries (a new timestamp, so a new signature) on another replica.
		slackPost(t, b.addr, "/slack/events", "application/json", ev, http.Header{"X-Slack-Retry-Num": {"1"}, "X-Slack-Retry-Reason": {"http_timeout"}})
		slackSlash(t, b.addr, "help") // a marker: posted after the retry was handled
		slack.waitFor(t, "post C1 ")
		waitQuiet(slack.got)
		if got := slack.matching("Hi <@UBOB>"); len(got) != 1 {
			t.Errorf("the mention was answered %d times across the replicas: %q", len(got), got)
		}
	})
	t.Run("DiscordInteractionOnce", func(t *testing.T) {
		it := `{"id":"77","application_id":"100","type":2,"token":"tok77","version":1,"channel_id":"C9","guild_id":"G1",` +
			`"member":{"user":{"id":"1001","username":"alice"},"roles":[]},"data":{"id":"1","name":"herald","type":1,"options":[` +
			`{"name":"brand","type":2,"options":[{"name":"add","type":1,"options":[{"name":"name","type":3,"value":"Globex"}]}]}]}}`
		for _, addr := range []string{b.addr, c} {
			if status := discordPost(t, addr, key, it); status != http.StatusAccepted {
				t.Fatalf("interaction on %s: %d", addr, status)
			}
		}
		discordAPI.waitFor(t, "POST /api/v9/interactions/77/tok77/callback")
		waitQuiet(discordAPI.got)
		if n := len(discordAPI.matching("/interactions/77/")); n != 1 {
			t.Errorf("the interaction was answered %d times across the replicas; want once", n)
		}
	})
	t.Run("OKDoctor", func(t *testing.T) {
		out, err := runMain(env, "doctor")
		if err != nil || !strings.Contains(out, "replicas: 3 serving: ") || strings.Count(out, "(s3://media/herald, since ") != 3 || !strings.Contains(out, "so doctor did not migrate") {
			t.Errorf("doctor beside three replicas: %v\n%s", err, out)
		}
		local := maps.Clone(env)
		local["HERALD_MEDIA"] = "file:" + t.TempDir()
		if _, err := runMain(local, "doctor"); err == nil || !strings.Contains(err.Error(), "could not join them") {
			t.Errorf("doctor of a configuration with a local media directory beside replicas = %v; want it to say it could not join", err)
		}
	})
	t.Run("ClickOnAUpdatesCardsOfB", func(t *testing.T) {
		slackSlash(t, b.addr, "brand add Acme")
		slack.waitFor(t, "Brand Acme created")
		slackSlash(t, b.addr, `draft "Hello from replica B"`)
		posted := strings.Fields(lastMatching(t, &slack.callLog, "Draft #1")) // the card, posted by B
		// The card's Discord copy, as B's Discord adapter would have recorded it.
		if err := store.SaveCardRef(t.Context(), "draft:1", herald.MessageRef{Channel: herald.ChannelRef{Platform: "discord", Workspace: "G1", Channel: "C9"}, MessageID: "5009"}, time.Now()); err != nil {
			t.Fatal(err)
		}
		slackClick(t, a, "herald.run.submit", "submit 1")
		slack.waitFor(t, "update C1 "+posted[2])
		discordAPI.waitFor(t, "PATCH /api/v9/channels/C9/messages/5009")
		waitQuiet(discordAPI.got)
		if n := len(discordAPI.matching("PATCH /api/v9/channels/C9/messages/5009")); n != 1 {
			t.Errorf("the Discord copy was updated %d times; want once", n)
		}
	})
	t.Run("KilledReplicaLeaves", func(t *testing.T) {
		const patch = "PATCH /api/v9/channels/C9/messages/5009"
		before := len(discordAPI.matching(patch))
		if err := b.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(15 * time.Second)
		for {
			rs, err := store.Replicas(t.Context())
			if err == nil && len(rs) == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("15 s after B was killed the replicas are %+v (%v); want A and C", rs, err)
			}
			time.Sleep(50 * time.Millisecond) // PostgreSQL notices the closed connection
		}
		slackClick(t, a, "herald.run.cancel", "cancel 1")
		discordAPI.waitCount(t, patch, before+1) // by C, the Discord replica left
		waitQuiet(discordAPI.got)
		if n := len(discordAPI.matching(patch)) - before; n != 1 {
			t.Errorf("after B was killed the Discord copy was updated %d times; want once", n)
		}
	})
	t.Run("ErrLocalMediaRefused", func(t *testing.T) {
		local := maps.Clone(env)
		local["HERALD_MEDIA"] = "file:" + t.TempDir()
		_, err := runMain(local, "run")
		if err == nil || !strings.Contains(err.Error(), "local media directory") || !strings.Contains(err.Error(), "HERALD_MEDIA=s3://") {
			t.Errorf("a replica with a local media directory = %v; want refused, asking for S3", err)
		}
	})
}

// waitQuiet waits until nothing arrives on got for a moment: what a
// duplicate would have sent by then has arrived.
func waitQuiet(got chan struct{}) {
	for {
		select {
		case <-got:
		case <-time.After(500 * time.Millisecond):
			return
		}
	}
}

func lastMatching(t *testing.T, f *callLog, want string) string {
	t.Helper()
	f.waitFor(t, want)
	c := f.matching(want)
	return c[len(c)-1]
}

func slackClick(t *testing.T, addr, actionID, value string) {
	t.Helper()
	cb := map[string]any{
		"type": "block_actions", "trigger_id": "trig1",
		"user": map[string]string{"id": "UALICE", "name": "alice"}, "team": map[string]string{"id": "T1"},
		"channel": map[string]string{"id": "C1"},
		"actions": []map[string]any{{"action_id": actionID, "block_id": "draft:1.actions", "value": value, "type": "button",
			"text": map[string]string{"type": "plain_text", "text": "Submit"}}},
	}
	js, _ := json.Marshal(cb)
	slackPost(t, addr, "/slack/interactivity", "application/x-www-form-urlencoded", url.Values{"payload": {string(js)}}.Encode(), nil)
}

// discordPost sends an interaction signed with key to the Herald at addr
// and returns the answer's status.
func discordPost(t *testing.T, addr string, key ed25519.PrivateKey, body string) int {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/discord/interactions", strings.NewReader(body))
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, append([]byte(ts), body...))))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
