package bluesky

import (
	"net/http"
	"time"

	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/internal/retryafter"
)

// retryAfter reads how long a server asked to be left alone: Retry-After
// (or X-RateLimit-Reset), else RateLimit-Reset, the Unix time in seconds
// that Bluesky's PDS and AppView send with a 429. 0 when none says.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if d := httpx.RetryAfter(h, now); d > 0 {
		return d
	}
	return retryafter.Parse(h.Get("RateLimit-Reset"), now)
}
