package httpx

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// Send sends req with c and tells whether the request was fully written
// before a failure (the server may have acted on it) — what a caller
// needs to tell "nothing arrived" from "no answer". Go's transport
// resends a request by itself when a reused connection breaks before the
// answer; Send turns that off for anything but GET and HEAD, so that
// every attempt is one the caller knows of.
func Send(c *http.Client, req *http.Request) (resp *http.Response, wrote bool, err error) {
	ctx, written := Watch(req.Context())
	req = req.WithContext(ctx)
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		req.GetBody = nil
	}
	resp, err = c.Do(req)
	return resp, written(), err
}

// Watch returns ctx carrying a trace that notes when an HTTP request made
// with it is fully written, and a function that tells whether one was:
// for SDK clients that take a context rather than a request. The trace
// also notes the address the request was sent to, which MayShow reads
// from the response.
func Watch(ctx context.Context) (context.Context, func() bool) {
	var wrote atomic.Bool
	p := &peer{}
	trace := &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				wrote.Store(true)
			}
		},
		GotConn: func(i httptrace.GotConnInfo) {
			if ap, err := netip.ParseAddrPort(i.Conn.RemoteAddr().String()); err == nil {
				p.addr.Store(&ap)
			}
		},
	}
	ctx = context.WithValue(ctx, peerKey{}, p)
	return httptrace.WithClientTrace(ctx, trace), wrote.Load
}

// peer is what the transport noted of a watched request: the address
// it was last sent to, and whether the client is Trusted.
type peer struct {
	addr    atomic.Pointer[netip.AddrPort]
	trusted atomic.Bool
	public  atomic.Pointer[func(netip.AddrPort) bool] // the client's test; PublicAddr when unset
}

type peerKey struct{}

// MayShow reports whether what resp says (an error message in its body)
// may be shown to people: true when its client is Trusted (an endpoint
// the operator configured) or it came over a connection to a public
// address (PublicAddr, or the client's Options.AllowAddr); false when its request was not watched (Send,
// Watch) or the address is private — allowed by Options.AllowPrivate, or
// a test server. What a private address answers may be an internal
// service's data: callers show only its status then.
func MayShow(resp *http.Response) bool {
	if resp == nil || resp.Request == nil {
		return false
	}
	p, ok := resp.Request.Context().Value(peerKey{}).(*peer)
	if !ok {
		return false
	}
	if p.trusted.Load() {
		return true
	}
	ap := p.addr.Load()
	if ap == nil {
		return false
	}
	if public := p.public.Load(); public != nil {
		return (*public)(*ap)
	}
	return PublicAddr(ap.Addr())
}

// maxMessage is how many characters of a server's error message Message
// keeps.
const maxMessage = 300

// Message extracts a server's error message from a JSON body ("error",
// "message", "error_description"), or the body itself when it is short
// text; at most 300 characters, "" when there is none.
func Message(body []byte) string {
	var m map[string]any
	if json.Unmarshal(body, &m) == nil {
		for _, k := range []string{"error_description", "message", "error"} {
			if s, ok := m[k].(string); ok && s != "" {
				return clip(s, maxMessage)
			}
		}
		return ""
	}
	s := strings.TrimSpace(string(body))
	if s == "" || strings.HasPrefix(s, "<") || !utf8.ValidString(s) {
		return ""
	}
	return clip(s, maxMessage)
}

// clip returns s cut to n characters (runes), with "…" when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
