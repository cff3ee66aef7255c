// Package httpx is the one outbound HTTP client of Herald: every URL Herald
// calls (feeds and listening APIs, publish targets, the chat platforms'
// REST APIs, the LLM) goes through a client made by New. The client
// refuses, at dial time and on every redirect, any address that is not
// public (unless the Options allow private addresses), uses no proxy from
// the environment, bounds bodies, time and the requests in flight to one
// host, and sends one User-Agent. It imports only the standard library
// and internal leaves.
package httpx

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"syscall"
	"time"
)

// Defaults of Options.
const (
	defaultTimeout      = 20 * time.Second
	DefaultMaxBody      = 5 << 20
	defaultPerHost      = 2
	defaultMaxRedirects = 5
	// DefaultUserAgent is sent when Options.UserAgent is empty; cmd/herald
	// sets UserAgent(version) instead.
	DefaultUserAgent = "Herald/dev (+https://github.com/heraldhq/herald)"
)

// UserAgent returns the User-Agent Herald sends:
// "Herald/<version> (+https://github.com/heraldhq/herald)".
func UserAgent(version string) string {
	if version == "" {
		version = "dev"
	}
	return "Herald/" + version + " (+https://github.com/heraldhq/herald)"
}

// Resolver answers DNS questions; *net.Resolver is one. Tests inject
// their own to change a name's answer between two calls.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Options configure a client (New) and the URL check (CheckURL). The zero
// value is the safe default: public addresses only.
type Options struct {
	// AllowPrivate lets the client reach loopback, private and link-local
	// addresses. Operator-configured endpoints (SLACK_API_URL, an
	// OPENAI_BASE_URL on localhost) set it; URLs typed in chat set it
	// only with HERALD_ALLOW_PRIVATE_SOURCES.
	AllowPrivate bool
	// Trusted marks an endpoint the operator configured (SLACK_API_URL,
	// DISCORD_API_URL, OPENAI_BASE_URL, HERALD_*_URL): private addresses
	// are allowed (as with AllowPrivate) and its answers may be shown
	// (MayShow).
	Trusted bool
	// Timeout bounds a whole request, redirects and body included;
	// defaultTimeout when 0, none when negative (the caller's context
	// bounds it then).
	Timeout time.Duration
	// MaxBody bounds every response body the client reads: reading past
	// it fails with an error (ErrBodyTooLarge), it is never silently
	// truncated. DefaultMaxBody when 0.
	MaxBody int64
	// UserAgent is set on requests that carry none; DefaultUserAgent
	// when "".
	UserAgent string
	// PerHost bounds the requests in flight to one host (from sending
	// until the body is closed); defaultPerHost when 0.
	PerHost int
	// MaxRedirects is how many redirects a request may follow;
	// defaultMaxRedirects when 0, none when negative (the redirect
	// response itself is returned: see NoRedirect).
	MaxRedirects int
	// Resolver resolves host names, when dialling and in CheckURL;
	// net.DefaultResolver when nil.
	Resolver Resolver
	// AllowAddr, when set, replaces PublicAddr as the test of every
	// address the client dials or is redirected to (IP and port), that
	// CheckURL accepts, and whose answers MayShow shows. It is a test seam: a test makes one loopback
	// server count as public and checks that everything else is still
	// refused. Production leaves it nil.
	AllowAddr func(netip.AddrPort) bool
}

func (o Options) withDefaults() Options {
	if o.Timeout == 0 {
		o.Timeout = defaultTimeout
	}
	if o.Timeout < 0 {
		o.Timeout = 0
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.PerHost <= 0 {
		o.PerHost = defaultPerHost
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = defaultMaxRedirects
	}
	if o.Trusted {
		o.AllowPrivate = true
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	return o
}

// allowed reports whether the client may connect to ap.
func (o Options) allowed(ap netip.AddrPort) bool {
	return o.AllowPrivate || o.public(ap)
}

// public reports whether ap counts as a public address: by AllowAddr
// when set, else PublicAddr.
func (o Options) public(ap netip.AddrPort) bool {
	if o.AllowAddr != nil {
		return o.AllowAddr(ap)
	}
	return PublicAddr(ap.Addr())
}

// New returns a client. Unless o.AllowPrivate, it refuses to connect to
// any address that is not public (PublicAddr): the check runs on the IP
// actually dialled, after DNS resolution, so a host name that resolves
// (or re-resolves) to a private address is refused too, and again on
// every redirect, which must stay on http or https and number at most
// o.MaxRedirects. No proxy from the environment is used (it would dial
// for us and bypass the check). Requests to one host are limited to
// o.PerHost at a time, every body to o.MaxBody bytes, every request with
// its body to o.Timeout. A refusal is a *URLError (IsPrivate) inside the
// client's error.
func New(o Options) *http.Client {
	o = o.withDefaults()
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           o.dial,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          50,
		MaxIdleConnsPerHost:   o.PerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		ResponseHeaderTimeout: o.Timeout,
	}
	c := &http.Client{
		Transport: &limiter{next: transport, trusted: o.Trusted, public: o.public, perHost: o.PerHost, maxBody: o.MaxBody, userAgent: o.UserAgent, hosts: map[string]*hostSlots{}},
		Timeout:   o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			return o.checkRedirect(req, via)
		},
	}
	if o.MaxRedirects < 0 {
		return NoRedirect(c)
	}
	return c
}

func (o Options) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > o.MaxRedirects {
		return fmt.Errorf("stopped after %d redirects", o.MaxRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("refused a redirect to a %q URL", req.URL.Scheme)
	}
	if ip, ok := hostAddr(req.URL.Hostname()); ok {
		if !o.allowed(netip.AddrPortFrom(ip, portOf(req.URL))) {
			return privateError("a redirect to " + req.URL.Host)
		}
	}
	return nil
}

// DialContext connects as New's clients do (o.Resolver, the guard
// unless o.AllowPrivate, no proxy): for clients that dial for themselves,
// such as a websocket dialer's NetDialContext.
func (o Options) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return o.withDefaults().dial(ctx, network, address)
}

// dial resolves address with o.Resolver and connects to the first of its
// addresses that is allowed and answers. The dialer's Control checks
// again the address connect(2) is given.
func (o Options) dial(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	var addrs []netip.Addr
	if ip, ok := hostAddr(host); ok {
		addrs = []netip.Addr{ip}
	} else if addrs, err = o.Resolver.LookupNetIP(ctx, "ip", host); err != nil {
		return nil, err
	}
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: o.control}
	var first error
	for _, ip := range addrs {
		c, err := d.DialContext(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
	}
	if first == nil {
		first = fmt.Errorf("no address for %s", host)
	}
	return nil, first
}

// control refuses a connection to an address that is not allowed, before
// any packet leaves.
func (o Options) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !o.allowed(ap) {
		return privateError("the connection to " + address)
	}
	return nil
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

// NoRedirect returns a copy of c (a New client with 30 s timeout when c is
// nil) that follows no redirect and returns the redirect response itself:
// Go would resend a POST as a GET, losing the post while reporting
// success. Publishers send with it.
func NoRedirect(c *http.Client) *http.Client {
	if c == nil {
		c = New(Options{Timeout: 30 * time.Second})
	}
	cp := *c
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}
