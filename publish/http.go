package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/internal/retryafter"
)

// MaxResponse bounds how much of a network's answer is read.
const MaxResponse = 1 << 20

// Do sends req with client (httpx.Send) and classifies what went wrong: a
// failure before the request was fully written is Transient (nothing
// arrived); one after it (a timeout waiting for the answer, a dropped
// connection) is Ambiguous; a refusal by httpx's guard (a target on a
// private address) is Rejected, nothing having been sent. It does not
// look at the status code; see Read. GET and HEAD aside, the transport
// does not resend a request by itself, so that every attempt is one the
// scheduler recorded.
func Do(client *http.Client, req *http.Request) (*http.Response, error) {
	resp, wrote, err := httpx.Send(client, req)
	if err != nil {
		return nil, SendError(err, wrote, req.URL.Host)
	}
	return resp, nil
}

// SendError classifies a failed call: Rejected when httpx's guard refused
// the address (nothing was sent), Ambiguous when the request was fully
// written (the network may have acted on it), Transient otherwise.
func SendError(err error, wrote bool, host string) error {
	var ue *httpx.URLError
	switch {
	case errors.As(err, &ue):
		return &Error{Outcome: Rejected, Message: fmt.Sprintf("could not reach %s: %s", host, ue.Message), Err: err}
	case wrote:
		return AmbiguousError(fmt.Errorf("no answer from %s after sending: %w", host, httpx.StripURL(err)))
	}
	return TransientError(fmt.Errorf("could not reach %s: %w", host, httpx.StripURL(err)), 0)
}

// Read reads and closes resp's body (up to MaxResponse) and classifies its
// status: 2xx is success; 429 and 5xx are Transient (with Retry-After);
// other codes are Rejected with the network's message. The network's own
// words (httpx.Message, clipped) follow the status only when its address
// is public or the endpoint trusted (httpx.MayShow): what a private
// address answers stays off cards. A 2xx whose body cannot be read is
// Ambiguous: the post was likely made, without a receipt.
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
	if m := httpx.Message(body); m != "" && httpx.MayShow(resp) {
		msg += ": " + m
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return nil, TransientError(errors.New(msg), retryafter.Parse(resp.Header.Get("Retry-After"), now))
	}
	return nil, &Error{Outcome: Rejected, Message: msg}
}

// GuardURLs makes `target add` refuse a target URL whose host is on a
// private network address, by o's rule (httpx.Options.CheckURL; o is the
// publishing client's). The client checks again the address it dials,
// which is what stops a name re-resolving elsewhere. Call it while
// wiring, before serving.
func (s *Service) GuardURLs(o httpx.Options) { s.guard = &o }

// checkURL vets a target's URL ("" passes): EINVALID when its host is a
// private address, the URL shown redacted (Redact: webhook URLs carry a
// secret). A host that does not resolve passes: the target may be set up
// before its name exists, and the dial is guarded.
func (s *Service) checkURL(ctx context.Context, raw string) error {
	if s.guard == nil || raw == "" {
		return nil
	}
	err := s.guard.CheckURL(ctx, raw)
	var ue *httpx.URLError
	switch {
	case err == nil:
		return nil
	case httpx.IsPrivate(err):
		return &herald.Error{Code: herald.EINVALID, Err: err,
			Message: fmt.Sprintf("%s points at a private network address; Herald refuses it unless HERALD_ALLOW_PRIVATE_SOURCES=true", Redact(raw))}
	case errors.As(err, &ue) && ue.Err != nil: // not resolved
		return nil
	case errors.As(err, &ue):
		return &herald.Error{Code: herald.EINVALID, Message: ue.Message, Err: err}
	}
	return err
}
