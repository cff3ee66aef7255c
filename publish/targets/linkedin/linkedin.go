// Package linkedin publishes posts to LinkedIn through the Posts API
// (POST /rest/posts, with the LinkedIn-Version and
// X-Restli-Protocol-Version: 2.0.0 headers), as a member or as an
// organisation page the member administers; pictures go up first through
// the Images API (initializeUpload, then a PUT of the bytes). The post's
// id comes back in the x-restli-id header.
//
// Accounts are connected through LinkedIn's authorization page (Provider):
// OAuth 2.0 authorization code (LinkedIn takes no PKCE from web apps), the
// member from OpenID userinfo, their pages from organizationAcls.
//
// LinkedIn takes no idempotency key: after an ambiguous outcome Check
// looks for the post among the author's latest posts.
package linkedin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish"
)

// Defaults of Options.
const (
	APIURL  = "https://api.linkedin.com"
	AuthURL = "https://www.linkedin.com"
	// Version is the LinkedIn-Version (YYYYMM) Herald speaks.
	Version = "202611"
)

// MaxChars is how long a post's commentary may be, in UTF-16 code units
// of the text as typed (what LinkedIn counts).
const MaxChars = 3000

// Options configure a Publisher and a Provider.
type Options struct {
	APIURL  string       // the REST API's base URL (APIURL)
	AuthURL string       // the OAuth pages' base URL (AuthURL)
	Version string       // LinkedIn-Version (Version)
	Client  *http.Client // the operator's trusted httpx client
	Clock   herald.Clock
	// ClientID and ClientSecret are the LinkedIn app's (Provider only).
	ClientID, ClientSecret string
	// Scopes are the permissions asked (DefaultScopes when nil).
	Scopes []string
}

func (o Options) withDefaults() Options {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&o.APIURL, APIURL)
	def(&o.AuthURL, AuthURL)
	def(&o.Version, Version)
	o.APIURL, o.AuthURL = strings.TrimSuffix(o.APIURL, "/"), strings.TrimSuffix(o.AuthURL, "/")
	if o.Client == nil {
		o.Client = httpx.New(httpx.Options{Trusted: true, Timeout: 30 * time.Second})
	}
	if o.Clock == nil {
		o.Clock = herald.SystemClock{}
	}
	if o.Scopes == nil {
		o.Scopes = DefaultScopes
	}
	return o
}

var (
	_ publish.Publisher  = (*Publisher)(nil)
	_ publish.Checker    = (*Publisher)(nil)
	_ publish.Validator  = (*Publisher)(nil)
	_ publish.Configurer = (*Publisher)(nil)
)

// Publisher posts to LinkedIn. It is safe for concurrent use.
type Publisher struct{ o Options }

// New returns a Publisher.
func New(o Options) *Publisher { return &Publisher{o.withDefaults()} }

// ReasonTooLong is the Reason of a text longer than MaxChars.
const (
	ReasonTooLong = "linkedin.too_long" // "max", "length"
)

// Validate implements publish.Validator: at most MaxChars.
func (p *Publisher) Validate(_ publish.Account, text string) error {
	if n := Length(text); n > MaxChars {
		return herald.Errorf(herald.EINVALID, "LinkedIn takes at most %d characters; this text has %d.", MaxChars, n).
			Because(ReasonTooLong, herald.Facts{"max": MaxChars, "length": n})
	}
	return nil
}

// Length counts text as LinkedIn does: UTF-16 code units.
func Length(text string) int { return len(utf16.Encode([]rune(text))) }

// CheckAccount implements publish.Configurer: a LinkedIn account is
// connected (its author URN and token come from LinkedIn), never typed.
func (p *Publisher) CheckAccount(a publish.Account) error {
	if a.Secret == "" || !(strings.HasPrefix(a.Handle, "urn:li:person:") || strings.HasPrefix(a.Handle, "urn:li:organization:")) {
		return herald.Errorf(herald.EINVALID, "%s is set up by connecting it through LinkedIn's own page, not with a URL or a token.", a.Target).
			Because(publish.ReasonConnectOnly, herald.Facts{"kind": "linkedin", "target": a.Target.String()})
	}
	return nil
}

// postBody is a Posts API post.
type postBody struct {
	Author                    string       `json:"author"`
	Commentary                string       `json:"commentary"`
	Visibility                string       `json:"visibility"`
	Distribution              distribution `json:"distribution"`
	Content                   *content     `json:"content,omitempty"`
	LifecycleState            string       `json:"lifecycleState"`
	IsReshareDisabledByAuthor bool         `json:"isReshareDisabledByAuthor"`
}

type distribution struct {
	FeedDistribution               string   `json:"feedDistribution"`
	TargetEntities                 []string `json:"targetEntities"`
	ThirdPartyDistributionChannels []string `json:"thirdPartyDistributionChannels"`
}

type content struct {
	Media      *mediaRef   `json:"media,omitempty"`
	MultiImage *multiImage `json:"multiImage,omitempty"`
}

type mediaRef struct {
	ID      string `json:"id"`
	AltText string `json:"altText,omitempty"`
}

type multiImage struct {
	Images []mediaRef `json:"images"`
}

// Publish implements publish.Publisher: the pictures first, then the post.
func (p *Publisher) Publish(ctx context.Context, post publish.Post) (publish.Receipt, error) {
	if err := p.CheckAccount(post.Account); err != nil {
		return publish.Receipt{}, publish.Rejectedf("%s", herald.ErrorMessage(err))
	}
	if err := p.Validate(post.Account, post.Text); err != nil {
		return publish.Receipt{}, publish.Rejectedf("%s", herald.ErrorMessage(err))
	}
	c, err := p.uploadAll(ctx, post)
	if err != nil {
		return publish.Receipt{}, err
	}
	body, err := json.Marshal(postBody{
		Author: post.Account.Handle, Commentary: Escape(post.Text), Visibility: "PUBLIC",
		Distribution:   distribution{FeedDistribution: "MAIN_FEED", TargetEntities: []string{}, ThirdPartyDistributionChannels: []string{}},
		Content:        c,
		LifecycleState: "PUBLISHED",
	})
	if err != nil {
		return publish.Receipt{}, publish.Rejectedf("the post cannot be encoded: %v", err)
	}
	req, err := p.request(ctx, http.MethodPost, "/rest/posts", post.Account.Secret, bytes.NewReader(body))
	if err != nil {
		return publish.Receipt{}, err
	}
	resp, err := publish.Do(p.o.Client, req)
	if err != nil {
		return publish.Receipt{}, err
	}
	if _, err := p.read(resp); err != nil {
		return publish.Receipt{}, afterSending(resp, err)
	}
	id := resp.Header.Get("X-RestLi-Id")
	if id == "" {
		return publish.Receipt{}, publish.AmbiguousError(errors.New("LinkedIn answered success without the post's id (x-restli-id)"))
	}
	return publish.Receipt{ID: id, URL: PostURL(id)}, nil
}

// afterSending reads a server error (5xx) to a post as ambiguous: LinkedIn
// takes no idempotency key, and may have made the post before failing,
// so it is looked for (Check) rather than sent again. A 429 is refused
// before anything is made: it stays Transient.
func afterSending(resp *http.Response, err error) error {
	if resp.StatusCode >= 500 {
		return &publish.Error{Outcome: publish.Ambiguous, Message: publish.Classify(err).Message, Err: err}
	}
	return err
}

// PostURL is the address of a post people can open.
func PostURL(id string) string { return "https://www.linkedin.com/feed/update/" + id + "/" }

// request builds a call of the REST API with its headers.
func (p *Publisher) request(ctx context.Context, method, path, token string, body *bytes.Reader) (*http.Request, error) {
	var req *http.Request
	var err error
	if body != nil {
		req, err = http.NewRequestWithContext(ctx, method, p.o.APIURL+path, body)
	} else {
		req, err = http.NewRequestWithContext(ctx, method, p.o.APIURL+path, nil)
	}
	if err != nil {
		return nil, publish.Rejectedf("HERALD_LINKEDIN_API_URL is not usable: %v", err)
	}
	restHeaders(req, token, p.o.Version)
	return req, nil
}

func restHeaders(req *http.Request, token, version string) {
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("LinkedIn-Version", version)
	req.Header.Set("X-Restli-Protocol-Version", "2.0.0")
	req.Header.Set("Accept", "application/json")
	if req.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.GetBody = nil // every attempt is one the scheduler recorded
}

// read reads an answer, its failure classified as LinkedIn writes it.
func (p *Publisher) read(resp *http.Response) ([]byte, error) {
	raw := &bytes.Buffer{}
	resp.Body = teeBody(resp.Body, raw)
	body, err := publish.Read(resp, p.o.Clock.Now())
	if err != nil {
		return nil, apiError(resp, raw.Bytes(), err, p.o.Clock.Now())
	}
	return body, nil
}

// problem is LinkedIn's error body.
type problem struct {
	Status           int    `json:"status"`
	ServiceErrorCode int    `json:"serviceErrorCode"`
	Code             string `json:"code"`
	Message          string `json:"message"`
}

// apiError rewords a failed call as LinkedIn wrote it: a 401 (revoked,
// expired or invalid token) is Dead; 429 and 5xx stay Transient, with
// LinkedIn's Retry-After; other refusals are Rejected with its message.
func apiError(resp *http.Response, body []byte, err error, now time.Time) error {
	var pr problem
	_ = json.Unmarshal(body, &pr)
	words := pr.Message
	if pr.Code != "" || pr.ServiceErrorCode != 0 {
		words = strings.TrimSpace(fmt.Sprintf("%s (%d %s, serviceErrorCode %d)", pr.Message, resp.StatusCode, pr.Code, pr.ServiceErrorCode))
	} else if words == "" {
		words = fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	e := publish.Classify(err)
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return publish.DeadToken("LinkedIn refused the account's token: %s", words)
	case e.Outcome == publish.Transient:
		wait := max(e.RetryAfter, httpx.RetryAfter(resp.Header, now))
		return &publish.Error{Outcome: publish.Transient, Message: "LinkedIn: " + words, RetryAfter: wait, Err: err}
	case e.Outcome == publish.Rejected:
		return &publish.Error{Outcome: publish.Rejected, Message: "LinkedIn refused the post: " + words, Err: err}
	}
	return err
}

// Check implements publish.Checker: it looks for the post among its
// author's latest posts, by its commentary. A post not found there is
// not taken as absent (LinkedIn lists new posts late): Check then
// returns an error, and a person decides.
func (p *Publisher) Check(ctx context.Context, post publish.Post) (publish.Receipt, bool, error) {
	q := url.Values{"q": {"author"}, "author": {post.Account.Handle}, "count": {"20"}, "sortBy": {"LAST_MODIFIED"}}
	req, err := p.request(ctx, http.MethodGet, "/rest/posts?"+q.Encode(), post.Account.Secret, nil)
	if err != nil {
		return publish.Receipt{}, false, err
	}
	resp, err := publish.Do(p.o.Client, req)
	if err != nil {
		return publish.Receipt{}, false, err
	}
	body, err := p.read(resp)
	if err != nil {
		return publish.Receipt{}, false, err
	}
	var list struct {
		Elements []struct {
			ID         string `json:"id"`
			Commentary string `json:"commentary"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return publish.Receipt{}, false, publish.AmbiguousError(fmt.Errorf("LinkedIn's list of posts is unreadable: %w", err))
	}
	want := Escape(post.Text)
	for _, e := range list.Elements {
		if e.Commentary == want || e.Commentary == post.Text {
			return publish.Receipt{ID: e.ID, URL: PostURL(e.ID)}, true, nil
		}
	}
	return publish.Receipt{}, false, publish.AmbiguousError(fmt.Errorf("not among the author's %d latest posts on LinkedIn", len(list.Elements)))
}
