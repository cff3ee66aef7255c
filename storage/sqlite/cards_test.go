package sqlite_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/storage/sqlite"
)

var _ bot.CardStore = (*sqlite.Store)(nil)

func TestCardRefs(t *testing.T) {
	s := MustOpen(t)
	ctx := t.Context()
	a := herald.MessageRef{Channel: herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C1"}, MessageID: "1700000000.000100"}
	b := herald.MessageRef{Channel: herald.ChannelRef{Platform: "discord", Workspace: "G1", Channel: "42"}, MessageID: "99"}
	for _, r := range []herald.MessageRef{a, b, a} { // saving twice is a no-op
		if err := s.SaveCardRef(ctx, "draft:1", r); err != nil {
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
		got, err := s.FirstSeen(t.Context(), "slack:Ev123")
		if err != nil || got != want {
			t.Errorf("call %d: FirstSeen = %v, %v; want %v", i, got, err, want)
		}
	}
	if got, _ := s.FirstSeen(t.Context(), "slack:Ev456"); !got {
		t.Error("another key is new")
	}
}
