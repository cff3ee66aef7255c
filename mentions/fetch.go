package mentions

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/heraldhq/herald/internal/retryafter"
)

// Defaults of HTTPOptions.
const (
	DefaultTimeout      = 20 * time.Second
	DefaultMaxBody      = 5 << 20
	DefaultPerHost      = 2
	DefaultMaxRedirects = 5
	// DefaultUserAgent is sent when HTTPOptions.UserAgent is empty;
	// cmd/herald sets UserAgent(version) instead.
	DefaultUserAgent = "Herald/dev (+https://github.com/heraldhq/herald)"
	// MaxRetryAfter caps what a source may ask us to wait: a hostile or
	// broken header must not silence a source for a year.
	MaxRetryAfter = retryafter.Max
)

// UserAgent returns the User-Agent Herald sends to sources:
// "Herald/<version> (+https://github.com/heraldhq/herald)".
func UserAgent(version string) string {
	if version == "" {
		version = "dev"
	}
	return "Herald/" + version + " (+https://github.com/heraldhq/herald)"
}

// HTTPOptions configures the HTTP client every polling source fetches
// with. The zero value is the safe default.
type HTTPOptions struct {
	// AllowPrivate lets sources reach loopback, private and link-local
	// addresses (HERALD_ALLOW_PRIVATE_SOURCES).
	AllowPrivate bool
	// Timeout bounds a whole request, redirects and body included;
	// DefaultTimeout when 0.
	Timeout time.Duration
	// MaxBody bounds every response body the client reads: reading past
	// it fails with an error (ErrBodyTooLarge), it is never silently
	// truncated. DefaultMaxBody when 0.
	MaxBody int64
	// UserAgent is set on requests that carry none; DefaultUserAgent
	// when "".
	UserAgent string
	// PerHost bounds the requests in flight to one host (from sending
	// until the body is closed); DefaultPerHost when 0.
	PerHost int
	// MaxRedirects is how many redirects a request may follow;
	// DefaultMaxRedirects when 0, none when negative.
	MaxRedirects int
	// AllowAddr, when set and AllowPrivate is false, replaces PublicAddr
	// as the test of every address the client dials or is redirected
	// to (IP and port). It is a test seam: a test makes one loopback
	// server count as public and checks that everything else is still
	// refused. Production leaves it nil.
	AllowAddr func(netip.AddrPort) bool
}

func (o HTTPOptions) withDefaults() HTTPOptions {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.PerHost <= 0 {
		o.PerHost = DefaultPerHost
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.MaxRedirects < 0 {
		o.MaxRedirects = 0
	}
	return o
}

// allowed reports whether the client may connect to ap.
func (o HTTPOptions) allowed(ap netip.AddrPort) bool {
	switch {
	case o.AllowPrivate:
		return true
	case o.AllowAddr != nil:
		return o.AllowAddr(ap)
	}
	return PublicAddr(ap.Addr())
}

// NewHTTPClient returns the client sources fetch with. Unless
// o.AllowPrivate, it refuses to connect to any address that is not
// public (PublicAddr): the check runs on the IP actually dialled, after
// DNS resolution, so a host name that resolves (or re-resolves) to a
// private address is refused too, and again on every redirect, which
// must stay on http or https and number at most o.MaxRedirects. No proxy
// from the environment is used (it would dial for us and bypass the
// check). Requests to one host are limited to o.PerHost at a time, every
// body to o.MaxBody bytes, every request with its body to o.Timeout.
func NewHTTPClient(o HTTPOptions) *http.Client {
	o = o.withDefaults()
	dialer := &net.Dialer{
		Timeout:   10 * time.Second,
		KeepAlive: 30 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !o.allowed(ap) {
				return privateError("the connection to " + address)
			}
			return nil
		},
	}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          50,
		MaxIdleConnsPerHost:   o.PerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		ResponseHeaderTimeout: o.Timeout,
	}
	return &http.Client{
		Transport: &limiter{next: transport, perHost: o.PerHost, maxBody: o.MaxBody, userAgent: o.UserAgent, hosts: map[string]*hostSlots{}},
		Timeout:   o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > o.MaxRedirects {
				return fmt.Errorf("stopped after %d redirects", o.MaxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("refused a redirect to a %q URL", req.URL.Scheme)
			}
			if ip, err := netip.ParseAddr(req.URL.Hostname()); err == nil {
				if !o.allowed(netip.AddrPortFrom(ip, portOf(req.URL))) {
					return privateError("a redirect to " + req.URL.Host)
				}
			}
			return nil
		},
	}
}

// portOf returns the port u connects to.
func portOf(u *url.URL) uint16 {
	if p, err := strconv.ParseUint(u.Port(), 10, 16); err == nil {
		return uint16(p)
	}
	if u.Scheme == "https" {
		return 443
	}
	return 80
}

// ErrBodyTooLarge is returned (wrapped, errors.Is) when a response body
// is larger than the client's or Fetch's limit.
var ErrBodyTooLarge = errors.New("response body too large")

// tooLargeError is ErrBodyTooLarge with the limit that was passed.
type tooLargeError struct{ limit int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("response body larger than %d bytes", e.limit)
}
func (e *tooLargeError) Is(target error) bool { return target == ErrBodyTooLarge }

// limiter is the RoundTripper that holds at most perHost requests per
// host in flight, sets the User-Agent and bounds bodies.
type limiter struct {
	next      http.RoundTripper
	perHost   int
	maxBody   int64
	userAgent string

	mu    sync.Mutex
	hosts map[string]*hostSlots
}

// hostSlots is one host's semaphore and how many requests hold or wait
// for it (the entry is dropped at zero, so the map stays small).
type hostSlots struct {
	sem   chan struct{}
	users int
}

func (l *limiter) acquire(ctx context.Context, host string) (release func(), err error) {
	l.mu.Lock()
	h := l.hosts[host]
	if h == nil {
		h = &hostSlots{sem: make(chan struct{}, l.perHost)}
		l.hosts[host] = h
	}
	h.users++
	l.mu.Unlock()
	leave := func() {
		l.mu.Lock()
		h.users--
		if h.users == 0 {
			delete(l.hosts, host)
		}
		l.mu.Unlock()
	}
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-h.sem
			leave()
		})
	}, nil
}

// RoundTrip implements http.RoundTripper.
func (l *limiter) RoundTrip(req *http.Request) (*http.Response, error) {
	release, err := l.acquire(req.Context(), req.URL.Host)
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	if req.Header.Get("User-Agent") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", l.userAgent)
	}
	resp, err := l.next.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &boundedBody{rc: resp.Body, limit: l.maxBody, left: l.maxBody, release: release}
	return resp, nil
}

// boundedBody fails with ErrBodyTooLarge past its limit and frees the
// host's slot when closed.
type boundedBody struct {
	rc      io.ReadCloser
	limit   int64
	left    int64
	release func()
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly the limit from a larger one.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, &tooLargeError{limit: b.limit}
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *boundedBody) Close() error {
	err := b.rc.Close()
	b.release()
	return err
}

// Fetch sends req (with ctx) through c and reads its body, at most
// maxBody bytes (DefaultMaxBody when 0): a larger body is an error,
// never a truncated success. It returns the response (its body already
// read and closed) and the body bytes. A 304 Not Modified is a success
// with no body. Any other status outside 2xx is a *FetchError with the
// status and the wait the source asked for (Retry-After, else
// X-Ratelimit-Reset; see ParseRetryAfter); a failure to connect or to
// read is a *FetchError with Status 0 (a refusal by the SSRF guard
// wraps a herald.Error EINVALID; see IsPrivateRefusal). Errors name the
// host, never the full URL: feed URLs can carry secrets.
func Fetch(ctx context.Context, c *http.Client, req *http.Request, maxBody int64) (*http.Response, []byte, error) {
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	host := req.URL.Host
	resp, err := c.Do(req.WithContext(ctx))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, nil, &FetchError{Err: fmt.Errorf("fetching from %s: %w", host, err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return resp, nil, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Drain a little so the connection can be reused; the body of an
		// error is not kept (it may echo what we sent).
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return resp, nil, &FetchError{
			Status:     resp.StatusCode,
			RetryAfter: RetryAfterHeader(resp.Header, responseNow(resp)),
			Err:        fmt.Errorf("%s answered %s", host, resp.Status),
		}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err == nil && int64(len(body)) > maxBody {
		err = &tooLargeError{limit: maxBody}
	}
	if tl := (*tooLargeError)(nil); errors.As(err, &tl) {
		return resp, nil, &FetchError{Status: resp.StatusCode, Err: fmt.Errorf("the answer from %s: %w", host, tl)}
	}
	if err != nil {
		return resp, nil, &FetchError{Err: fmt.Errorf("reading the answer from %s: %w", host, err)}
	}
	return resp, body, nil
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

// RetryAfterHeader returns how long h asks the client to wait, counted
// from now: Retry-After when present, else X-Ratelimit-Reset (Reddit:
// seconds; Mastodon: a timestamp). 0 when neither says.
func RetryAfterHeader(h http.Header, now time.Time) time.Duration {
	if d := ParseRetryAfter(h.Get("Retry-After"), now); d > 0 {
		return d
	}
	return ParseRetryAfter(h.Get("X-Ratelimit-Reset"), now)
}

// ParseRetryAfter reads a wait from a Retry-After or rate-limit reset
// value (see retryafter.Parse), capped at MaxRetryAfter.
func ParseRetryAfter(v string, now time.Time) time.Duration { return retryafter.Parse(v, now) }

// UnwrapRedirect returns the real link behind a redirect wrapper that
// alert feeds put around their links: Google's
// (https://www.google.com/url?rct=j&sa=t&url=REAL&...; also q=REAL, and
// any google.TLD) and Talkwalker's (a *.talkwalker.com link whose url
// query parameter holds the target). Nested wrappers are unwrapped. The
// result is always an absolute http or https URL; anything else (a
// wrapper around javascript:, an unparsable link, a link that is no
// wrapper) returns u unchanged.
func UnwrapRedirect(u string) string {
	out := u
	for range 3 {
		next, ok := unwrapOnce(out)
		if !ok {
			break
		}
		out = next
	}
	return out
}

func unwrapOnce(u string) (string, bool) {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") {
		return "", false
	}
	host := strings.ToLower(p.Hostname())
	q := p.Query()
	var target string
	switch {
	case isGoogle(host) && p.Path == "/url":
		target = q.Get("url")
		if target == "" {
			target = q.Get("q")
		}
	case host == "talkwalker.com" || strings.HasSuffix(host, ".talkwalker.com"):
		target = q.Get("url")
	}
	t, err := url.Parse(target)
	if target == "" || err != nil || (t.Scheme != "http" && t.Scheme != "https") || t.Host == "" {
		return "", false
	}
	return target, true
}

// isGoogle reports whether host is Google's search host in some
// country: google.com, www.google.fr, google.co.uk, www.google.com.br.
func isGoogle(host string) bool {
	host = strings.TrimPrefix(host, "www.")
	rest, ok := strings.CutPrefix(host, "google.")
	if !ok || rest == "" {
		return false
	}
	labels := strings.Split(rest, ".")
	switch len(labels) {
	case 1:
		return true
	case 2:
		return labels[0] == "co" || labels[0] == "com"
	}
	return false
}

// inlineTags are the elements that sit inside a line of text: removing
// them must not split a word ("<b>Con</b>cord" is "Concord"). Every
// other tag separates words.
var inlineTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "cite": true,
	"code": true, "data": true, "del": true, "dfn": true, "em": true, "font": true,
	"i": true, "ins": true, "kbd": true, "mark": true, "q": true, "s": true,
	"samp": true, "small": true, "span": true, "strike": true, "strong": true,
	"sub": true, "sup": true, "time": true, "tt": true, "u": true, "var": true,
}

// HTMLText turns an HTML fragment into plain text: tags are removed
// (block tags become spaces, inline ones vanish), comments and the
// content of script and style elements are dropped, entities are
// decoded, invalid UTF-8 is replaced and runs of white space (non
// breaking spaces included) collapse to one space, trimmed at both ends.
// A '<' that opens no tag ("a < b") is kept. It never fails.
func HTMLText(s string) string {
	var out strings.Builder
	out.Grow(len(s))
	text := func(t string) {
		if t != "" {
			out.WriteString(html.UnescapeString(t))
		}
	}
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			text(s)
			break
		}
		text(s[:i])
		s = s[i:]
		if len(s) < 2 || !opensTag(s[1]) {
			out.WriteByte('<')
			s = s[1:]
			continue
		}
		var name string
		var closing bool
		name, closing, s = skipTag(s)
		if !closing && (name == "script" || name == "style") {
			s = skipRawText(s, name)
		}
		if !inlineTags[name] {
			out.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(strings.ToValidUTF8(out.String(), "\uFFFD")), " ")
}

// opensTag reports whether c, after '<', starts a tag, an end tag, a
// comment, a declaration or a processing instruction.
func opensTag(c byte) bool {
	return c == '/' || c == '!' || c == '?' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// skipTag consumes the markup at the start of s (which begins with '<')
// and returns the lower-cased element name ("" for comments and
// declarations), whether it is an end tag, and the rest of s.
func skipTag(s string) (name string, closing bool, rest string) {
	if strings.HasPrefix(s, "<!--") {
		if end := strings.Index(s[4:], "-->"); end >= 0 {
			return "", false, s[4+end+3:]
		}
		return "", false, ""
	}
	if s[1] == '!' || s[1] == '?' {
		if end := strings.IndexByte(s, '>'); end >= 0 {
			return "", false, s[end+1:]
		}
		return "", false, ""
	}
	i := 1
	if s[i] == '/' {
		closing = true
		i++
	}
	start := i
	for i < len(s) && (isAlnum(s[i]) || s[i] == '-' || s[i] == ':') {
		i++
	}
	name = strings.ToLower(s[start:i])
	// Find the '>' that ends the tag, skipping quoted attribute values.
	var quote byte
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return name, closing, s[i+1:]
		}
	}
	return name, closing, ""
}

// skipRawText drops the content of a script or style element up to and
// including its end tag.
func skipRawText(s, name string) string {
	for i := 0; i+2+len(name) <= len(s); i++ {
		if s[i] == '<' && s[i+1] == '/' && strings.EqualFold(s[i+2:i+2+len(name)], name) {
			_, _, rest := skipTag(s[i:])
			return rest
		}
	}
	return ""
}

func isAlnum(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}
