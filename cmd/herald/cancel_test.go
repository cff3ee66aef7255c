package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/storage/sqlite"
)

// TestCancelThroughMain cancels a scheduled draft through Main and the
// console: editors may, approvers may not; the draft leaves the queue
// and the open drafts, its card offers no more actions, the audit keeps
// the reason, and the store has nothing due for any scheduler.
func TestCancelThroughMain(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "off"}
	script := strings.Join([]string{
		"/as alice", "brand add Acme", "role @bob editor", "role @carol approver", "policy none",
		"/as bob",
		`draft "Spring sale starts" --to slack:#news --at "tomorrow 9:00"`, "submit 1",
		`draft "Second post"`,
		"queue",
		"/as carol", "cancel 1",
		"/as bob", `cancel 1 "the sale moved"`,
		"queue", "drafts", "drafts pending", "cancel 1", "audit 1",
	}, "\n") + "\n"
	out := MustRunMain(t, env, strings.NewReader(script))
	steps := strings.Split(out, "\n")
	after := func(prompt string) string { // the answer to the last command typed as prompt
		for i := len(steps) - 1; i >= 0; i-- {
			if steps[i] == prompt {
				var b strings.Builder
				for _, l := range steps[i+1:] {
					if strings.Contains(l, "> ") && !strings.HasPrefix(l, " ") {
						break
					}
					b.WriteString(l + "\n")
				}
				return b.String()
			}
		}
		t.Fatalf("no %q in the transcript:\n%s", prompt, out)
		return ""
	}
	for _, c := range []struct{ prompt, want string }{
		{"carol> cancel 1", "Only editor or admin can cancel drafts, and you are an approver on this brand."},
		{`bob> cancel 1 "the sale moved"`, "bob cancelled draft #1: “the sale moved”."},
		{`bob> cancel 1 "the sale moved"`, "State: cancelled"},
		{"bob> queue", "Nothing is scheduled."},
		{"bob> drafts", "1 draft:\n  #2 · Acme · draft"},
		{"bob> drafts pending", "No draft waits for review."},
		{"bob> cancel 1", "Draft #1 is cancelled: it cannot be cancelled now."},
		{"bob> audit 1", "cancelled · revision 1  (scheduled → cancelled) — the sale moved; taken off the schedule (was for "},
	} {
		if got := after(c.prompt); !strings.Contains(got, c.want) {
			t.Errorf("after %q: want %q in\n%s", c.prompt, c.want, got)
		}
	}
	if got := after(`bob> cancel 1 "the sale moved"`); strings.Contains(got, "[") {
		t.Errorf("the cancelled draft's card still offers actions:\n%s", got)
	}
	if !strings.Contains(out, "1 post:\n  #1 · Mon 23 Nov 2026 09:00 UTC · Acme · scheduled") {
		t.Errorf("the first queue did not list the scheduled draft:\n%s", out)
	}

	s, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d, err := s.Draft(t.Context(), 1)
	if err != nil || d.State != approvals.StateCancelled || !d.PublishAt.IsZero() {
		t.Errorf("draft #1 = %s at %v, %v; want cancelled, unscheduled", d.State, d.PublishAt, err)
	}
	if due, err := s.DueDrafts(t.Context(), time.Now().AddDate(10, 0, 0), 10); err != nil || len(due) != 0 {
		t.Errorf("DueDrafts = %d drafts, %v; want none", len(due), err)
	}
}
