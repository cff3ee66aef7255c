package storagetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/publish"
)

// RunPublish runs the contract of publish.Store. open must return a fresh,
// migrated, empty store, and arrange (with t.Cleanup) to close it:
//
//	storagetest.RunPublish(t, func(t *testing.T) publish.Store { return MustOpen(t) })
func RunPublish(t *testing.T, open func(t *testing.T) publish.Store) {
	t.Run("SaveDeliveries", func(t *testing.T) { testSaveDeliveries(t, open) })
	t.Run("DueDrafts", func(t *testing.T) { testDueDrafts(t, open) })
	t.Run("WorkDeliveries", func(t *testing.T) { testWorkDeliveries(t, open) })
	t.Run("Revision", func(t *testing.T) { testRevision(t, open) })
	t.Run("Uploads", func(t *testing.T) { testUploads(t, open) })
	t.Run("Accounts", func(t *testing.T) { testAccounts(t, open) })
	t.Run("Connect", func(t *testing.T) { testConnect(t, open) })
	t.Run("CalendarTokens", func(t *testing.T) { testCalendarTokens(t, open) })
	t.Run("Reminders", func(t *testing.T) { testReminders(t, open) })
	t.Run("Pauses", func(t *testing.T) { testPauses(t, open) })
	t.Run("ClaimRace", func(t *testing.T) { testClaimRace(t, open) })
	t.Run("PauseRace", func(t *testing.T) { testPauseRace(t, open) })
	t.Run("Leases", func(t *testing.T) { testLeases(t, open) })
	t.Run("LeaseDraft", func(t *testing.T) { testLeaseDraft(t, open) })
	t.Run("LeaseRace", func(t *testing.T) { testLeaseRace(t, open) })
}

var (
	slackLaunch  = herald.Target{Kind: "slack", Name: "#launch"}
	mastodonMain = herald.Target{Kind: "mastodon", Name: "main"}
)

// delivery returns a pending delivery of d's current revision on target.
func delivery(d approvals.Draft, target herald.Target) publish.Delivery {
	return publish.Delivery{DraftID: d.ID, Rev: d.Rev, BrandID: d.BrandID, Target: target,
		Key: publish.DeliveryKey(d.ID, d.Rev, target), Due: t2, State: publish.Pending, NextAt: t1, UpdatedAt: t1}
}

func inserts(ds ...publish.Delivery) []publish.DeliveryUpdate {
	out := make([]publish.DeliveryUpdate, len(ds))
	for i, d := range ds {
		out[i] = publish.DeliveryUpdate{Delivery: d, Insert: true}
	}
	return out
}

// sortDeliveries orders deliveries by revision and target, so that the
// contract does not fix the order of Deliveries.
func sortDeliveries(ds []publish.Delivery) []publish.Delivery {
	ds = slices.Clone(ds)
	slices.SortFunc(ds, func(a, b publish.Delivery) int {
		if a.Rev != b.Rev {
			return a.Rev - b.Rev
		}
		return strings.Compare(a.Target.String(), b.Target.String())
	})
	return ds
}

func mustDeliveries(t *testing.T, s publish.Store, id int64) []publish.Delivery {
	t.Helper()
	ds, err := s.Deliveries(t.Context(), id)
	if err != nil {
		t.Fatalf("Deliveries(%d): %v", id, err)
	}
	return sortDeliveries(ds)
}

func mustSave(t *testing.T, s publish.Store, c *approvals.Change, ups []publish.DeliveryUpdate) {
	t.Helper()
	if err := s.SaveDeliveries(t.Context(), c, ups); err != nil {
		t.Fatalf("SaveDeliveries: %v", err)
	}
}

// mustScheduled returns a draft of brand b moved to scheduled for at.
func mustScheduled(t *testing.T, s publish.Store, brandID int64, text string, at time.Time) approvals.Draft {
	t.Helper()
	d := mustDraft(t, s, brandID, bob, text)
	d = mustApply(t, s, move(t, d, bob, approvals.ActSubmit, ""))
	d = mustApply(t, s, move(t, d, carol, approvals.ActComplete, ""))
	c := move(t, d, bob, approvals.ActSchedule, "")
	c.Draft.PublishAt = at
	return mustApply(t, s, c)
}

// mustPublishing returns a scheduled draft claimed for publishing, with
// one pending delivery per target.
func mustPublishing(t *testing.T, s publish.Store, brandID int64, text string) (approvals.Draft, []publish.Delivery) {
	t.Helper()
	d := mustScheduled(t, s, brandID, text, t1)
	c := move(t, d, publish.System, approvals.ActPublish, "")
	ds := []publish.Delivery{delivery(d, slackLaunch), delivery(d, mastodonMain)}
	mustSave(t, s, &c, inserts(ds...))
	return mustGet(t, s, d.ID), sortDeliveries(ds)
}

func testDueDrafts(t *testing.T, open func(t *testing.T) publish.Store) {
	s := open(t)
	a := mustBrand(t, s, "Acme", alice)
	g := mustBrand(t, s, "Globex", alice)
	late := mustScheduled(t, s, a.ID, "late", t0)
	onTime := mustScheduled(t, s, g.ID, "on time", t1)
	tie := mustScheduled(t, s, a.ID, "same time", t1)
	future := mustScheduled(t, s, a.ID, "future", t2)
	// Approved with a time, and claimed: not due.
	approved := mustDraft(t, s, a.ID, bob, "approved")
	approved = mustApply(t, s, move(t, approved, bob, approvals.ActSubmit, ""))
	c := move(t, approved, carol, approvals.ActComplete, "")
	c.Draft.PublishAt = t0
	mustApply(t, s, c)
	mustPublishing(t, s, a.ID, "claimed") // scheduled for t1, now publishing

	tests := []struct {
		name  string
		now   time.Time
		limit int
		want  []int64
	}{
		{"OKNoneYet", t0.Add(-time.Second), 10, nil},
		{"OKAtTheTime", t0, 10, []int64{late.ID}},
		{"OKEarliestFirst", t1, 10, []int64{late.ID, onTime.ID, tie.ID}},
		{"OKAll", t2.Add(time.Hour), 10, []int64{late.ID, onTime.ID, tie.ID, future.ID}},
		{"OKLimit", t2, 2, []int64{late.ID, onTime.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.DueDrafts(t.Context(), tt.now, tt.limit)
			if err != nil {
				t.Fatalf("DueDrafts: %v", err)
			}
			if diff := cmp.Diff(tt.want, ids(got), equate); diff != "" {
				t.Errorf("DueDrafts(%s, %d) (-want +got):\n%s", tt.now.Format(time.RFC3339), tt.limit, diff)
			}
		})
	}
	t.Run("OKFullRows", func(t *testing.T) {
		got, err := s.DueDrafts(t.Context(), t0, 10)
		if err != nil || len(got) != 1 {
			t.Fatalf("DueDrafts = %v, %v", got, err)
		}
		if diff := cmp.Diff(mustGet(t, s, late.ID), got[0], equate); diff != "" {
			t.Errorf("DueDrafts row differs from Draft (-Draft +DueDrafts):\n%s", diff)
		}
	})
}

func testRevision(t *testing.T, open func(t *testing.T) publish.Store) {
	s := open(t)
	b := mustBrand(t, s, "Acme", alice)
	d := mustDraft(t, s, b.ID, bob, "v1 — ünïcode 🎉")
	c := move(t, d, bob, approvals.ActEdit, "")
	c.Draft.Rev, c.Draft.Text = 2, "v2"
	c.Revision = &approvals.Revision{DraftID: d.ID, Rev: 2, Text: "v2", Author: bob, CreatedAt: t1}
	mustApply(t, s, c)
	t.Run("OK", func(t *testing.T) {
		for rev, want := range map[int]string{1: "v1 — ünïcode 🎉", 2: "v2"} {
			got, err := s.Revision(t.Context(), d.ID, rev)
			if err != nil || got.Text != want || got.Rev != rev || got.DraftID != d.ID {
				t.Errorf("Revision(%d, %d) = %+v, %v; want text %q", d.ID, rev, got, err, want)
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.Revision(t.Context(), d.ID, 3)
		assertCode(t, err, herald.ENOTFOUND, "Revision(unknown revision)")
		_, err = s.Revision(t.Context(), d.ID+1000, 1)
		assertCode(t, err, herald.ENOTFOUND, "Revision(unknown draft)")
	})
}

func testCalendarTokens(t *testing.T, open func(t *testing.T) publish.Store) {
	s := open(t)
	a := mustBrand(t, s, "Acme", alice)
	g := mustBrand(t, s, "Globex", alice)
	entry := approvals.AuditEntry{BrandID: a.ID, Action: "calendar_token", Actor: alice, At: t0}
	brandOf := func(tok string) (int64, error) { return s.CalendarBrand(t.Context(), tok) }

	t.Run("ErrNone", func(t *testing.T) {
		_, err := s.CalendarToken(t.Context(), a.ID)
		assertCode(t, err, herald.ENOTFOUND, "CalendarToken before any")
		_, err = brandOf("nothing")
		assertCode(t, err, herald.ENOTFOUND, "CalendarBrand(unknown)")
	})
	t.Run("OKSetRotateRevoke", func(t *testing.T) {
		if err := s.SetCalendarToken(t.Context(), a.ID, "tok-a1", entry); err != nil {
			t.Fatalf("SetCalendarToken: %v", err)
		}
		ge := entry
		ge.BrandID = g.ID
		if err := s.SetCalendarToken(t.Context(), g.ID, "tok-g1", ge); err != nil {
			t.Fatalf("SetCalendarToken(Globex): %v", err)
		}
		if tok, err := s.CalendarToken(t.Context(), a.ID); err != nil || tok != "tok-a1" {
			t.Errorf("CalendarToken = %q, %v", tok, err)
		}
		if id, err := brandOf("tok-a1"); err != nil || id != a.ID {
			t.Errorf("CalendarBrand(tok-a1) = %d, %v; want %d", id, err, a.ID)
		}
		// Rotate.
		if err := s.SetCalendarToken(t.Context(), a.ID, "tok-a2", entry); err != nil {
			t.Fatalf("rotate: %v", err)
		}
		_, err := brandOf("tok-a1")
		assertCode(t, err, herald.ENOTFOUND, "CalendarBrand(old token)")
		if id, err := brandOf("tok-a2"); err != nil || id != a.ID {
			t.Errorf("CalendarBrand(tok-a2) = %d, %v; want %d", id, err, a.ID)
		}
		// Revoke.
		if err := s.SetCalendarToken(t.Context(), a.ID, "", entry); err != nil {
			t.Fatalf("revoke: %v", err)
		}
		_, err = brandOf("tok-a2")
		assertCode(t, err, herald.ENOTFOUND, "CalendarBrand(revoked token)")
		_, err = s.CalendarToken(t.Context(), a.ID)
		assertCode(t, err, herald.ENOTFOUND, "CalendarToken after revoking")
		_, err = brandOf("")
		assertCode(t, err, herald.ENOTFOUND, "CalendarBrand(\"\")")
		// The other brand's link is untouched.
		if id, err := brandOf("tok-g1"); err != nil || id != g.ID {
			t.Errorf("CalendarBrand(tok-g1) = %d, %v; want %d", id, err, g.ID)
		}
	})
}

func testReminders(t *testing.T, open func(t *testing.T) publish.Store) {
	s := open(t)
	b := mustBrand(t, s, "Acme", alice)
	d := mustDraft(t, s, b.ID, bob, "Hello")
	t.Run("ErrNone", func(t *testing.T) {
		_, err := s.Reminder(t.Context(), d.ID)
		assertCode(t, err, herald.ENOTFOUND, "Reminder before any")
	})
	t.Run("OKPutReplace", func(t *testing.T) {
		for _, r := range []publish.Reminder{{DraftID: d.ID, Version: 2, At: t1}, {DraftID: d.ID, Version: 3, At: t2}} {
			if err := s.PutReminder(t.Context(), r); err != nil {
				t.Fatalf("PutReminder: %v", err)
			}
			got, err := s.Reminder(t.Context(), d.ID)
			if err != nil {
				t.Fatalf("Reminder: %v", err)
			}
			if diff := cmp.Diff(r, got); diff != "" {
				t.Errorf("Reminder (-want +got):\n%s", diff)
			}
		}
	})
}
