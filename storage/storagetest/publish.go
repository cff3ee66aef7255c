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
	t.Run("RevisionText", func(t *testing.T) { testRevisionText(t, open) })
	t.Run("Accounts", func(t *testing.T) { testAccounts(t, open) })
	t.Run("CalendarTokens", func(t *testing.T) { testCalendarTokens(t, open) })
	t.Run("Reminders", func(t *testing.T) { testReminders(t, open) })
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

func testSaveDeliveries(t *testing.T, open func(t *testing.T) publish.Store) {
	t.Run("OKInsert", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d, want := mustPublishing(t, s, b.ID, "Hello")
		if d.State != approvals.StatePublishing || d.Version != 5 {
			t.Errorf("draft %s version %d after the claim; want publishing, 5", d.State, d.Version)
		}
		if diff := cmp.Diff(want, mustDeliveries(t, s, d.ID), equate); diff != "" {
			t.Errorf("Deliveries (-want +got):\n%s", diff)
		}
		es, err := s.Audit(t.Context(), d.ID)
		if err != nil || es[len(es)-1].Action != string(approvals.ActPublish) {
			t.Errorf("the claim's audit row is missing: %+v, %v", es, err)
		}
	})
	t.Run("OKFullRow", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d, ds := mustPublishing(t, s, b.ID, "Hello")
		next := ds[0]
		next.State, next.Attempts, next.NextAt, next.FirstSent, next.SentAt = publish.Delivered, 3, t2, t1, t2
		next.Receipt = publish.Receipt{ID: "109876", URL: "https://m.example/@acme/109876"}
		next.Error, next.UpdatedAt = "sent again with the same key", t2
		mustSave(t, s, nil, []publish.DeliveryUpdate{{Delivery: next, From: publish.Pending, FromAttempts: 0}})
		want := []publish.Delivery{ds[1], next}
		if diff := cmp.Diff(sortDeliveries(want), mustDeliveries(t, s, d.ID), equate); diff != "" {
			t.Errorf("Deliveries (-want +got):\n%s", diff)
		}
	})
	t.Run("OKWithDraftChange", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d, ds := mustPublishing(t, s, b.ID, "Hello")
		var ups []publish.DeliveryUpdate
		for _, x := range ds {
			n := x
			n.State, n.Attempts = publish.Delivered, 1
			ups = append(ups, publish.DeliveryUpdate{Delivery: n, From: publish.Pending, FromAttempts: 0})
		}
		c := move(t, d, publish.System, approvals.ActSucceed, "")
		mustSave(t, s, &c, ups)
		if got := mustGet(t, s, d.ID); got.State != approvals.StatePublished || got.Version != d.Version+1 {
			t.Errorf("draft %s version %d; want published, %d", got.State, got.Version, d.Version+1)
		}
		for _, x := range mustDeliveries(t, s, d.ID) {
			if x.State != publish.Delivered {
				t.Errorf("%s is %s, want delivered", x.Target, x.State)
			}
		}
	})

	type state struct {
		Record     record
		Deliveries []publish.Delivery
	}
	read := func(t *testing.T, s publish.Store, id int64) state {
		return state{snapshot(t, s, id), mustDeliveries(t, s, id)}
	}
	refused := func(t *testing.T, s publish.Store, id int64, c *approvals.Change, ups []publish.DeliveryUpdate, what string) {
		t.Helper()
		before := read(t, s, id)
		err := s.SaveDeliveries(t.Context(), c, ups)
		assertCode(t, err, herald.ECONFLICT, what)
		if diff := cmp.Diff(before, read(t, s, id), equate); diff != "" {
			t.Errorf("%s wrote something (-before +after):\n%s", what, diff)
		}
	}
	for _, tt := range []struct {
		name      string
		from      publish.DeliveryState
		attempts  int
		withDraft bool
	}{
		{"ErrWrongFrom", publish.Sending, 0, false},
		{"ErrWrongFromAttempts", publish.Pending, 1, false},
		{"ErrWrongFromWithDraft", publish.Checking, 0, true},
		{"ErrWrongFromAttemptsWithDraft", publish.Pending, 2, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			b := mustBrand(t, s, "Acme", alice)
			d, ds := mustPublishing(t, s, b.ID, "Hello")
			n := ds[0]
			n.State, n.Attempts = publish.Failed, 1
			var c *approvals.Change
			if tt.withDraft {
				ch := move(t, d, publish.System, approvals.ActFail, "")
				c = &ch
			}
			refused(t, s, d.ID, c, []publish.DeliveryUpdate{{Delivery: n, From: tt.from, FromAttempts: tt.attempts}}, tt.name)
		})
	}
	t.Run("ErrStaleDraft", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d, ds := mustPublishing(t, s, b.ID, "Hello")
		stale := d
		stale.Version--
		c := move(t, stale, publish.System, approvals.ActFail, "")
		n := ds[0]
		n.State, n.Attempts = publish.Failed, 1
		refused(t, s, d.ID, &c, []publish.DeliveryUpdate{{Delivery: n, From: publish.Pending}}, "a stale draft change with a good delivery update")
	})
	t.Run("ErrOneOfSeveral", func(t *testing.T) {
		// The second update is stale: the first is not written either.
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d, ds := mustPublishing(t, s, b.ID, "Hello")
		a, z := ds[0], ds[1]
		a.State, z.State = publish.Delivered, publish.Delivered
		refused(t, s, d.ID, nil, []publish.DeliveryUpdate{{Delivery: a, From: publish.Pending}, {Delivery: z, From: publish.Sending}}, "two updates, one stale")
	})
	t.Run("ErrDoubleInsert", func(t *testing.T) {
		// Two claims of the same post: the second insert is refused.
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d, ds := mustPublishing(t, s, b.ID, "Hello")
		refused(t, s, d.ID, nil, inserts(ds[0]), "inserting a delivery twice")
	})
	t.Run("ErrUnknownDelivery", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d, _ := mustPublishing(t, s, b.ID, "Hello")
		ghost := delivery(d, herald.Target{Kind: "webhook", Name: "ghost"})
		refused(t, s, d.ID, nil, []publish.DeliveryUpdate{{Delivery: ghost, From: publish.Pending}}, "updating a delivery that does not exist")
	})
	t.Run("OKCASSequence", func(t *testing.T) {
		// Each write names the state it moves from: pending → sending →
		// pending (retry) → sending → delivered.
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d, ds := mustPublishing(t, s, b.ID, "Hello")
		cur := ds[0]
		for _, step := range []struct {
			state    publish.DeliveryState
			attempts int
		}{{publish.Sending, 1}, {publish.Pending, 1}, {publish.Sending, 2}, {publish.Checking, 2}, {publish.Delivered, 2}} {
			n := cur
			n.State, n.Attempts = step.state, step.attempts
			mustSave(t, s, nil, []publish.DeliveryUpdate{{Delivery: n, From: cur.State, FromAttempts: cur.Attempts}})
			// Replaying the same write is refused.
			err := s.SaveDeliveries(t.Context(), nil, []publish.DeliveryUpdate{{Delivery: n, From: cur.State, FromAttempts: cur.Attempts}})
			if step.state != cur.State || step.attempts != cur.Attempts {
				assertCode(t, err, herald.ECONFLICT, "replaying "+string(cur.State)+" → "+string(step.state))
			}
			cur = n
		}
		for _, got := range mustDeliveries(t, s, d.ID) {
			if got.Key == cur.Key && (got.State != publish.Delivered || got.Attempts != 2) {
				t.Errorf("after the sequence: %s, %d attempts", got.State, got.Attempts)
			}
		}
	})
	t.Run("OKRevisions", func(t *testing.T) {
		// Deliveries lists every revision's.
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d, ds := mustPublishing(t, s, b.ID, "Hello")
		old := ds[0]
		old.Rev = 2 // as if a second revision had been published too
		c := move(t, d, bob, approvals.ActFail, "")
		c.Draft.Rev = 2
		c.Revision = &approvals.Revision{DraftID: d.ID, Rev: 2, Text: "v2", Author: bob, CreatedAt: t1}
		old.Key = publish.DeliveryKey(d.ID, 2, old.Target)
		mustSave(t, s, &c, inserts(old))
		got := mustDeliveries(t, s, d.ID)
		if len(got) != 3 || got[2].Rev != 2 {
			t.Errorf("Deliveries = %+v; want both revisions'", got)
		}
		if other, err := s.Deliveries(t.Context(), d.ID+1000); err != nil || len(other) != 0 {
			t.Errorf("Deliveries(unknown draft) = %+v, %v; want none", other, err)
		}
	})
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

func testWorkDeliveries(t *testing.T, open func(t *testing.T) publish.Store) {
	s := open(t)
	b := mustBrand(t, s, "Acme", alice)
	targets := []herald.Target{
		{Kind: "webhook", Name: "pending-due"}, {Kind: "webhook", Name: "pending-early"}, {Kind: "webhook", Name: "pending-later"},
		{Kind: "webhook", Name: "sending"}, {Kind: "webhook", Name: "checking"},
		{Kind: "webhook", Name: "delivered"}, {Kind: "webhook", Name: "failed"}, {Kind: "webhook", Name: "unconfirmed"},
	}
	d := mustScheduled(t, s, b.ID, "Hello", t1)
	c := move(t, d, publish.System, approvals.ActPublish, "")
	var ds []publish.Delivery
	for _, tg := range targets {
		x := delivery(d, tg)
		switch tg.Name {
		case "pending-due":
			x.NextAt = t1
		case "pending-early":
			x.NextAt = t0
		case "pending-later":
			x.NextAt = t2
		default:
			x.State, x.Attempts, x.NextAt = publish.DeliveryState(tg.Name), 1, t1
		}
		ds = append(ds, x)
	}
	mustSave(t, s, &c, inserts(ds...))
	names := func(ds []publish.Delivery) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Target.Name)
		}
		return out
	}
	tests := []struct {
		name  string
		now   time.Time
		limit int
		want  []string
	}{
		{"OKBeforeAnyDue", t0.Add(-time.Second), 10, []string{"checking", "sending"}},
		{"OKEarly", t0, 10, []string{"checking", "pending-early", "sending"}},
		{"OKDue", t1, 10, []string{"checking", "pending-due", "pending-early", "sending"}},
		{"OKAll", t2, 10, []string{"checking", "pending-due", "pending-early", "pending-later", "sending"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.WorkDeliveries(t.Context(), tt.now, tt.limit)
			if err != nil {
				t.Fatalf("WorkDeliveries: %v", err)
			}
			gotNames := names(got)
			slices.Sort(gotNames)
			if diff := cmp.Diff(tt.want, gotNames, equate); diff != "" {
				t.Errorf("WorkDeliveries(%s) (-want +got):\n%s", tt.now.Format(time.RFC3339), diff)
			}
		})
	}
	t.Run("OKEarliestFirst", func(t *testing.T) {
		got, err := s.WorkDeliveries(t.Context(), t2, 10)
		if err != nil {
			t.Fatal(err)
		}
		var pending []string
		for _, x := range got {
			if x.State == publish.Pending {
				pending = append(pending, x.Target.Name)
			}
		}
		if diff := cmp.Diff([]string{"pending-early", "pending-due", "pending-later"}, pending); diff != "" {
			t.Errorf("pending deliveries out of order (-want +got):\n%s", diff)
		}
	})
	t.Run("OKLimit", func(t *testing.T) {
		got, err := s.WorkDeliveries(t.Context(), t2, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Errorf("WorkDeliveries with limit 2 returned %d", len(got))
		}
	})
	t.Run("OKFullRows", func(t *testing.T) {
		got, err := s.WorkDeliveries(t.Context(), t2, 10)
		if err != nil {
			t.Fatal(err)
		}
		all := map[string]publish.Delivery{}
		for _, x := range mustDeliveries(t, s, d.ID) {
			all[x.Key] = x
		}
		for _, x := range got {
			if diff := cmp.Diff(all[x.Key], x, equate); diff != "" {
				t.Errorf("WorkDeliveries row differs from Deliveries (-Deliveries +WorkDeliveries):\n%s", diff)
			}
		}
	})
}

func testRevisionText(t *testing.T, open func(t *testing.T) publish.Store) {
	s := open(t)
	b := mustBrand(t, s, "Acme", alice)
	d := mustDraft(t, s, b.ID, bob, "v1 — ünïcode 🎉")
	c := move(t, d, bob, approvals.ActEdit, "")
	c.Draft.Rev, c.Draft.Text = 2, "v2"
	c.Revision = &approvals.Revision{DraftID: d.ID, Rev: 2, Text: "v2", Author: bob, CreatedAt: t1}
	mustApply(t, s, c)
	t.Run("OK", func(t *testing.T) {
		for rev, want := range map[int]string{1: "v1 — ünïcode 🎉", 2: "v2"} {
			got, err := s.RevisionText(t.Context(), d.ID, rev)
			if err != nil || got != want {
				t.Errorf("RevisionText(%d, %d) = %q, %v; want %q", d.ID, rev, got, err, want)
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.RevisionText(t.Context(), d.ID, 3)
		assertCode(t, err, herald.ENOTFOUND, "RevisionText(unknown revision)")
		_, err = s.RevisionText(t.Context(), d.ID+1000, 1)
		assertCode(t, err, herald.ENOTFOUND, "RevisionText(unknown draft)")
	})
}

func testAccounts(t *testing.T, open func(t *testing.T) publish.Store) {
	entry := func(b herald.Brand, action string) approvals.AuditEntry {
		return approvals.AuditEntry{BrandID: b.ID, Action: action, Actor: alice, At: t0}
	}
	sortAccounts := func(as []publish.Account) []publish.Account {
		as = slices.Clone(as)
		slices.SortFunc(as, func(a, b publish.Account) int { return strings.Compare(a.Target.String(), b.Target.String()) })
		return as
	}
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		a := mustBrand(t, s, "Acme", alice)
		g := mustBrand(t, s, "Globex", alice)
		m := publish.Account{BrandID: a.ID, Target: mastodonMain, URL: "https://m.example", Handle: "@acme", Secret: "s3cret"}
		w := publish.Account{BrandID: a.ID, Target: herald.Target{Kind: "webhook", Name: "zapier"}, URL: "https://hooks.example/abc", Secret: "hmac"}
		gm := publish.Account{BrandID: g.ID, Target: mastodonMain, URL: "https://g.example", Secret: "other"}
		for _, acct := range []publish.Account{w, m, gm} {
			if err := s.PutAccount(t.Context(), acct, entry(a, "target_add")); err != nil {
				t.Fatalf("PutAccount(%s): %v", acct.Target, err)
			}
		}
		got, err := s.Account(t.Context(), a.ID, mastodonMain)
		if err != nil {
			t.Fatalf("Account: %v", err)
		}
		if diff := cmp.Diff(m, got); diff != "" {
			t.Errorf("Account (-want +got):\n%s", diff)
		}
		list, err := s.Accounts(t.Context(), a.ID)
		if err != nil {
			t.Fatalf("Accounts: %v", err)
		}
		if diff := cmp.Diff(sortAccounts([]publish.Account{m, w}), sortAccounts(list)); diff != "" {
			t.Errorf("Accounts(Acme) (-want +got):\n%s", diff)
		}
		if got, _ := s.Account(t.Context(), g.ID, mastodonMain); got != gm {
			t.Errorf("Globex's account %+v, want %+v", got, gm)
		}
	})
	t.Run("OKReplace", func(t *testing.T) {
		s := open(t)
		a := mustBrand(t, s, "Acme", alice)
		m := publish.Account{BrandID: a.ID, Target: mastodonMain, URL: "https://m.example", Handle: "@acme", Secret: "s3cret"}
		if err := s.PutAccount(t.Context(), m, entry(a, "target_add")); err != nil {
			t.Fatal(err)
		}
		m2 := publish.Account{BrandID: a.ID, Target: mastodonMain, URL: "https://new.example", Secret: "rotated"}
		if err := s.PutAccount(t.Context(), m2, entry(a, "target_add")); err != nil {
			t.Fatalf("PutAccount again: %v", err)
		}
		list, err := s.Accounts(t.Context(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]publish.Account{m2}, list); diff != "" {
			t.Errorf("Accounts after replacing (-want +got):\n%s", diff)
		}
	})
	t.Run("OKDelete", func(t *testing.T) {
		s := open(t)
		a := mustBrand(t, s, "Acme", alice)
		m := publish.Account{BrandID: a.ID, Target: mastodonMain, URL: "https://m.example"}
		if err := s.PutAccount(t.Context(), m, entry(a, "target_add")); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteAccount(t.Context(), a.ID, mastodonMain, entry(a, "target_rm")); err != nil {
			t.Fatalf("DeleteAccount: %v", err)
		}
		_, err := s.Account(t.Context(), a.ID, mastodonMain)
		assertCode(t, err, herald.ENOTFOUND, "Account after DeleteAccount")
		if list, err := s.Accounts(t.Context(), a.ID); err != nil || len(list) != 0 {
			t.Errorf("Accounts after DeleteAccount = %+v, %v", list, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		a := mustBrand(t, s, "Acme", alice)
		g := mustBrand(t, s, "Globex", alice)
		if err := s.PutAccount(t.Context(), publish.Account{BrandID: g.ID, Target: mastodonMain}, entry(g, "target_add")); err != nil {
			t.Fatal(err)
		}
		_, err := s.Account(t.Context(), a.ID, mastodonMain)
		assertCode(t, err, herald.ENOTFOUND, "Account of another brand's target")
		err = s.DeleteAccount(t.Context(), a.ID, mastodonMain, entry(a, "target_rm"))
		assertCode(t, err, herald.ENOTFOUND, "DeleteAccount of a missing account")
		if _, err := s.Account(t.Context(), g.ID, mastodonMain); err != nil {
			t.Errorf("the other brand's account went: %v", err)
		}
		if list, err := s.Accounts(t.Context(), a.ID+1000); err != nil || len(list) != 0 {
			t.Errorf("Accounts(unknown brand) = %+v, %v; want none", list, err)
		}
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
