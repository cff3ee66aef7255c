package x

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish"
)

// problem is X's error body: an RFC 7807 problem (title, detail, type,
// status), sometimes with errors[] of the same shape or with message.
type problem struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Type   string `json:"type"`
	Status int    `json:"status"`
	Errors []struct {
		Title   string `json:"title"`
		Detail  string `json:"detail"`
		Message string `json:"message"`
	} `json:"errors"`
}

// words are the problem as people read it.
func (pr problem) words(status int) string {
	w := strings.TrimSpace(pr.Detail)
	if w == "" && len(pr.Errors) > 0 {
		w = strings.TrimSpace(pr.Errors[0].Detail + " " + pr.Errors[0].Message)
	}
	if t := strings.TrimSpace(pr.Title); t != "" && w != "" {
		w = t + ": " + w
	} else if t != "" {
		w = t
	}
	if w == "" {
		w = fmt.Sprintf("%d %s", status, http.StatusText(status))
	}
	return w
}

// duplicateDetail is how X refuses a post it has already.
const duplicateDetail = "duplicate content"

// request builds a call of the API with the account's token.
func (p *Publisher) request(ctx context.Context, method, path, token, contentType string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, p.o.APIURL+path, body)
	if err != nil {
		return nil, publish.Rejectedf("HERALD_X_API_URL is not usable: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req, nil
}

// do sends a call and reads its answer into out (nil: ignored), its
// failure classified as X writes it.
func (p *Publisher) do(req *http.Request, out any) error {
	resp, err := publish.Do(p.o.Client, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, rerr := io.ReadAll(io.LimitReader(resp.Body, publish.MaxResponse))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if rerr != nil {
			return publish.AmbiguousError(fmt.Errorf("reading X's answer: %w", rerr))
		}
		if out != nil && len(bytes.TrimSpace(raw)) > 0 {
			if err := json.Unmarshal(raw, out); err != nil {
				return publish.AmbiguousError(fmt.Errorf("X's answer on %s is unreadable", req.URL.Path))
			}
		}
		return nil
	}
	return apiError(resp, raw, p.o.Clock.Now())
}

// jsonCall sends a JSON body (nil: none) and reads the answer.
func (p *Publisher) jsonCall(ctx context.Context, method, path, token string, in, out any) error {
	var body io.Reader
	ct := ""
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return publish.Rejectedf("the request cannot be encoded: %v", err)
		}
		body, ct = bytes.NewReader(b), "application/json"
	}
	req, err := p.request(ctx, method, path, token, ct, body)
	if err != nil {
		return err
	}
	return p.do(req, out)
}

// apiError rewords a failed call as X wrote it: 401 is a dead token; 429
// waits until x-rate-limit-reset (or Retry-After); 5xx is transient;
// other refusals are final, with X's title and detail. A refusal as
// duplicate content is marked (isDuplicate).
func apiError(resp *http.Response, raw []byte, now time.Time) error {
	var pr problem
	_ = json.Unmarshal(raw, &pr)
	words := pr.words(resp.StatusCode)
	switch code := resp.StatusCode; {
	case code == http.StatusUnauthorized:
		return publish.DeadToken("X refused the account's token: %s", words)
	case code == http.StatusTooManyRequests:
		return &publish.Error{Outcome: publish.Transient, Message: "X: " + words, RetryAfter: rateReset(resp.Header, now)}
	case code >= 500:
		return &publish.Error{Outcome: publish.Transient, Message: "X: " + words, RetryAfter: httpx.RetryAfter(resp.Header, now)}
	case code == http.StatusForbidden && strings.Contains(strings.ToLower(words), duplicateDetail):
		return &duplicate{&publish.Error{Outcome: publish.Rejected, Message: "X refused the post: " + words}}
	}
	return publish.Rejectedf("X refused the post: %s", words)
}

// duplicate is X's refusal of a post it has already.
type duplicate struct{ err *publish.Error }

func (d *duplicate) Error() string { return d.err.Error() }

// Unwrap lets publish.Classify see the Rejected error.
func (d *duplicate) Unwrap() error { return d.err }

// rateReset is how long until X's x-rate-limit-reset (Unix seconds), or
// Retry-After when it is absent.
func rateReset(h http.Header, now time.Time) time.Duration {
	if s := h.Get("X-Rate-Limit-Reset"); s != "" {
		if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
			if d := time.Unix(sec, 0).Sub(now); d > 0 {
				return d
			}
			return time.Second
		}
	}
	return httpx.RetryAfter(h, now)
}
