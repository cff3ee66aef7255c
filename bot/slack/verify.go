package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
)

// MaxBody bounds a request body; larger ones are refused (413) before any
// work.
const MaxBody = bot.MaxBody

// The headers Slack signs its requests with.
const (
	headerSignature = "X-Slack-Signature"
	headerTimestamp = "X-Slack-Request-Timestamp"
)

// Verifier checks Slack's v0 request signatures (X-Slack-Signature,
// X-Slack-Request-Timestamp) with an injected clock.
type Verifier struct {
	Secret string
	Clock  herald.Clock
	Window time.Duration // 0 means 5 minutes
}

// Verify checks the signature of body against the headers. It returns nil,
// or a *herald.Error with code herald.EFORBIDDEN whose Message says which
// check failed (missing headers, malformed, stale or future timestamp, bad signature).
//
// The signature is "v0=" + hex(HMAC-SHA256(Secret, "v0:" + timestamp + ":" +
// body)), compared in constant time. The timestamp must be Unix seconds
// within Window of the clock's now, in both directions. An empty Secret
// refuses everything. Verify does not deduplicate: a replay inside the
// window verifies, so callers deduplicate by event id.
func (v Verifier) Verify(h http.Header, body []byte) error {
	if v.Secret == "" {
		return refuse("no signing secret is configured")
	}
	sig, ts := h.Get(headerSignature), h.Get(headerTimestamp)
	if sig == "" {
		return refuse("missing " + headerSignature + " header")
	}
	if ts == "" {
		return refuse("missing " + headerTimestamp + " header")
	}
	if why := bot.CheckTimestamp(headerTimestamp, ts, v.now(), v.Window); why != "" {
		return refuse(why)
	}
	got, ok := parseSignature(sig)
	if !ok {
		return refuse("malformed " + headerSignature + " header (want v0= and 64 hex digits)")
	}
	if !hmac.Equal(got, sign(v.Secret, ts, body)) {
		return refuse("bad signature")
	}
	return nil
}

// Wrap returns a handler that verifies each request (bot.Signed) before
// next sees it: 413 over MaxBody, 401 when a check fails.
func (v Verifier) Wrap(next http.Handler) http.Handler { return bot.Signed(v.Verify, next) }

func (v Verifier) now() time.Time {
	if v.Clock == nil {
		return herald.SystemClock{}.Now()
	}
	return v.Clock.Now()
}

// sign returns HMAC-SHA256(secret, "v0:" + ts + ":" + body).
func sign(secret, ts string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return mac.Sum(nil)
}

// parseSignature reads "v0=" followed by the hex of a 32-byte HMAC.
func parseSignature(sig string) ([]byte, bool) {
	hexSig, ok := strings.CutPrefix(sig, "v0=")
	if !ok || len(hexSig) != 2*sha256.Size {
		return nil, false
	}
	b, err := hex.DecodeString(hexSig)
	return b, err == nil
}

func refuse(why string) error {
	return herald.Errorf(herald.EFORBIDDEN, "Slack request refused: %s.", why)
}
