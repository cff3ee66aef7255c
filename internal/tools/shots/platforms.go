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
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// step is one command of a platform session: who types it, and the
// command line (Slack) or the /herald options (Discord).
type step struct {
	user string
	text string
	opts []any // Discord: the /herald options
}

// slackSession runs `herald run` with Slack's HTTP endpoints against a fake
// Web API, types the review and the listening set-up as signed slash
// commands, posts a mention, and returns the draft and mention cards as
// Block Kit pages.
func slackSession(ctx context.Context, bin, tmp string) ([]page, error) {
	rec := &recorder{}
	api := newFakeSlack(rec)
	defer api.Close()
	const secret = "shots-signing-secret"
	in, err := start(ctx, bin, filepath.Join(tmp, "slack"), map[string]string{"SLACK_BOT_TOKEN": "xoxb-shots",
		"SLACK_SIGNING_SECRET": secret, "SLACK_API_URL": api.URL + "/api/"}, "run")
	if err != nil {
		return nil, err
	}
	defer in.stop()
	steps := []step{
		{user: "UALICE", text: "brand add Acme"},
		{user: "UALICE", text: `policy "team:1 client:1"`},
		{user: "UALICE", text: "role <@UCAROL|carol> approver"},
		{user: "UALICE", text: "role <@UDAVE|dave> client"},
		{user: "UALICE", text: `draft "` + draftText + `" --to slack:#news --at "tomorrow 9:00"`},
		{user: "UALICE", text: "submit 1"},
		{user: "UCAROL", text: "approve 1"},
		{user: "UALICE", text: "watch add acme"},
		{user: "UALICE", text: "source add webhook"},
	}
	if err := rec.run(steps, func(_ int, s step) error { return slackCommand(in.addr, secret, api.URL, s) }); err != nil {
		return nil, err
	}
	return cardPages("slack", in, rec, func(c call) string { return c.Form.Get("blocks") }, slackPage)
}

// cardPages posts the mention and returns the pages of the platform's
// draft card and mention card: pick finds a message's JSON in a call,
// render makes its page.
func cardPages(platform string, in *instance, rec *recorder, pick func(call) string, render func(string) string) ([]page, error) {
	draft, mention, err := cards(in, rec, pick)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", platform, err)
	}
	return []page{
		{name: platform + "-draft", json: draft, html: render(draft)},
		{name: platform + "-mention", json: mention, html: render(mention)},
	}, nil
}

// cards posts the mention and returns the last draft card and the mention
// card Herald sent, as the JSON blocks picks out of a call.
func cards(in *instance, rec *recorder, blocks func(call) string) (draft, mention string, err error) {
	before := rec.count()
	if err := in.postMention(rec.all()); err != nil {
		return "", "", err
	}
	rec.settle(before)
	d, ok := rec.last(func(c call) bool { return strings.Contains(blocks(c), "Draft #1") })
	if !ok {
		return "", "", fmt.Errorf("no draft card among %d calls", rec.count())
	}
	m, ok := rec.last(func(c call) bool { return strings.Contains(blocks(c), "Lyon on Monday") })
	if !ok {
		return "", "", fmt.Errorf("no mention card among %d calls: %s", rec.count(), rec.debug())
	}
	return indent(blocks(d)), indent(blocks(m)), nil
}

func indent(s string) string {
	var b bytes.Buffer
	if json.Indent(&b, []byte(s), "", "  ") != nil {
		return s
	}
	return b.String()
}

// slackCommand sends one signed slash command, as Slack does.
func slackCommand(addr, secret, apiURL string, s step) error {
	body := url.Values{"command": {"/herald"}, "text": {s.text}, "team_id": {"T1"}, "channel_id": {"CGENERAL"},
		"channel_name": {"general"}, "user_id": {s.user}, "user_name": {strings.ToLower(s.user[1:])},
		"response_url": {apiURL + "/response"}, "trigger_id": {"shots.trigger"}}.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	io.WriteString(mac, "v0:"+ts+":"+body)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return expect(req, s.text)
}

// expect sends req and wants a 2xx answer.
func expect(req *http.Request, what string) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("%s: %s %s", what, resp.Status, b)
	}
	return nil
}

// Discord's option types (application command option type).
const (
	optSub     = 1
	optGroup   = 2
	optString  = 3
	optInteger = 4
	optMention = 9
)

func sub(name string, opts ...any) map[string]any {
	return map[string]any{"name": name, "type": optSub, "options": opts}
}

func group(name string, subs ...any) map[string]any {
	return map[string]any{"name": name, "type": optGroup, "options": subs}
}

func opt(name string, typ int, v any) map[string]any {
	return map[string]any{"name": name, "type": typ, "value": v}
}

// discordUsers are the people of the Discord session, by id.
var discordUsers = map[string]string{"1001": "alice", "1002": "carol", "1003": "dave"}

// discordSession is slackSession on Discord's interactions endpoint: the
// same review and set-up as signed /herald interactions, the cards as
// embed pages.
func discordSession(ctx context.Context, bin, tmp string) ([]page, error) {
	rec := &recorder{}
	api := newFakeDiscord(rec)
	defer api.Close()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{42}, ed25519.SeedSize))
	in, err := start(ctx, bin, filepath.Join(tmp, "discord"), map[string]string{"DISCORD_BOT_TOKEN": "shots-token",
		"DISCORD_APP_ID": "100", "DISCORD_PUBLIC_KEY": hex.EncodeToString(key.Public().(ed25519.PublicKey)),
		"DISCORD_API_URL": api.URL + "/api"}, "run")
	if err != nil {
		return nil, err
	}
	defer in.stop()
	steps := []step{
		{user: "1001", opts: []any{group("brand", sub("add", opt("name", optString, "Acme")))}},
		{user: "1001", opts: []any{sub("policy", opt("policy", optString, "team:1 client:1"))}},
		{user: "1001", opts: []any{sub("role", opt("user", optMention, "1002"), opt("role", optString, "approver"))}},
		{user: "1001", opts: []any{sub("role", opt("user", optMention, "1003"), opt("role", optString, "client"))}},
		{user: "1001", opts: []any{sub("draft", opt("text", optString, draftText), opt("to", optString, "discord:#news"),
			opt("at", optString, "tomorrow 9:00"))}},
		{user: "1001", opts: []any{sub("submit", opt("id", optInteger, 1))}},
		{user: "1002", opts: []any{sub("approve", opt("id", optInteger, 1))}},
		{user: "1001", opts: []any{group("watch", sub("add", opt("query", optString, "acme")))}},
		{user: "1001", opts: []any{group("source", sub("add", opt("kind", optString, "webhook")))}},
	}
	if err := rec.run(steps, func(i int, s step) error { return discordCommand(in.addr, key, i, s) }); err != nil {
		return nil, err
	}
	return cardPages("discord", in, rec, discordMessage, discordPage)
}

// discordMessage is the message a call sends: a channel message's body,
// or an interaction callback's data.
func discordMessage(c call) string {
	if !strings.HasSuffix(c.Path, "/callback") {
		if strings.Contains(c.Path, "/messages") {
			return c.Body
		}
		return ""
	}
	var cb struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal([]byte(c.Body), &cb) != nil {
		return ""
	}
	return string(cb.Data)
}

// discordCommand sends one signed /herald interaction, as Discord does.
func discordCommand(addr string, key ed25519.PrivateKey, n int, s step) error {
	users := map[string]any{}
	for id, name := range discordUsers {
		users[id] = map[string]any{"id": id, "username": name, "global_name": name}
	}
	it := map[string]any{"id": strconv.Itoa(9000 + n), "application_id": "100", "type": 2, "token": "tok" + strconv.Itoa(n),
		"version": 1, "channel_id": "2001", "guild_id": "3003", "locale": "en-US",
		"channel": map[string]any{"id": "2001", "name": "general", "type": 0},
		"member":  map[string]any{"user": users[s.user], "roles": []string{}},
		"data": map[string]any{"id": "1", "name": "herald", "type": 1, "options": s.opts,
			"resolved": map[string]any{"users": users}}}
	body, _ := json.Marshal(it)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/discord/interactions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, append([]byte(ts), body...))))
	return expect(req, fmt.Sprint(s.opts))
}
