package handlers_test

import (
	"fmt"
	"testing"

	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/kit"
)

// TestCancelCard: `cancel` answers with the draft's card under the
// draft's key, so every copy of the card, on every platform, is updated
// in place; the card of a draft that can be cancelled offers the button
// (kept by the router, which has the command), the cancelled one offers
// nothing.
func TestCancelCard(t *testing.T) {
	e := newPermEnv(t)
	id := e.draft("Acme", "review")
	show := e.must(writer, acmeCh, fmt.Sprintf("show %d", id))
	if !hasButton(show.Cards, fmt.Sprintf("cancel %d", id)) {
		t.Errorf("the card of a draft in review lacks the Cancel button: %+v", show.Cards)
	}
	resp := e.must(writer, acmeCh, fmt.Sprintf(`cancel %d "no longer needed"`, id))
	if len(resp.Cards) != 1 || resp.Cards[0].Key != kit.DraftKey(id) {
		t.Fatalf("cancel answered cards %+v; want the draft's card, key %s", resp.Cards, kit.DraftKey(id))
	}
	if want := fmt.Sprintf("pwriter cancelled draft #%d: “no longer needed”.", id); resp.Text != want {
		t.Errorf("text %q; want %q", resp.Text, want)
	}
	if bs := resp.Cards[0].Buttons; len(bs) != 0 {
		t.Errorf("a cancelled draft's card offers %+v; want nothing", bs)
	}
}

func hasButton(cs []commands.Card, command string) bool {
	for _, c := range cs {
		for _, b := range c.Buttons {
			if b.Command == command {
				return true
			}
		}
	}
	return false
}
