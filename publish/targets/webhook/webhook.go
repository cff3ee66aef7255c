// Package webhook delivers posts to a generic webhook (Zapier, Make, n8n,
// a receiver of your own) as signed JSON.
//
// Each delivery is POST {URL} with this body:
//
//	{
//	  "id":       "<the post's idempotency key>",
//	  "draft_id": 42,
//	  "revision": 3,
//	  "brand":    "Acme",
//	  "target":   "webhook:zapier",
//	  "text":     "We launch on Monday!",
//	  "due_at":   "2026-11-22T09:00:00Z",
//	  "sent_at":  "2026-11-22T09:00:04Z",
//	  "media": [{
//	    "url":         "https://herald.example.com/media/<signed token>",
//	    "expires_at":  "2026-11-23T09:00:04Z",
//	    "sha256":      "<hex SHA-256 of the bytes at url>",
//	    "type":        "image/jpeg",
//	    "size":        412000,
//	    "width":       1080,
//	    "height":      1350,
//	    "duration_ms": 0,
//	    "name":        "photo.jpg",
//	    "alt":         "A crowd at the store opening"
//	  }]
//	}
//
// "media" lists the approved revision's pictures and videos in order
// (absent when there are none). Herald does not send their bytes: the
// receiver fetches each from its signed "url" before "expires_at" (a link
// Herald serves when HERALD_PUBLIC_URL is set; without it "url" and
// "expires_at" are absent) and may check the bytes against "sha256".
//
// and these headers:
//
//	Content-Type:        application/json
//	Idempotency-Key:     <the same as "id">
//	X-Herald-Timestamp:  <Unix seconds when it was sent>
//	X-Herald-Signature:  sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret>
//
// A receiver checks the signature over the raw body bytes before parsing
// them (Verify does it), refuses old timestamps to stop replays, and
// ignores an "id" it has seen: Herald sends a post again, with the same
// id, when a delivery failed in a way that may or may not have arrived
// and someone decides to retry. Herald cannot know whether a receiver
// honours the id, so it never retries blindly.
//
// A 2xx answer is a delivery; its body may be JSON with "id" and "url"
// (a receipt for people; the link only from a public address, see
// httpx.MayShow). 429 and 5xx are retried; other codes are refusals,
// whose message is shown (likewise only from a public address).
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish"
)

// The headers a delivery is signed with.
const (
	HeaderTimestamp = "X-Herald-Timestamp"
	HeaderSignature = "X-Herald-Signature"
)

// MinSecret is the shortest signing secret CheckAccount accepts.
const MinSecret = 16

// DefaultMaxAge is the timestamp window Verify uses when given none.
const DefaultMaxAge = 5 * time.Minute

var (
	_ publish.Publisher  = (*Publisher)(nil)
	_ publish.Configurer = (*Publisher)(nil)
)

// Payload is the JSON body of a delivery.
type Payload struct {
	ID       string    `json:"id"` // the post's idempotency key, the same on every attempt
	DraftID  int64     `json:"draft_id"`
	Revision int       `json:"revision"`
	Brand    string    `json:"brand"`  // the brand's name
	Target   string    `json:"target"` // e.g. "webhook:zapier"
	Text     string    `json:"text"`
	DueAt    time.Time `json:"due_at"`  // when the post was scheduled, UTC
	SentAt   time.Time `json:"sent_at"` // when this attempt was sent, UTC, whole seconds
	Media    []Media   `json:"media,omitempty"`
}

// Media is one picture or video of a delivery, to be fetched from URL.
type Media struct {
	URL        string     `json:"url,omitempty"`        // signed, expiring link; absent without a public address
	ExpiresAt  *time.Time `json:"expires_at,omitempty"` // when URL stops working, UTC
	SHA256     string     `json:"sha256"`               // hex SHA-256 of the bytes at URL
	Type       string     `json:"type"`                 // image/jpeg, image/png, image/gif, image/webp, video/mp4, video/quicktime
	Size       int64      `json:"size"`                 // bytes
	Width      int        `json:"width"`                // pixels
	Height     int        `json:"height"`               // pixels
	DurationMS int64      `json:"duration_ms"`          // videos; 0 for pictures
	Name       string     `json:"name"`                 // the file name people gave it
	Alt        string     `json:"alt"`                  // alt text; "" when none was written
}

// mediaOf lists post's media as the payload carries them.
func mediaOf(ms []publish.Media) []Media {
	var out []Media
	for _, m := range ms {
		it := Media{URL: m.Link, SHA256: m.SHA256, Type: m.Type, Size: m.Size, Width: m.Width, Height: m.Height,
			DurationMS: m.Duration.Milliseconds(), Name: m.Name, Alt: m.Alt}
		if m.Link != "" && !m.Expires.IsZero() {
			exp := m.Expires.UTC()
			it.ExpiresAt = &exp
		}
		out = append(out, it)
	}
	return out
}

// Publisher delivers posts to webhooks. It is safe for concurrent use.
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

// Publish delivers post to post.Account.URL, signed with its Secret.
func (p *Publisher) Publish(ctx context.Context, post publish.Post) (publish.Receipt, error) {
	if err := p.CheckAccount(post.Account); err != nil {
		return publish.Receipt{}, publish.Rejectedf("%s", herald.ErrorMessage(err))
	}
	now := p.clock.Now().UTC().Truncate(time.Second)
	body, err := json.Marshal(Payload{
		ID: post.Key, DraftID: post.DraftID, Revision: post.Rev, Brand: post.Brand.Name,
		Target: post.Target.String(), Text: post.Text, DueAt: post.Due.UTC(), SentAt: now, Media: mediaOf(post.Media),
	})
	if err != nil {
		return publish.Receipt{}, publish.Rejectedf("the post cannot be encoded: %v", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, post.Account.URL, bytes.NewReader(body))
	if err != nil {
		return publish.Receipt{}, publish.Rejectedf("the webhook URL is not usable")
	}
	// net/http resends a request carrying an Idempotency-Key by itself when
	// a reused connection breaks; without GetBody it cannot, so every
	// resend is the Scheduler's decision.
	req.GetBody = nil
	ts := strconv.FormatInt(now.Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	if post.Key != "" {
		req.Header.Set("Idempotency-Key", post.Key)
	}
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(post.Account.Secret, ts, body))
	resp, err := publish.Do(p.client, req)
	if err != nil {
		return publish.Receipt{}, err
	}
	code := resp.StatusCode
	answer, err := publish.Read(resp, p.clock.Now())
	if err != nil {
		if e := publish.Classify(err); e.Outcome == publish.Rejected {
			msg := "the webhook refused the post: " + e.Message
			if code >= 300 && code < 400 {
				msg = fmt.Sprintf("the webhook URL redirects elsewhere (%d); set the target to the final URL", code)
			}
			return publish.Receipt{}, &publish.Error{Outcome: publish.Rejected, Message: msg, Err: err}
		}
		return publish.Receipt{}, err
	}
	r := receipt(answer, post.Key)
	if !httpx.MayShow(resp) {
		r.URL = "" // an internal service's words stay off the card
	}
	return r, nil
}

// receipt reads "id" (a string or a number) and "url" from a JSON answer;
// the id defaults to key.
func receipt(answer []byte, key string) publish.Receipt {
	r := publish.Receipt{ID: key}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(answer))
	dec.UseNumber()
	if dec.Decode(&m) != nil {
		return r
	}
	switch id := m["id"].(type) {
	case string:
		if id != "" {
			r.ID = id
		}
	case json.Number:
		r.ID = id.String()
	}
	if u, ok := m["url"].(string); ok {
		r.URL = u
	}
	return r
}

// CheckAccount requires an absolute http(s) URL with a host and a signing
// secret of at least MinSecret characters.
func (p *Publisher) CheckAccount(a publish.Account) error {
	if strings.TrimSpace(a.URL) == "" {
		return herald.Errorf(herald.EINVALID, "A webhook target needs the URL to deliver to, e.g. https://hooks.zapier.com/hooks/catch/….")
	}
	u, err := url.Parse(a.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" {
		return herald.Errorf(herald.EINVALID, "A webhook target needs an absolute http(s) URL with a host, e.g. https://hooks.zapier.com/hooks/catch/….")
	}
	if n := utf8.RuneCountInString(a.Secret); n < MinSecret {
		return herald.Errorf(herald.EINVALID, "A webhook target needs a signing secret of at least %d characters (Herald signs every delivery with it); e.g. the output of `openssl rand -hex 32`.", MinSecret)
	}
	return nil
}

// Sign returns the X-Herald-Signature of body sent at timestamp (Unix
// seconds, as in X-Herald-Timestamp): "sha256=" and the hex HMAC-SHA256 of
// timestamp + "." + body, keyed with secret.
func Sign(secret, timestamp string, body []byte) string {
	return "sha256=" + hex.EncodeToString(mac(secret, timestamp, body))
}

func mac(secret, timestamp string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a delivery: signature is the X-Herald-Signature header,
// timestamp the X-Herald-Timestamp header, body the raw body bytes. The
// timestamp must be Unix seconds within maxAge of now, either way (0:
// DefaultMaxAge); the signature is compared in constant time. It returns
// nil or an EFORBIDDEN *herald.Error saying which check failed. An empty
// secret refuses everything. A replay within maxAge verifies: receivers
// deduplicate by "id".
func Verify(secret, timestamp, signature string, body []byte, now time.Time, maxAge time.Duration) error {
	if secret == "" {
		return refuse("no signing secret is configured")
	}
	if timestamp == "" || signature == "" {
		return refuse("missing " + HeaderTimestamp + " or " + HeaderSignature + " header")
	}
	if len(timestamp) > 18 || strings.TrimLeft(timestamp, "0123456789") != "" {
		return refuse("malformed " + HeaderTimestamp + " (want Unix seconds)")
	}
	unix, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return refuse("malformed " + HeaderTimestamp + " (want Unix seconds)")
	}
	hexSig, ok := strings.CutPrefix(signature, "sha256=")
	got, err := hex.DecodeString(hexSig)
	if !ok || err != nil || len(got) != sha256.Size {
		return refuse("malformed " + HeaderSignature + " (want sha256= and 64 hex digits)")
	}
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	// In float seconds: time.Unix(unix, 0).Sub(now) overflows for far times.
	age := float64(now.Unix()-unix) + float64(now.Nanosecond())/1e9
	switch {
	case age > maxAge.Seconds():
		return refuse("stale timestamp (older than " + maxAge.String() + ")")
	case age < -maxAge.Seconds():
		return refuse("future timestamp (more than " + maxAge.String() + " ahead)")
	}
	if !hmac.Equal(got, mac(secret, timestamp, body)) {
		return refuse("bad signature")
	}
	return nil
}

func refuse(why string) error {
	return herald.Errorf(herald.EFORBIDDEN, "Webhook delivery refused: %s.", why)
}
