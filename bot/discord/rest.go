package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/internal/retryafter"
	"github.com/heraldhq/herald/publish"
)

// DefaultAPIURL is the base of Discord's REST API; DISCORD_API_URL
// replaces it (the API version, e.g. /v9, follows it in every request).
const DefaultAPIURL = "https://discord.com/api"

// rewrite sends requests meant for Discord's REST API (discordgo's
// endpoints are fixed at https://discord.com/api) to another base URL: a
// proxy, or a fake in tests. It keeps no state, so it is safe for
// concurrent use, unlike discordgo's package-level endpoint variables.
type rewrite struct {
	base *url.URL
	next http.RoundTripper
}

func (rw rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	rest, ok := strings.CutPrefix(req.URL.Path, "/api/")
	if req.URL.Host != "discord.com" || !ok {
		return rw.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.URL.Scheme, r.URL.Host, r.Host = rw.base.Scheme, rw.base.Host, rw.base.Host
	r.URL.Path = strings.TrimSuffix(rw.base.Path, "/") + "/" + rest
	r.URL.RawPath = ""
	return rw.next.RoundTrip(r)
}

// apiClient returns the HTTP client for Discord's REST API: c (or a
// default one) sending to base when base is not Discord's.
func apiClient(c *http.Client, base string) (*http.Client, error) {
	if c == nil {
		c = httpx.New(httpx.Options{Trusted: true, Timeout: 20 * time.Second, PerHost: 16})
	}
	base = strings.TrimSpace(base)
	if base == "" || strings.TrimSuffix(base, "/") == DefaultAPIURL {
		return c, nil
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, herald.Errorf(herald.EINVALID, "The Discord API URL %q is not an http(s) URL.", base)
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	out := *c
	out.Transport = rewrite{base: u, next: next}
	return &out, nil
}

// restError is a REST call that Discord answered with an error status.
// It wraps the publish package's classification (429 and 5xx transient,
// other 4xx rejected) so that a publisher can return it as is.
type restError struct {
	Status     int
	RetryAfter time.Duration // from a 429
	err        error
}

func (e *restError) Error() string { return e.err.Error() }
func (e *restError) Unwrap() error { return e.err }

// rateLimited reports whether err is a 429, and how long Discord asked to
// wait.
func rateLimited(err error) (time.Duration, bool) {
	var re *restError
	if errors.As(err, &re) && re.Status == http.StatusTooManyRequests {
		return re.RetryAfter, true
	}
	return 0, false
}

// statusOf returns the HTTP status of a REST error, 0 for other errors.
func statusOf(err error) int {
	var re *restError
	if errors.As(err, &re) {
		return re.Status
	}
	return 0
}

// rest calls Discord's REST API. Every call waits its turn in discordgo's
// rate limiter, per route bucket, which reads the X-RateLimit-* headers of
// each answer (remaining calls, reset, global limits); a 429 comes back as
// a restError with Discord's Retry-After, for the caller to wait out.
type rest struct {
	token   string // "Bot …"
	client  *http.Client
	limiter *discordgo.RateLimiter
	clock   herald.Clock
}

// do sends a JSON body (none when body is nil) and returns the answer's
// body. Errors are classified as the publish package does: failures before
// the request was written are transient, after it ambiguous; statuses as
// publish.Read reads them.
func (r *rest) do(ctx context.Context, method, endpoint, bucket string, body any) ([]byte, error) {
	var buf []byte
	contentType := ""
	if body != nil {
		var err error
		if buf, err = json.Marshal(body); err != nil {
			return nil, herald.Internal(fmt.Errorf("discord: encoding a %s body: %w", method, err))
		}
		contentType = "application/json"
	}
	return r.send(ctx, method, endpoint, bucket, bytes.NewReader(buf), int64(len(buf)), contentType)
}

// send is do with a body already encoded: length bytes of contentType
// read from body as the request goes out (a multipart message streams
// its files).
func (r *rest) send(ctx context.Context, method, endpoint, bucket string, body io.Reader, length int64, contentType string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, endpoint, body)
	if err != nil {
		return nil, herald.Internal(fmt.Errorf("discord: building a %s request: %w", method, err))
	}
	req.ContentLength = length
	if length == 0 {
		req.Body = http.NoBody
	}
	req.Header.Set("Authorization", r.token)
	req.Header.Set("User-Agent", "DiscordBot (https://github.com/heraldhq/herald, 1)")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	var b *discordgo.Bucket
	if bucket != "" {
		b = r.limiter.LockBucket(bucket)
	}
	resp, err := publish.Do(r.client, req)
	if b != nil {
		var h http.Header
		if resp != nil {
			h = resp.Header
		}
		b.Release(h) // a header Discord did not send well only loses a hint
	}
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return nil, tooMany(resp, r.clock.Now())
	}
	status := resp.StatusCode
	out, err := publish.Read(resp, r.clock.Now())
	switch {
	case err == nil:
		return out, nil
	case status >= 200 && status < 300: // the body of a 2xx could not be read
		return nil, err
	}
	return nil, &restError{Status: status, err: err}
}

// tooMany reads a 429: the wait is Retry-After, else the body's
// retry_after (seconds, with decimals), else one second.
func tooMany(resp *http.Response, now time.Time) error {
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, publish.MaxResponse))
	wait := retryafter.Parse(resp.Header.Get("Retry-After"), now)
	var rl struct {
		Message    string  `json:"message"`
		RetryAfter float64 `json:"retry_after"`
	}
	_ = json.Unmarshal(body, &rl)
	if wait == 0 && rl.RetryAfter > 0 {
		wait = time.Duration(rl.RetryAfter * float64(time.Second))
	}
	if wait <= 0 {
		wait = time.Second
	}
	msg := "429 Too Many Requests"
	if rl.Message != "" {
		msg += ": " + rl.Message
	}
	return &restError{Status: http.StatusTooManyRequests, RetryAfter: wait, err: publish.TransientError(errors.New(msg), wait)}
}

// Route buckets, by route and major parameter, as Discord groups limits.
// Interaction callbacks and webhooks (follow-ups) use no shared bucket:
// they are exempt from the global limit, each token is its own route, and
// the poster keeps their order.
func channelBucket(channelID string) string { return "channels/" + channelID + "/messages" }
func guildBucket(guildID string) string     { return "guilds/" + guildID }
