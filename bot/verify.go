package bot

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald"
)

// MaxBody bounds a chat platform's request body; larger ones are refused
// (413) before any work.
const MaxBody = 1 << 20

// DefaultWindow is how far a signed request's timestamp may be from now,
// either way, unless a verifier sets its own (Slack's SDKs use five
// minutes; Discord documents none, and the same refuses old replays).
const DefaultWindow = 5 * time.Minute

// CheckTimestamp reads a signed request's timestamp (Unix seconds in
// ASCII digits, no sign or fraction) from header ts and checks that it
// lies within window of now, either way (window 0: DefaultWindow). It
// returns "" or why the request must be refused.
func CheckTimestamp(header, ts string, now time.Time, window time.Duration) string {
	if window <= 0 {
		window = DefaultWindow
	}
	if len(ts) == 0 || len(ts) > 19 || strings.TrimLeft(ts, "0123456789") != "" {
		return "malformed " + header + " header (want Unix seconds)"
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "malformed " + header + " header (want Unix seconds)"
	}
	// In seconds, as float64: time.Unix(unix, 0) overflows for huge timestamps.
	age := float64(now.Unix()-unix) + float64(now.Nanosecond())/1e9
	switch {
	case age > window.Seconds():
		return "stale timestamp (older than " + window.String() + ")"
	case age < -window.Seconds():
		return "future timestamp (more than " + window.String() + " ahead)"
	}
	return ""
}

// Signed returns a handler that reads the raw body (at most MaxBody bytes;
// more → 413), checks it with verify and only then calls next with r.Body
// replaced by a fresh reader over the same bytes. A failed check answers
// 401 with verify's message and never calls next.
func Signed(verify func(http.Header, []byte) error, next http.Handler) http.Handler {
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
		if err := verify(r.Header, body); err != nil {
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
