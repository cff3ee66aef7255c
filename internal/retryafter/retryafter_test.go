package retryafter_test

import (
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/retryafter"
)

func TestParse(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"soon", 0}, {"-5", 0}, {"0", 0}, {"NaN", 0}, {"+Inf", 0},
		{"120", 2 * time.Minute}, {" 1.5 ", 1500 * time.Millisecond},
		{"1e300", retryafter.Max}, {"999999999", retryafter.Max},
		{"1796115900", 5 * time.Minute}, // a Unix timestamp, 09:05
		{"Tue, 01 Dec 2026 09:01:00 GMT", time.Minute},
		{"2026-12-01T09:00:30Z", 30 * time.Second},
		{"Tue, 01 Dec 2026 08:00:00 GMT", 0}, // past
		{"2027-12-01T09:00:00Z", retryafter.Max},
	} {
		if got := retryafter.Parse(tt.in, now); got != tt.want {
			t.Errorf("Parse(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"120", "1.5", "1796115900", "Tue, 01 Dec 2026 09:01:00 GMT", "2026-12-01T09:00:30Z", "1e300"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		if d := retryafter.Parse(v, now); d < 0 || d > retryafter.Max {
			t.Errorf("Parse(%q) = %v, outside [0, %v]", v, d, retryafter.Max)
		}
	})
}
