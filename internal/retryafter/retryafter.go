// Package retryafter reads how long a server asks to be left alone: the
// one reading of Retry-After and rate-limit reset values that publishing,
// the mention sources and the LLM client share. It imports only the
// standard library.
package retryafter

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Max caps what a server may ask: a hostile or broken header must not
// silence Herald for a year.
const Max = 24 * time.Hour

// Parse reads a wait from a Retry-After or rate-limit reset value: delay
// seconds ("120", "1.5"), a Unix timestamp in seconds (above 10^9), an
// HTTP date or an RFC 3339 timestamp, the last two counted from now.
// Anything unreadable, negative or in the past is 0; the result is capped
// at Max.
func Parse(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		switch {
		case math.IsNaN(f) || math.IsInf(f, 0) || f <= 0:
			return 0
		case f > 1e9 && f < 1e11: // a Unix timestamp (until the year 5138)
			d = time.Unix(int64(f), 0).Sub(now)
		case f > Max.Seconds():
			return Max
		default:
			d = time.Duration(f * float64(time.Second))
		}
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	} else if t, err := time.Parse(time.RFC3339, v); err == nil {
		d = t.Sub(now)
	} else {
		return 0
	}
	return max(0, min(d, Max))
}
