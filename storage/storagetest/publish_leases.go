package storagetest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/publish"
)

// The lease part of the publish.Store contract: LeaseDeliveries,
// RenewLeases, ReleaseLeases and LeaseCounts.

func lease(t *testing.T, s publish.Store, owner string, now time.Time, limit int) []string {
	t.Helper()
	ds, err := s.LeaseDeliveries(t.Context(), owner, now, now.Add(time.Minute), limit)
	if err != nil {
		t.Fatalf("LeaseDeliveries(%s): %v", owner, err)
	}
	names := deliveryNames(ds)
	slices.Sort(names)
	return names
}

func leaseCounts(t *testing.T, s publish.Store, owner string, now time.Time) [2]int {
	t.Helper()
	mine, others, err := s.LeaseCounts(t.Context(), owner, now)
	if err != nil {
		t.Fatalf("LeaseCounts: %v", err)
	}
	return [2]int{mine, others}
}

func testLeases(t *testing.T, open func(t *testing.T) publish.Store) {
	s, d := workFixture(t, open)
	work := []string{"checking", "pending-due", "pending-early", "pending-later", "sending"}
	keys := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, publish.DeliveryKey(d.ID, d.Rev, herald.Target{Kind: "webhook", Name: n}))
		}
		return out
	}
	t.Run("OKWhatWorkListsThenHeld", func(t *testing.T) {
		if got := lease(t, s, "a", t2, 10); !cmp.Equal(got, work) {
			t.Fatalf("a leased %v; want %v", got, work)
		}
		if got := lease(t, s, "b", t2, 10); len(got) != 0 {
			t.Errorf("b leased %v while a's leases last; want none", got)
		}
		if got := lease(t, s, "a", t2.Add(time.Second), 10); !cmp.Equal(got, work) {
			t.Errorf("a leased again %v; want its own %v", got, work)
		}
		if got := leaseCounts(t, s, "a", t2.Add(time.Second)); got != [2]int{5, 0} {
			t.Errorf("LeaseCounts(a) = %v; want [5 0]", got)
		}
	})
	t.Run("OKRenewKeeps", func(t *testing.T) {
		lost, err := s.RenewLeases(t.Context(), "a", keys(work...), t2.Add(5*time.Minute))
		if err != nil || lost != 0 {
			t.Fatalf("RenewLeases(a) = %d, %v; want 0 lost", lost, err)
		}
		if got := lease(t, s, "b", t2.Add(3*time.Minute), 10); len(got) != 0 {
			t.Errorf("b leased %v before a's renewed leases ended; want none", got)
		}
		if lost, err := s.RenewLeases(t.Context(), "b", keys("sending"), t2.Add(time.Hour)); err != nil || lost != 1 {
			t.Errorf("RenewLeases(b) of a's lease = %d, %v; want 1 lost", lost, err)
		}
	})
	t.Run("OKExpiredIsTaken", func(t *testing.T) {
		now := t2.Add(6 * time.Minute)
		if got := lease(t, s, "b", now, 10); !cmp.Equal(got, work) {
			t.Errorf("b leased %v after a's leases ended; want %v", got, work)
		}
		if got := leaseCounts(t, s, "a", now); got != [2]int{0, 5} {
			t.Errorf("LeaseCounts(a) = %v; want [0 5]", got)
		}
		if lost, err := s.RenewLeases(t.Context(), "a", keys(work...), now.Add(time.Hour)); err != nil || lost != 5 {
			t.Errorf("RenewLeases(a) after b took them = %d, %v; want 5 lost", lost, err)
		}
	})
	t.Run("OKRelease", func(t *testing.T) {
		now := t2.Add(6 * time.Minute)
		if err := s.ReleaseLeases(t.Context(), "a", keys(work...)); err != nil { // not a's: nothing changes
			t.Fatal(err)
		}
		if got := lease(t, s, "a", now, 10); len(got) != 0 {
			t.Errorf("a leased %v after releasing b's leases; want none", got)
		}
		if err := s.ReleaseLeases(t.Context(), "b", keys(work...)); err != nil {
			t.Fatal(err)
		}
		if got := lease(t, s, "a", now, 10); !cmp.Equal(got, work) {
			t.Errorf("a leased %v after b released; want %v", got, work)
		}
	})
}

// testLeaseDraft: a draft's deliveries go to one owner at a time, so that
// two replicas never settle one draft's deliveries at once.
func testLeaseDraft(t *testing.T, open func(t *testing.T) publish.Store) {
	s := open(t)
	b := mustBrand(t, s, "Acme", alice)
	d := mustScheduled(t, s, b.ID, "two targets", t1)
	c := move(t, d, publish.System, approvals.ActPublish, "")
	first, second := delivery(d, slackLaunch), delivery(d, mastodonMain)
	second.NextAt = t1.Add(10 * time.Second)
	later := t1.Add(20 * time.Second) // a's lease lasts a minute
	mustSave(t, s, &c, inserts(first, second))
	if got := lease(t, s, "a", t1, 10); !cmp.Equal(got, []string{"#launch"}) {
		t.Fatalf("a leased %v; want #launch", got)
	}
	if got := lease(t, s, "b", later, 10); len(got) != 0 {
		t.Errorf("b leased %v of the draft a works on; want none", got)
	}
	if got := lease(t, s, "a", later, 10); !cmp.Equal(got, []string{"#launch", "main"}) {
		t.Errorf("a leased %v; want both", got)
	}
}

// testLeaseRace: replicas leasing at once never get the same delivery,
// and together they get all of them.
func testLeaseRace(t *testing.T, open func(t *testing.T) publish.Store) {
	s := open(t)
	b := mustBrand(t, s, "Acme", alice)
	const posts, racers = 40, 4
	for range posts {
		d := mustScheduled(t, s, b.ID, "post", t1)
		c := move(t, d, publish.System, approvals.ActPublish, "")
		mustSave(t, s, &c, inserts(delivery(d, slackLaunch)))
	}
	var mu sync.Mutex
	got := map[string]string{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for r := range racers {
		owner := string(rune('a' + r))
		wg.Go(func() {
			<-start
			for {
				ds, err := s.LeaseDeliveries(t.Context(), owner, t2, t2.Add(time.Minute), 3)
				if err != nil {
					t.Errorf("LeaseDeliveries(%s): %v", owner, err)
					return
				}
				if len(ds) == 0 {
					return
				}
				mu.Lock()
				for _, x := range ds {
					if prev, ok := got[x.Key]; ok {
						t.Errorf("%s leased by %s, then by %s", x.Key, prev, owner)
					}
					got[x.Key] = owner
				}
				mu.Unlock()
				for _, x := range ds { // worked: no longer to lease
					next := x
					next.State = publish.Delivered
					if err := s.SaveDeliveries(t.Context(), nil, []publish.DeliveryUpdate{{Delivery: next, From: x.State, FromAttempts: x.Attempts}}); err != nil {
						t.Errorf("SaveDeliveries: %v", err)
						return
					}
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if len(got) != posts {
		t.Errorf("%d of %d deliveries leased; want all", len(got), posts)
	}
}
