package publish_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/publish"
)

// TestCancelRacesClaim: a cancel and the scheduler's claim of the same
// due post race (as OKEditRacesClaim does for an edit): exactly one wins.
// Either the draft is cancelled and nothing was sent, or the post went
// out and the cancel was refused.
func TestCancelRacesClaim(t *testing.T) {
	net := newNet()
	e := newEnv(t, config{nets: map[string]publish.Publisher{"webhook": plainNet{net}}})
	wins := map[string]int{}
	for i := range 12 {
		at := e.clock.Now().Add(time.Minute)
		d := e.scheduled(t, fmt.Sprintf("Approved text %d", i), "webhook:main", at)
		e.clock.Set(at)
		var cancelErr, tickErr error
		var wg sync.WaitGroup
		begin := make(chan struct{})
		wg.Go(func() {
			<-begin
			_, cancelErr = e.drafts.Cancel(t.Context(), erin, d.ID, "changed our mind")
		})
		wg.Go(func() {
			<-begin
			tickErr = e.sched.Tick(t.Context())
		})
		close(begin)
		wg.Wait()
		if tickErr != nil {
			t.Fatalf("Tick: %v", tickErr)
		}
		sent := net.CallsFor(d.ID)
		if cancelErr == nil {
			wins["cancel"]++
			if sent != 0 {
				t.Errorf("round %d: the cancel won and %d posts went out", i, sent)
			}
			e.wantState(t, d.ID, approvals.StateCancelled)
			continue
		}
		wins["claim"]++
		if code := herald.ErrorCode(cancelErr); code != herald.ECONFLICT && code != herald.EINVALID {
			t.Errorf("round %d: cancel after the claim: %v, want a conflict or a refusal", i, cancelErr)
		}
		if sent != 1 {
			t.Errorf("round %d: the claim won and %d posts went out, want 1", i, sent)
		}
		e.wantState(t, d.ID, approvals.StatePublished)
	}
	t.Logf("wins: %v", wins)
}
