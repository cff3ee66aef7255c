package listencmd

import (
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/mentions"
)

// TestWatchTestHead: `watch test` says whether it searched the whole 7
// days, and how far back it got when it did not.
func TestWatchTestHead(t *testing.T) {
	b := herald.Brand{Name: "Acme", Timezone: "UTC"}
	back := time.Date(2026, 12, 3, 14, 5, 0, 0, time.UTC)
	ten := make([]mentions.Mention, testShown)
	tests := []struct {
		name string
		wt   mentions.WatchTest
		want string
	}{
		{"OKWholeNone", mentions.WatchTest{Scanned: 3, Whole: true, Back: back}, "`q` matches none of the 3 recent mentions of Acme."},
		{"OKWhole", mentions.WatchTest{Matches: ten[:2], Scanned: 3, Whole: true, Back: back},
			"`q` matches 2 of the 3 recent mentions of Acme (the last 7 days; newest first, at most 10):"},
		{"OKStoppedAtLimit", mentions.WatchTest{Matches: ten, Scanned: 40, Back: back},
			"`q`: the 10 newest matches among the 40 most recent mentions of Acme (searched back to 2026-12-03 14:05:00 UTC):"},
		{"OKBudgetNone", mentions.WatchTest{Scanned: 50000, Back: back},
			"`q` matches none of the 50000 most recent mentions of Acme; searched back to 2026-12-03 14:05:00 UTC, not the whole 7 days."},
		{"OKBudgetSome", mentions.WatchTest{Matches: ten[:4], Scanned: 50000, Back: back},
			"`q` matches 4 of the 50000 most recent mentions of Acme; searched back to 2026-12-03 14:05:00 UTC, not the whole 7 days (newest first):"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := watchTestHead("q", b, tt.wt, i18n.English); got != tt.want {
				t.Errorf("watchTestHead =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
