// Package meta speaks Meta's Graph API for the networks Herald publishes
// to through it (publish/targets/facebook, publish/targets/instagram,
// publish/targets/threads): calls with a token, errors as the Graph API
// writes them ({"error":{"message","type","code","error_subcode",
// "fbtrace_id"}}), the content-publishing containers of Instagram and
// Threads (create, poll the status on an injected clock, publish), and
// the connect Provider of Meta login (Facebook Login for Business).
package meta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish"
)

// Defaults of Options.
const (
	// Version is the Graph API version Herald speaks.
	Version = "v24.0"
	// APIURL is the Graph API's base URL, version included.
	APIURL = "https://graph.facebook.com/" + Version
	// AuthURL is the base URL of Meta's login dialog, version included.
	AuthURL = "https://www.facebook.com/" + Version
)

// Options configure a Graph API client.
type Options struct {
	APIURL  string       // the Graph API's base URL, version included (APIURL)
	AuthURL string       // the login dialog's base URL (AuthURL)
	Client  *http.Client // the operator's trusted httpx client
	Clock   herald.Clock
	// Sleep waits d on Clock (a timer by default; tests advance their
	// clock), or returns ctx's error.
	Sleep func(ctx context.Context, d time.Duration) error
	// AppID and AppSecret are the Meta app's (Provider only).
	AppID, AppSecret string
	// ConfigID is the Facebook Login for Business configuration the login
	// dialog shows (its token type and permissions); "" asks the scopes.
	ConfigID string
	// Network names the network in the words people read ("Facebook").
	Network string
	// Settings names the settings of the URLs and app, for errors
	// ("HERALD_META_API_URL").
	Settings string
}

// WithDefaults fills what o leaves unset.
func (o Options) WithDefaults() Options {
	if o.APIURL == "" {
		o.APIURL = APIURL
	}
	if o.AuthURL == "" {
		o.AuthURL = AuthURL
	}
	o.APIURL, o.AuthURL = strings.TrimSuffix(o.APIURL, "/"), strings.TrimSuffix(o.AuthURL, "/")
	if o.Client == nil {
		o.Client = httpx.New(httpx.Options{Trusted: true, Timeout: 30 * time.Second})
	}
	if o.Clock == nil {
		o.Clock = herald.SystemClock{}
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Network == "" {
		o.Network = "Meta"
	}
	if o.Settings == "" {
		o.Settings = "HERALD_META_API_URL"
	}
	return o
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Graph calls the Graph API.
type Graph struct{ O Options }

// New returns a Graph client with o's defaults filled.
func New(o Options) *Graph { return &Graph{o.WithDefaults()} }

// APIError is the Graph API's error body.
type APIError struct {
	Message   string `json:"message"`
	Type      string `json:"type"`
	Code      int    `json:"code"`
	Subcode   int    `json:"error_subcode"`
	UserTitle string `json:"error_user_title"`
	UserMsg   string `json:"error_user_msg"`
	FBTraceID string `json:"fbtrace_id"`
}

// Graph API error codes Herald reads.
const (
	CodeInvalidToken  = 190  // the access token is expired, revoked or invalid
	CodeNotReady      = 9007 // the media container is not ready to publish
	CodeAppRateLimit  = 4
	CodeUserRateLimit = 17
	CodePageRateLimit = 32
	CodeCallLimit     = 613
	CodeTempIssue     = 2 // "Service temporarily unavailable"
	CodeUnknown       = 1 // "An unknown error occurred"
)

// RateLimited reports whether code is one of the Graph API's rate limits.
func RateLimited(code int) bool {
	switch code {
	case CodeAppRateLimit, CodeUserRateLimit, CodePageRateLimit, CodeCallLimit, 80001, 80002, 80004, 80005, 80006, 80008:
		return true
	}
	return false
}

// RateLimitWait is how long Herald waits before trying again after a rate
// limit without a Retry-After (the Graph API counts calls over an hour).
const RateLimitWait = 15 * time.Minute

// Words is how people read e: Meta's message, with its code.
func (e APIError) Words() string {
	msg := e.Message
	if e.UserMsg != "" {
		msg = e.UserMsg
	}
	s := fmt.Sprintf("%s (code %d", strings.TrimSpace(msg), e.Code)
	if e.Subcode != 0 {
		s += fmt.Sprintf(", subcode %d", e.Subcode)
	}
	return s + ")"
}

// errServer marks a failure the network answered with a server error:
// it may have acted before failing.
var errServer = errors.New("server error")

// ErrNotReady is the error of a container the network is still
// processing (code 9007): poll again.
var ErrNotReady = errors.New("the media container is not ready yet")

// Classify rewords a failed call as the Graph API wrote it: code 190 is a
// dead token (the account must be connected again); 4, 17, 32 and 613 are
// rate limits (Transient, retried after the network's wait or
// RateLimitWait); 9007 wraps ErrNotReady (Transient); 1 and 2 and 5xx are
// Transient; others are Rejected with Meta's words.
func (g *Graph) Classify(resp *http.Response, body []byte, err error) error {
	var b struct {
		Error *APIError `json:"error"`
	}
	_ = json.Unmarshal(body, &b)
	now := g.O.Clock.Now()
	if b.Error == nil {
		if resp.StatusCode == http.StatusUnauthorized {
			return publish.DeadToken("%s refused the account's token (401)", g.O.Network)
		}
		if resp.StatusCode >= 500 {
			e := publish.Classify(err)
			return &publish.Error{Outcome: publish.Transient, Message: g.O.Network + ": " + e.Message, RetryAfter: e.RetryAfter, Err: fmt.Errorf("%w: %w", errServer, err)}
		}
		return err
	}
	e := *b.Error
	words := g.O.Network + ": " + e.Words()
	switch {
	case e.Code == CodeInvalidToken || e.Type == "OAuthException" && resp.StatusCode == http.StatusUnauthorized:
		return publish.DeadToken("%s refused the account's token: %s", g.O.Network, e.Words())
	case RateLimited(e.Code):
		wait := max(httpx.RetryAfter(resp.Header, now), regainAccess(resp.Header), RateLimitWait)
		return &publish.Error{Outcome: publish.Transient, Message: words + "; Herald tries again later", RetryAfter: wait, Err: err}
	case e.Code == CodeNotReady:
		return &publish.Error{Outcome: publish.Transient, Message: words, Err: fmt.Errorf("%w: %s", ErrNotReady, e.Words())}
	case e.Code == CodeTempIssue || e.Code == CodeUnknown || resp.StatusCode >= 500:
		return &publish.Error{Outcome: publish.Transient, Message: words, Err: fmt.Errorf("%w: %w", errServer, err)}
	}
	return &publish.Error{Outcome: publish.Rejected, Message: g.O.Network + " refused: " + e.Words(), Err: err}
}

// regainAccess reads how long the Graph API says a rate-limited Page or
// account waits, from X-Business-Use-Case-Usage
// ({"<id>":[{"type":"pages","estimated_time_to_regain_access":MINUTES}]}).
func regainAccess(h http.Header) time.Duration {
	var usage map[string][]struct {
		Minutes int `json:"estimated_time_to_regain_access"`
	}
	if json.Unmarshal([]byte(h.Get("X-Business-Use-Case-Usage")), &usage) != nil {
		return 0
	}
	var wait time.Duration
	for _, us := range usage {
		for _, u := range us {
			wait = max(wait, time.Duration(min(u.Minutes, 24*60))*time.Minute)
		}
	}
	return wait
}

// Call sends method path (relative to the API URL) with form f (a query
// for GET) and token, and decodes the JSON answer into out (nil: ignored).
// Failures are classified (Classify); a 2xx whose body is unreadable is
// Ambiguous for a POST.
func (g *Graph) Call(ctx context.Context, method, path, token string, f url.Values, out any) error {
	if f == nil {
		f = url.Values{}
	}
	u := g.O.APIURL + path
	var req *http.Request
	var err error
	if token != "" { // the access_token parameter both APIs document (never logged: errors strip URLs)
		f.Set("access_token", token)
	}
	if method == http.MethodGet {
		req, err = http.NewRequestWithContext(ctx, method, u+"?"+f.Encode(), nil)
	} else {
		req, err = http.NewRequestWithContext(ctx, method, u, strings.NewReader(f.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if err != nil {
		return publish.Rejectedf("%s is not usable: %v", g.O.Settings, err)
	}
	return g.Do(req, out)
}

// Do sends req (built by the caller, e.g. multipart) and decodes its answer
// into out, failures classified.
func (g *Graph) Do(req *http.Request, out any) error {
	req.Header.Set("Accept", "application/json")
	req.GetBody = nil // every attempt is one the scheduler recorded
	resp, err := publish.Do(g.O.Client, req)
	if err != nil {
		return err
	}
	raw := &strings.Builder{}
	resp.Body = teeBody(resp.Body, raw)
	body, err := publish.Read(resp, g.O.Clock.Now())
	if err != nil {
		return g.Classify(resp, []byte(raw.String()), err)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		if req.Method == http.MethodGet {
			return publish.TransientError(fmt.Errorf("%s's answer is unreadable: %w", g.O.Network, err), 0)
		}
		return publish.AmbiguousError(fmt.Errorf("%s's answer is unreadable: %w", g.O.Network, err))
	}
	return nil
}

// Ambiguous makes err, the failure of a call that creates something,
// ambiguous when the network may have acted (a 5xx or a timeout after
// sending): Meta takes no idempotency key, so it is looked for rather
// than sent again. Rate limits and refusals stay as they are.
func Ambiguous(err error) error {
	if errors.Is(err, errServer) {
		return &publish.Error{Outcome: publish.Ambiguous, Message: publish.Classify(err).Message, Err: err}
	}
	return err
}

// ID is the answer of a call that creates something.
type ID struct {
	ID     string `json:"id"`
	PostID string `json:"post_id"`
}

// AppReady is a Provider's Ready: an EUNAVAILABLE error naming the app
// settings (idName, secretName) when the app of network is not set, for
// targets of kind.
func (g *Graph) AppReady(kind, app, idName, secretName string) error {
	if g.O.AppID != "" && g.O.AppSecret != "" {
		return nil
	}
	return herald.Errorf(herald.EUNAVAILABLE, "Herald has no %s app: its operator sets %s and %s.", app, idName, secretName).
		Because(publish.ReasonNoApp, herald.Facts{"kind": kind, "settings": idName + ", " + secretName})
}

// DialogURL is the authorization page at AuthURL + path asking scopes
// (comma-separated, as Meta takes them), or showing the configuration
// ConfigID, coming back to redirect with state.
func (g *Graph) DialogURL(path, state, redirect string, scopes []string) string {
	q := url.Values{"client_id": {g.O.AppID}, "redirect_uri": {redirect}, "state": {state},
		"response_type": {"code"}, "scope": {strings.Join(scopes, ",")}}
	if g.O.ConfigID != "" { // Facebook Login for Business: the configuration replaces the scopes
		q.Del("scope")
		q.Set("config_id", g.O.ConfigID)
	}
	return g.O.AuthURL + path + "?" + q.Encode()
}
