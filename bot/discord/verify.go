package discord

import (
	"crypto/ed25519"
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

// The headers Discord signs interactions with.
const (
	headerSignature = "X-Signature-Ed25519"
	headerTimestamp = "X-Signature-Timestamp"
)

// Verifier checks Discord's Ed25519 interaction signatures with an injected
// clock.
type Verifier struct {
	PublicKey ed25519.PublicKey
	Clock     herald.Clock
	Window    time.Duration // 0 means 5 minutes
}

// ParsePublicKey reads the hex "Public Key" of a Discord application.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, herald.Errorf(herald.EINVALID, "The Discord public key must be %d hexadecimal characters (General Information page of the application).", 2*ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

// Verify checks the signature of body against the headers. It returns nil,
// or a *herald.Error with code EFORBIDDEN whose Message says which check
// failed. The signature is Ed25519 over timestamp + body, made with the
// application's key; the timestamp must be Unix seconds within Window of
// the clock, in both directions. Without a public key everything is
// refused. Verify does not deduplicate: callers deduplicate by interaction
// id.
func (v Verifier) Verify(h http.Header, body []byte) error {
	if len(v.PublicKey) != ed25519.PublicKeySize {
		return refuse("no public key is configured")
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
	raw, err := hex.DecodeString(sig)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return refuse("malformed " + headerSignature + " header (want 128 hex digits)")
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(v.PublicKey, msg, raw) {
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

func refuse(why string) error {
	return herald.Errorf(herald.EFORBIDDEN, "Discord request refused: %s.", why)
}
