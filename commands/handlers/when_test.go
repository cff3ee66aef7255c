package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
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

// TestBrandZone: an admin changes the zone; scheduled posts keep their
// instant and the answer says what that reads on the clock; an unknown
// zone is refused with the nearest one.
func TestBrandZone(t *testing.T) {
	e := newPermEnv(t)
	admin := permActors["admin"]
	if got, want := e.must(admin, acmeCh, "brand zone").Text, "The time zone of Acme is UTC."; got != want {
		t.Errorf("brand zone: %q; want %q", got, want)
	}
	e.must(admin, acmeCh, "target add webhook:zone https://stub.example --secret s")
	e.must(admin, acmeCh, "policy none")
	for range 3 {
		id := e.id(e.must(admin, acmeCh, `draft "Happy new year" --to webhook:zone --at "2030-01-07 09:00"`), `#(\d+)`)
		e.must(admin, acmeCh, fmt.Sprintf("submit %d", id))
	}
	got := e.must(admin, acmeCh, "brand zone europe/paris").Text
	want := "changed the time zone of Acme to Europe/Paris (it was UTC). 3 scheduled posts keep their time: 9:00 UTC is now 10:00 Europe/Paris."
	if !strings.HasSuffix(got, want) {
		t.Errorf("brand zone europe/paris:\n%q\nwant it to end with\n%q", got, want)
	}
	if got := e.must(admin, acmeCh, "queue").Text; !strings.Contains(got, "Mon 7 Jan 2030 10:00 CET") {
		t.Errorf("queue after the change: %q; want the same instant in Paris time", got)
	}
	if got := e.must(admin, acmeCh, "brand zone Europe/Paris").Text; got != "The time zone of Acme is already Europe/Paris." {
		t.Errorf("same zone: %q", got)
	}
	resp := e.dispatch(admin, acmeCh, "brand zone Europe/Pariss")
	if resp.ErrCode != herald.EINVALID || !strings.Contains(resp.Text, "Did you mean `brand zone Europe/Paris`?") {
		t.Errorf("unknown zone: %+v", resp)
	}
	resp = e.dispatch(admin, acmeCh, "brand zone Mars/Olympus_Mons")
	if resp.ErrCode != herald.EINVALID || !strings.Contains(resp.Text, "give an IANA name") {
		t.Errorf("far zone: %+v", resp)
	}
	fr := admin
	fr.Lang = "fr"
	got = e.must(fr, acmeCh, "brand zone UTC").Text
	if want := "3 publications programmées gardent leur heure\u202f: 10 h 00 Europe/Paris devient 9 h 00 UTC."; !strings.HasSuffix(got, want) {
		t.Errorf("in French: %q\nwant the end %q", got, want)
	}
}
