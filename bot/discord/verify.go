package discord

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald"
)

// MaxBody bounds an interaction request body; larger ones are refused (413)
// before any work. Discord's interactions are a few kilobytes.
const MaxBody = 1 << 20

// defaultWindow is how far an interaction's timestamp may be from now,
// either way, when Verifier.Window is zero. Discord documents no window;
// five minutes matches Slack's and refuses replays of old requests.
const defaultWindow = 5 * time.Minute

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
	unix, ok := parseUnix(ts)
	if !ok {
		return refuse("malformed " + headerTimestamp + " header (want Unix seconds)")
	}
	raw, err := hex.DecodeString(sig)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return refuse("malformed " + headerSignature + " header (want 128 hex digits)")
	}
	window := v.window()
	now := v.now()
	// In seconds, as float64: time.Unix(unix, 0) overflows for huge timestamps.
	age := float64(now.Unix()-unix) + float64(now.Nanosecond())/1e9
	switch {
	case age > window.Seconds():
		return refuse("stale timestamp (older than " + window.String() + ")")
	case age < -window.Seconds():
		return refuse("future timestamp (more than " + window.String() + " ahead)")
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(v.PublicKey, msg, raw) {
		return refuse("bad signature")
	}
	return nil
}

// Wrap returns a handler that reads the raw body (at most MaxBody bytes;
// more → 413), verifies it and only then calls next with r.Body replaced by
// a fresh reader over the same bytes. A failed check answers 401 with a
// short plain-text reason and never calls next.
func (v Verifier) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > MaxBody {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "could not read the request body", http.StatusBadRequest)
			return
		}
		if err := v.Verify(r.Header, body); err != nil {
			http.Error(w, herald.ErrorMessage(err), http.StatusUnauthorized)
			return
		}
		r2 := r.WithContext(r.Context()) // a shallow copy: handlers must not modify r
		r2.Body = io.NopCloser(bytes.NewReader(body))
		r2.ContentLength = int64(len(body))
		r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		next.ServeHTTP(w, r2)
	})
}

func (v Verifier) window() time.Duration {
	if v.Window > 0 {
		return v.Window
	}
	return defaultWindow
}

func (v Verifier) now() time.Time {
	if v.Clock == nil {
		return herald.SystemClock{}.Now()
	}
	return v.Clock.Now()
}

// parseUnix reads a timestamp made of ASCII digits only.
func parseUnix(ts string) (int64, bool) {
	if len(ts) == 0 || len(ts) > 19 || strings.TrimLeft(ts, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	return n, err == nil
}

func refuse(why string) error {
	return herald.Errorf(herald.EFORBIDDEN, "Discord request refused: %s.", why)
}
