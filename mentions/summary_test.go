package mentions

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSummarize: the totals, the sources ranked, and the authors folded
// (shown as first spelt) and ranked, from what the store counted (the
// store's side is storagetest's Summary).
func TestSummarize(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tally := Tally{
		ByState:  map[State]int{StateNew: 1, StateClaimed: 1, StateHandled: 1, StateIgnored: 1},
		BySource: map[string]int{"hn": 2, "reddit": 1, "rss:x.com": 1},
		Authors:  []Count{{Key: "Ann", N: 1}, {Key: "ann", N: 1}, {Key: "Ben", N: 1}, {Key: "Cy", N: 1}},
	}
	sum := summarize(7, t0, t0.Add(time.Hour), tally)
	if sum.BrandID != 7 || !sum.Since.Equal(t0) || !sum.Until.Equal(t0.Add(time.Hour)) {
		t.Errorf("summary of brand %d over [%v, %v)", sum.BrandID, sum.Since, sum.Until)
	}
	if sum.Total != 4 || sum.Unhandled != 2 {
		t.Errorf("total %d unhandled %d, want 4 and 2", sum.Total, sum.Unhandled)
	}
	if diff := cmp.Diff(tally.ByState, sum.ByState); diff != "" {
		t.Errorf("ByState (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Count{{Key: "hn", N: 2}, {Key: "reddit", N: 1}, {Key: "rss:x.com", N: 1}}, sum.BySource); diff != "" {
		t.Errorf("BySource (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Count{{Key: "Ann", N: 2}, {Key: "Ben", N: 1}, {Key: "Cy", N: 1}}, sum.TopAuthors); diff != "" {
		t.Errorf("TopAuthors (-want +got):\n%s", diff)
	}
	many := Tally{Authors: []Count{{Key: "a", N: 1}, {Key: "b", N: 2}, {Key: "c", N: 3}, {Key: "d", N: 4}, {Key: "e", N: 5}, {Key: "f", N: 6}}}
	if got := summarize(7, t0, t0, many).TopAuthors; len(got) != SummaryTop || got[0].Key != "f" {
		t.Errorf("TopAuthors = %v; want the %d most frequent, most first", got, SummaryTop)
	}
}
