package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeDiscordAPI records the REST calls Herald makes and answers them.
type fakeDiscordAPI struct {
	srv     *httptest.Server
	callLog // "METHOD path body"
}

func newFakeDiscordAPI(t *testing.T) *fakeDiscordAPI {
	f := &fakeDiscordAPI{callLog: callLog{got: make(chan struct{}, 100)}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.calls = append(f.calls, r.Method+" "+r.URL.Path+" "+string(body))
		f.mu.Unlock()
		f.got <- struct{}{}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/callback"):
			w.WriteHeader(http.StatusNoContent)
		case r.Method == http.MethodPut:
			w.Write(body)
		default:
			w.Write([]byte(`{"id":"5001","channel_id":"C1"}`))
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// TestRunWithDiscord starts `herald run` with Discord's HTTP interactions
// endpoint configured against a fake REST API, and sends it a signed
// /herald brand add: the wiring from configuration to answer.
func TestRunWithDiscord(t *testing.T) {
	api := newFakeDiscordAPI(t)
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	env := map[string]string{
		"HERALD_DATABASE": "sqlite:" + filepath.Join(t.TempDir(), "herald.db"), "HERALD_HTTP_ADDR": "127.0.0.1:0",
		"DISCORD_BOT_TOKEN": "test-token", "DISCORD_APP_ID": "100",
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(key.Public().(ed25519.PublicKey)), "DISCORD_API_URL": api.srv.URL + "/api",
	}
	m := startReplica(t, env)
	it := map[string]any{"id": "42", "application_id": "100", "type": 2, "token": "tok", "version": 1, "channel_id": "C1", "guild_id": "G1",
		"member": map[string]any{"user": map[string]any{"id": "1001", "username": "alice"}, "roles": []string{}},
		"data": map[string]any{"id": "1", "name": "herald", "type": 1, "options": []any{
			map[string]any{"name": "brand", "type": 2, "options": []any{
				map[string]any{"name": "add", "type": 1, "options": []any{map[string]any{"name": "name", "type": 3, "value": "Acme"}}}}}}}}
	body, _ := json.Marshal(it)
	_, other, _ := ed25519.GenerateKey(nil)
	if status := discordPost(t, m.HTTPAddr, other, string(body)); status != http.StatusUnauthorized {
		t.Errorf("badly signed interaction: %d, want 401", status)
	}
	if status := discordPost(t, m.HTTPAddr, key, string(body)); status != http.StatusAccepted {
		t.Fatalf("interaction: %d", status)
	}
	got := api.waitFor(t, "POST /api/v9/interactions/42/tok/callback")
	if !strings.Contains(got, "Brand Acme created") || !strings.Contains(got, `"allowed_mentions":{"parse":[]}`) {
		t.Errorf("callback = %s", got)
	}
}

// TestDiscordRegister runs `herald discord register --guild 555` against a
// fake REST API: one PUT of the generated commands to the guild.
func TestDiscordRegister(t *testing.T) {
	api := newFakeDiscordAPI(t)
	env := map[string]string{"DISCORD_BOT_TOKEN": "test-token", "DISCORD_APP_ID": "100", "DISCORD_API_URL": api.srv.URL + "/api",
		"HERALD_DATABASE": "sqlite:" + filepath.Join(t.TempDir(), "herald.db")}
	out := MustRunMain(t, env, strings.NewReader(""), "discord", "register", "--guild", "555")
	if !strings.Contains(out, "Registered /herald with Discord in server 555") {
		t.Errorf("output %q", out)
	}
	put := api.waitFor(t, "PUT /api/v9/applications/100/guilds/555/commands")
	if !strings.Contains(put, `"name":"herald"`) || !strings.Contains(put, `"name":"approve"`) {
		t.Errorf("registered %.300s", put)
	}
	t.Run("ErrNoAppID", func(t *testing.T) {
		m := NewMain()
		m.Stdout, m.Stderr = io.Discard, io.Discard
		if err := m.ParseFlags([]string{"discord", "register"}, envOf(map[string]string{"HERALD_DATABASE": env["HERALD_DATABASE"]})); err != nil {
			t.Fatal(err)
		}
		err := m.Run(context.Background())
		m.Close()
		if err == nil || !strings.Contains(err.Error(), "DISCORD_APP_ID") || !strings.Contains(err.Error(), "DISCORD_BOT_TOKEN") {
			t.Errorf("register without settings = %v", err)
		}
	})
}

// TestRunWithDiscordGatewayBadToken: without a public key Herald uses the
// gateway; a token Discord refuses (401 on the gateway lookup, through
// DISCORD_API_URL) stops `herald run` with an error naming the setting.
func TestRunWithDiscordGatewayBadToken(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"message":"401: Unauthorized","code":0}`))
	}))
	defer api.Close()
	m := NewMain()
	m.Stdout, m.Stderr = io.Discard, io.Discard
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + filepath.Join(t.TempDir(), "herald.db"), "HERALD_HTTP_ADDR": "off",
		"DISCORD_BOT_TOKEN": "bad", "DISCORD_APP_ID": "100", "DISCORD_API_URL": api.URL + "/api"}
	if err := m.ParseFlags(nil, envOf(env)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := m.Run(ctx)
	m.Close()
	if err == nil || !strings.Contains(err.Error(), "DISCORD_BOT_TOKEN") {
		t.Errorf("Run = %v, want the token refused", err)
	}
}
