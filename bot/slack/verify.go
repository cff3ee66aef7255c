package slack

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald"
)

// MaxBody bounds a Slack request body; larger ones are refused (413) before any work.
const MaxBody = 1 << 20

// defaultWindow is how far a request timestamp may be from now, either way,
// when Verifier.Window is zero. Slack's own SDKs use five minutes.
const defaultWindow = 5 * time.Minute

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
	unix, ok := parseUnix(ts)
	if !ok {
		return refuse("malformed " + headerTimestamp + " header (want Unix seconds)")
	}
	got, ok := parseSignature(sig)
	if !ok {
		return refuse("malformed " + headerSignature + " header (want v0= and 64 hex digits)")
	}
	window := v.window()
	// In seconds, as float64: time.Unix(unix, 0) overflows for huge timestamps.
	now := v.now()
	age := float64(now.Unix()-unix) + float64(now.Nanosecond())/1e9
	switch {
	case age > window.Seconds():
		return refuse("stale timestamp (older than " + window.String() + ")")
	case age < -window.Seconds():
		return refuse("future timestamp (more than " + window.String() + " ahead)")
	}
	if !hmac.Equal(got, sign(v.Secret, ts, body)) {
		return refuse("bad signature")
	}
	return nil
}

// Wrap returns a handler that reads the raw body (at most MaxBody bytes; more → 413),
// verifies it and only then calls next with r.Body replaced by a fresh reader over the same bytes.
// A failed check answers 401 with a short plain-text reason and never calls next.
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

// sign returns HMAC-SHA256(secret, "v0:" + ts + ":" + body).
func sign(secret, ts string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return mac.Sum(nil)
}

// parseUnix reads a timestamp made of ASCII digits only (no sign, no
// spaces, no fraction), as Slack sends it.
func parseUnix(ts string) (int64, bool) {
	if len(ts) == 0 || strings.TrimLeft(ts, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	return n, err == nil
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
