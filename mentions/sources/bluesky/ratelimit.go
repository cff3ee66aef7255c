package bluesky

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryAfter reads how long a server asked to be left alone: Retry-After
// (seconds or an HTTP date) or, as Bluesky's PDS and AppView send,
// RateLimit-Reset (a Unix time in seconds). It returns 0 when neither is
// there or readable.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.ParseInt(v, 10, 64); err == nil && s >= 0 {
			return time.Duration(min(s, 86400)) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil && t.After(now) {
			return min(t.Sub(now), 24*time.Hour)
		}
	}
	if v := strings.TrimSpace(h.Get("RateLimit-Reset")); v != "" {
		if s, err := strconv.ParseInt(v, 10, 64); err == nil {
			if t := time.Unix(s, 0); t.After(now) {
				return min(t.Sub(now), 24*time.Hour)
			}
		}
	}
	return 0
}
