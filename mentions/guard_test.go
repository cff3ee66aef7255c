package mentions

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/heraldhq/herald"
)

func TestPublicAddr(t *testing.T) {
	tests := []struct {
		ip     string
		public bool
	}{
		{"127.0.0.1", false},
		{"127.8.9.10", false},
		{"10.0.0.1", false},
		{"172.16.5.4", false},
		{"172.31.255.255", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"169.254.1.1", false},
		{"100.64.0.1", false}, // CGNAT
		{"100.127.255.254", false},
		{"0.0.0.0", false},
		{"0.1.2.3", false},
		{"224.0.0.1", false},
		{"255.255.255.255", false},
		{"::", false},
		{"::1", false},
		{"fe80::1", false},
		{"fe80::1%eth0", false},
		{"fc00::1", false},
		{"fd12:3456::1", false},
		{"ff02::1", false},
		{"::ffff:127.0.0.1", false}, // IPv4-mapped
		{"::ffff:10.0.0.1", false},
		{"::ffff:169.254.169.254", false},
		{"::ffff:0.0.0.0", false},
		{"::127.0.0.1", false},       // IPv4-compatible
		{"64:ff9b::a00:1", false},    // NAT64 of 10.0.0.1
		{"2002:7f00:1::", false},     // 6to4 of 127.0.0.1
		{"2002:a9fe:a9fe::1", false}, // 6to4 of 169.254.169.254
		{"8.8.8.8", true},
		{"1.1.1.1", true},
		{"93.184.216.34", true},
		{"172.32.0.1", true},
		{"100.128.0.1", true},
		{"::ffff:8.8.8.8", true},
		{"2606:4700:4700::1111", true},
		{"2002:808:808::1", true}, // 6to4 of 8.8.8.8
		{"64:ff9b::808:808", true},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			if got := PublicAddr(netip.MustParseAddr(tt.ip)); got != tt.public {
				t.Errorf("PublicAddr(%s) = %v, want %v", tt.ip, got, tt.public)
			}
		})
	}
	if PublicAddr(netip.Addr{}) {
		t.Error("the zero Addr is public")
	}
}

// fakeLookup resolves from a table, like a DNS server under test
// control.
func fakeLookup(table map[string][]string) func(context.Context, string, string) ([]netip.Addr, error) {
	return func(_ context.Context, _, host string) ([]netip.Addr, error) {
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
}

func TestCheckSourceURL(t *testing.T) {
	lookup := fakeLookup(map[string][]string{
		"example.com":       {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"},
		"internal.example":  {"10.1.2.3"},
		"rebind.example":    {"93.184.216.34", "127.0.0.1"},
		"metadata.example":  {"169.254.169.254"},
		"mapped.example":    {"::ffff:192.168.0.1"},
		"mastodon.social":   {"151.101.1.1"},
		"loopback6.example": {"::1"},
	})
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		for _, raw := range []string{
			"https://example.com/feed.xml",
			"http://example.com:8080/rss?q=acme",
			"https://mastodon.social",
			"http://93.184.216.34/feed",
			"  https://example.com/feed  ",
		} {
			if err := checkSourceURL(ctx, raw, false, lookup); err != nil {
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
			err := checkSourceURL(ctx, raw, false, lookup)
			if !IsPrivateRefusal(err) || herald.ErrorCode(err) != herald.EINVALID {
				t.Errorf("%s: got %v, want a private-address refusal", raw, err)
			}
			if err := checkSourceURL(ctx, raw, true, lookup); err != nil {
				t.Errorf("%s with private sources allowed: %v", raw, err)
			}
		}
	})
	t.Run("ErrPrivateMessage", func(t *testing.T) {
		err := checkSourceURL(ctx, "http://10.0.0.1/feed", false, lookup)
		want := "http://10.0.0.1/feed points at a private network address; Herald refuses it unless HERALD_ALLOW_PRIVATE_SOURCES=true"
		if herald.ErrorMessage(err) != want {
			t.Errorf("message = %q, want %q", herald.ErrorMessage(err), want)
		}
	})
	t.Run("ErrLocalhost", func(t *testing.T) {
		// The real resolver: localhost resolves to loopback everywhere.
		if err := CheckSourceURL(ctx, "http://localhost:8080/feed", false); !IsPrivateRefusal(err) {
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
			err := checkSourceURL(ctx, raw, false, lookup)
			if herald.ErrorCode(err) != herald.EINVALID || IsPrivateRefusal(err) {
				t.Errorf("%q: got %v, want EINVALID", raw, err)
			}
			if raw != "https://no-such-host.example/feed" {
				if err := checkSourceURL(ctx, raw, true, lookup); herald.ErrorCode(err) != herald.EINVALID {
					t.Errorf("%q with private allowed: got %v, want EINVALID", raw, err)
				}
			}
		}
	})
}

func TestHTTPOptionsAllowed(t *testing.T) {
	private := []string{"10.0.0.1:80", "169.254.169.254:80", "127.0.0.1:443", "[::1]:80"}
	for _, a := range private {
		ap := netip.MustParseAddrPort(a)
		if (HTTPOptions{}).allowed(ap) {
			t.Errorf("%s allowed by default", a)
		}
		if !(HTTPOptions{AllowPrivate: true}).allowed(ap) {
			t.Errorf("%s refused with AllowPrivate", a)
		}
	}
	if !(HTTPOptions{}).allowed(netip.MustParseAddrPort("8.8.8.8:443")) {
		t.Error("a public address is refused")
	}
}
