// Package storagetest is the contract every store implementation passes,
// one file per aggregate (brands.go, approvals.go, publish.go, ...). An
// implementation's test calls Run with a function that opens a fresh,
// migrated, empty store:
//
//	func TestStore(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storagetest.Store { return MustOpen(t) })
//	}
package storagetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
)

// Store is what Run tests: the brands and the approvals stores, which
// share the audit log.
type Store interface {
	brands.Store
	approvals.Store
}

// Run runs the contract suite of brands.Store and approvals.Store. open
// must return a fresh, migrated, empty store, and arrange (with t.Cleanup)
// to close it.
func Run(t *testing.T, open func(t *testing.T) Store) {
	t.Run("Brands", func(t *testing.T) { testBrands(t, open); testBrandNames(t, open); testBrandUpdates(t, open) })
	t.Run("Members", func(t *testing.T) { testMembers(t, open); testMemberships(t, open) })
	t.Run("LastAdminRace", func(t *testing.T) { testLastAdminRace(t, open) })
	t.Run("ChannelBrands", func(t *testing.T) { testChannelBrands(t, open) })
	t.Run("Drafts", func(t *testing.T) { testDrafts(t, open); testDraftApprovals(t, open) })
	t.Run("DraftFilter", func(t *testing.T) { testDraftFilter(t, open) })
	t.Run("DraftsSoonest", func(t *testing.T) { testDraftsSoonest(t, open) })
	t.Run("ApplyChange", func(t *testing.T) { testApplyChange(t, open) })
	t.Run("Atomicity", func(t *testing.T) { testAtomicity(t, open) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, open) })
	t.Run("ConcurrentApprovals", func(t *testing.T) { testConcurrentApprovals(t, open) })
	t.Run("Media", func(t *testing.T) { testMedia(t, open) })
}

// fixedClock always tells the same time. Times are whole seconds so that
// every store, whatever its time precision, returns them unchanged.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

var (
	t0    = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	t1    = t0.Add(time.Hour)
	t2    = t0.Add(2 * time.Hour)
	clock = fixedClock{t0}

	alice = herald.Actor{Platform: "slack", UserID: "UALICE", Name: "Alice"}
	bob   = herald.Actor{Platform: "slack", UserID: "UBOB", Name: "Bob"}
	carol = herald.Actor{Platform: "discord", UserID: "1001", Name: "Carol"}
	dave  = herald.Actor{Platform: "discord", UserID: "1002", Name: "Dave"}
	// bobOnDiscord has Bob's Slack user id on another platform: another person.
	bobOnDiscord = herald.Actor{Platform: "discord", UserID: "UBOB", Name: "Not Bob"}

	ch = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C1"}

	// equate treats nil and empty slices alike: a store may return either.
	equate = cmpopts.EquateEmpty()
)

func assertCode(t *testing.T, err error, code string, what string) {
	t.Helper()
	if got := herald.ErrorCode(err); got != code {
		t.Fatalf("%s: error %v (code %q), want code %q", what, err, got, code)
	}
}
