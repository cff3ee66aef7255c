package handlers_test

import "testing"

// TestRemindOffWording: `remind off` and `remind` on a brand without
// reminders say so in plain English (they said "will be reminded never").
func TestRemindOffWording(t *testing.T) {
	e := newPermEnv(t)
	admin := permActors["admin"]
	if got, want := e.must(admin, acmeCh, "remind off").Text, "Reviewers of Acme will not be reminded."; got != want {
		t.Errorf("remind off: %q; want %q", got, want)
	}
	if got, want := e.must(admin, acmeCh, "remind").Text, "Reviewers of Acme are not reminded."; got != want {
		t.Errorf("remind: %q; want %q", got, want)
	}
	if got, want := e.must(admin, acmeCh, "remind 48h").Text, "Reviewers of Acme will be reminded when a draft has waited 48h, in daytime only."; got != want {
		t.Errorf("remind 48h: %q; want %q", got, want)
	}
}
