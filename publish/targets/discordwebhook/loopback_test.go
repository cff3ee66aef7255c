package discordwebhook_test

import (
	"net/http"
	"time"

	"github.com/heraldhq/herald/internal/httpx"
)

// loopback returns the client the tests publish with: httpx's, trusted
// like an endpoint the operator configured, because the fakes listen on
// loopback, which the guard of a default client refuses (see
// publish/targets/guard_test.go).
func loopback() *http.Client { return loopbackTimeout(30 * time.Second) }

func loopbackTimeout(d time.Duration) *http.Client {
	return httpx.New(httpx.Options{Trusted: true, Timeout: d, PerHost: 64})
}
