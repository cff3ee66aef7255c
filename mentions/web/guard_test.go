package web

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
)

// fakeLookup resolves from a table, like a DNS server under test
// control.
type fakeLookup map[string][]string

// LookupNetIP implements httpx.Resolver.
func (table fakeLookup) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	addrs, ok := table[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	var out []netip.Addr
	for _, a := range addrs {
		out = append(out, netip.MustParseAddr(a))
	}
	return out, nil
}

func TestCheckSourceURL(t *testing.T) {
	lookup := fakeLookup{
		"example.com":       {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"},
		"internal.example":  {"10.1.2.3"},
		"rebind.example":    {"93.184.216.34", "127.0.0.1"},
		"metadata.example":  {"169.254.169.254"},
		"mapped.example":    {"::ffff:192.168.0.1"},
		"mastodon.social":   {"151.101.1.1"},
		"loopback6.example": {"::1"},
	}
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		for _, raw := range []string{
			"https://example.com/feed.xml",
			"http://example.com:8080/rss?q=acme",
			"https://mastodon.social",
			"http://93.184.216.34/feed",
			"  https://example.com/feed  ",
		} {
			if err := checkSourceURL(ctx, raw, httpx.Options{Resolver: lookup}); err != nil {
				t.Errorf("%s: %v", raw, err)
			}
		}
	})
	t.Run("ErrPrivate", func(t *testing.T) {
		for _, raw := range []string{
			"http://127.0.0.1",
			"http://127.0.0.1:8080/feed",
			"http://10.0.0.1/feed",
			"http://169.254.169.254/latest/meta-data/",
			"http://[::1]/",
			"http://[::ffff:127.0.0.1]/",
			"http://[fe80::1]/",
			"http://0.0.0.0/",
			"http://100.64.1.1/",
			"https://internal.example/feed",
			"https://rebind.example/feed",
			"https://metadata.example/",
			"https://mapped.example/",
			"https://loopback6.example/",
		} {
			err := checkSourceURL(ctx, raw, httpx.Options{Resolver: lookup})
			if !httpx.IsPrivate(err) || herald.ErrorCode(err) != herald.EINVALID {
				t.Errorf("%s: got %v, want a private-address refusal", raw, err)
			}
			if err := checkSourceURL(ctx, raw, httpx.Options{AllowPrivate: true, Resolver: lookup}); err != nil {
				t.Errorf("%s with private sources allowed: %v", raw, err)
			}
		}
	})
	t.Run("ErrPrivateMessage", func(t *testing.T) {
		err := checkSourceURL(ctx, "http://10.0.0.1/feed", httpx.Options{Resolver: lookup})
		want := "http://10.0.0.1/feed points at a private network address; Herald refuses it unless HERALD_ALLOW_PRIVATE_SOURCES=true"
		if herald.ErrorMessage(err) != want {
			t.Errorf("message = %q, want %q", herald.ErrorMessage(err), want)
		}
	})
	t.Run("ErrLocalhost", func(t *testing.T) {
		// The real resolver: localhost resolves to loopback everywhere.
		if err := CheckSourceURL(ctx, "http://localhost:8080/feed", false); !httpx.IsPrivate(err) {
			t.Errorf("localhost: got %v, want a private-address refusal", err)
		}
		if err := CheckSourceURL(ctx, "http://localhost:8080/feed", true); err != nil {
			t.Errorf("localhost allowed: %v", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, raw := range []string{
			"",
			"example.com/feed",
			"ftp://example.com/feed",
			"file:///etc/passwd",
			"javascript:alert(1)",
			"https://user:secret@example.com/feed",
			"https:///feed",
			"http://%zz",
			"https://no-such-host.example/feed",
		} {
			err := checkSourceURL(ctx, raw, httpx.Options{Resolver: lookup})
			if herald.ErrorCode(err) != herald.EINVALID || httpx.IsPrivate(err) {
				t.Errorf("%q: got %v, want EINVALID", raw, err)
			}
			if raw != "https://no-such-host.example/feed" {
				if err := checkSourceURL(ctx, raw, httpx.Options{AllowPrivate: true, Resolver: lookup}); herald.ErrorCode(err) != herald.EINVALID {
					t.Errorf("%q with private allowed: got %v, want EINVALID", raw, err)
				}
			}
		}
	})
}
