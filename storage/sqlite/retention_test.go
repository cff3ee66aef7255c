package sqlite_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions"
)

// TestRetentionKeepsTheDatabaseFlat streams 300 mentions a day for 150
// simulated days into a brand that keeps 30 days, the retention job
// running once a day on the injected clock: the rows (mentions, dedupe
// keys, card copies) stay bounded by 31 days' worth, and the database
// file stops growing once the first deleted pages are reused. A mention a
// reply draft is linked to is kept; the audit of a deleted mention stays.
func TestRetentionKeepsTheDatabaseFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 45,000 mentions")
	}
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, "herald.db")
	s := MustOpenPath(t, path)
	raw := MustRawDB(t, path)
	svc, br, hook, clock := mustWebhookListening(t, s)
	if st, err := svc.SetKeep(ctx, alice, br, "30d"); err != nil || st.Keep != 30*24*time.Hour {
		t.Fatalf("SetKeep: %+v, %v", st, err)
	}
	pruner := mentions.NewPruner(svc)
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := raw.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	size := func() int64 {
		var n int64
		for _, f := range []string{path, path + "-wal"} {
			if fi, err := os.Stat(f); err == nil {
				n += fi.Size()
			}
		}
		return n
	}
	const perDay, days, keep = 300, 150, 30
	var first, linked, claimed int64
	var sizeAt60 int64
	for d := range days {
		for b := 0; b < perDay; b += 100 {
			items := make([]mentions.Item, 100)
			for j := range items {
				n := strconv.Itoa(d*perDay + b + j)
				items[j] = mentions.Item{ExternalID: n, URL: "https://social.example/p/" + n, Author: "user" + n,
					Text: "a post about acme, number " + n + ", long enough to be a real post with a few words"}
			}
			if _, err := svc.IngestWebhook(ctx, hook.Token, items); err != nil {
				t.Fatal(err)
			}
		}
		if d == 0 {
			first = int64(count(`SELECT MIN(id) FROM mentions`))
			linked, claimed = first+1, first+2
			if _, err := svc.LinkDraft(ctx, alice, linked, 77); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Act(ctx, alice, claimed, mentions.ActClaim); err != nil {
				t.Fatal(err)
			}
			for _, id := range []int64{first, claimed} {
				ref := herald.MessageRef{Channel: ch, MessageID: "m" + strconv.FormatInt(id, 10)}
				if err := s.SaveCardRef(ctx, "mention:"+strconv.FormatInt(id, 10), ref, t0); err != nil {
					t.Fatal(err)
				}
			}
		}
		clock.Advance(24 * time.Hour)
		if _, err := pruner.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		if n, most := count(`SELECT COUNT(*) FROM mentions`), (keep+1)*perDay+1; n > most {
			t.Fatalf("day %d: %d mentions stored, want at most %d", d, n, most)
		}
		if d == 60 {
			sizeAt60 = size()
		}
	}
	if n, most := count(`SELECT COUNT(*) FROM mention_keys`), 2*((keep+1)*perDay+1); n > most {
		t.Errorf("%d dedupe keys stored, want at most %d", n, most)
	}
	// The rollups count what is kept: the deleted mentions are counted
	// out, and their emptied rows dropped, so they stay bounded too.
	if n, most := count(`SELECT COUNT(*) FROM mention_authors`), (keep+2)*perDay+1; n > most {
		t.Errorf("%d author rollup rows, want at most %d", n, most)
	}
	if kept, rolled := count(`SELECT COUNT(*) FROM mentions`), count(`SELECT COALESCE(SUM(n), 0) FROM mention_day_counts`); rolled != kept {
		t.Errorf("the daily rollups count %d mentions; %d are kept", rolled, kept)
	}
	if kept, rolled := count(`SELECT COUNT(*) FROM mentions`), count(`SELECT COALESCE(SUM(n), 0) FROM mention_counts`); rolled != kept {
		t.Errorf("the hourly rollups count %d mentions; %d are kept", rolled, kept)
	}
	if n := count(`SELECT COUNT(*) FROM mention_keys k WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.id = k.mention_id)`); n != 0 {
		t.Errorf("%d dedupe keys of deleted mentions", n)
	}
	if n := count(`SELECT COUNT(*) FROM card_refs WHERE card_key IN (?, ?)`, "mention:"+strconv.FormatInt(first, 10), "mention:"+strconv.FormatInt(claimed, 10)); n != 0 {
		t.Errorf("%d card copies of deleted mentions", n)
	}
	if m, err := svc.Mention(ctx, alice, linked); err != nil || m.DraftID != 77 {
		t.Errorf("the mention linked to a reply draft: %+v, %v; want it kept", m, err)
	}
	if _, err := svc.Mention(ctx, alice, claimed); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("a 150-day-old mention: %v, want ENOTFOUND", err)
	}
	if n := count(`SELECT COUNT(*) FROM mention_audit WHERE mention_id = ?`, claimed); n != 1 {
		t.Errorf("%d audit rows of the deleted mention, want its 1 kept", n)
	}
	if end := size(); end > sizeAt60+sizeAt60/10 {
		t.Errorf("the database grew from %d bytes at day 60 to %d at day %d; want it flat", sizeAt60, end, days)
	}
	t.Logf("database %d bytes at day 60, %d at day %d", sizeAt60, size(), days)
}
