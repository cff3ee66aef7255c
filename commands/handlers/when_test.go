package handlers_test

import (
	"strings"
	"testing"
)

// TestDraftAtFrench: --at reads French WHEN forms for anyone, and 3/12 as
// the reader's language orders it.
func TestDraftAtFrench(t *testing.T) {
	e := newPermEnv(t)
	admin := permActors["admin"]
	got := e.must(admin, acmeCh, `draft "Bonjour" --at "demain 9h"`)
	if !strings.Contains(got.Text, "#") {
		t.Fatalf("draft --at demain 9h: %q", got.Text)
	}
	fr := admin
	fr.Lang = "fr"
	resp := e.dispatch(fr, acmeCh, `draft "Bonjour" --at "demian 9h"`)
	if !strings.Contains(resp.Text, "vouliez-vous dire «\u202fdemain\u202f»") {
		t.Errorf("a French reader's typo: %q, want a French suggestion", resp.Text)
	}
	resp = e.dispatch(admin, acmeCh, `draft "Hello" --at "demian 9h"`)
	if !strings.Contains(resp.Text, `did you mean "demain"?`) {
		t.Errorf("an English reader's typo: %q, want the suggestion in English", resp.Text)
	}
}
