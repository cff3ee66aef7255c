package storagetest

import (
	"sync"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/publish"
)

// testClaimRace: processes racing for the same due post or the same
// delivery (several replicas, each having read it) — exactly one claim and
// one move win; the others get ECONFLICT and write nothing.
func testClaimRace(t *testing.T, open func(t *testing.T) publish.Store) {
	s := open(t)
	a := mustBrand(t, s, "Acme", alice)
	d := mustScheduled(t, s, a.ID, "due", t0)
	const racers = 6
	c := move(t, d, publish.System, approvals.ActPublish, "")
	wins := raceN(racers, func() error {
		return s.ClaimDue(t.Context(), c, inserts(delivery(d, slackLaunch)))
	})
	if wins != 1 {
		t.Fatalf("%d of %d ClaimDue of one due post succeeded; want 1", wins, racers)
	}
	ds := mustDeliveries(t, s, d.ID)
	if len(ds) != 1 {
		t.Fatalf("%d deliveries after the race; want 1", len(ds))
	}
	sending := ds[0]
	sending.State, sending.Attempts, sending.UpdatedAt = publish.Sending, 1, t1
	wins = raceN(racers, func() error {
		return s.SaveDeliveries(t.Context(), nil, []publish.DeliveryUpdate{{Delivery: sending, From: publish.Pending, FromAttempts: 0}})
	})
	if wins != 1 {
		t.Errorf("%d of %d moves of one pending delivery succeeded; want 1", wins, racers)
	}
	if got := mustDeliveries(t, s, d.ID); len(got) != 1 || got[0].State != publish.Sending || got[0].Attempts != 1 {
		t.Errorf("the delivery after the race: %+v; want sending, attempt 1", got)
	}
}

// raceN runs f n times at once and returns how many succeeded; a failure
// other than ECONFLICT is a success of nobody (and fails the caller's
// count).
func raceN(n int, f func() error) int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	wins, start := 0, make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			err := f()
			mu.Lock()
			defer mu.Unlock()
			switch herald.ErrorCode(err) {
			case "":
				wins++
			case herald.ECONFLICT:
			default:
				wins = -1000 // an unexpected error shows as a wrong count
			}
		})
	}
	close(start)
	wg.Wait()
	return wins
}

// testPauseRace: a pause racing the claims of its brand's due posts. A
// claim either committed before the pause (its audit row comes first) or
// is refused with ReasonPaused; none slips in after the pause.
func testPauseRace(t *testing.T, open func(t *testing.T) publish.Store) {
	s := open(t)
	a := mustBrand(t, s, "Acme", alice)
	const posts = 8
	changes := make([]approvals.Change, posts)
	for i := range changes {
		changes[i] = move(t, mustScheduled(t, s, a.ID, "due", t0), publish.System, approvals.ActPublish, "")
	}
	p := publish.Pause{BrandID: a.ID, By: alice, At: t0}
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, posts+1)
	for i, c := range changes {
		wg.Go(func() {
			<-start
			errs[i] = s.ClaimDue(t.Context(), c, inserts(delivery(c.Draft, slackLaunch)))
		})
	}
	wg.Go(func() {
		<-start
		errs[posts] = s.Pause(t.Context(), p, pauseEntry(a, "pause"))
	})
	close(start)
	wg.Wait()
	if errs[posts] != nil {
		t.Fatalf("Pause: %v", errs[posts])
	}
	pauses, err := s.PauseAudit(t.Context(), a.ID)
	if err != nil || len(pauses) != 1 {
		t.Fatalf("PauseAudit = %v, %v", pauses, err)
	}
	for i, c := range changes {
		if he := herald.AsError(errs[i]); errs[i] != nil && (he == nil || he.Reason != publish.ReasonPaused) {
			t.Errorf("claim %d: %v; want success or Reason %s", i, errs[i], publish.ReasonPaused)
			continue
		}
		es, err := s.Audit(t.Context(), c.Draft.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := es[len(es)-1]
		if claimed := last.Action == string(approvals.ActPublish); claimed != (errs[i] == nil) || (claimed && last.ID > pauses[0].ID) {
			t.Errorf("claim %d (error %v): last audit %s #%d, the pause #%d; want a claim only before the pause", i, errs[i], last.Action, last.ID, pauses[0].ID)
		}
	}
}
