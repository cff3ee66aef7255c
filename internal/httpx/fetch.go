package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/retryafter"
)

// Error is a failed request: its HTTP status (0 when none came back) and
// how long the server asked us to wait.
type Error struct {
	Status     int
	RetryAfter time.Duration // from Retry-After or a rate-limit reset; 0 when not said
	Err        error
}

// Error returns the cause's text (it names the host, never the URL).
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Fetch sends req (with ctx) through c and reads its body, at most
// maxBody bytes (DefaultMaxBody when 0): a larger body is an error,
// never a truncated success. It returns the response (its body already
// read and closed) and the body bytes. A 304 Not Modified is a success
// with no body. Any other status outside 2xx is an *Error with the
// status and the wait the server asked for (RetryAfter); a failure to
// connect or to read is an *Error with Status 0 (a refusal by the guard
// wraps a *URLError; see IsPrivate). Errors name the host, never the
// full URL: feed URLs can carry secrets.
func Fetch(ctx context.Context, c *http.Client, req *http.Request, maxBody int64) (*http.Response, []byte, error) {
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	host := req.URL.Host
	resp, err := c.Do(req.WithContext(ctx))
	if err != nil {
		return nil, nil, &Error{Err: fmt.Errorf("fetching from %s: %w", host, StripURL(err))}
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return resp, nil, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Drain a little so the connection can be reused; the body of an
		// error is not kept (it may echo what we sent).
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return resp, nil, &Error{
			Status:     resp.StatusCode,
			RetryAfter: RetryAfter(resp.Header, responseNow(resp)),
			Err:        fmt.Errorf("%s answered %s", host, resp.Status),
		}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err == nil && int64(len(body)) > maxBody {
		err = &tooLargeError{limit: maxBody}
	}
	if tl := (*tooLargeError)(nil); errors.As(err, &tl) {
		return resp, nil, &Error{Status: resp.StatusCode, Err: fmt.Errorf("the answer from %s: %w", host, tl)}
	}
	if err != nil {
		return resp, nil, &Error{Err: fmt.Errorf("reading the answer from %s: %w", host, err)}
	}
	return resp, body, nil
}

// StripURL drops the layer of a client error whose text carries the full
// URL (a *url.Error, or a wrapper whose text has "://"): feed and webhook
// URLs carry secrets.
func StripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	var w interface{ Unwrap() error }
	if errors.As(err, &w) && strings.Contains(err.Error(), "://") {
		if inner := w.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}

// responseNow is the time a response's relative headers count from: its
// Date header (the server's clock, which its Retry-After date is
// written against), else the local clock.
func responseNow(resp *http.Response) time.Time {
	if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		return t
	}
	return time.Now()
}

// RetryAfter returns how long h asks the client to wait, counted from
// now: Retry-After when present, else X-Ratelimit-Reset (Reddit:
// seconds; Mastodon: a timestamp), read by retryafter.Parse (capped at
// retryafter.Max). 0 when neither says.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	if d := retryafter.Parse(h.Get("Retry-After"), now); d > 0 {
		return d
	}
	return retryafter.Parse(h.Get("X-Ratelimit-Reset"), now)
}
