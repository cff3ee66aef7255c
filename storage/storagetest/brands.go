package storagetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
)

func brandEntry(actor herald.Actor, action, detail string) brands.AuditEntry {
	return brands.AuditEntry{Action: action, Actor: actor, Detail: detail, At: t0}
}

// mustBrand creates a brand named name administered by admin.
func mustBrand(t *testing.T, s brands.Store, name string, admin herald.Actor) herald.Brand {
	t.Helper()
	b := herald.Brand{Name: name, Timezone: "Europe/Paris", Policy: "team:1 client:1", CreatedAt: t0}
	m := brands.Member{Actor: admin, Role: herald.RoleAdmin, AddedAt: t0}
	if err := s.CreateBrand(t.Context(), &b, m, brandEntry(admin, brands.AuditBrandAdd, name)); err != nil {
		t.Fatalf("CreateBrand(%q): %v", name, err)
	}
	if b.ID == 0 {
		t.Fatalf("CreateBrand(%q) did not set the brand's ID", name)
	}
	return b
}

func mustPutMember(t *testing.T, s brands.Store, brandID int64, a herald.Actor, r herald.Role) {
	t.Helper()
	m := brands.Member{BrandID: brandID, Actor: a, Role: r, AddedAt: t0}
	e := brands.AuditEntry{BrandID: brandID, Action: brands.AuditRole, Actor: alice, Detail: a.Display() + " → " + string(r), At: t0}
	if err := s.PutMember(t.Context(), m, e); err != nil {
		t.Fatalf("PutMember(%s, %q): %v", a.Key(), r, err)
	}
}

// --- brands ---

func testBrands(t *testing.T, open func(t *testing.T) Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme Corp", alice)
		want := herald.Brand{ID: b.ID, Name: "Acme Corp", Timezone: "Europe/Paris", Policy: "team:1 client:1", CreatedAt: t0}
		got, err := s.Brand(t.Context(), b.ID)
		if err != nil {
			t.Fatalf("Brand(%d): %v", b.ID, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Brand mismatch (-want +got):\n%s", diff)
		}
		for _, name := range []string{"Acme Corp", "acme corp", "ACME CORP", "  Acme Corp "} {
			got, err := s.BrandByName(t.Context(), name)
			if err != nil {
				t.Fatalf("BrandByName(%q): %v", name, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("BrandByName(%q) mismatch (-want +got):\n%s", name, diff)
			}
		}
		// The creator is the brand's admin.
		m, err := s.Member(t.Context(), b.ID, alice)
		if err != nil {
			t.Fatalf("Member(admin): %v", err)
		}
		wantM := brands.Member{BrandID: b.ID, Actor: alice, Role: herald.RoleAdmin, AddedAt: t0}
		if diff := cmp.Diff(wantM, m); diff != "" {
			t.Errorf("admin member mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("OKDistinctIDs", func(t *testing.T) {
		s := open(t)
		a := mustBrand(t, s, "Acme", alice)
		b := mustBrand(t, s, "Globex", alice)
		if a.ID == b.ID {
			t.Fatalf("two brands share ID %d", a.ID)
		}
	})
	t.Run("ErrDuplicateName", func(t *testing.T) {
		s := open(t)
		first := mustBrand(t, s, "Acme", alice)
		for _, name := range []string{"Acme", "ACME", "acme"} {
			b := herald.Brand{Name: name, Timezone: "UTC", CreatedAt: t1}
			err := s.CreateBrand(t.Context(), &b, brands.Member{Actor: bob, Role: herald.RoleAdmin, AddedAt: t1}, brandEntry(bob, brands.AuditBrandAdd, name))
			assertCode(t, err, herald.ECONFLICT, fmt.Sprintf("CreateBrand(%q) with the name taken", name))
		}
		got, err := s.BrandByName(t.Context(), "acme")
		if err != nil || got.ID != first.ID || got.Name != "Acme" || got.Timezone != "Europe/Paris" {
			t.Errorf("BrandByName(acme) = %+v, %v; want the first brand, untouched", got, err)
		}
		// The refused brand's admin was not stored either.
		ms, err := s.Memberships(t.Context(), bob)
		if err != nil {
			t.Fatalf("Memberships: %v", err)
		}
		if len(ms) != 0 {
			t.Errorf("a refused CreateBrand stored members: %+v", ms)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		_, err := s.Brand(t.Context(), b.ID+1000)
		assertCode(t, err, herald.ENOTFOUND, "Brand(unknown id)")
		_, err = s.BrandByName(t.Context(), "Globex")
		assertCode(t, err, herald.ENOTFOUND, "BrandByName(unknown name)")
		_, err = s.BrandByName(t.Context(), "Acm")
		assertCode(t, err, herald.ENOTFOUND, "BrandByName(prefix)")
	})
}

// testBrandNames: every brand's name, as stored, to compare new names with.
func testBrandNames(t *testing.T, open func(t *testing.T) Store) {
	t.Run("OKBrandNames", func(t *testing.T) {
		s := open(t)
		got, err := s.BrandNames(t.Context())
		if err != nil || len(got) != 0 {
			t.Fatalf("BrandNames of no brand = %q, %v; want none", got, err)
		}
		mustBrand(t, s, "Acme\u200b", alice) // as stored before names were checked
		mustBrand(t, s, "Globex", bob)
		got, err = s.BrandNames(t.Context())
		if err != nil {
			t.Fatalf("BrandNames: %v", err)
		}
		slices.Sort(got)
		if diff := cmp.Diff([]string{"Acme\u200b", "Globex"}, got); diff != "" {
			t.Errorf("BrandNames mismatch (-want +got):\n%s", diff)
		}
	})
}

func testBrandUpdates(t *testing.T, open func(t *testing.T) Store) {
	t.Run("OKUpdate", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		b.Policy, b.Timezone, b.Name = "team:2", "America/New_York", "ACME Inc"
		if err := s.UpdateBrand(t.Context(), b, brandEntry(alice, brands.AuditPolicy, "team:2")); err != nil {
			t.Fatalf("UpdateBrand: %v", err)
		}
		got, err := s.BrandByName(t.Context(), "acme inc")
		if err != nil {
			t.Fatalf("BrandByName after rename: %v", err)
		}
		if diff := cmp.Diff(b, got); diff != "" {
			t.Errorf("updated brand mismatch (-want +got):\n%s", diff)
		}
		if _, err := s.BrandByName(t.Context(), "Acme"); herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("BrandByName(old name) = %v, want %s", err, herald.ENOTFOUND)
		}
	})
	t.Run("OKLang", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		if got, err := s.Brand(t.Context(), b.ID); err != nil || got.Lang != "" {
			t.Fatalf("a new brand's Lang = %q, %v; want \"\" (English)", got.Lang, err)
		}
		b.Lang = "fr"
		if err := s.UpdateBrand(t.Context(), b, brandEntry(alice, brands.AuditLang, "fr")); err != nil {
			t.Fatalf("UpdateBrand: %v", err)
		}
		for name, get := range map[string]func() (herald.Brand, error){
			"Brand":       func() (herald.Brand, error) { return s.Brand(t.Context(), b.ID) },
			"BrandByName": func() (herald.Brand, error) { return s.BrandByName(t.Context(), "acme") },
		} {
			if got, err := get(); err != nil || got.Lang != "fr" {
				t.Errorf("%s after brand lang fr: Lang %q, %v", name, got.Lang, err)
			}
		}
	})
	t.Run("OKUpdateZone", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		b.Timezone = "Europe/Paris"
		if err := s.UpdateBrand(t.Context(), b, brandEntry(alice, brands.AuditZone, "Europe/Paris (was UTC)")); err != nil {
			t.Fatalf("UpdateBrand: %v", err)
		}
		got, err := s.Brand(t.Context(), b.ID)
		if err != nil || got.Timezone != "Europe/Paris" {
			t.Errorf("Brand after a zone change = %+v, %v; want Europe/Paris", got, err)
		}
	})
	t.Run("ErrUpdateMissing", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		err := s.UpdateBrand(t.Context(), herald.Brand{ID: b.ID + 1000, Name: "Ghost", Timezone: "UTC"}, brandEntry(alice, brands.AuditPolicy, ""))
		assertCode(t, err, herald.ENOTFOUND, "UpdateBrand(unknown id)")
	})
	t.Run("ErrUpdateToTakenName", func(t *testing.T) {
		s := open(t)
		mustBrand(t, s, "Acme", alice)
		g := mustBrand(t, s, "Globex", alice)
		renamed := g
		renamed.Name = "ACME"
		err := s.UpdateBrand(t.Context(), renamed, brandEntry(alice, brands.AuditPolicy, ""))
		assertCode(t, err, herald.ECONFLICT, "UpdateBrand to a taken name")
		got, err := s.Brand(t.Context(), g.ID)
		if err != nil || got.Name != "Globex" {
			t.Errorf("Brand after refused rename = %+v, %v; want Globex", got, err)
		}
	})
}

// --- members ---

func sortMembers(ms []brands.Member) {
	slices.SortFunc(ms, func(a, b brands.Member) int {
		switch {
		case a.BrandID < b.BrandID:
			return -1
		case a.BrandID > b.BrandID:
			return 1
		}
		return strings.Compare(a.Actor.Key(), b.Actor.Key())
	})
}

func testMembers(t *testing.T, open func(t *testing.T) Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		mustPutMember(t, s, b.ID, bob, herald.RoleEditor)
		mustPutMember(t, s, b.ID, carol, herald.RoleClient)
		got, err := s.Member(t.Context(), b.ID, bob)
		if err != nil {
			t.Fatalf("Member(bob): %v", err)
		}
		if diff := cmp.Diff(brands.Member{BrandID: b.ID, Actor: bob, Role: herald.RoleEditor, AddedAt: t0}, got); diff != "" {
			t.Errorf("Member(bob) mismatch (-want +got):\n%s", diff)
		}
		ms, err := s.Members(t.Context(), b.ID)
		if err != nil {
			t.Fatalf("Members: %v", err)
		}
		sortMembers(ms)
		want := []brands.Member{
			{BrandID: b.ID, Actor: carol, Role: herald.RoleClient, AddedAt: t0},
			{BrandID: b.ID, Actor: alice, Role: herald.RoleAdmin, AddedAt: t0},
			{BrandID: b.ID, Actor: bob, Role: herald.RoleEditor, AddedAt: t0},
		}
		sortMembers(want)
		if diff := cmp.Diff(want, ms); diff != "" {
			t.Errorf("Members mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("OKChangeRole", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		mustPutMember(t, s, b.ID, bob, herald.RoleEditor)
		mustPutMember(t, s, b.ID, bob, herald.RoleApprover)
		got, err := s.Member(t.Context(), b.ID, bob)
		if err != nil || got.Role != herald.RoleApprover {
			t.Fatalf("Member(bob) = %+v, %v; want approver", got, err)
		}
		ms, err := s.Members(t.Context(), b.ID)
		if err != nil || len(ms) != 2 {
			t.Errorf("Members = %+v, %v; want alice and bob once each", ms, err)
		}
	})
	t.Run("OKRemove", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		mustPutMember(t, s, b.ID, bob, herald.RoleEditor)
		mustPutMember(t, s, b.ID, bob, "")
		_, err := s.Member(t.Context(), b.ID, bob)
		assertCode(t, err, herald.ENOTFOUND, "Member after removal")
		ms, err := s.Members(t.Context(), b.ID)
		if err != nil || len(ms) != 1 || !cmp.Equal(ms[0].Actor, alice) {
			t.Errorf("Members = %+v, %v; want alice only", ms, err)
		}
		ships, err := s.Memberships(t.Context(), bob)
		if err != nil || len(ships) != 0 {
			t.Errorf("Memberships(bob) = %+v, %v; want none", ships, err)
		}
		// Removing someone who is not a member is not an error.
		mustPutMember(t, s, b.ID, dave, "")
	})
}

func testMemberships(t *testing.T, open func(t *testing.T) Store) {
	t.Run("OKMemberships", func(t *testing.T) {
		s := open(t)
		a := mustBrand(t, s, "Acme", alice)
		g := mustBrand(t, s, "Globex", alice)
		mustBrand(t, s, "Initech", carol)
		mustPutMember(t, s, a.ID, bob, herald.RoleEditor)
		mustPutMember(t, s, g.ID, bob, herald.RoleClient)
		got, err := s.Memberships(t.Context(), bob)
		if err != nil {
			t.Fatalf("Memberships(bob): %v", err)
		}
		sortMembers(got)
		want := []brands.Member{
			{BrandID: a.ID, Actor: bob, Role: herald.RoleEditor, AddedAt: t0},
			{BrandID: g.ID, Actor: bob, Role: herald.RoleClient, AddedAt: t0},
		}
		sortMembers(want)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Memberships(bob) mismatch (-want +got):\n%s", diff)
		}
		// Same user id, other platform: another person.
		other, err := s.Memberships(t.Context(), bobOnDiscord)
		if err != nil || len(other) != 0 {
			t.Errorf("Memberships(bob on discord) = %+v, %v; want none", other, err)
		}
		if _, err := s.Member(t.Context(), a.ID, bobOnDiscord); herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("Member(bob on discord) = %v, want %s", err, herald.ENOTFOUND)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		_, err := s.Member(t.Context(), b.ID, bob)
		assertCode(t, err, herald.ENOTFOUND, "Member(non-member)")
		_, err = s.Member(t.Context(), b.ID+1000, alice)
		assertCode(t, err, herald.ENOTFOUND, "Member(unknown brand)")
		ms, err := s.Members(t.Context(), b.ID+1000)
		if err != nil || len(ms) != 0 {
			t.Errorf("Members(unknown brand) = %+v, %v; want none", ms, err)
		}
	})
	t.Run("ErrLastAdmin", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		for _, role := range []herald.Role{herald.RoleEditor, ""} {
			m := brands.Member{BrandID: b.ID, Actor: alice, Role: role, AddedAt: t0}
			e := brands.AuditEntry{BrandID: b.ID, Action: brands.AuditRole, Actor: alice, At: t0}
			assertCode(t, s.PutMember(t.Context(), m, e), herald.ECONFLICT, "PutMember(last admin → "+string(role)+")")
			got, err := s.Member(t.Context(), b.ID, alice)
			if err != nil || got.Role != herald.RoleAdmin {
				t.Errorf("after the refused change alice is %+v, %v; want still admin", got, err)
			}
		}
		mustPutMember(t, s, b.ID, bob, herald.RoleAdmin)
		mustPutMember(t, s, b.ID, alice, herald.RoleEditor) // another admin remains: fine
	})
}

// --- channel brands ---

func testChannelBrands(t *testing.T, open func(t *testing.T) Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		a := mustBrand(t, s, "Acme", alice)
		g := mustBrand(t, s, "Globex", alice)
		if err := s.SetChannelBrand(t.Context(), ch, a.ID, brandEntry(alice, brands.AuditBrandUse, ch.Channel)); err != nil {
			t.Fatalf("SetChannelBrand: %v", err)
		}
		if id, err := s.ChannelBrand(t.Context(), ch); err != nil || id != a.ID {
			t.Errorf("ChannelBrand = %d, %v; want %d", id, err, a.ID)
		}
		// Setting it again replaces it.
		if err := s.SetChannelBrand(t.Context(), ch, g.ID, brandEntry(alice, brands.AuditBrandUse, ch.Channel)); err != nil {
			t.Fatalf("SetChannelBrand again: %v", err)
		}
		if id, err := s.ChannelBrand(t.Context(), ch); err != nil || id != g.ID {
			t.Errorf("ChannelBrand after change = %d, %v; want %d", id, err, g.ID)
		}
		dch := herald.ChannelRef{Platform: "discord", Workspace: "G1", Channel: "99"}
		if err := s.SetChannelBrand(t.Context(), dch, g.ID, brandEntry(alice, brands.AuditBrandUse, dch.Channel)); err != nil {
			t.Fatalf("SetChannelBrand(discord): %v", err)
		}
		got, err := s.BrandChannels(t.Context(), g.ID)
		if err != nil {
			t.Fatalf("BrandChannels: %v", err)
		}
		if diff := cmp.Diff([]herald.ChannelRef{dch, ch}, got); diff != "" {
			t.Errorf("BrandChannels(Globex) (-want +got):\n%s", diff)
		}
		if got, err := s.BrandChannels(t.Context(), a.ID); err != nil || len(got) != 0 {
			t.Errorf("BrandChannels(Acme) = %v, %v; want none: the channel moved to Globex", got, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		a := mustBrand(t, s, "Acme", alice)
		_, err := s.ChannelBrand(t.Context(), ch)
		assertCode(t, err, herald.ENOTFOUND, "ChannelBrand(unset)")
		if err := s.SetChannelBrand(t.Context(), ch, a.ID, brandEntry(alice, brands.AuditBrandUse, ch.Channel)); err != nil {
			t.Fatalf("SetChannelBrand: %v", err)
		}
		// Each part of the reference matters.
		for _, other := range []herald.ChannelRef{
			{Platform: "discord", Workspace: ch.Workspace, Channel: ch.Channel},
			{Platform: ch.Platform, Workspace: "T2", Channel: ch.Channel},
			{Platform: ch.Platform, Workspace: ch.Workspace, Channel: "C2"},
		} {
			_, err := s.ChannelBrand(t.Context(), other)
			assertCode(t, err, herald.ENOTFOUND, fmt.Sprintf("ChannelBrand(%+v)", other))
		}
	})
}
