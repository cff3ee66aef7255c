package bluesky_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/publish/targets/bluesky"
)

// tidSyntax is the atproto TID syntax.
var tidSyntax = regexp.MustCompile(`^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$`)

// decodeTID returns a TID's microseconds and clock id.
func decodeTID(tb testing.TB, tid string) (int64, uint64) {
	tb.Helper()
	var v uint64
	for _, c := range tid {
		i := strings.IndexRune("234567abcdefghijklmnopqrstuvwxyz", c)
		if i < 0 {
			tb.Fatalf("%q: %q is not in the alphabet", tid, c)
		}
		v = v<<5 | uint64(i)
	}
	return int64(v >> 10), v & 0x3FF
}

func TestRecordKey(t *testing.T) {
	due := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		key  string
		due  time.Time
	}{
		{name: "OK", key: "draft:42:rev:3:bluesky:main", due: due},
		{name: "OKEmptyKey", key: "", due: due},
		{name: "OKSubsecondDue", key: "k", due: due.Add(123456789 * time.Nanosecond)},
		{name: "OKZeroDue", key: "k", due: time.Time{}},
		{name: "OKOtherZone", key: "k", due: due.In(time.FixedZone("X", 5*3600))},
		{name: "OKFarFuture", key: "k", due: time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bluesky.RecordKey(tt.key, tt.due)
			if !tidSyntax.MatchString(got) {
				t.Fatalf("RecordKey = %q; not a TID", got)
			}
			if again := bluesky.RecordKey(tt.key, tt.due); again != got {
				t.Fatalf("RecordKey changed between calls: %q then %q", got, again)
			}
			micros, _ := decodeTID(t, got)
			lo := max(tt.due.UnixMicro(), 0)
			if micros < lo || micros >= lo+1_000_000 {
				t.Errorf("RecordKey(%q, %v) encodes %d µs; want within a second after %d", tt.key, tt.due, micros, lo)
			}
		})
	}
}

// TestRecordKeyGolden pins the derivation (the value was computed apart,
// in Python, from the documented recipe): a change would make posts
// attempted before an upgrade and retried after it go out twice.
func TestRecordKeyGolden(t *testing.T) {
	got := bluesky.RecordKey("draft:42:rev:3:bluesky:main", time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
	if want := "3n2vatwpe3uml"; got != want {
		t.Errorf("RecordKey = %q; want %q (the derivation must never change)", got, want)
	}
}

func TestRecordKeySpread(t *testing.T) {
	due := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	t.Run("OKDistinctKeysSameDue", func(t *testing.T) {
		seen := make(map[string]string)
		clocks := make(map[uint64]bool)
		for i := range 10000 {
			key := fmt.Sprintf("draft:%d:rev:1", i)
			got := bluesky.RecordKey(key, due)
			if other, dup := seen[got]; dup {
				t.Fatalf("%q and %q share record key %q", other, key, got)
			}
			seen[got] = key
			_, c := decodeTID(t, got)
			clocks[c] = true
		}
		if len(clocks) < 1000 {
			t.Errorf("%d distinct clock ids over 10000 keys; want them spread over 1024", len(clocks))
		}
	})
	t.Run("OKSortsByDue", func(t *testing.T) {
		for i := range 100 {
			key := fmt.Sprint(i)
			early, late := bluesky.RecordKey(key, due), bluesky.RecordKey(key, due.Add(time.Second))
			if early >= late {
				t.Fatalf("key %q: %q (due) sorts after %q (due+1s)", key, early, late)
			}
		}
	})
}
