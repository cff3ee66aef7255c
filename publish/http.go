package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald/internal/retryafter"
)

// MaxResponse bounds how much of a network's answer is read.
const MaxResponse = 1 << 20

// Client returns a copy of c (a client with a 30 s timeout when c is nil)
// that follows no redirect: Go would resend a POST as a GET, losing the
// post while reporting success. Publishers send with it.
func Client(c *http.Client) *http.Client {
	if c == nil {
		c = &http.Client{Timeout: 30 * time.Second}
	}
	cp := *c
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}

// Do sends req with client and classifies what went wrong: a failure
// before the request was fully written is Transient (nothing arrived); one
// after it (a timeout waiting for the answer, a dropped connection) is
// Ambiguous. It does not look at the status code; see Read.
//
// Go's transport resends a request by itself when a reused connection
// breaks before the answer; Do turns that off for anything but GET and
// HEAD, so that every attempt is one the scheduler recorded.
func Do(client *http.Client, req *http.Request) (*http.Response, error) {
	ctx, wrote := Watch(req.Context())
	req = req.WithContext(ctx)
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		req.GetBody = nil
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, SendError(err, wrote(), req.URL.Host)
	}
	return resp, nil
}

// Watch returns ctx carrying a trace that notes when an HTTP request made
// with it is fully written, and a function that tells whether one was:
// for SDK clients that take a context rather than a request.
func Watch(ctx context.Context) (context.Context, func() bool) {
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
		if i.Err == nil {
			wrote.Store(true)
		}
	}}
	return httptrace.WithClientTrace(ctx, trace), wrote.Load
}

// SendError classifies a failed call: Ambiguous when the request was fully
// written (the network may have acted on it), Transient otherwise.
func SendError(err error, wrote bool, host string) error {
	if wrote {
		return AmbiguousError(fmt.Errorf("no answer from %s after sending: %w", host, unwrapURL(err)))
	}
	return TransientError(fmt.Errorf("could not reach %s: %w", host, unwrapURL(err)), 0)
}

// unwrapURL drops the URL from a client error: webhook URLs carry secrets.
func unwrapURL(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) && strings.Contains(err.Error(), "://") {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}

// Read reads and closes resp's body (up to MaxResponse) and classifies its
// status: 2xx is success; 429 and 5xx are Transient (with Retry-After);
// other codes are Rejected with the network's message. A 2xx whose body
// cannot be read is Ambiguous: the post was likely made, without a
// receipt.
func Read(resp *http.Response, now time.Time) ([]byte, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponse))
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	if err != nil && ok {
		return nil, AmbiguousError(fmt.Errorf("reading the answer: %w", err))
	}
	if ok {
		return body, nil
	}
	msg := fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	if m := Message(body); m != "" {
		msg += ": " + m
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return nil, TransientError(errors.New(msg), RetryAfter(resp.Header.Get("Retry-After"), now))
	}
	return nil, &Error{Outcome: Rejected, Message: msg}
}

// Message extracts a network's error message from a JSON body ("error",
// "message", "error_description"), or the body itself when it is short
// text; at most 300 characters.
func Message(body []byte) string {
	var m map[string]any
	if json.Unmarshal(body, &m) == nil {
		for _, k := range []string{"error_description", "message", "error"} {
			if s, ok := m[k].(string); ok && s != "" {
				return clip(s, 300)
			}
		}
		return ""
	}
	s := strings.TrimSpace(string(body))
	if s == "" || strings.HasPrefix(s, "<") || !utf8.ValidString(s) {
		return ""
	}
	return clip(s, 300)
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// RetryAfter reads a Retry-After header: seconds or an HTTP date (see
// retryafter.Parse, capped at a day). It returns 0 when absent or
// unreadable.
func RetryAfter(h string, now time.Time) time.Duration { return retryafter.Parse(h, now) }
