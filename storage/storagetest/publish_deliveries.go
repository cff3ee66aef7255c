package storagetest

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/publish"
)

// The SaveDeliveries and WorkDeliveries parts of the publish.Store
// contract (RunPublish).

func testSaveDeliveries(t *testing.T, open func(t *testing.T) publish.Store) {
	saveDeliveriesOK(t, open)
	saveDeliveriesRefused(t, open)
	saveDeliveriesSequence(t, open)
}

func saveDeliveriesOK(t *testing.T, open func(t *testing.T) publish.Store) {
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
}

// savedState is what a refused SaveDeliveries must leave unchanged.
type savedState struct {
	Record     record
	Deliveries []publish.Delivery
}

func readSaved(t *testing.T, s publish.Store, id int64) savedState {
	return savedState{snapshot(t, s, id), mustDeliveries(t, s, id)}
}

// refusedSave checks that SaveDeliveries is refused with ECONFLICT and
// writes nothing.
func refusedSave(t *testing.T, s publish.Store, id int64, c *approvals.Change, ups []publish.DeliveryUpdate, what string) {
	t.Helper()
	before := readSaved(t, s, id)
	err := s.SaveDeliveries(t.Context(), c, ups)
	assertCode(t, err, herald.ECONFLICT, what)
	if diff := cmp.Diff(before, readSaved(t, s, id), equate); diff != "" {
		t.Errorf("%s wrote something (-before +after):\n%s", what, diff)
	}
}

func saveDeliveriesRefused(t *testing.T, open func(t *testing.T) publish.Store) {
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
			refusedSave(t, s, d.ID, c, []publish.DeliveryUpdate{{Delivery: n, From: tt.from, FromAttempts: tt.attempts}}, tt.name)
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
		refusedSave(t, s, d.ID, &c, []publish.DeliveryUpdate{{Delivery: n, From: publish.Pending}}, "a stale draft change with a good delivery update")
	})
	t.Run("ErrOneOfSeveral", func(t *testing.T) {
		// The second update is stale: the first is not written either.
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d, ds := mustPublishing(t, s, b.ID, "Hello")
		a, z := ds[0], ds[1]
		a.State, z.State = publish.Delivered, publish.Delivered
		refusedSave(t, s, d.ID, nil, []publish.DeliveryUpdate{{Delivery: a, From: publish.Pending}, {Delivery: z, From: publish.Sending}}, "two updates, one stale")
	})
	t.Run("ErrDoubleInsert", func(t *testing.T) {
		// Two claims of the same post: the second insert is refused.
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d, ds := mustPublishing(t, s, b.ID, "Hello")
		refusedSave(t, s, d.ID, nil, inserts(ds[0]), "inserting a delivery twice")
	})
	t.Run("ErrUnknownDelivery", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d, _ := mustPublishing(t, s, b.ID, "Hello")
		ghost := delivery(d, herald.Target{Kind: "webhook", Name: "ghost"})
		refusedSave(t, s, d.ID, nil, []publish.DeliveryUpdate{{Delivery: ghost, From: publish.Pending}}, "updating a delivery that does not exist")
	})
}

func saveDeliveriesSequence(t *testing.T, open func(t *testing.T) publish.Store) {
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

// workFixture stores a publishing draft with one delivery in each state
// (three pending, due at different times) for WorkDeliveries.
func workFixture(t *testing.T, open func(t *testing.T) publish.Store) (publish.Store, approvals.Draft) {
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
	return s, d
}

func deliveryNames(ds []publish.Delivery) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Target.Name)
	}
	return out
}

func testWorkDeliveries(t *testing.T, open func(t *testing.T) publish.Store) {
	s, d := workFixture(t, open)
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
			gotNames := deliveryNames(got)
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
