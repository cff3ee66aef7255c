// Package discordwebhook publishes posts to a Discord channel through an
// incoming webhook: POST {webhook URL}?wait=true, no bot needed. Mentions
// are never parsed (allowed_mentions: {"parse": []}), so a post cannot
// ping @everyone.
//
// The webhook URL (https://discord.com/api/webhooks/{id}/{token}) is the
// account, and its token is a secret: it never appears in an error or a
// log. Executing a webhook takes no nonce, so a post whose outcome is
// unknown cannot be sent again safely: it is not a publish.Deduplicator.
package discordwebhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish"
)

// MaxChars is the longest message content Discord takes, in characters.
const MaxChars = 2000

var (
	_ publish.Publisher  = (*Publisher)(nil)
	_ publish.Validator  = (*Publisher)(nil)
	_ publish.Configurer = (*Publisher)(nil)
)

// Publisher executes Discord webhooks. It is safe for concurrent use.
type Publisher struct {
	client *http.Client
	clock  herald.Clock
}

// New returns a Publisher that sends with client (nil: a guarded httpx.New client, 30 s
// timeout) and reads the time from clock (nil: the system clock). Redirects
// are not followed (httpx.NoRedirect).
func New(client *http.Client, clock herald.Clock) *Publisher {
	if clock == nil {
		clock = herald.SystemClock{}
	}
	return &Publisher{client: httpx.NoRedirect(client), clock: clock}
}

// message is the part of Discord's message object Herald reads.
type message struct {
	ID        string `json:"id"`
	ChannelID string `json:"channel_id"`
	GuildID   string `json:"guild_id"`
}

type allowedMentions struct {
	Parse []string `json:"parse"`
}

// Publish posts p.Text to the webhook in p.Account.URL, with p.Media as
// attachments (multipart/form-data: payload_json naming each file and its
// alt text, then files[n], streamed), and returns the message id, with a
// link when Discord names the server (guild).
func (p *Publisher) Publish(ctx context.Context, post publish.Post) (publish.Receipt, error) {
	u, err := parse(post.Account.URL)
	if err != nil {
		return publish.Receipt{}, publish.Rejectedf("%s", herald.ErrorMessage(err))
	}
	q := u.Query()
	q.Set("wait", "true") // answer with the message, not 204
	u.RawQuery = q.Encode()
	b, contentType, length, done, err := body(ctx, post)
	if err != nil {
		return publish.Receipt{}, err
	}
	defer done()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), b)
	if err != nil {
		return publish.Receipt{}, publish.Rejectedf("the Discord webhook URL is not usable")
	}
	req.ContentLength = length
	req.GetBody = nil // every attempt is one the Scheduler recorded
	req.Header.Set("Content-Type", contentType)
	resp, err := publish.Do(p.client, req)
	if err != nil {
		return publish.Receipt{}, err
	}
	var raw bytes.Buffer
	resp.Body = readCloser{io.TeeReader(resp.Body, &raw), resp.Body}
	answer, err := publish.Read(resp, p.clock.Now())
	if err != nil {
		return publish.Receipt{}, explain(resp.StatusCode, raw.Bytes(), err)
	}
	var m message
	if err := json.Unmarshal(answer, &m); err != nil || m.ID == "" {
		return publish.Receipt{}, publish.AmbiguousError(errors.New("Discord answered success without a message id; the post was probably made"))
	}
	r := publish.Receipt{ID: m.ID}
	if m.GuildID != "" && m.ChannelID != "" && httpx.MayShow(resp) { // else an internal service's words
		r.URL = "https://discord.com/channels/" + m.GuildID + "/" + m.ChannelID + "/" + m.ID
	}
	return r, nil
}

// explain rewords a refusal for people and reads Discord's retry_after
// when the Retry-After header is missing; other failures pass unchanged.
func explain(code int, body []byte, err error) error {
	e := publish.Classify(err)
	switch e.Outcome {
	case publish.Transient:
		if e.RetryAfter == 0 && code == http.StatusTooManyRequests {
			var limit struct {
				RetryAfter float64 `json:"retry_after"`
			}
			if json.Unmarshal(body, &limit) == nil && limit.RetryAfter > 0 && limit.RetryAfter < 24*3600 {
				return publish.TransientError(e.Err, time.Duration(limit.RetryAfter*float64(time.Second)))
			}
		}
		return err
	case publish.Rejected:
	default:
		return err
	}
	var msg string
	switch {
	case code == http.StatusNotFound:
		msg = "the Discord webhook no longer exists (deleted?); create a new one and update the target"
	case code == http.StatusUnauthorized:
		msg = "Discord refused the webhook's token (401): the webhook was reset or its URL is wrong; update the target"
	case code >= 300 && code < 400:
		msg = fmt.Sprintf("the Discord webhook URL redirects elsewhere (%d); copy it again from Discord", code)
	default:
		msg = "Discord refused the post: " + e.Message
	}
	return &publish.Error{Outcome: publish.Rejected, Message: msg, Err: err}
}

type readCloser struct {
	io.Reader
	io.Closer
}

// Validate refuses blank text and text longer than MaxChars characters
// (code points); text is never cut.
func (p *Publisher) Validate(_ publish.Account, text string) error {
	if strings.TrimSpace(text) == "" {
		return herald.Errorf(herald.EINVALID, "A Discord message needs some text.")
	}
	if n := utf8.RuneCountInString(text); n > MaxChars {
		return herald.Errorf(herald.EINVALID, "A Discord message is limited to %d characters; this one has %d.", MaxChars, n)
	}
	return nil
}

// CheckAccount requires a webhook URL: http(s), any host, a path ending in
// /webhooks/{numeric id}/{token}, no fragment (a query such as thread_id
// is kept). Its messages never repeat the URL.
func (p *Publisher) CheckAccount(a publish.Account) error {
	_, err := parse(a.URL)
	return err
}

const example = "copy it from Discord (channel settings → Integrations → Webhooks → Copy Webhook URL); it looks like https://discord.com/api/webhooks/123456789012345678/…"

func parse(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, herald.Errorf(herald.EINVALID, "A Discord webhook target needs the webhook URL: %s.", example)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || u.User != nil || u.Fragment != "" {
		return nil, herald.Errorf(herald.EINVALID, "That is not a Discord webhook URL: %s.", example)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	parts := strings.Split(u.Path, "/")
	if len(parts) < 4 || parts[len(parts)-3] != "webhooks" || !isID(parts[len(parts)-2]) || !isToken(parts[len(parts)-1]) {
		return nil, herald.Errorf(herald.EINVALID, "That is not a Discord webhook URL (it must end in /webhooks/ID/TOKEN): %s.", example)
	}
	return u, nil
}

// isID reports whether s is a snowflake: 1 to 20 digits.
func isID(s string) bool {
	return len(s) > 0 && len(s) <= 20 && strings.Trim(s, "0123456789") == ""
}

// isToken reports whether s is a webhook token: letters, digits, - and _.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
