// Package mastodon publishes posts as public Mastodon statuses through
// POST /api/v1/statuses, with the post's key as Idempotency-Key: Mastodon
// keeps a key for an hour and answers a repeated key with the status it
// made the first time, so an attempt cut short may be sent again.
//
// An account is the instance URL (https://mastodon.social) and an access
// token with the write:statuses scope (and write:media to post pictures
// and videos).
//
// Media go up first through POST /api/v2/media (multipart, with the alt
// text as description); an attachment answered 202 is polled with
// GET /api/v1/media/:id until processed; the status then lists media_ids.
// Each upload is recorded on the delivery before the status is sent, so a
// retry reuses it.
//
// A status is checked against the limits its instance publishes (LimitsFor),
// and a 429 waits until the instance's Retry-After or X-RateLimit-Reset.
package mastodon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish"
)

// The limits of a default Mastodon instance (DefaultLimits), used where an
// instance does not publish its own.
const (
	MaxChars = 500 // characters in a status, counted by Length
	URLChars = 23  // what each link counts for, however long it is
)

// keyWindow is how long a sent key may be sent again: Mastodon keeps keys
// for an hour; the margin covers clock skew and a slow first attempt.
const keyWindow = 50 * time.Minute

var (
	_ publish.Publisher    = (*Publisher)(nil)
	_ publish.Deduplicator = (*Publisher)(nil)
	_ publish.Validator    = (*Publisher)(nil)
	_ publish.Configurer   = (*Publisher)(nil)
)

// Publisher posts statuses to Mastodon instances. It is safe for
// concurrent use.
type Publisher struct {
	client *http.Client
	clock  herald.Clock
	log    *slog.Logger
	limits limitCache
	sleep  func(ctx context.Context, d time.Duration) error // between polls of media being processed
}

// Option configures a Publisher.
type Option func(*Publisher)

// WithLogger makes the Publisher log to l (by default it logs nothing):
// an instance whose limits cannot be read, and why.
func WithLogger(l *slog.Logger) Option { return func(p *Publisher) { p.log = l } }

// New returns a Publisher that sends with client (nil: a guarded httpx.New client, 30 s
// timeout) and reads the time from clock (nil: the system clock). Redirects
// are not followed (httpx.NoRedirect).
func New(client *http.Client, clock herald.Clock, opts ...Option) *Publisher {
	if clock == nil {
		clock = herald.SystemClock{}
	}
	p := &Publisher{client: httpx.NoRedirect(client), clock: clock, log: slog.New(slog.DiscardHandler), sleep: herald.Sleep}
	for _, o := range opts {
		o(p)
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	return p
}

// KeyWindow is how long Post.Key may be sent again without a second
// status: 50 minutes of Mastodon's hour.
func (p *Publisher) KeyWindow() time.Duration { return keyWindow }

// status is the part of Mastodon's Status entity Herald reads.
type status struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

// Publish posts p.Text as a public status on p.Account, with p.Media
// attached (uploaded first, or reused from an earlier attempt: mediaIDs);
// a reply to a
// Mastodon mention (Post.ReplyTo) is posted in reply to it, no more
// visible than it (replyFields). A refused token
// (401) or a refused status (422, with Mastodon's words) is Rejected; a
// 429 is Transient until the instance's Retry-After, else its
// X-RateLimit-Reset; see publish.Do and publish.Read for the rest.
func (p *Publisher) Publish(ctx context.Context, post publish.Post) (publish.Receipt, error) {
	if err := p.CheckAccount(post.Account); err != nil {
		return publish.Receipt{}, publish.Rejectedf("%s", herald.ErrorMessage(err))
	}
	inReplyTo, visibility, err := p.replyFields(ctx, post)
	if err != nil {
		return publish.Receipt{}, err
	}
	text := post.Text
	if post.ReplyTo != nil && post.ReplyTo.Network == "mastodon" {
		text = withAuthor(post.ReplyTo, visibility, text)
	}
	fields := map[string]any{"status": text, "visibility": visibility}
	if inReplyTo != "" {
		fields["in_reply_to_id"] = inReplyTo
	}
	if len(post.Media) > 0 {
		ids, err := p.mediaIDs(ctx, post)
		if err != nil {
			return publish.Receipt{}, err
		}
		fields["media_ids"] = ids
	}
	body, err := json.Marshal(fields)
	if err != nil {
		return publish.Receipt{}, publish.Rejectedf("the post cannot be encoded: %v", err)
	}
	endpoint := strings.TrimSuffix(post.Account.URL, "/") + "/api/v1/statuses"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return publish.Receipt{}, publish.Rejectedf("the Mastodon instance URL is not usable: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+post.Account.Secret)
	if post.Key != "" {
		req.Header.Set("Idempotency-Key", post.Key)
	}
	// With that header net/http resends the request by itself when a reused
	// connection breaks; without GetBody it cannot, so every attempt is one
	// the Scheduler recorded.
	req.GetBody = nil
	resp, err := publish.Do(p.client, req)
	if err != nil {
		return publish.Receipt{}, err
	}
	var raw bytes.Buffer
	resp.Body = readCloser{io.TeeReader(resp.Body, &raw), resp.Body}
	now := p.clock.Now()
	answer, err := publish.Read(resp, now)
	if err != nil {
		if resp.StatusCode == http.StatusTooManyRequests {
			return publish.Receipt{}, rateLimited(err, resp.Header, now)
		}
		return publish.Receipt{}, explain(resp.StatusCode, raw.Bytes(), httpx.MayShow(resp), err)
	}
	var s status
	if err := json.Unmarshal(answer, &s); err != nil || s.ID == "" {
		return publish.Receipt{}, publish.AmbiguousError(errors.New("Mastodon answered success without a status id; the post was probably made"))
	}
	r := publish.Receipt{ID: s.ID, URL: s.URL}
	if !httpx.MayShow(resp) {
		r.URL = "" // an internal service's words stay off the card
	}
	return r, nil
}

// rateLimited is the Transient error of a 429, to be retried when the
// instance says: its Retry-After, else its X-RateLimit-Reset (a timestamp
// such as 2026-11-22T11:00:00.000Z), read by httpx.RetryAfter.
func rateLimited(err error, h http.Header, now time.Time) error {
	e := publish.Classify(err)
	wait := httpx.RetryAfter(h, now)
	if e.Outcome != publish.Transient || wait <= e.RetryAfter {
		return err
	}
	return &publish.Error{Outcome: publish.Transient, Message: e.Message, RetryAfter: wait, Err: e.Err}
}

// explain rewords a refusal for people; other failures pass unchanged.
// Mastodon's own words are quoted only when show (httpx.MayShow).
func explain(code int, body []byte, show bool, err error) error {
	e := publish.Classify(err)
	if e.Outcome != publish.Rejected {
		return err
	}
	msg := ""
	if show {
		msg = httpx.Message(body)
	}
	switch {
	case code == http.StatusUnauthorized:
		return refused(err, "Mastodon refused the access token (401); create a token with the write:statuses scope and update the target")
	case code == http.StatusUnprocessableEntity && msg != "":
		return refused(err, "Mastodon refused the post: "+msg)
	case code >= 300 && code < 400:
		return refused(err, fmt.Sprintf("the Mastodon instance URL redirects elsewhere (%d); set the target to the instance's own https:// address", code))
	}
	return refused(err, "Mastodon refused the post: "+e.Message)
}

func refused(err error, msg string) error {
	return &publish.Error{Outcome: publish.Rejected, Message: msg, Err: err}
}

type readCloser struct {
	io.Reader
	io.Closer
}

// ReasonTooLong is the Reason of a status longer than its instance takes;
// Facts: "max" and "url_chars" (the instance's limits), "length".
const ReasonTooLong = "mastodon.too_long"

// Validate refuses text Mastodon would refuse: blank, or longer than the
// instance of a allows (LimitsFor a.URL; DefaultLimits without a URL) as
// Limits.Length counts it. The first check of an instance asks it, for at
// most a few seconds; later ones use what it said (LimitsTTL).
func (p *Publisher) Validate(a publish.Account, text string) error {
	if strings.TrimSpace(text) == "" {
		return herald.Errorf(herald.EINVALID, "A Mastodon post needs some text.")
	}
	l := DefaultLimits
	if a.URL != "" {
		// Validate has no context of its own: LimitsFor bounds the call.
		l = p.LimitsFor(context.Background(), a.URL)
	}
	if n := l.Length(text); n > l.MaxChars {
		return herald.Errorf(herald.EINVALID, "A Mastodon post is limited to %d characters (each link counts as %d); this one has %d.", l.MaxChars, l.URLChars, n).
			Because(ReasonTooLong, herald.Facts{"max": l.MaxChars, "url_chars": l.URLChars, "length": n})
	}
	return nil
}

// Length counts text as a default instance does against MaxChars
// (DefaultLimits.Length).
func Length(text string) int { return DefaultLimits.Length(text) }

// Length counts text as Mastodon does against l.MaxChars: characters (code
// points), with each http(s) link counting l.URLChars whatever its length.
// Mastodon counts graphemes and shortens remote mentions; counting code
// points is stricter, so text Length accepts Mastodon accepts too.
func (l Limits) Length(text string) int {
	n := 0
	for text != "" {
		start, end := nextURL(text)
		if start < 0 {
			return n + utf8.RuneCountInString(text)
		}
		n += utf8.RuneCountInString(text[:start]) + l.URLChars
		text = text[end:]
	}
	return n
}

// nextURL finds the first link in s, approximating Mastodon's extractor:
// http:// or https:// (any case) not inside a word, a host with a dot, up
// to the next space, without trailing punctuation (trimming too much only
// counts a character more). It returns -1, -1 when there is none.
func nextURL(s string) (start, end int) {
	from := 0
	for {
		i := indexHTTP(s[from:])
		if i < 0 {
			return -1, -1
		}
		start = from + i
		from = start + 4
		if start > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:start]); isWord(r) {
				continue
			}
		}
		rest := s[start+4:]
		if len(rest) > 0 && (rest[0] == 's' || rest[0] == 'S') {
			rest = rest[1:]
		}
		if !strings.HasPrefix(rest, "://") {
			continue
		}
		rest = rest[3:]
		tail := strings.IndexFunc(rest, isSpace)
		if tail < 0 {
			tail = len(rest)
		}
		link := strings.TrimRight(rest[:tail], ".,:;!?'\"()[]{}<>…")
		host, _, _ := strings.Cut(link, "/")
		if !strings.Contains(strings.Trim(host, "."), ".") {
			continue
		}
		return start, len(s) - len(rest) + len(link)
	}
}

// indexHTTP is the index of the first "http" in s, in any ASCII case.
func indexHTTP(s string) int {
	for i := 0; i+4 <= len(s); i++ {
		if s[i]|0x20 == 'h' && s[i+1]|0x20 == 't' && s[i+2]|0x20 == 't' && s[i+3]|0x20 == 'p' {
			return i
		}
	}
	return -1
}

// isWord reports whether r, before "http", makes it part of a word rather
// than a link (twitter-text's rule, which Mastodon uses).
func isWord(r rune) bool {
	return r == '@' || r == '$' || r == '#' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0' || r == '\u3000' || r == '\u2028' || r == '\u2029'
}

// CheckAccount requires the instance URL (absolute http(s), a host, no
// path, query or fragment; a trailing slash is fine) and an access token.
func (p *Publisher) CheckAccount(a publish.Account) error {
	if strings.TrimSpace(a.URL) == "" {
		return herald.Errorf(herald.EINVALID, "A Mastodon target needs the instance URL, e.g. https://mastodon.social.")
	}
	u, err := url.Parse(a.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Hostname() == "" {
		return herald.Errorf(herald.EINVALID, "A Mastodon target needs the instance URL as an http(s) address with a host, e.g. https://mastodon.social.")
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Trim(u.Path, "/") != "" {
		return herald.Errorf(herald.EINVALID, "A Mastodon target needs just the instance's address, e.g. https://mastodon.social, not a profile or post link.")
	}
	if strings.TrimSpace(a.Secret) == "" {
		return herald.Errorf(herald.EINVALID, "A Mastodon target needs an access token with the write:statuses scope (Preferences → Development → New application).")
	}
	return nil
}
