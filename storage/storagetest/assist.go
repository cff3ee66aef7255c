package storagetest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/assist"
)

// AssistStore is a store of brands (approvals.Store) that also keeps their
// guidelines.
type AssistStore interface {
	Store
	assist.Store
}

// RunAssist runs the contract of assist.Store. open must return a fresh,
// migrated, empty store, and arrange (with t.Cleanup) to close it:
//
//	storagetest.RunAssist(t, func(t *testing.T) storagetest.AssistStore { return MustOpen(t) })
func RunAssist(t *testing.T, open func(t *testing.T) AssistStore) {
	t.Run("GuidelinesOK", func(t *testing.T) { testGuidelines(t, open) })
	t.Run("GuidelinesPerBrand", func(t *testing.T) { testGuidelinesPerBrand(t, open) })
	t.Run("ErrGuidelinesUnknownBrand", func(t *testing.T) { testGuidelinesUnknownBrand(t, open) })
	t.Run("ErrGuidelinesConflict", func(t *testing.T) { testGuidelinesConflict(t, open) })
}

func guidelinesEntry(b herald.Brand, actor herald.Actor, detail string) assist.AuditEntry {
	return assist.AuditEntry{BrandID: b.ID, Actor: actor, Action: assist.AuditGuidelines, Detail: detail, At: t0}
}

func testGuidelines(t *testing.T, open func(t *testing.T) AssistStore) {
	s := open(t)
	ctx := t.Context()
	b := mustBrand(t, s, "Acme", alice)
	g, err := s.Guidelines(ctx, b.ID)
	if err != nil || !g.IsZero() {
		t.Fatalf("Guidelines of a brand without any = %+v, %v; want zero, nil", g, err)
	}
	want := assist.Guidelines{
		Tone:      "friendly, no jargon",
		Banned:    []string{"cheap", "free money", "gratuït"},
		Required:  []assist.Requirement{{Text: "#ad"}, {Text: "#acme", Kind: "mastodon"}},
		MaxLength: map[string]int{"bluesky": 280, "": 1000},
		Emoji:     assist.EmojiFew,
		Lang:      "fr",
	}
	if err := s.SaveGuidelines(ctx, b.ID, want, guidelinesEntry(b, alice, "tone=…")); err != nil {
		t.Fatalf("SaveGuidelines: %v", err)
	}
	got, err := s.Guidelines(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	want.Version = 1 // the first save
	if diff := cmp.Diff(want, got, equate); diff != "" {
		t.Errorf("Guidelines after SaveGuidelines (-want +got):\n%s", diff)
	}
	// A second save replaces the whole document.
	second := assist.Guidelines{Lang: "en", Version: got.Version}
	later := guidelinesEntry(b, bob, "lang=en")
	later.At = t1
	if err := s.SaveGuidelines(ctx, b.ID, second, later); err != nil {
		t.Fatalf("second SaveGuidelines: %v", err)
	}
	second.Version = 2
	if got, err := s.Guidelines(ctx, b.ID); err != nil || !cmp.Equal(second, got, equate) {
		t.Errorf("Guidelines after a second save = %+v, %v; want %+v", got, err, second)
	}
	log, err := s.GuidelinesLog(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantLog := []assist.AuditEntry{guidelinesEntry(b, alice, "tone=…"), later}
	if diff := cmp.Diff(wantLog, log, equate); diff != "" {
		t.Errorf("GuidelinesLog (-want +got):\n%s", diff)
	}
}

func testGuidelinesPerBrand(t *testing.T, open func(t *testing.T) AssistStore) {
	s := open(t)
	ctx := t.Context()
	acme := mustBrand(t, s, "Acme", alice)
	globex := mustBrand(t, s, "Globex", carol)
	if err := s.SaveGuidelines(ctx, acme.ID, assist.Guidelines{Banned: []string{"cheap"}}, guidelinesEntry(acme, alice, "ban=cheap")); err != nil {
		t.Fatal(err)
	}
	if g, err := s.Guidelines(ctx, globex.ID); err != nil || !g.IsZero() {
		t.Errorf("another brand's guidelines = %+v, %v; want none", g, err)
	}
	if log, err := s.GuidelinesLog(ctx, globex.ID); err != nil || len(log) != 0 {
		t.Errorf("another brand's guidelines log = %+v, %v; want empty", log, err)
	}
}

func testGuidelinesUnknownBrand(t *testing.T, open func(t *testing.T) AssistStore) {
	s := open(t)
	ctx := t.Context()
	ghost := herald.Brand{ID: 999}
	if err := s.SaveGuidelines(ctx, ghost.ID, assist.Guidelines{Lang: "fr"}, guidelinesEntry(ghost, alice, "lang=fr")); err == nil {
		t.Fatal("SaveGuidelines for a brand that does not exist succeeded")
	}
	if log, err := s.GuidelinesLog(ctx, ghost.ID); err != nil || len(log) != 0 {
		t.Errorf("a refused save left a log entry: %+v, %v", log, err)
	}
}

// testGuidelinesConflict: a save from guidelines read before another save
// is ECONFLICT and changes nothing, neither the guidelines nor the log.
func testGuidelinesConflict(t *testing.T, open func(t *testing.T) AssistStore) {
	s := open(t)
	ctx := t.Context()
	b := mustBrand(t, s, "Acme", alice)
	if err := s.SaveGuidelines(ctx, b.ID, assist.Guidelines{Tone: "warm"}, guidelinesEntry(b, alice, "tone=warm")); err != nil {
		t.Fatal(err)
	}
	for _, stale := range []assist.Guidelines{{Lang: "fr"}, {Lang: "fr", Version: 2}} { // a first save that lost the race; a version never stored
		if err := s.SaveGuidelines(ctx, b.ID, stale, guidelinesEntry(b, bob, "lang=fr")); herald.ErrorCode(err) != herald.ECONFLICT {
			t.Errorf("SaveGuidelines at version %d over version 1 = %v; want ECONFLICT", stale.Version, err)
		}
	}
	if g, err := s.Guidelines(ctx, b.ID); err != nil || g.Tone != "warm" || g.Lang != "" || g.Version != 1 {
		t.Errorf("Guidelines after refused saves = %+v, %v; want tone=warm at version 1", g, err)
	}
	if log, err := s.GuidelinesLog(ctx, b.ID); err != nil || len(log) != 1 {
		t.Errorf("a refused save left a log entry: %+v, %v", log, err)
	}
}
