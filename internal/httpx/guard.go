package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// errPrivate marks a refusal by the guard (errors.Is): a loopback,
// private, link-local or otherwise non-public address.
var errPrivate = errors.New("private network address refused")

// IsPrivate reports whether err (or what it wraps) is the guard refusing
// a non-public address.
func IsPrivate(err error) bool { return errors.Is(err, errPrivate) }

// URLError is a URL or an address refused before any request was sent:
// by CheckURL, or by a client's guard when dialling or redirected. Message
// is one sentence for the user (it names the host or the URL as given,
// cut to 200 bytes); Err is the cause (errPrivate for the guard). The
// domain shows it as an EINVALID herald.Error.
type URLError struct {
	Message string
	Err     error
}

// Error returns the message and the cause.
func (e *URLError) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *URLError) Unwrap() error { return e.Err }

// privateError is the refusal the user reads.
func privateError(what string) error {
	return &URLError{
		Message: fmt.Sprintf("%s points at a private network address; Herald refuses it unless HERALD_ALLOW_PRIVATE_SOURCES=true", what),
		Err:     errPrivate,
	}
}

// nonPublic lists the IPv4 and IPv6 ranges the client may not reach
// unless private addresses are allowed: loopback, RFC 1918, CGNAT,
// link-local (the cloud metadata address 169.254.169.254 among them),
// "this network", benchmarking and reserved ranges, ULA (AWS's metadata
// address fd00:ec2::254 among them), and the IPv6 prefixes that embed an
// IPv4 address (checked again on that address).
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network", 0.0.0.0 included
	netip.MustParsePrefix("10.0.0.0/8"),      // RFC 1918
	netip.MustParsePrefix("100.64.0.0/10"),   // CGNAT, RFC 6598
	netip.MustParsePrefix("127.0.0.0/8"),     // loopback
	netip.MustParsePrefix("169.254.0.0/16"),  // link-local, cloud metadata
	netip.MustParsePrefix("172.16.0.0/12"),   // RFC 1918
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // TEST-NET-1
	netip.MustParsePrefix("192.88.99.0/24"),  // 6to4 relay anycast (deprecated)
	netip.MustParsePrefix("192.168.0.0/16"),  // RFC 1918
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // TEST-NET-2
	netip.MustParsePrefix("203.0.113.0/24"),  // TEST-NET-3
	netip.MustParsePrefix("224.0.0.0/4"),     // multicast
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, broadcast included
	netip.MustParsePrefix("::/128"),          // unspecified
	netip.MustParsePrefix("::1/128"),         // loopback
	netip.MustParsePrefix("100::/64"),        // discard-only
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64: the IPv4 address may sit anywhere
	netip.MustParsePrefix("2001::/32"),       // Teredo: tunnels to an (obfuscated) IPv4 address
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("fc00::/7"),        // unique local (ULA), fd00:ec2::254 included
	netip.MustParsePrefix("fe80::/10"),       // link-local
	netip.MustParsePrefix("fec0::/10"),       // site-local (deprecated)
	netip.MustParsePrefix("ff00::/8"),        // multicast
}

// embedding lists IPv6 prefixes whose low bits carry an IPv4 address
// that the network may route to: IPv4-compatible (::a.b.c.d),
// IPv4-translated (::ffff:0:a.b.c.d, SIIT), NAT64 (64:ff9b::/96) and 6to4
// (2002::/16, the address in bits 16–48).
var embedding = []struct {
	prefix netip.Prefix
	offset int // byte offset of the embedded IPv4 address
}{
	{netip.MustParsePrefix("::/96"), 12},
	{netip.MustParsePrefix("64:ff9b::/96"), 12},
	{netip.MustParsePrefix("::ffff:0:0:0/96"), 12},
	{netip.MustParsePrefix("2002::/16"), 2},
}

// PublicAddr reports whether the client may connect to ip when private
// addresses are not allowed: false for every loopback, private,
// link-local, CGNAT, unspecified, multicast and reserved address, in
// IPv4, IPv6 and the IPv6 forms that carry an IPv4 address (IPv4-mapped
// ::ffff:a.b.c.d, IPv4-compatible, IPv4-translated, NAT64, 6to4; Teredo
// and local-use NAT64 always). The zero Addr is not public.
func PublicAddr(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	ip = ip.Unmap().WithZone("")
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	if ip.Is6() {
		b := ip.As16()
		for _, e := range embedding {
			if e.prefix.Contains(ip) {
				v4 := netip.AddrFrom4([4]byte(b[e.offset : e.offset+4]))
				if !PublicAddr(v4) {
					return false
				}
			}
		}
	}
	return true
}

// CheckURL vets a URL typed in chat (a feed, a Mastodon instance, a
// publish target) before it is stored: it must parse, be http or https,
// name a host, carry no user:password, and — unless o.AllowPrivate —
// every address its host resolves to (with o.Resolver) must be public
// (PublicAddr, or o.AllowAddr when set). A refusal is a *URLError whose message says what is
// wrong; a host that does not resolve is one too. This is a courtesy
// check for a clear answer at once: the client of New checks again the
// address it actually dials, which is what stops DNS rebinding.
func (o Options) CheckURL(ctx context.Context, raw string) error {
	o = o.withDefaults()
	raw = strings.TrimSpace(raw)
	shown := raw
	if len(shown) > 200 {
		shown = shown[:200] + "…"
	}
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return &URLError{Message: fmt.Sprintf("%q is not a URL; give one like https://example.com/feed.xml", shown)}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return &URLError{Message: fmt.Sprintf("%q is not an http or https URL", shown)}
	}
	if u.User != nil {
		return &URLError{Message: fmt.Sprintf("%s carries a user name or password; Herald does not store credentials in source URLs", u.Scheme+"://"+u.Host)}
	}
	host := u.Hostname()
	if host == "" {
		return &URLError{Message: fmt.Sprintf("%q names no host", shown)}
	}
	if o.AllowPrivate {
		return nil
	}
	port := portOf(u)
	if ip, ok := hostAddr(host); ok {
		if !o.allowed(netip.AddrPortFrom(ip, port)) {
			return privateError(shown)
		}
		return nil
	}
	addrs, err := o.Resolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return &URLError{Message: fmt.Sprintf("the host %s of %s could not be resolved", host, shown), Err: err}
	}
	for _, ip := range addrs {
		if !o.allowed(netip.AddrPortFrom(ip, port)) {
			return privateError(shown)
		}
	}
	return nil
}

// hostAddr returns the address a host names literally: an IP address, or
// an IPv4 address in a form that inet_aton (and so a C resolver) reads —
// decimal 2130706433, hex 0x7f000001, octal 0177.0.0.1, short 127.1.
// Such a host is checked as that address, never looked up as a name.
func hostAddr(host string) (netip.Addr, bool) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip, true
	}
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var n [4]uint64
	for i, p := range parts {
		if p == "" || strings.Contains(p, "_") {
			return netip.Addr{}, false
		}
		v, err := strconv.ParseUint(p, 0, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		n[i] = v
	}
	// The last part fills the bytes the others leave.
	last := len(parts) - 1
	if n[last] >= 1<<(8*(4-last)) {
		return netip.Addr{}, false
	}
	v := uint32(n[last])
	for i := range last {
		if n[i] > 255 {
			return netip.Addr{}, false
		}
		v |= uint32(n[i]) << (8 * (3 - i))
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}
