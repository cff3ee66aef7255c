package slack

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	slackapi "github.com/slack-go/slack"
	"go.yaml.in/yaml/v3"
)

// ManifestOptions says how the Slack app will reach Herald.
type ManifestOptions struct {
	Name      string // app name; "Herald" when empty
	PublicURL string // https://herald.example.com: HTTP mode; empty: Socket Mode
}

// The HTTP paths Herald serves Slack on (see Adapter.Handler).
const (
	pathCommands      = "/slack/commands"
	pathEvents        = "/slack/events"
	pathInteractivity = "/slack/interactivity"
)

// maxAppName is Slack's limit on display_information.name.
const maxAppName = 35

// botScopes are the bot token scopes Herald asks for, and why. Nothing
// else: Herald reads no channel history and no user's messages.
var botScopes = []string{
	"commands",          // the /herald slash command
	"chat:write",        // post cards and replies, update them in place (chat.postMessage, chat.update)
	"chat:write.public", // post to public channels (routed mentions, published posts) without being invited first
	"app_mentions:read", // receive the app_mention event when someone writes @herald
	"users:read",        // resolve user ids to display names for cards and the audit log
	"channels:read",     // resolve public channel names (#marketing) to ids for targets and routing
	"groups:read",       // the same for private channels Herald was invited to
	"im:write",          // open a DM with a reviewer to ask for an approval or report a failure (conversations.open)
	"files:read",        // download the pictures and videos people attach in Herald's forms (file_input, files.info)
	"files:write",       // publish posts with media to channels (files.getUploadURLExternal, files.completeUploadExternal)
}

// Manifest returns the app manifest (YAML) an admin pastes into
// api.slack.com/apps → Create New App → From a manifest.
//
// Without PublicURL the app uses Socket Mode and the manifest has no
// request URLs; with it (http:// or https:// and a host, a trailing slash
// ignored) Slack posts to PublicURL + /slack/commands, /slack/events and
// /slack/interactivity. A bad PublicURL or Name is an EINVALID error.
func Manifest(o ManifestOptions) ([]byte, error) {
	name := strings.TrimSpace(o.Name)
	if name == "" {
		name = "Herald"
	}
	if utf8.RuneCountInString(name) > maxAppName {
		return nil, herald.Errorf(herald.EINVALID, "The Slack app name %q is too long; Slack allows %d characters.", name, maxAppName)
	}
	base, err := publicBase(o.PublicURL)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := doc.Encode(buildManifest(name, base)); err != nil {
		return nil, herald.Internal(err)
	}
	// slack-go tags these booleans omitempty; state them all so the admin
	// sees the mode, and Slack gets no default it might change.
	setFlags(mappingValue(&doc, "settings"), []manifestFlag{
		{"org_deploy_enabled", false},
		{"socket_mode_enabled", base == ""},
		{"token_rotation_enabled", false},
	})
	doc.HeadComment = manifestComment(name, base)

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, herald.Internal(err)
	}
	if err := enc.Close(); err != nil {
		return nil, herald.Internal(err)
	}
	return buf.Bytes(), nil
}

// buildManifest fills slack-go's manifest types. base is the public URL
// without a trailing slash, or "" for Socket Mode.
func buildManifest(name, base string) slackapi.Manifest {
	at := func(path string) string {
		if base == "" {
			return ""
		}
		return base + path
	}
	return slackapi.Manifest{
		Metadata: slackapi.ManifestMetadata{MajorVersion: 1, MinorVersion: 1},
		Display: slackapi.Display{
			Name:            name,
			Description:     "Brand listening, drafts, approvals and scheduled publishing, from chat.",
			BackgroundColor: "#1f2937",
		},
		Features: slackapi.Features{
			BotUser: slackapi.BotUser{DisplayName: "herald", AlwaysOnline: true},
			SlashCommands: []slackapi.ManifestSlashCommand{{
				Command:     "/herald",
				Description: "Drafts, approvals and publishing",
				UsageHint:   "help | draft TEXT | approve ID | ...",
				// Escaped, user mentions arrive as <@U123|name>, which
				// Herald's parser reads (e.g. /herald role @bob approver).
				ShouldEscape: true,
				Url:          at(pathCommands),
			}},
		},
		OAuthConfig: slackapi.OAuthConfig{
			Scopes: slackapi.OAuthScopes{Bot: append([]string(nil), botScopes...)},
		},
		Settings: slackapi.Settings{
			EventSubscriptions: &slackapi.EventSubscriptions{
				RequestUrl: at(pathEvents),
				BotEvents:  []string{"app_mention"},
			},
			Interactivity: &slackapi.Interactivity{
				IsEnabled:  true,
				RequestUrl: at(pathInteractivity),
			},
			SocketModeEnabled: base == "",
		},
	}
}

// publicBase checks PublicURL and returns it without trailing slashes; ""
// stays "" (Socket Mode).
func publicBase(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" ||
		u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", herald.Errorf(herald.EINVALID,
			"The public URL %q is not an http(s) URL with a host and no query, such as https://herald.example.com.", raw)
	}
	return strings.TrimRight(raw, "/"), nil
}

func manifestComment(name, base string) string {
	lines := []string{
		"Slack app manifest for " + name + ".",
		"Paste it at https://api.slack.com/apps → Create New App → From a manifest,",
		"install the app, then give Herald its Bot User OAuth Token as SLACK_BOT_TOKEN",
	}
	if base == "" {
		lines = append(lines,
			"and, from Basic Information → App-Level Tokens, a token with the",
			"connections:write scope as SLACK_APP_TOKEN (Socket Mode: no public URL needed).")
	} else {
		lines = append(lines,
			"and, from Basic Information, the Signing Secret as SLACK_SIGNING_SECRET.",
			"Slack will call "+base+pathCommands+", "+pathEvents+" and "+pathInteractivity+".")
	}
	return strings.Join(lines, "\n")
}

// mappingValue returns the value of key in the document's top mapping, or nil.
func mappingValue(doc *yaml.Node, key string) *yaml.Node {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// manifestFlag is one boolean setting written out explicitly.
type manifestFlag struct {
	key string
	on  bool
}

// setFlags removes the flags' keys from mapping m and appends them, in
// order, with their values.
func setFlags(m *yaml.Node, flags []manifestFlag) {
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	isFlag := map[string]bool{}
	for _, f := range flags {
		isFlag[f.key] = true
	}
	kept := m.Content[:0:0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !isFlag[m.Content[i].Value] {
			kept = append(kept, m.Content[i], m.Content[i+1])
		}
	}
	for _, f := range flags {
		kept = append(kept,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: f.key},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(f.on)},
		)
	}
	m.Content = kept
}
