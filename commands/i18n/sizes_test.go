package i18n

import (
	"strings"
	"testing"
)

// TestSizes: sizes as media.Bytes writes them, in French units; English
// and other text unchanged.
func TestSizes(t *testing.T) {
	for _, tt := range []struct {
		l        Lang
		in, want string
	}{
		{French, "vitrine.png, 64×48, 148 B", "vitrine.png, 64×48, 148\u00a0o"},
		{French, "16.8 MB of at most 1.2 GB; 412 KB", "16,8\u00a0Mo of at most 1,2\u00a0Go; 412\u00a0Ko"},
		{French, "BBC 12 Bytes", "BBC 12 Bytes"},
		{English, "16.8 MB", "16.8 MB"},
		{"", "148 B", "148 B"},
	} {
		if got := tt.l.Sizes(tt.in); got != tt.want {
			t.Errorf("%s.Sizes(%q) = %q; want %q", tt.l, tt.in, got, tt.want)
		}
	}
}

// FuzzSizes: any text goes through; English is unchanged; French changes
// only sizes, so text without a digit is unchanged too.
func FuzzSizes(f *testing.F) {
	for _, s := range []string{"148 B", "16.8 MB", "a.png, 64×48, 412 KB", "1.2 GB", "B KB", "9.99999 MB", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := English.Sizes(s); got != s {
			t.Fatalf("English.Sizes(%q) = %q", s, got)
		}
		got := French.Sizes(s)
		if !strings.ContainsAny(s, "0123456789") && got != s {
			t.Fatalf("French.Sizes(%q) = %q; text without a size changed", s, got)
		}
	})
}
