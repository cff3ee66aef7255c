package storagetest

import (
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
)

// testLastAdminRace: two admins each demoting the other at once (on two
// replicas) cannot both succeed: the brand keeps an admin.
func testLastAdminRace(t *testing.T, open func(t *testing.T) Store) {
	s := open(t)
	for round := range 5 {
		b := mustBrand(t, s, "Acme"+string(rune('A'+round)), alice)
		mustPutMember(t, s, b.ID, bob, herald.RoleAdmin)
		demote := func(who, by herald.Actor) func() error {
			m := brands.Member{BrandID: b.ID, Actor: who, Role: herald.RoleEditor, AddedAt: t0}
			e := brands.AuditEntry{BrandID: b.ID, Action: brands.AuditRole, Actor: by, At: t0}
			return func() error { return s.PutMember(t.Context(), m, e) }
		}
		err1, err2 := race(demote(alice, bob), demote(bob, alice))
		if err1 == nil && err2 == nil {
			t.Fatalf("round %d: both admins demoted each other", round)
		}
		ms, err := s.Members(t.Context(), b.ID)
		if err != nil {
			t.Fatal(err)
		}
		admins := 0
		for _, m := range ms {
			if m.Role == herald.RoleAdmin {
				admins++
			}
		}
		if admins != 1 {
			t.Errorf("round %d: %d admins after the race (errors %v, %v); want 1", round, admins, err1, err2)
		}
	}
}
