package bluesky

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/mentions/web"
)

// The XRPC methods Search calls.
const (
	nsidCreateSession  = "com.atproto.server.createSession"
	nsidRefreshSession = "com.atproto.server.refreshSession"
	nsidSearchPosts    = "app.bsky.feed.searchPosts"
)

// xrpcError is a failed XRPC call: the httpx.Error the caller returns, and
// the XRPC error name ("ExpiredToken") that decides whether to log in
// again.
type xrpcError struct {
	fetch *httpx.Error
	name  string
}

// call sends one XRPC request to base and returns the body of a 2xx
// answer: a query (GET) or a procedure (POST) with in as its JSON body,
// or no body when in is nil (XRPC servers refuse a body a procedure does
// not take); token, when set, goes in Authorization: Bearer. A failure is a *httpx.Error
// (status, Retry-After or RateLimit-Reset) inside an *xrpcError; errors
// name the host and the method, never the token or the body sent.
func (s *Search) call(ctx context.Context, method, base, nsid string, query url.Values, token string, in any) ([]byte, *xrpcError) {
	u := base + "/xrpc/" + nsid
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, &xrpcError{fetch: &httpx.Error{Err: err}}
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, &xrpcError{fetch: &httpx.Error{Err: herald.Errorf(herald.EINVALID, "the Bluesky server address is not usable")}}
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	host := req.URL.Host
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &xrpcError{fetch: &httpx.Error{Err: fmt.Errorf("calling %s on %s: %w", nsid, host, err)}}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, httpx.DefaultMaxBody+1))
	if err == nil && len(b) > httpx.DefaultMaxBody {
		err = fmt.Errorf("%w (over %d bytes)", httpx.ErrBodyTooLarge, httpx.DefaultMaxBody)
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode <= 299
	if err != nil {
		status := 0
		if ok {
			status = resp.StatusCode
		}
		return nil, &xrpcError{fetch: &httpx.Error{Status: status, Err: fmt.Errorf("reading the answer to %s from %s: %w", nsid, host, err)}}
	}
	if ok {
		return b, nil
	}
	var e struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(b, &e) // a body that is not an XRPC error leaves both empty
	msg := fmt.Sprintf("%s on %s answered %s", nsid, host, resp.Status)
	if e.Error != "" {
		msg += " (" + web.ClipBytes(e.Error, 60) + ")"
	}
	return nil, &xrpcError{name: e.Error, fetch: &httpx.Error{
		Status:     resp.StatusCode,
		RetryAfter: retryAfter(resp.Header, s.cfg.Clock.Now()),
		Err:        errors.New(msg),
	}}
}

// tokenRefused reports whether a call failed for its token (expired or
// revoked), so that a new session may succeed.
func (e *xrpcError) tokenRefused() bool {
	st := e.fetch.Status
	return st == http.StatusUnauthorized ||
		st == http.StatusBadRequest && (e.name == "ExpiredToken" || e.name == "InvalidToken")
}

// jwtExpiry reads the exp claim of a JWT without checking its signature
// (the PDS does that): the zero time when it cannot be read.
func jwtExpiry(token string) time.Time {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}
	}
	var claims struct {
		Exp int64 `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Exp <= 0 {
		return time.Time{}
	}
	return time.Unix(claims.Exp, 0)
}
