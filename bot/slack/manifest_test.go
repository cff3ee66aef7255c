package slack

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/heraldhq/herald"
	slackapi "github.com/slack-go/slack"
	"go.yaml.in/yaml/v3"
)

// updateManifest rewrites testdata/manifest-*.golden.yaml:
//
//	go test ./bot/slack -run Manifest -update-manifest
var updateManifestFlag = flag.Bool("update-manifest", false, "rewrite testdata/manifest-*.golden.yaml")

func updateManifest() bool { return *updateManifestFlag }

var wantScopes = []string{"commands", "chat:write", "chat:write.public", "app_mentions:read", "users:read", "channels:read", "groups:read", "im:write", "files:read", "files:write"}

// mustManifest returns the manifest for o, raw and parsed back into slack-go's types.
func mustManifest(tb testing.TB, o ManifestOptions) ([]byte, slackapi.Manifest) {
	tb.Helper()
	y, err := Manifest(o)
	if err != nil {
		tb.Fatalf("Manifest(%+v): %v", o, err)
	}
	var m slackapi.Manifest
	dec := yaml.NewDecoder(bytes.NewReader(y))
	dec.KnownFields(true) // every key Herald writes is one slack-go knows
	if err := dec.Decode(&m); err != nil {
		tb.Fatalf("parsing the manifest back: %v\n%s", err, y)
	}
	return y, m
}

func TestManifest(t *testing.T) {
	for _, tc := range []struct {
		name, golden string
		o            ManifestOptions
		base         string // "" for Socket Mode
	}{
		{"OKSocketMode", "manifest-socket.golden.yaml", ManifestOptions{}, ""},
		{"OKHTTPMode", "manifest-http.golden.yaml", ManifestOptions{PublicURL: "https://herald.example.com/"}, "https://herald.example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y, m := mustManifest(t, tc.o)
			url := func(path string) string {
				if tc.base == "" {
					return ""
				}
				return tc.base + path
			}

			want := slackapi.Manifest{
				Metadata: slackapi.ManifestMetadata{MajorVersion: 1, MinorVersion: 1},
				Display:  m.Display, // checked below
				Features: slackapi.Features{
					BotUser: slackapi.BotUser{DisplayName: "herald", AlwaysOnline: true},
					SlashCommands: []slackapi.ManifestSlashCommand{{
						Command:      "/herald",
						Description:  "Drafts, approvals and publishing",
						UsageHint:    "help | draft TEXT | approve ID | ...",
						ShouldEscape: true,
						Url:          url("/slack/commands"),
					}},
				},
				OAuthConfig: slackapi.OAuthConfig{Scopes: slackapi.OAuthScopes{Bot: wantScopes}},
				Settings: slackapi.Settings{
					EventSubscriptions: &slackapi.EventSubscriptions{RequestUrl: url("/slack/events"), BotEvents: []string{"app_mention"}},
					Interactivity:      &slackapi.Interactivity{IsEnabled: true, RequestUrl: url("/slack/interactivity")},
					SocketModeEnabled:  tc.base == "",
				},
			}
			if diff := cmp.Diff(want, m); diff != "" {
				t.Errorf("manifest (-want +got):\n%s\n%s", diff, y)
			}
			if m.Display.Name != "Herald" || m.Display.Description == "" || !strings.HasPrefix(m.Display.BackgroundColor, "#") {
				t.Errorf("display_information = %+v", m.Display)
			}

			// The booleans slack-go would omit are written out.
			var raw struct {
				Settings map[string]any `yaml:"settings"`
			}
			if err := yaml.Unmarshal(y, &raw); err != nil {
				t.Fatal(err)
			}
			for key, wantOn := range map[string]bool{"socket_mode_enabled": tc.base == "", "org_deploy_enabled": false, "token_rotation_enabled": false} {
				if got, ok := raw.Settings[key]; !ok || got != wantOn {
					t.Errorf("settings.%s = %v (present %v), want %v", key, got, ok, wantOn)
				}
			}
			if tc.base == "" && strings.Contains(string(y), "url:") {
				t.Errorf("Socket Mode manifest has a request URL:\n%s", y)
			}

			golden := filepath.Join("testdata", tc.golden)
			if updateManifest() {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, y, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			g, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(g), string(y)); diff != "" {
				t.Errorf("%s differs (-golden +got; run with -update if intended):\n%s", golden, diff)
			}
		})
	}

	t.Run("OKNameAndURLForms", func(t *testing.T) {
		for in, base := range map[string]string{
			"http://localhost:8080":                "http://localhost:8080",
			"https://example.com/herald//":         "https://example.com/herald",
			"  https://herald.example.com  ":       "https://herald.example.com",
			"HTTPS://Herald.Example.com/slack-app": "HTTPS://Herald.Example.com/slack-app",
		} {
			_, m := mustManifest(t, ManifestOptions{Name: "Acme Desk", PublicURL: in})
			if m.Display.Name != "Acme Desk" {
				t.Errorf("name = %q", m.Display.Name)
			}
			if got := m.Features.SlashCommands[0].Url; got != base+"/slack/commands" {
				t.Errorf("%q: command url %q, want %q", in, got, base+"/slack/commands")
			}
			if m.Settings.SocketModeEnabled {
				t.Errorf("%q: socket_mode_enabled in HTTP mode", in)
			}
		}
	})

	t.Run("OKScopesAreMinimal", func(t *testing.T) {
		_, m := mustManifest(t, ManifestOptions{})
		for _, s := range m.OAuthConfig.Scopes.Bot {
			if strings.HasSuffix(s, ":history") {
				t.Errorf("scope %s reads message history; Herald does not need it", s)
			}
		}
		if !slices.Equal(m.OAuthConfig.Scopes.Bot, wantScopes) || len(m.OAuthConfig.Scopes.User) != 0 {
			t.Errorf("scopes = %+v", m.OAuthConfig.Scopes)
		}
	})

	for _, bad := range []string{
		"herald.example.com",
		"ftp://herald.example.com",
		"https://",
		"https:///slack",
		"https://:443",
		"https:herald.example.com",
		"https://user:pw@herald.example.com",
		"https://herald.example.com/?x=1",
		"https://herald.example.com/#top",
		"https://herald example.com",
		"://herald.example.com",
		"/slack",
	} {
		t.Run("ErrBadPublicURL", func(t *testing.T) {
			y, err := Manifest(ManifestOptions{PublicURL: bad})
			if herald.ErrorCode(err) != herald.EINVALID {
				t.Fatalf("Manifest(%q) = %v, %v; want an EINVALID error", bad, string(y), err)
			}
			if y != nil {
				t.Errorf("Manifest(%q) returned a manifest with its error", bad)
			}
		})
	}
	t.Run("ErrNameTooLong", func(t *testing.T) {
		if _, err := Manifest(ManifestOptions{Name: strings.Repeat("x", 36)}); herald.ErrorCode(err) != herald.EINVALID {
			t.Fatalf("got %v, want EINVALID", err)
		}
	})
}
