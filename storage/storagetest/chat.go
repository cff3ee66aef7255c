package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
)

// ChatStore is what the chat adapters keep in the database: where each
// card is shown (bot.CardStore) and the inbound events already handled
// (bot.Deduper).
type ChatStore interface {
	SaveCardRef(ctx context.Context, key string, ref herald.MessageRef, at time.Time) error
	CardRefs(ctx context.Context, key string) ([]herald.MessageRef, error)
	FirstSeen(ctx context.Context, key string, now time.Time) (bool, error)
}

// RunChat runs the contract of the chat adapters' stores. open must
// return a fresh, migrated, empty store, and arrange (with t.Cleanup) to
// close it.
func RunChat(t *testing.T, open func(t *testing.T) ChatStore) {
	t.Run("CardRefs", func(t *testing.T) { testCardRefs(t, open(t)) })
	t.Run("FirstSeen", func(t *testing.T) { testFirstSeen(t, open(t)) })
}

func testCardRefs(t *testing.T, s ChatStore) {
	ctx := t.Context()
	a := herald.MessageRef{Channel: herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C1"}, MessageID: "1700000000.000100"}
	b := herald.MessageRef{Channel: herald.ChannelRef{Platform: "discord", Workspace: "G1", Channel: "42"}, MessageID: "99"}
	c := herald.MessageRef{Channel: herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C0"}, MessageID: "1"}
	for _, r := range []herald.MessageRef{a, b, a, c} { // saving twice is a no-op
		if err := s.SaveCardRef(ctx, "draft:1", r, t0); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.CardRefs(ctx, "draft:1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]herald.MessageRef{a, b, c}, got); diff != "" {
		t.Errorf("CardRefs, in the order saved (-want +got):\n%s", diff)
	}
	if none, err := s.CardRefs(ctx, "draft:2"); err != nil || len(none) != 0 {
		t.Errorf("CardRefs(unknown) = %v, %v; want none", none, err)
	}
}

func testFirstSeen(t *testing.T, s ChatStore) {
	for i, want := range []bool{true, false, false} {
		got, err := s.FirstSeen(t.Context(), "slack:Ev123", t0.Add(time.Duration(i)*time.Hour))
		if err != nil || got != want {
			t.Errorf("call %d: FirstSeen = %v, %v; want %v", i, got, err, want)
		}
	}
	if got, _ := s.FirstSeen(t.Context(), "slack:Ev456", t0); !got {
		t.Error("another key is new")
	}
	// The time is the caller's: a day after, by its clock, a key is forgotten.
	if got, _ := s.FirstSeen(t.Context(), "slack:Ev456", t0.Add(25*time.Hour)); !got {
		t.Error("a key seen more than a day before is still remembered")
	}
}
