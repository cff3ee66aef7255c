package storagetest

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions"
)

// The mentions contract, for the listening's configuration: watches,
// sources, mutes and settings (as storage/sqlite/listening.go).

func testWatches(t *testing.T, open func(*testing.T) MentionsStore) {
	s := open(t)
	ctx := t.Context()
	acme := mustBrand(t, s, "Acme", alice)
	globex := mustBrand(t, s, "Globex", bob)
	w1 := mustWatch(t, s, acme, "acme")
	w2 := mustWatch(t, s, acme, `"acme corp" -job`)
	w3 := mustWatch(t, s, globex, "globex")

	got, err := s.Watch(ctx, w2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w2, got); diff != "" {
		t.Errorf("Watch (-want +got):\n%s", diff)
	}
	list, err := s.Watches(ctx, acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]mentions.Watch{w1, w2}, list); diff != "" {
		t.Errorf("Watches(acme) (-want +got):\n%s", diff)
	}
	all, err := s.Watches(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]mentions.Watch{w1, w2, w3}, all); diff != "" {
		t.Errorf("Watches(0) (-want +got):\n%s", diff)
	}
	if err := s.DeleteWatch(ctx, w1.ID, listenEntry(acme, mentions.Action("watch_rm"), "")); err != nil {
		t.Fatal(err)
	}
	_, err = s.Watch(ctx, w1.ID)
	assertCode(t, err, herald.ENOTFOUND, "Watch of a deleted watch")
	assertCode(t, s.DeleteWatch(ctx, w1.ID, listenEntry(acme, mentions.Action("watch_rm"), "")), herald.ENOTFOUND, "DeleteWatch twice")
}

func testSources(t *testing.T, open func(*testing.T) MentionsStore) {
	s := open(t)
	ctx := t.Context()
	acme := mustBrand(t, s, "Acme", alice)
	globex := mustBrand(t, s, "Globex", bob)
	rss := mustSource(t, s, acme, mentions.Spec{Kind: "rss", URL: "https://feeds.example.com/a.xml"}, "")
	hook := mustSource(t, s, acme, mentions.Spec{Kind: "webhook"}, "tok-secret")
	hn := mustSource(t, s, globex, mentions.Spec{Kind: "hn"}, "")

	t.Run("ErrDuplicate", func(t *testing.T) {
		st := mentions.SourceStatus{Spec: mentions.Spec{BrandID: acme.ID, Kind: "rss", URL: "https://feeds.example.com/a.xml"}, CreatedAt: t0}
		assertCode(t, s.CreateSource(ctx, &st, listenEntry(acme, mentions.Action("source_add"), "")), herald.ECONFLICT, "CreateSource duplicate")
		// The same source on another brand is fine.
		mustSource(t, s, globex, mentions.Spec{Kind: "rss", URL: "https://feeds.example.com/a.xml"}, "")
	})
	t.Run("Token", func(t *testing.T) {
		got, err := s.SourceByToken(ctx, "tok-secret")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(hook, got); diff != "" {
			t.Errorf("SourceByToken (-want +got):\n%s", diff)
		}
		_, err = s.SourceByToken(ctx, "nope")
		assertCode(t, err, herald.ENOTFOUND, `SourceByToken("nope")`)
		_, err = s.SourceByToken(ctx, "")
		assertCode(t, err, herald.ENOTFOUND, `SourceByToken("")`)
	})
	t.Run("Due", func(t *testing.T) { testDueSources(t, s, rss, hook, hn) })
	t.Run("Health", func(t *testing.T) { testSourceHealth(t, s, rss) })
	t.Run("List", func(t *testing.T) {
		list, err := s.Sources(ctx, acme.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Spec.ID != rss.Spec.ID || list[1].Spec.ID != hook.Spec.ID {
			t.Errorf("Sources(acme) = %+v", list)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		if err := s.DeleteSource(ctx, hook.Spec.ID, listenEntry(acme, mentions.Action("source_rm"), "")); err != nil {
			t.Fatal(err)
		}
		_, err := s.SourceByToken(ctx, "tok-secret")
		assertCode(t, err, herald.ENOTFOUND, "SourceByToken of a deleted source")
		assertCode(t, s.DeleteSource(ctx, hook.Spec.ID, listenEntry(acme, mentions.Action("source_rm"), "")), herald.ENOTFOUND, "DeleteSource twice")
	})
}

// testDueSources: a source is due at its NextPoll, webhooks never.
func testDueSources(t *testing.T, s MentionsStore, rss, hook, hn mentions.SourceStatus) {
	ctx := t.Context()
	st := hn
	st.NextPoll = t2
	if err := s.SetSourceHealth(ctx, st); err != nil {
		t.Fatal(err)
	}
	due, err := s.DueSources(ctx, t1, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, d := range due {
		ids = append(ids, d.Spec.ID)
	}
	if slices.Contains(ids, hook.Spec.ID) || slices.Contains(ids, hn.Spec.ID) || !slices.Contains(ids, rss.Spec.ID) {
		t.Errorf("DueSources(t1) = %v; want rss %d, no webhook %d, not hn %d (due at t2)", ids, rss.Spec.ID, hook.Spec.ID, hn.Spec.ID)
	}
	if err := s.SetNextPoll(ctx, rss.Spec.ID, t2); err != nil {
		t.Fatal(err)
	}
	due, _ = s.DueSources(ctx, t1, 10)
	for _, d := range due {
		if d.Spec.ID == rss.Spec.ID {
			t.Errorf("rss still due after SetNextPoll(t2)")
		}
	}
}

// testSourceHealth: SetSourceHealth writes the health fields, never the
// cursor.
func testSourceHealth(t *testing.T, s MentionsStore, rss mentions.SourceStatus) {
	ctx := t.Context()
	st := rss
	st.Cursor = "must-not-be-written"
	st.LastError, st.LastErrorMsg, st.Failures, st.ItemsSeen, st.NextPoll = t1, "HTTP 500", 2, 7, t2
	if err := s.SetSourceHealth(ctx, st); err != nil {
		t.Fatal(err)
	}
	got, err := s.Source(ctx, rss.Spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	st.Cursor = "" // not health: SaveBatch writes it
	if diff := cmp.Diff(st, got); diff != "" {
		t.Errorf("after SetSourceHealth (-want +got):\n%s", diff)
	}
}

func testMutes(t *testing.T, open func(*testing.T) MentionsStore) {
	s := open(t)
	ctx := t.Context()
	acme := mustBrand(t, s, "Acme", alice)
	m1 := mentions.Mute{BrandID: acme.ID, Kind: mentions.MuteAuthor, Value: "spammer", By: alice, At: t0}
	m2 := mentions.Mute{BrandID: acme.ID, Kind: mentions.MuteDomain, Value: "spam.example", By: alice, At: t0}
	for _, m := range []mentions.Mute{m1, m2} {
		if err := s.PutMute(ctx, m, listenEntry(acme, mentions.Action("mute"), m.Value)); err != nil {
			t.Fatal(err)
		}
	}
	assertCode(t, s.PutMute(ctx, m1, listenEntry(acme, mentions.Action("mute"), "")), herald.ECONFLICT, "PutMute twice")
	got, err := s.Mutes(ctx, acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]mentions.Mute{m1, m2}, got); diff != "" {
		t.Errorf("Mutes (-want +got):\n%s", diff)
	}
	if err := s.DeleteMute(ctx, m1, listenEntry(acme, mentions.Action("unmute"), "")); err != nil {
		t.Fatal(err)
	}
	assertCode(t, s.DeleteMute(ctx, m1, listenEntry(acme, mentions.Action("unmute"), "")), herald.ENOTFOUND, "DeleteMute twice")
	got, _ = s.Mutes(ctx, acme.ID)
	if len(got) != 1 || !cmp.Equal(got[0], m2) {
		t.Errorf("Mutes after delete = %+v", got)
	}
}

func testSettings(t *testing.T, open func(*testing.T) MentionsStore) {
	s := open(t)
	ctx := t.Context()
	acme := mustBrand(t, s, "Acme", alice)
	quiet := mustBrand(t, s, "Quiet", alice) // no watch: no digest
	_ = quiet
	got, err := s.Settings(ctx, acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(mentions.DefaultSettings(acme.ID), got); diff != "" {
		t.Errorf("default settings (-want +got):\n%s", diff)
	}
	t.Run("DigestCandidates", func(t *testing.T) {
		c, err := s.DigestCandidates(ctx)
		if err != nil || len(c) != 0 {
			t.Fatalf("DigestCandidates without watches = %v, %v", c, err)
		}
		mustWatch(t, s, acme, "acme")
		c, err = s.DigestCandidates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]mentions.Settings{mentions.DefaultSettings(acme.ID)}, c); diff != "" {
			t.Errorf("DigestCandidates (-want +got):\n%s", diff)
		}
	})
	t.Run("MarkDigest", func(t *testing.T) {
		won, err := s.MarkDigest(ctx, acme.ID, "", "2026-03-02")
		if err != nil || !won {
			t.Fatalf("first MarkDigest = %v, %v", won, err)
		}
		won, err = s.MarkDigest(ctx, acme.ID, "", "2026-03-02")
		if err != nil || won {
			t.Fatalf("second MarkDigest from the same prev = %v, %v; want false", won, err)
		}
	})
	t.Run("Put", func(t *testing.T) {
		st := mentions.Settings{BrandID: acme.ID, Langs: []string{"fr", "en"}, DigestAt: "", Triage: true, LastDigest: "ignored"}
		if err := s.PutSettings(ctx, st, listenEntry(acme, mentions.Action("settings"), "")); err != nil {
			t.Fatal(err)
		}
		got, err := s.Settings(ctx, acme.ID)
		if err != nil {
			t.Fatal(err)
		}
		st.LastDigest = "2026-03-02" // PutSettings keeps the stored one
		if diff := cmp.Diff(st, got); diff != "" {
			t.Errorf("Settings (-want +got):\n%s", diff)
		}
	})
}
