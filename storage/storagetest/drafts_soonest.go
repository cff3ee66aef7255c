package storagetest

import (
	"slices"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
)

// testDraftsSoonest: Soonest orders by publication time (then id) before
// the limit applies, and CountDrafts counts what the filter selects,
// whatever the limit.
func testDraftsSoonest(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	acme := mustBrand(t, s, "Acme", alice)
	globex := mustBrand(t, s, "Globex", bob)
	// Written in the reverse of their publication order, with a tie.
	hours := []int{9, 8, 7, 7, 5, 4, 3, 2, 1}
	var ids []int64
	for _, h := range hours {
		d := approvals.Draft{BrandID: acme.ID, State: approvals.StateScheduled, Rev: 1, Text: "post", Author: bob,
			Targets: []herald.Target{{Kind: "mastodon", Name: "main"}}, PublishAt: t0.Add(time.Duration(h) * time.Hour), CreatedAt: t0, UpdatedAt: t0}
		if err := s.CreateDraft(t.Context(), &d, approvals.AuditEntry{BrandID: acme.ID, Action: "create", Actor: bob, At: t0}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	mustDraft(t, s, acme.ID, bob, "not scheduled")
	mustDraft(t, s, globex.ID, bob, "another brand")
	f := approvals.DraftFilter{BrandIDs: []int64{acme.ID}, States: []approvals.State{approvals.StateScheduled}, Limit: 4, Soonest: true}
	got, err := s.Drafts(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	var gotIDs []int64
	for _, d := range got {
		gotIDs = append(gotIDs, d.ID)
	}
	if want := []int64{ids[8], ids[7], ids[6], ids[5]}; !slices.Equal(gotIDs, want) {
		t.Errorf("Drafts(Soonest, Limit 4) = %v; want %v (the soonest first)", gotIDs, want)
	}
	f.Limit = 7
	if got, err = s.Drafts(t.Context(), f); err != nil || len(got) != 7 || got[5].ID != ids[2] || got[6].ID != ids[3] {
		t.Errorf("Drafts(Soonest, Limit 7): a tie in time is not ordered by id (%v)", err)
	}
	for _, c := range []struct {
		f    approvals.DraftFilter
		want int
	}{
		{f, 9},
		{approvals.DraftFilter{BrandIDs: []int64{acme.ID}, Limit: 1}, 10},
		{approvals.DraftFilter{Author: &bob}, 11},
		{approvals.DraftFilter{BrandIDs: []int64{globex.ID}, States: []approvals.State{approvals.StateScheduled}}, 0},
	} {
		if n, err := s.CountDrafts(t.Context(), c.f); err != nil || n != c.want {
			t.Errorf("CountDrafts(%+v) = %d, %v; want %d", c.f, n, err, c.want)
		}
	}
}
