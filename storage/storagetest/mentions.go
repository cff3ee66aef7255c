package storagetest

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions"
)

// MentionsStore is what the mentions contract needs: the listening store,
// and the brands it belongs to.
type MentionsStore interface {
	mentions.Store
	Store
}

// RunMentions runs the contract of mentions.Store. open must return a
// fresh, migrated, empty store, and arrange (with t.Cleanup) to close it:
//
//	storagetest.RunMentions(t, func(t *testing.T) storagetest.MentionsStore { return MustOpen(t) })
func RunMentions(t *testing.T, open func(t *testing.T) MentionsStore) {
	t.Run("Watches", func(t *testing.T) { testWatches(t, open) })
	t.Run("Sources", func(t *testing.T) { testSources(t, open) })
	t.Run("SaveBatch", func(t *testing.T) { testSaveBatch(t, open) })
	t.Run("SaveBatchAtomic", func(t *testing.T) { testSaveBatchAtomic(t, open) })
	t.Run("ApplyMention", func(t *testing.T) { testApplyMention(t, open) })
	t.Run("Mutes", func(t *testing.T) { testMutes(t, open) })
	t.Run("Settings", func(t *testing.T) { testSettings(t, open) })
	t.Run("Summary", func(t *testing.T) { testSummary(t, open) })
	t.Run("TallyAgrees", func(t *testing.T) { testTallyAgrees(t, open) })
	t.Run("Prune", func(t *testing.T) { testPrune(t, open) })
	t.Run("DigestRace", func(t *testing.T) { testDigestRace(t, open) })
}

var (
	slackCh   = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C1"}
	discordCh = herald.ChannelRef{Platform: "discord", Workspace: "G1", Channel: "42"}
)

func listenEntry(b herald.Brand, a mentions.Action, detail string) mentions.AuditEntry {
	return mentions.AuditEntry{BrandID: b.ID, Action: a, Actor: alice, Detail: detail, At: t0}
}

func mustWatch(t *testing.T, s MentionsStore, b herald.Brand, q string) mentions.Watch {
	t.Helper()
	w := mentions.Watch{BrandID: b.ID, Query: q, Channel: slackCh, CreatedBy: alice, CreatedAt: t0}
	if err := s.CreateWatch(t.Context(), &w, listenEntry(b, mentions.Action("watch_add"), q)); err != nil {
		t.Fatalf("CreateWatch: %v", err)
	}
	if w.ID == 0 {
		t.Fatal("CreateWatch did not set the ID")
	}
	return w
}

func mustSource(t *testing.T, s MentionsStore, b herald.Brand, spec mentions.Spec, token string) mentions.SourceStatus {
	t.Helper()
	spec.BrandID = b.ID
	st := mentions.SourceStatus{Spec: spec, Token: token, NextPoll: t0, CreatedBy: alice, CreatedAt: t0}
	if err := s.CreateSource(t.Context(), &st, listenEntry(b, mentions.Action("source_add"), spec.String())); err != nil {
		t.Fatalf("CreateSource(%v): %v", spec, err)
	}
	if st.Spec.ID == 0 {
		t.Fatal("CreateSource did not set the ID")
	}
	return st
}

func newMention(b herald.Brand, url, title, author, source string, watchIDs ...int64) mentions.Mention {
	return mentions.Mention{BrandID: b.ID, State: mentions.StateNew, WatchIDs: watchIDs, URL: url, CanonicalURL: mentions.CanonicalURL(url),
		Title: title, Text: "text of " + title, Author: author, Lang: "en", Published: t0.Add(-time.Minute), FoundAt: t0, UpdatedAt: t0,
		Sources: []string{source}, Terms: []string{"acme"}}
}

func testSaveBatch(t *testing.T, open func(*testing.T) MentionsStore) {
	s := open(t)
	ctx := t.Context()
	acme := mustBrand(t, s, "Acme", alice)
	globex := mustBrand(t, s, "Globex", bob)
	w := mustWatch(t, s, acme, "acme")
	src := mustSource(t, s, acme, mentions.Spec{Kind: "hn"}, "")

	m1 := newMention(acme, "https://example.com/a", "A", "ann", "hn", w.ID)
	m2 := newMention(acme, "https://example.com/b", "B", "ben", "hn", w.ID)
	health := src
	health.Cursor, health.LastSuccess, health.ItemsSeen, health.NextPoll = "cursor-1", t1, 2, t2
	c := &mentions.Commit{BrandID: acme.ID, Source: health, Seen: 2, New: []mentions.NewMention{
		{Mention: m1, Keys: []string{"url:https://example.com/a", "ext:hn:1"}},
		{Mention: m2, Keys: []string{"url:https://example.com/b", "ext:hn:2"}},
	}}
	if err := s.SaveBatch(ctx, c); err != nil {
		t.Fatalf("SaveBatch: %v", err)
	}
	f := &batchFixture{s: s, acme: acme, globex: globex, w: w, c: c}
	for i, nm := range c.New {
		if nm.Mention.ID == 0 || nm.Merged {
			t.Fatalf("New[%d] = %+v; want an ID and not merged", i, nm)
		}
	}
	t.Run("CursorStoredWithBatch", func(t *testing.T) {
		got, err := s.Source(ctx, src.Spec.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(health, got); diff != "" {
			t.Errorf("source after SaveBatch (-want +got):\n%s", diff)
		}
	})
	t.Run("SeenCounted", func(t *testing.T) {
		again := health
		again.ItemsSeen = 0 // ignored: Seen counts
		if err := s.SaveBatch(ctx, &mentions.Commit{BrandID: acme.ID, Source: again, Seen: 3}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Source(ctx, src.Spec.ID)
		if got.ItemsSeen != 5 {
			t.Errorf("ItemsSeen = %d after batches of 2 and 3 items", got.ItemsSeen)
		}
	})
	t.Run("Stored", func(t *testing.T) {
		got, err := s.Mention(ctx, c.New[0].Mention.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := m1
		want.ID = c.New[0].Mention.ID
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Mention (-want +got):\n%s", diff)
		}
	})
	t.Run("Keys", func(t *testing.T) { testSaveBatchKeys(t, f) })
	t.Run("MergeInTransaction", func(t *testing.T) { testSaveBatchMergeInTransaction(t, f) })
	t.Run("SeenAgain", func(t *testing.T) { testSaveBatchSeenAgain(t, f) })
	t.Run("Recent", func(t *testing.T) { testSaveBatchRecent(t, f) })
}

// batchFixture is what testSaveBatch's subtests share: a first batch of
// two mentions (A, B) of Acme's watch w, stored in c.
type batchFixture struct {
	s            MentionsStore
	acme, globex herald.Brand
	w            mentions.Watch
	c            *mentions.Commit
}

func testSaveBatchKeys(t *testing.T, f *batchFixture) {
	ctx, s, acme, globex, c := t.Context(), f.s, f.acme, f.globex, f.c
	got, err := s.MentionKeys(ctx, acme.ID, []string{"url:https://example.com/a", "ext:hn:2", "ext:hn:3"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"url:https://example.com/a": c.New[0].Mention.ID, "ext:hn:2": c.New[1].Mention.ID}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MentionKeys (-want +got):\n%s", diff)
	}
	other, err := s.MentionKeys(ctx, globex.ID, []string{"url:https://example.com/a"})
	if err != nil || len(other) != 0 {
		t.Errorf("MentionKeys of another brand = %v, %v; want none", other, err)
	}
}

func testSaveBatchMergeInTransaction(t *testing.T, f *batchFixture) {
	ctx, s, acme, w, c := t.Context(), f.s, f.acme, f.w, f.c
	// A new mention whose key another batch took meanwhile is merged.
	dup := newMention(acme, "https://example.com/a?utm_source=x", "A again", "ann", "rss:feeds.example.com", w.ID)
	c2 := &mentions.Commit{BrandID: acme.ID, New: []mentions.NewMention{{Mention: dup, Keys: []string{"url:https://example.com/a", "ext:rss:zz"}}}}
	if err := s.SaveBatch(ctx, c2); err != nil {
		t.Fatal(err)
	}
	nm := c2.New[0]
	if !nm.Merged || !nm.Changed || nm.Mention.ID != c.New[0].Mention.ID {
		t.Fatalf("merged = %v, changed = %v, id %d; want merged into %d", nm.Merged, nm.Changed, nm.Mention.ID, c.New[0].Mention.ID)
	}
	if want := []string{"hn", "rss:feeds.example.com"}; !slices.Equal(nm.Mention.Sources, want) {
		t.Errorf("Sources = %v, want %v", nm.Mention.Sources, want)
	}
	keys, _ := s.MentionKeys(ctx, acme.ID, []string{"ext:rss:zz"})
	if keys["ext:rss:zz"] != nm.Mention.ID {
		t.Errorf("the merged item's new key was not added: %v", keys)
	}
}

func testSaveBatchSeenAgain(t *testing.T, f *batchFixture) {
	ctx, s, acme, w, c := t.Context(), f.s, f.acme, f.w, f.c
	id := c.New[1].Mention.ID
	c3 := &mentions.Commit{BrandID: acme.ID, Again: []mentions.SeenAgain{{ID: id, Source: "hn", WatchIDs: []int64{w.ID}}}}
	if err := s.SaveBatch(ctx, c3); err != nil {
		t.Fatal(err)
	}
	if c3.Again[0].Changed {
		t.Errorf("seen again on the same source: Changed = true, want false")
	}
	c4 := &mentions.Commit{BrandID: acme.ID, Again: []mentions.SeenAgain{{ID: id, Source: "reddit", WatchIDs: []int64{w.ID, w.ID + 100}}}}
	if err := s.SaveBatch(ctx, c4); err != nil {
		t.Fatal(err)
	}
	a := c4.Again[0]
	if !a.Changed || !slices.Equal(a.Mention.Sources, []string{"hn", "reddit"}) || !slices.Equal(a.Mention.WatchIDs, []int64{w.ID, w.ID + 100}) {
		t.Errorf("after seen again on reddit: changed %v, sources %v, watches %v", a.Changed, a.Mention.Sources, a.Mention.WatchIDs)
	}
	if a.Mention.Version != 0 {
		t.Errorf("seen again bumped the version to %d: a click would conflict", a.Mention.Version)
	}
}

func testSaveBatchRecent(t *testing.T, f *batchFixture) {
	ctx, s, acme, globex, w := t.Context(), f.s, f.acme, f.globex, f.w
	later := newMention(acme, "https://example.com/c", "C", "cy", "hn", w.ID)
	later.FoundAt = t1
	if err := s.SaveBatch(ctx, &mentions.Commit{BrandID: acme.ID, New: []mentions.NewMention{{Mention: later, Keys: []string{"url:https://example.com/c"}}}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.RecentMentions(ctx, acme.ID, t0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, m := range got {
		titles = append(titles, m.Title)
	}
	if want := []string{"C", "B", "A"}; !slices.Equal(titles, want) {
		t.Errorf("RecentMentions = %v, want %v (newest first)", titles, want)
	}
	got, _ = s.RecentMentions(ctx, acme.ID, t1, 10)
	if len(got) != 1 {
		t.Errorf("RecentMentions since t1 = %d mentions, want 1", len(got))
	}
	got, _ = s.RecentMentions(ctx, globex.ID, t0, 10)
	if len(got) != 0 {
		t.Errorf("another brand sees %d mentions", len(got))
	}
}

func testSaveBatchAtomic(t *testing.T, open func(*testing.T) MentionsStore) {
	s := open(t)
	ctx := t.Context()
	acme := mustBrand(t, s, "Acme", alice)
	src := mustSource(t, s, acme, mentions.Spec{Kind: "hn"}, "")
	good := newMention(acme, "https://example.com/a", "A", "ann", "hn")
	bad := newMention(acme, "https://example.com/b", "B", "ben", "hn")
	bad.State = "bogus" // refused by the store
	health := src
	health.Cursor = "after-both"
	c := &mentions.Commit{BrandID: acme.ID, Source: health, New: []mentions.NewMention{
		{Mention: good, Keys: []string{"url:https://example.com/a"}},
		{Mention: bad, Keys: []string{"url:https://example.com/b"}},
	}}
	if err := s.SaveBatch(ctx, c); err == nil {
		t.Fatal("SaveBatch with an invalid mention succeeded")
	}
	got, err := s.Source(ctx, src.Spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Cursor != "" {
		t.Errorf("cursor %q stored although the batch failed", got.Cursor)
	}
	if keys, _ := s.MentionKeys(ctx, acme.ID, []string{"url:https://example.com/a"}); len(keys) != 0 {
		t.Errorf("a mention of the failed batch was stored")
	}
}

func testApplyMention(t *testing.T, open func(*testing.T) MentionsStore) {
	s := open(t)
	ctx := t.Context()
	acme := mustBrand(t, s, "Acme", alice)
	c := &mentions.Commit{BrandID: acme.ID, New: []mentions.NewMention{{Mention: newMention(acme, "https://example.com/a", "A", "ann", "hn"), Keys: []string{"k"}}}}
	if err := s.SaveBatch(ctx, c); err != nil {
		t.Fatal(err)
	}
	m := c.New[0].Mention
	claimed := m
	claimed.State, claimed.Claimer, claimed.UpdatedAt = mentions.StateClaimed, bob, t1
	e := mentions.AuditEntry{BrandID: acme.ID, MentionID: m.ID, Action: mentions.ActClaim, Actor: bob, From: mentions.StateNew, To: mentions.StateClaimed, At: t1}
	t.Run("OK", func(t *testing.T) {
		if err := s.ApplyMention(ctx, claimed, e); err != nil {
			t.Fatal(err)
		}
		got, err := s.Mention(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := claimed
		want.Version = m.Version + 1
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("after ApplyMention (-want +got):\n%s", diff)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		// The same change again (a double click computed from the old version).
		assertCode(t, s.ApplyMention(ctx, claimed, e), herald.ECONFLICT, "ApplyMention on a stale version")
		audit, err := s.MentionAudit(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(audit) != 1 {
			t.Fatalf("audit rows = %d, want 1 (the conflict wrote none)", len(audit))
		}
		want := e
		want.ID = audit[0].ID
		if diff := cmp.Diff(want, audit[0]); diff != "" {
			t.Errorf("audit (-want +got):\n%s", diff)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		gone := claimed
		gone.ID = m.ID + 1000
		assertCode(t, s.ApplyMention(ctx, gone, e), herald.ENOTFOUND, "ApplyMention of a missing mention")
		_, err := s.Mention(ctx, gone.ID)
		assertCode(t, err, herald.ENOTFOUND, "Mention of a missing mention")
	})
	t.Run("Triage", func(t *testing.T) {
		if err := s.SetTriage(ctx, m.ID, "negative", "high"); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Mention(ctx, m.ID)
		if got.Sentiment != "negative" || got.Urgency != "high" || got.Version != m.Version+1 {
			t.Errorf("after SetTriage: %q %q version %d", got.Sentiment, got.Urgency, got.Version)
		}
		assertCode(t, s.SetTriage(ctx, m.ID+1000, "x", "y"), herald.ENOTFOUND, "SetTriage of a missing mention")
	})
}

func testSummary(t *testing.T, open func(*testing.T) MentionsStore) {
	s := open(t)
	ctx := t.Context()
	acme := mustBrand(t, s, "Acme", alice)
	var nms []mentions.NewMention
	add := func(url, author, source string, at time.Time, state mentions.State) {
		m := newMention(acme, url, url, author, source)
		m.FoundAt, m.State = at, state
		nms = append(nms, mentions.NewMention{Mention: m, Keys: []string{"url:" + url}})
	}
	add("https://e.com/1", "Ann", "hn", t0, mentions.StateNew)
	add("https://e.com/2", "ann", "hn", t0.Add(time.Minute), mentions.StateClaimed)
	add("https://e.com/3", "Ben", "reddit", t0.Add(2*time.Minute), mentions.StateHandled)
	add("https://e.com/4", "Cy", "rss:x.com", t0.Add(3*time.Minute), mentions.StateIgnored)
	add("https://e.com/5", "Dee", "hn", t0.Add(-time.Hour), mentions.StateNew) // before since
	c := &mentions.Commit{BrandID: acme.ID, New: nms}
	if err := s.SaveBatch(ctx, c); err != nil {
		t.Fatal(err)
	}
	tally, err := s.Tally(ctx, acme.ID, t0, t1, mentions.SummaryTop)
	if err != nil {
		t.Fatal(err)
	}
	wantStates := map[mentions.State]int{mentions.StateNew: 1, mentions.StateClaimed: 1, mentions.StateHandled: 1, mentions.StateIgnored: 1}
	if diff := cmp.Diff(wantStates, tally.ByState); diff != "" {
		t.Errorf("ByState (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"hn": 2, "reddit": 1, "rss:x.com": 1}, tally.BySource); diff != "" {
		t.Errorf("BySource (-want +got):\n%s", diff)
	}
	// Authors as spelt, in the order first read: the domain folds them.
	if diff := cmp.Diff([]mentions.Count{{Key: "Ann", N: 1}, {Key: "ann", N: 1}, {Key: "Ben", N: 1}, {Key: "Cy", N: 1}}, tally.Authors); diff != "" {
		t.Errorf("Authors (-want +got):\n%s", diff)
	}
	var newest []string
	for _, m := range tally.Newest {
		newest = append(newest, m.URL)
	}
	if want := []string{"https://e.com/2", "https://e.com/1"}; !slices.Equal(newest, want) {
		t.Errorf("Newest unhandled = %v, want %v", newest, want)
	}
	// until is exclusive to the nanosecond: a mention found a nanosecond
	// before it counts (the service asks until now+1ns).
	last := t0.Add(3 * time.Minute)
	if n := tallyTotal(t, s, acme.ID, t0, last.Add(time.Nanosecond)); n != 4 {
		t.Errorf("Tally until 1ns after the last mention = %d mentions; want 4", n)
	}
	if n := tallyTotal(t, s, acme.ID, t0, last); n != 3 {
		t.Errorf("Tally until the last mention = %d mentions; want 3", n)
	}
}

// tallyTotal counts the brand's mentions found in [since, until).
func tallyTotal(t *testing.T, s MentionsStore, brandID int64, since, until time.Time) int {
	t.Helper()
	tally, err := s.Tally(t.Context(), brandID, since, until, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range tally.ByState {
		n += c
	}
	return n
}
