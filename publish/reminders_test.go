package publish_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/publish"
)

// reminded returns the reminders sent since the last call: draft, stage
// and the names of the people reminded, sorted.
func (e *env) reminded() []string {
	var out []string
	for _, ev := range e.events.Events() {
		if ev.Kind != publish.EventReminder {
			continue
		}
		var names []string
		for _, m := range ev.Remind {
			names = append(names, m.Actor.Name)
		}
		slices.Sort(names)
		s := ev.Stage + ":"
		for _, n := range names {
			s += " " + n
		}
		out = append(out, s)
	}
	e.events.Reset()
	return out
}

// tickAt moves the clock to local and ticks.
func (e *env) tickAt(t *testing.T, local time.Time) {
	t.Helper()
	e.clock.Set(local)
	e.tick(t)
}

func TestReminders(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no tz database:", err)
	}
	// Monday 2 March 2026, CET (UTC+1).
	day := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, paris) }
	newReminderEnv := func(t *testing.T, submitted time.Time) (*env, approvals.Draft) {
		t.Helper()
		e := newEnv(t, config{policy: "team:1 client:1", tz: "Europe/Paris", nets: map[string]publish.Publisher{"webhook": plainNet{newNet()}}})
		e.clock.Set(submitted)
		d := e.submitted(t, "Please review", "webhook:main", time.Time{})
		return e, d
	}

	t.Run("OK", func(t *testing.T) {
		e, d := newReminderEnv(t, day(2, 10, 0))
		e.tickAt(t, day(3, 9, 59)) // 23 h 59 min
		if got := e.reminded(); len(got) != 0 {
			t.Fatalf("reminded early: %v", got)
		}
		e.tickAt(t, day(3, 10, 0))
		// The team stage's deciders, not bob who wrote it: admins and
		// approvers.
		if diff := cmp.Diff([]string{"team: Alice Ann Carol"}, e.reminded()); diff != "" {
			t.Errorf("reminders (-want +got):\n%s", diff)
		}
		for _, at := range []time.Time{day(3, 10, 1), day(3, 15, 0), day(4, 9, 59)} {
			e.tickAt(t, at)
			if got := e.reminded(); len(got) != 0 {
				t.Fatalf("reminded again at %s, within the period: %v", at, got)
			}
		}
		e.tickAt(t, day(4, 10, 0))
		if diff := cmp.Diff([]string{"team: Alice Ann Carol"}, e.reminded()); diff != "" {
			t.Errorf("reminders after a period (-want +got):\n%s", diff)
		}
		r, err := e.store.Reminder(t.Context(), d.ID)
		if err != nil || !r.At.Equal(day(4, 10, 0)) {
			t.Errorf("stored reminder %+v, %v", r, err)
		}
	})

	t.Run("OKWaiting", func(t *testing.T) {
		e, d := newReminderEnv(t, day(2, 10, 0))
		e.tickAt(t, day(3, 11, 30))
		evs := e.events.Events()
		if len(evs) != 1 || evs[0].DraftID != d.ID || evs[0].Waiting != 25*time.Hour+30*time.Minute || evs[0].Stage != "team" {
			t.Errorf("events %+v; want one reminder about draft %d, waiting 25h30m, at the team stage", evs, d.ID)
		}
	})

	t.Run("OKNextStage", func(t *testing.T) {
		// Once the team approved, the client is reminded, a period after
		// the approval.
		e, d := newReminderEnv(t, day(2, 10, 0))
		e.clock.Set(day(2, 12, 0))
		if _, err := e.drafts.Approve(t.Context(), carol, d.ID, approvals.Decide{}); err != nil {
			t.Fatalf("Approve: %v", err)
		}
		e.tickAt(t, day(3, 11, 0))
		if got := e.reminded(); len(got) != 0 {
			t.Fatalf("reminded less than a period after the approval: %v", got)
		}
		e.tickAt(t, day(3, 12, 0))
		if diff := cmp.Diff([]string{"client: Dave"}, e.reminded()); diff != "" {
			t.Errorf("reminders (-want +got):\n%s", diff)
		}
	})

	t.Run("OKNotTheApprover", func(t *testing.T) {
		// A team:2 stage with one approval reminds the others only.
		e := newEnv(t, config{policy: "team:2", tz: "Europe/Paris", nets: map[string]publish.Publisher{"webhook": plainNet{newNet()}}})
		e.clock.Set(day(2, 10, 0))
		d := e.submitted(t, "Please review", "webhook:main", time.Time{})
		if _, err := e.drafts.Approve(t.Context(), carol, d.ID, approvals.Decide{}); err != nil {
			t.Fatalf("Approve: %v", err)
		}
		e.tickAt(t, day(3, 10, 0))
		if diff := cmp.Diff([]string{"team: Alice Ann"}, e.reminded()); diff != "" {
			t.Errorf("reminders (-want +got):\n%s", diff)
		}
	})

	t.Run("OKQuietHours", func(t *testing.T) {
		// Submitted at 20:30: due at 20:30 the next day, in the evening;
		// reminded at 08:00 the morning after.
		e, _ := newReminderEnv(t, day(2, 20, 30))
		for _, at := range []time.Time{day(3, 20, 30), day(3, 23, 0), day(4, 3, 0), day(4, 7, 59)} {
			e.tickAt(t, at)
			if got := e.reminded(); len(got) != 0 {
				t.Fatalf("reminded at %s, at night: %v", at.Format("15:04"), got)
			}
		}
		e.tickAt(t, day(4, 8, 0))
		if got := e.reminded(); len(got) != 1 {
			t.Errorf("reminders at 08:00: %v, want one", got)
		}
	})

	t.Run("OKQuietHoursAreLocal", func(t *testing.T) {
		// 19:30 UTC is 20:30 in Paris: night there.
		e, _ := newReminderEnv(t, time.Date(2026, 3, 2, 19, 30, 0, 0, time.UTC))
		e.tickAt(t, time.Date(2026, 3, 3, 19, 30, 0, 0, time.UTC))
		if got := e.reminded(); len(got) != 0 {
			t.Errorf("reminded at 20:30 Paris time: %v", got)
		}
		e.tickAt(t, time.Date(2026, 3, 4, 7, 0, 0, 0, time.UTC)) // 08:00 Paris
		if got := e.reminded(); len(got) != 1 {
			t.Errorf("reminders at 08:00 Paris time: %v, want one", got)
		}
	})

	t.Run("OKBrandLimit", func(t *testing.T) {
		e, _ := newReminderEnv(t, day(2, 10, 0))
		e.setBrand(t, func(b *herald.Brand) { b.RemindAfter = 2 * time.Hour })
		e.tickAt(t, day(2, 11, 59))
		if got := e.reminded(); len(got) != 0 {
			t.Fatalf("reminded early: %v", got)
		}
		e.tickAt(t, day(2, 12, 0))
		e.tickAt(t, day(2, 13, 0))
		e.tickAt(t, day(2, 14, 0))
		if got := e.reminded(); len(got) != 2 {
			t.Errorf("reminders at 12:00, 13:00, 14:00 with a 2 h limit: %v, want two", got)
		}
	})

	t.Run("ErrNever", func(t *testing.T) {
		e, _ := newReminderEnv(t, day(2, 10, 0))
		e.setBrand(t, func(b *herald.Brand) { b.RemindAfter = -time.Hour })
		for d := 3; d < 10; d++ {
			e.tickAt(t, day(d, 10, 0))
		}
		if got := e.reminded(); len(got) != 0 {
			t.Errorf("a brand that never reminds reminded: %v", got)
		}
	})

	t.Run("ErrNotInReview", func(t *testing.T) {
		e, d := newReminderEnv(t, day(2, 10, 0))
		e.clock.Set(day(2, 11, 0))
		if _, err := e.drafts.RequestChanges(t.Context(), carol, d.ID, approvals.Decide{Comment: "shorter"}); err != nil {
			t.Fatalf("RequestChanges: %v", err)
		}
		e.tickAt(t, day(5, 10, 0))
		if got := e.reminded(); len(got) != 0 {
			t.Errorf("reminded about a draft sent back for changes: %v", got)
		}
	})

	t.Run("OKOptionDefault", func(t *testing.T) {
		e := newEnv(t, config{policy: "team:1", tz: "Europe/Paris", opt: publish.Options{RemindAfter: time.Hour},
			nets: map[string]publish.Publisher{"webhook": plainNet{newNet()}}})
		e.clock.Set(day(2, 10, 0))
		e.submitted(t, "Please review", "webhook:main", time.Time{})
		e.tickAt(t, day(2, 11, 0))
		if got := e.reminded(); len(got) != 1 {
			t.Errorf("reminders after Options.RemindAfter: %v, want one", got)
		}
	})
}
