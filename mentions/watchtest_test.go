package mentions_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/heraldhq/herald/mentions"
)

// TestTestWatchCoversSevenDays: `watch test` searches every mention of the
// last 7 days of the clock, however many there are, and none older. (It
// used to read the newest 2,000 only: a match 5 days old behind 2,600
// newer mentions was never found.)
func TestTestWatchCoversSevenDays(t *testing.T) {
	e := newEnv(t, mentions.Options{})
	e.watch(t, "acme", acmeSlack)
	src := e.source(t, mentions.Spec{Kind: "hn"})
	e.ingest(t, src.Spec.ID, item("old", "https://e.com/old", "acme zeppelin, eight days ago", "olga"))
	e.clock.Advance(36 * time.Hour)
	e.ingest(t, src.Spec.ID, item("z", "https://e.com/z", "acme zeppelin over the harbour", "zoe"))
	n := 1
	for batch := range 26 {
		e.clock.Advance(4 * time.Hour)
		var items []mentions.Item
		for i := range 100 {
			id := fmt.Sprintf("%d-%d", batch, i)
			items = append(items, item(id, "https://e.com/"+id, fmt.Sprintf("acme news number %s of the week", id), "user"+id))
		}
		if res := e.ingest(t, src.Spec.ID, items...); res.New != 100 {
			t.Fatalf("batch %d: %d new mentions; want 100 (%+v)", batch, res.New, res)
		}
		n += 100
	}
	e.clock.Set(t0.Add(8 * 24 * time.Hour)) // the first zeppelin is 8 days old, the second 6.5

	wt, err := e.svc.TestQuery(t.Context(), vic, e.acme, "zeppelin", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(wt.Matches) != 1 || wt.Matches[0].URL != "https://e.com/z" {
		t.Errorf("watch test zeppelin found %d mention(s) %v; want the one of 6.5 days ago only", len(wt.Matches), wt.Matches)
	}
	if wt.Scanned != n || !wt.Whole {
		t.Errorf("watch test scanned %d mentions (whole period: %v); want the %d of the last 7 days", wt.Scanned, wt.Whole, n)
	}
	if want := t0.Add(36 * time.Hour); !wt.Back.Equal(want) {
		t.Errorf("searched back to %s; want %s (the oldest mention of the 7 days)", wt.Back, want)
	}
	if _, scanned, err := e.svc.TestWatch(t.Context(), vic, e.acme, "zeppelin", 10); err != nil || scanned != n {
		t.Errorf("TestWatch scanned %d, %v; want %d", scanned, err, n)
	}
	// Stopping at the limit says so.
	wt, err = e.svc.TestQuery(t.Context(), vic, e.acme, "acme news", 10)
	if err != nil || len(wt.Matches) != 10 || wt.Whole || wt.Scanned != 10 {
		t.Errorf("watch test acme news: %d matches of %d scanned, whole %v, %v; want the 10 newest, not the whole period", len(wt.Matches), wt.Scanned, wt.Whole, err)
	}
}
