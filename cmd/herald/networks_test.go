package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNetworksConfig: every network's app credentials are read, each
// also from NAME_FILE; HERALD_<NETWORK>_API_URL and _AUTH_URL are read
// and checked; an id without its secret is refused; the doctor names
// the redirect URL.
func TestNetworksConfig(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "li")
	if err := os.WriteFile(secretFile, []byte("li-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"LINKEDIN_CLIENT_ID": "li-id", "LINKEDIN_CLIENT_SECRET_FILE": secretFile,
		"META_APP_ID": "m", "META_APP_SECRET": "ms", "THREADS_APP_ID": "t", "THREADS_APP_SECRET": "ts",
		"X_CLIENT_ID": "x", "X_CLIENT_SECRET": "xs", "TELEGRAM_BOT_TOKEN": "123:abc",
		"HERALD_LINKEDIN_API_URL": "http://127.0.0.1:9/api", "HERALD_LINKEDIN_AUTH_URL": "http://127.0.0.1:9/auth",
		"HERALD_X_API_URL": "https://x.example", "HERALD_PUBLIC_URL": "https://herald.example/",
		"HERALD_META_API_URL": "https://graph.example/v24.0", "HERALD_META_AUTH_URL": "https://www.facebook.example/v24.0",
	}
	c, err := LoadConfig(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	nw := c.Networks
	if nw.LinkedInClientID != "li-id" || nw.LinkedInClientSecret != "li-secret" || nw.MetaAppSecret != "ms" || nw.ThreadsAppID != "t" ||
		nw.XClientSecret != "xs" || nw.TelegramBotToken != "123:abc" {
		t.Errorf("networks = %+v", nw)
	}
	if api, auth := nw.URL("linkedin"); api != "http://127.0.0.1:9/api" || auth != "http://127.0.0.1:9/auth" {
		t.Errorf("linkedin URLs = %q, %q", api, auth)
	}
	if api, auth := nw.URL("meta"); api != "https://graph.example/v24.0" || auth != "https://www.facebook.example/v24.0" {
		t.Errorf("meta URLs = %q, %q", api, auth)
	}
	if api, _ := nw.URL("x"); api != "https://x.example" {
		t.Errorf("x API URL = %q", api)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if got := c.connectStatus(); got != "connect: linkedin, x, facebook, instagram, threads; the redirect URL to register in each app: https://herald.example/oauth/callback" {
		t.Errorf("doctor: %q", got)
	}
	c.PublicURL = ""
	if got := c.connectStatus(); !strings.HasPrefix(got, "warning: connect:") || !strings.Contains(got, "HERALD_PUBLIC_URL") {
		t.Errorf("doctor without HERALD_PUBLIC_URL: %q", got)
	}

	t.Run("ErrHalfAnApp", func(t *testing.T) {
		c, err := LoadConfig(envOf(map[string]string{"LINKEDIN_CLIENT_ID": "li-id", "HERALD_THREADS_AUTH_URL": "ftp://x"}))
		if err != nil {
			t.Fatal(err)
		}
		err = c.Validate()
		if err == nil || !strings.Contains(err.Error(), "LINKEDIN_CLIENT_SECRET") || !strings.Contains(err.Error(), "HERALD_THREADS_AUTH_URL") {
			t.Errorf("Validate = %v", err)
		}
	})
	t.Run("OKXPublicClient", func(t *testing.T) {
		c, err := LoadConfig(envOf(map[string]string{"X_CLIENT_ID": "x"}))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("an X public client (no secret): %v", err)
		}
		c, _ = LoadConfig(envOf(map[string]string{"X_CLIENT_SECRET": "xs"}))
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "X_CLIENT_ID") {
			t.Errorf("a secret without its id: %v", err)
		}
	})
	t.Run("ErrBoth", func(t *testing.T) {
		if _, err := LoadConfig(envOf(map[string]string{"LINKEDIN_CLIENT_SECRET": "a", "LINKEDIN_CLIENT_SECRET_FILE": secretFile})); err == nil {
			t.Error("a secret and its file were both taken")
		}
	})
}
