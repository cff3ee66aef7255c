package httpx

import (
	"net/netip"
	"testing"
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
		{"::127.0.0.1", false},                          // IPv4-compatible
		{"64:ff9b::a00:1", false},                       // NAT64 of 10.0.0.1
		{"2002:7f00:1::", false},                        // 6to4 of 127.0.0.1
		{"2002:a9fe:a9fe::1", false},                    // 6to4 of 169.254.169.254
		{"::ffff:0:7f00:1", false},                      // IPv4-translated (SIIT) of 127.0.0.1
		{"::ffff:0:a9fe:a9fe", false},                   // IPv4-translated of 169.254.169.254
		{"64:ff9b:1:7f00:1::", false},                   // local-use NAT64 (/48 form) of 127.0.0.1
		{"64:ff9b:1::a00:1", false},                     // local-use NAT64
		{"2001:0:4136:e378:8000:63bf:80ff:fffe", false}, // Teredo, client 127.0.0.1
		{"2001::1", false},                              // Teredo
		{"192.88.99.1", false},                          // 6to4 relay anycast
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

func TestOptionsAllowed(t *testing.T) {
	private := []string{"10.0.0.1:80", "169.254.169.254:80", "127.0.0.1:443", "[::1]:80"}
	for _, a := range private {
		ap := netip.MustParseAddrPort(a)
		if (Options{}).allowed(ap) {
			t.Errorf("%s allowed by default", a)
		}
		if !(Options{AllowPrivate: true}).allowed(ap) {
			t.Errorf("%s refused with AllowPrivate", a)
		}
	}
	if !(Options{}).allowed(netip.MustParseAddrPort("8.8.8.8:443")) {
		t.Error("a public address is refused")
	}
}

func TestHostAddr(t *testing.T) {
	for host, want := range map[string]string{
		"127.0.0.1":         "127.0.0.1",
		"2130706433":        "127.0.0.1",
		"0x7f000001":        "127.0.0.1",
		"0x7F000001":        "127.0.0.1",
		"0177.0.0.1":        "127.0.0.1",
		"127.1":             "127.0.0.1",
		"10.1":              "10.0.0.1",
		"0xa9.254.0xa9.254": "169.254.169.254",
		"::1":               "::1",
		"8.8.8.8":           "8.8.8.8",
	} {
		if got, ok := hostAddr(host); !ok || got.String() != want {
			t.Errorf("hostAddr(%q) = %v, %v; want %s", host, got, ok, want)
		}
	}
	for _, host := range []string{"example.com", "1.2.3.4.5", "123.com", "4294967296", "256.1.1.1", "1.2.3.256", "", "1..2", "1_000", "0x"} {
		if got, ok := hostAddr(host); ok {
			t.Errorf("hostAddr(%q) = %v; want no address", host, got)
		}
	}
}
