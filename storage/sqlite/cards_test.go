package sqlite_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/storage/sqlite"
)

var (
	_ bot.CardStore = (*sqlite.Store)(nil)
	_ bot.Deduper   = (*sqlite.Store)(nil)
)

// cardsT0 is the time the callers give the store.
var cardsT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestCardRefs(t *testing.T) {
	s := MustOpen(t)
	ctx := t.Context()
	a := herald.MessageRef{Channel: herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C1"}, MessageID: "1700000000.000100"}
	b := herald.MessageRef{Channel: herald.ChannelRef{Platform: "discord", Workspace: "G1", Channel: "42"}, MessageID: "99"}
	for _, r := range []herald.MessageRef{a, b, a} { // saving twice is a no-op
		if err := s.SaveCardRef(ctx, "draft:1", r, cardsT0); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.CardRefs(ctx, "draft:1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]herald.MessageRef{a, b}, got); diff != "" {
		t.Errorf("CardRefs (-want +got):\n%s", diff)
	}
	if none, err := s.CardRefs(ctx, "draft:2"); err != nil || len(none) != 0 {
		t.Errorf("CardRefs(unknown) = %v, %v; want none", none, err)
	}
}

func TestFirstSeen(t *testing.T) {
	s := MustOpen(t)
	for i, want := range []bool{true, false, false} {
		got, err := s.FirstSeen(t.Context(), "slack:Ev123", cardsT0.Add(time.Duration(i)*time.Hour))
		if err != nil || got != want {
			t.Errorf("call %d: FirstSeen = %v, %v; want %v", i, got, err, want)
		}
	}
	if got, _ := s.FirstSeen(t.Context(), "slack:Ev456", cardsT0); !got {
		t.Error("another key is new")
	}
	// The time is the caller's: a day after, by its clock, a key is forgotten.
	if got, _ := s.FirstSeen(t.Context(), "slack:Ev456", cardsT0.Add(25*time.Hour)); !got {
		t.Error("a key seen more than a day before is still remembered")
	}
}
