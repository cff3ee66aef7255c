// Package storagetest is the contract every approvals.Store implementation
// passes. An implementation's test calls Run with a function that opens a
// fresh, migrated, empty store:
//
//	func TestStore(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) approvals.Store { return MustOpen(t) })
//	}
package storagetest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
)

// Run runs the contract suite. open must return a fresh, migrated, empty
// store, and arrange (with t.Cleanup) to close it.
func Run(t *testing.T, open func(t *testing.T) approvals.Store) {
	t.Run("Brands", func(t *testing.T) { testBrands(t, open) })
	t.Run("Members", func(t *testing.T) { testMembers(t, open) })
	t.Run("ChannelBrands", func(t *testing.T) { testChannelBrands(t, open) })
	t.Run("Drafts", func(t *testing.T) { testDrafts(t, open) })
	t.Run("DraftFilter", func(t *testing.T) { testDraftFilter(t, open) })
	t.Run("ApplyChange", func(t *testing.T) { testApplyChange(t, open) })
	t.Run("Atomicity", func(t *testing.T) { testAtomicity(t, open) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, open) })
	t.Run("ConcurrentApprovals", func(t *testing.T) { testConcurrentApprovals(t, open) })
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

func brandEntry(actor herald.Actor, action, detail string) approvals.AuditEntry {
	return approvals.AuditEntry{Action: action, Actor: actor, Detail: detail, At: t0}
}

// mustBrand creates a brand named name administered by admin.
func mustBrand(t *testing.T, s approvals.Store, name string, admin herald.Actor) herald.Brand {
	t.Helper()
	b := herald.Brand{Name: name, Timezone: "Europe/Paris", Policy: "team:1 client:1", CreatedAt: t0}
	m := approvals.Member{Actor: admin, Role: herald.RoleAdmin, AddedAt: t0}
	if err := s.CreateBrand(t.Context(), &b, m, brandEntry(admin, approvals.AuditBrandAdd, name)); err != nil {
		t.Fatalf("CreateBrand(%q): %v", name, err)
	}
	if b.ID == 0 {
		t.Fatalf("CreateBrand(%q) did not set the brand's ID", name)
	}
	return b
}

func mustPutMember(t *testing.T, s approvals.Store, brandID int64, a herald.Actor, r herald.Role) {
	t.Helper()
	m := approvals.Member{BrandID: brandID, Actor: a, Role: r, AddedAt: t0}
	e := approvals.AuditEntry{BrandID: brandID, Action: approvals.AuditRole, Actor: alice, Detail: a.Display() + " → " + string(r), At: t0}
	if err := s.PutMember(t.Context(), m, e); err != nil {
		t.Fatalf("PutMember(%s, %q): %v", a.Key(), r, err)
	}
}

// mustDraft creates a draft in state draft, revision 1.
func mustDraft(t *testing.T, s approvals.Store, brandID int64, author herald.Actor, text string) approvals.Draft {
	t.Helper()
	d := approvals.Draft{
		BrandID: brandID, State: approvals.StateDraft, Rev: 1, Text: text, Author: author,
		Targets:   []herald.Target{{Kind: "slack", Name: "#launch"}, {Kind: "mastodon", Name: "main"}},
		PublishAt: t2, CreatedAt: t0, UpdatedAt: t0,
	}
	e := approvals.AuditEntry{BrandID: brandID, Action: string(approvals.ActCreate), Actor: author, Rev: 1, To: approvals.StateDraft, At: t0}
	if err := s.CreateDraft(t.Context(), &d, e); err != nil {
		t.Fatalf("CreateDraft: %v", err)
	}
	if d.ID == 0 {
		t.Fatal("CreateDraft did not set the draft's ID")
	}
	return d
}

// move returns the change that applies action a to d, by actor, at t1: the
// new draft row (Version still d.Version) and one audit row.
func move(t *testing.T, d approvals.Draft, actor herald.Actor, a approvals.Action, detail string) approvals.Change {
	t.Helper()
	to, ok := approvals.Next(d.State, a)
	if !ok {
		t.Fatalf("test bug: %s is not allowed from %s", a, d.State)
	}
	e := approvals.AuditEntry{BrandID: d.BrandID, DraftID: d.ID, Action: string(a), Actor: actor, Rev: d.Rev, From: d.State, To: to, Detail: detail, At: t1}
	nd := d
	nd.State, nd.UpdatedAt = to, t1
	return approvals.Change{Draft: nd, Audit: []approvals.AuditEntry{e}}
}

// mustApply applies c and returns the draft as stored afterwards.
func mustApply(t *testing.T, s approvals.Store, c approvals.Change) approvals.Draft {
	t.Helper()
	if err := s.ApplyChange(t.Context(), c); err != nil {
		t.Fatalf("ApplyChange(version %d → %s): %v", c.Draft.Version, c.Draft.State, err)
	}
	return mustGet(t, s, c.Draft.ID)
}

func mustGet(t *testing.T, s approvals.Store, id int64) approvals.Draft {
	t.Helper()
	d, err := s.Draft(t.Context(), id)
	if err != nil {
		t.Fatalf("Draft(%d): %v", id, err)
	}
	return d
}

// record is everything a store holds about one draft.
type record struct {
	Draft     approvals.Draft
	Revisions []approvals.Revision
	Approvals []approvals.Approval
	Audit     []approvals.AuditEntry
}

func snapshot(t *testing.T, s approvals.Store, id int64) record {
	t.Helper()
	ctx := t.Context()
	var r record
	var err error
	if r.Draft, err = s.Draft(ctx, id); err != nil {
		t.Fatalf("Draft(%d): %v", id, err)
	}
	if r.Revisions, err = s.Revisions(ctx, id); err != nil {
		t.Fatalf("Revisions(%d): %v", id, err)
	}
	if r.Approvals, err = s.Approvals(ctx, id); err != nil {
		t.Fatalf("Approvals(%d): %v", id, err)
	}
	if r.Audit, err = s.Audit(ctx, id); err != nil {
		t.Fatalf("Audit(%d): %v", id, err)
	}
	return r
}

// assertUnchanged fails unless the store holds exactly before about draft id.
func assertUnchanged(t *testing.T, s approvals.Store, id int64, before record) {
	t.Helper()
	if diff := cmp.Diff(before, snapshot(t, s, id), equate); diff != "" {
		t.Errorf("a refused change wrote something (-before +after):\n%s", diff)
	}
}

func assertCode(t *testing.T, err error, code string, what string) {
	t.Helper()
	if got := herald.ErrorCode(err); got != code {
		t.Fatalf("%s: error %v (code %q), want code %q", what, err, got, code)
	}
}

// --- brands ---

func testBrands(t *testing.T, open func(t *testing.T) approvals.Store) {
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
		wantM := approvals.Member{BrandID: b.ID, Actor: alice, Role: herald.RoleAdmin, AddedAt: t0}
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
			err := s.CreateBrand(t.Context(), &b, approvals.Member{Actor: bob, Role: herald.RoleAdmin, AddedAt: t1}, brandEntry(bob, approvals.AuditBrandAdd, name))
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
	t.Run("OKUpdate", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		b.Policy, b.Timezone, b.Name = "team:2", "America/New_York", "ACME Inc"
		if err := s.UpdateBrand(t.Context(), b, brandEntry(alice, approvals.AuditPolicy, "team:2")); err != nil {
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
	t.Run("ErrUpdateMissing", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		err := s.UpdateBrand(t.Context(), herald.Brand{ID: b.ID + 1000, Name: "Ghost", Timezone: "UTC"}, brandEntry(alice, approvals.AuditPolicy, ""))
		assertCode(t, err, herald.ENOTFOUND, "UpdateBrand(unknown id)")
	})
	t.Run("ErrUpdateToTakenName", func(t *testing.T) {
		s := open(t)
		mustBrand(t, s, "Acme", alice)
		g := mustBrand(t, s, "Globex", alice)
		renamed := g
		renamed.Name = "ACME"
		err := s.UpdateBrand(t.Context(), renamed, brandEntry(alice, approvals.AuditPolicy, ""))
		assertCode(t, err, herald.ECONFLICT, "UpdateBrand to a taken name")
		got, err := s.Brand(t.Context(), g.ID)
		if err != nil || got.Name != "Globex" {
			t.Errorf("Brand after refused rename = %+v, %v; want Globex", got, err)
		}
	})
}

// --- members ---

func sortMembers(ms []approvals.Member) {
	slices.SortFunc(ms, func(a, b approvals.Member) int {
		switch {
		case a.BrandID < b.BrandID:
			return -1
		case a.BrandID > b.BrandID:
			return 1
		}
		return strings.Compare(a.Actor.Key(), b.Actor.Key())
	})
}

func testMembers(t *testing.T, open func(t *testing.T) approvals.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		mustPutMember(t, s, b.ID, bob, herald.RoleEditor)
		mustPutMember(t, s, b.ID, carol, herald.RoleClient)
		got, err := s.Member(t.Context(), b.ID, bob)
		if err != nil {
			t.Fatalf("Member(bob): %v", err)
		}
		if diff := cmp.Diff(approvals.Member{BrandID: b.ID, Actor: bob, Role: herald.RoleEditor, AddedAt: t0}, got); diff != "" {
			t.Errorf("Member(bob) mismatch (-want +got):\n%s", diff)
		}
		ms, err := s.Members(t.Context(), b.ID)
		if err != nil {
			t.Fatalf("Members: %v", err)
		}
		sortMembers(ms)
		want := []approvals.Member{
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
		want := []approvals.Member{
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
			m := approvals.Member{BrandID: b.ID, Actor: alice, Role: role, AddedAt: t0}
			e := approvals.AuditEntry{BrandID: b.ID, Action: approvals.AuditRole, Actor: alice, At: t0}
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

func testChannelBrands(t *testing.T, open func(t *testing.T) approvals.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		a := mustBrand(t, s, "Acme", alice)
		g := mustBrand(t, s, "Globex", alice)
		if err := s.SetChannelBrand(t.Context(), ch, a.ID, brandEntry(alice, approvals.AuditBrandUse, ch.Channel)); err != nil {
			t.Fatalf("SetChannelBrand: %v", err)
		}
		if id, err := s.ChannelBrand(t.Context(), ch); err != nil || id != a.ID {
			t.Errorf("ChannelBrand = %d, %v; want %d", id, err, a.ID)
		}
		// Setting it again replaces it.
		if err := s.SetChannelBrand(t.Context(), ch, g.ID, brandEntry(alice, approvals.AuditBrandUse, ch.Channel)); err != nil {
			t.Fatalf("SetChannelBrand again: %v", err)
		}
		if id, err := s.ChannelBrand(t.Context(), ch); err != nil || id != g.ID {
			t.Errorf("ChannelBrand after change = %d, %v; want %d", id, err, g.ID)
		}
		dch := herald.ChannelRef{Platform: "discord", Workspace: "G1", Channel: "99"}
		if err := s.SetChannelBrand(t.Context(), dch, g.ID, brandEntry(alice, approvals.AuditBrandUse, dch.Channel)); err != nil {
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
		if err := s.SetChannelBrand(t.Context(), ch, a.ID, brandEntry(alice, approvals.AuditBrandUse, ch.Channel)); err != nil {
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

// --- drafts ---

func testDrafts(t *testing.T, open func(t *testing.T) approvals.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d := mustDraft(t, s, b.ID, bob, "Our new store opens Monday")
		if d.Version != 1 || d.Rev != 1 {
			t.Errorf("CreateDraft set Version %d, Rev %d; want 1, 1", d.Version, d.Rev)
		}
		want := approvals.Draft{
			ID: d.ID, BrandID: b.ID, State: approvals.StateDraft, Version: 1, Rev: 1,
			Text: "Our new store opens Monday", Author: bob,
			Targets:   []herald.Target{{Kind: "slack", Name: "#launch"}, {Kind: "mastodon", Name: "main"}},
			PublishAt: t2, CreatedAt: t0, UpdatedAt: t0,
		}
		got := snapshot(t, s, d.ID)
		if diff := cmp.Diff(want, got.Draft, equate); diff != "" {
			t.Errorf("Draft mismatch (-want +got):\n%s", diff)
		}
		wantRevs := []approvals.Revision{{DraftID: d.ID, Rev: 1, Text: "Our new store opens Monday", Author: bob, CreatedAt: t0}}
		if diff := cmp.Diff(wantRevs, got.Revisions); diff != "" {
			t.Errorf("Revisions mismatch (-want +got):\n%s", diff)
		}
		if len(got.Approvals) != 0 {
			t.Errorf("a new draft has approvals: %+v", got.Approvals)
		}
		// The store fills in the new draft's ID on its audit row.
		wantAudit := []approvals.AuditEntry{{BrandID: b.ID, DraftID: d.ID, Action: "create", Actor: bob, Rev: 1, To: approvals.StateDraft, At: t0}}
		if diff := cmp.Diff(wantAudit, got.Audit, cmpopts.IgnoreFields(approvals.AuditEntry{}, "ID")); diff != "" {
			t.Errorf("Audit mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("OKNoTargetsNoTime", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d := approvals.Draft{BrandID: b.ID, State: approvals.StateDraft, Rev: 1, Text: "Hello", Author: bob, CreatedAt: t0, UpdatedAt: t0}
		if err := s.CreateDraft(t.Context(), &d, approvals.AuditEntry{BrandID: b.ID, Action: "create", Actor: bob, Rev: 1, To: approvals.StateDraft, At: t0}); err != nil {
			t.Fatalf("CreateDraft: %v", err)
		}
		got := mustGet(t, s, d.ID)
		if len(got.Targets) != 0 || !got.PublishAt.IsZero() {
			t.Errorf("Draft = targets %v, publish at %v; want none and zero", got.Targets, got.PublishAt)
		}
	})
	t.Run("OKNewRevision", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d := mustDraft(t, s, b.ID, bob, "v1")
		c := move(t, d, alice, approvals.ActEdit, "")
		c.Draft.Rev, c.Draft.Text = 2, "v2"
		c.Audit[0].Rev = 2
		c.Revision = &approvals.Revision{DraftID: d.ID, Rev: 2, Text: "v2", Author: alice, CreatedAt: t1}
		got := mustApply(t, s, c)
		if got.Rev != 2 || got.Text != "v2" || got.Version != 2 {
			t.Errorf("Draft after edit: rev %d, text %q, version %d; want 2, v2, 2", got.Rev, got.Text, got.Version)
		}
		revs, err := s.Revisions(t.Context(), d.ID)
		if err != nil {
			t.Fatalf("Revisions: %v", err)
		}
		want := []approvals.Revision{
			{DraftID: d.ID, Rev: 1, Text: "v1", Author: bob, CreatedAt: t0},
			{DraftID: d.ID, Rev: 2, Text: "v2", Author: alice, CreatedAt: t1},
		}
		if diff := cmp.Diff(want, revs); diff != "" {
			t.Errorf("Revisions mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("OKApprovals", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d := mustDraft(t, s, b.ID, bob, "v1")
		d = mustApply(t, s, move(t, d, bob, approvals.ActSubmit, ""))
		ap := approvals.Approval{DraftID: d.ID, Rev: 1, Stage: 0, Actor: carol, Role: herald.RoleApprover, Comment: "lgtm", CreatedAt: t1}
		c := move(t, d, carol, approvals.ActApprove, "team stage")
		c.Approval = &ap
		d = mustApply(t, s, c)
		ap2 := approvals.Approval{DraftID: d.ID, Rev: 1, Stage: 1, Actor: dave, Role: herald.RoleClient, CreatedAt: t1}
		c = move(t, d, dave, approvals.ActApprove, "client stage")
		c.Approval = &ap2
		mustApply(t, s, c)
		got, err := s.Approvals(t.Context(), d.ID)
		if err != nil {
			t.Fatalf("Approvals: %v", err)
		}
		if diff := cmp.Diff([]approvals.Approval{ap, ap2}, got); diff != "" {
			t.Errorf("Approvals mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d := mustDraft(t, s, b.ID, bob, "v1")
		_, err := s.Draft(t.Context(), d.ID+1000)
		assertCode(t, err, herald.ENOTFOUND, "Draft(unknown id)")
		for name, n := range map[string]func() (int, error){
			"Revisions": func() (int, error) { r, err := s.Revisions(t.Context(), d.ID+1000); return len(r), err },
			"Approvals": func() (int, error) { r, err := s.Approvals(t.Context(), d.ID+1000); return len(r), err },
			"Audit":     func() (int, error) { r, err := s.Audit(t.Context(), d.ID+1000); return len(r), err },
		} {
			if got, err := n(); err != nil || got != 0 {
				t.Errorf("%s(unknown draft) = %d rows, %v; want none", name, got, err)
			}
		}
	})
}

func ids(ds []approvals.Draft) []int64 {
	out := make([]int64, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func testDraftFilter(t *testing.T, open func(t *testing.T) approvals.Store) {
	s := open(t)
	a := mustBrand(t, s, "Acme", alice)
	g := mustBrand(t, s, "Globex", alice)
	a1 := mustDraft(t, s, a.ID, alice, "a1")
	a2 := mustDraft(t, s, a.ID, bob, "a2")
	a2 = mustApply(t, s, move(t, a2, bob, approvals.ActSubmit, ""))
	g1 := mustDraft(t, s, g.ID, bob, "g1")
	g2 := mustDraft(t, s, g.ID, carol, "g2")
	g2 = mustApply(t, s, move(t, g2, carol, approvals.ActCancel, ""))

	tests := []struct {
		name string
		f    approvals.DraftFilter
		want []int64 // newest first
	}{
		{name: "OKAll", f: approvals.DraftFilter{}, want: []int64{g2.ID, g1.ID, a2.ID, a1.ID}},
		{name: "OKBrand", f: approvals.DraftFilter{BrandIDs: []int64{a.ID}}, want: []int64{a2.ID, a1.ID}},
		{name: "OKBrands", f: approvals.DraftFilter{BrandIDs: []int64{g.ID, a.ID}}, want: []int64{g2.ID, g1.ID, a2.ID, a1.ID}},
		{name: "OKUnknownBrand", f: approvals.DraftFilter{BrandIDs: []int64{g.ID + 1000}}, want: nil},
		{name: "OKState", f: approvals.DraftFilter{States: []approvals.State{approvals.StateInReview}}, want: []int64{a2.ID}},
		{name: "OKStates", f: approvals.DraftFilter{States: []approvals.State{approvals.StateDraft, approvals.StateCancelled}}, want: []int64{g2.ID, g1.ID, a1.ID}},
		{name: "OKStateNone", f: approvals.DraftFilter{States: []approvals.State{approvals.StatePublished}}, want: nil},
		{name: "OKAuthor", f: approvals.DraftFilter{Author: &bob}, want: []int64{g1.ID, a2.ID}},
		{name: "OKAuthorOtherPlatform", f: approvals.DraftFilter{Author: &bobOnDiscord}, want: nil},
		{name: "OKLimit", f: approvals.DraftFilter{Limit: 2}, want: []int64{g2.ID, g1.ID}},
		{name: "OKLimitAboveCount", f: approvals.DraftFilter{Limit: 10}, want: []int64{g2.ID, g1.ID, a2.ID, a1.ID}},
		{name: "OKCombined", f: approvals.DraftFilter{BrandIDs: []int64{a.ID}, Author: &bob, States: []approvals.State{approvals.StateInReview}}, want: []int64{a2.ID}},
		{name: "OKCombinedNone", f: approvals.DraftFilter{BrandIDs: []int64{g.ID}, Author: &alice}, want: nil},
		{name: "OKBrandAndLimit", f: approvals.DraftFilter{BrandIDs: []int64{g.ID, a.ID}, States: []approvals.State{approvals.StateDraft, approvals.StateInReview}, Limit: 1}, want: []int64{g1.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Drafts(t.Context(), tt.f)
			if err != nil {
				t.Fatalf("Drafts(%+v): %v", tt.f, err)
			}
			if diff := cmp.Diff(tt.want, ids(got), equate); diff != "" {
				t.Errorf("Drafts(%+v) ids mismatch (-want +got):\n%s", tt.f, diff)
			}
		})
	}
	t.Run("OKFullRows", func(t *testing.T) {
		got, err := s.Drafts(t.Context(), approvals.DraftFilter{BrandIDs: []int64{a.ID}})
		if err != nil {
			t.Fatalf("Drafts: %v", err)
		}
		want := []approvals.Draft{a2, a1}
		if diff := cmp.Diff(want, got, equate); diff != "" {
			t.Errorf("Drafts rows differ from Draft rows (-Draft +Drafts):\n%s", diff)
		}
	})
}

// --- compare-and-set ---

func testApplyChange(t *testing.T, open func(t *testing.T) approvals.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d := mustDraft(t, s, b.ID, bob, "v1")
		c := move(t, d, bob, approvals.ActSubmit, "policy team:1 client:1")
		c.Draft.Policy = "team:1 client:1"
		c.Draft.Targets = []herald.Target{{Kind: "bluesky", Name: "acme"}}
		c.Draft.PublishAt = t2.Add(24 * time.Hour)
		got := mustApply(t, s, c)
		want := c.Draft
		want.Version = 2
		if diff := cmp.Diff(want, got, equate); diff != "" {
			t.Errorf("Draft after ApplyChange mismatch (-want +got):\n%s", diff)
		}
		// Version keeps counting.
		got = mustApply(t, s, move(t, got, alice, approvals.ActCancel, ""))
		if got.Version != 3 || got.State != approvals.StateCancelled {
			t.Errorf("Draft after second change: version %d, state %s; want 3, cancelled", got.Version, got.State)
		}
	})
	t.Run("ErrStaleVersion", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d := mustDraft(t, s, b.ID, bob, "v1")
		d = mustApply(t, s, move(t, d, bob, approvals.ActSubmit, ""))
		before := snapshot(t, s, d.ID)

		// A change computed from version 1, when the store is at version 2,
		// with a revision, an approval and two audit rows: none is written.
		stale := d
		stale.Version = 1
		c := move(t, stale, carol, approvals.ActEdit, "")
		c.Draft.Rev, c.Draft.Text = 2, "v2"
		c.Revision = &approvals.Revision{DraftID: d.ID, Rev: 2, Text: "v2", Author: carol, CreatedAt: t1}
		c.Approval = &approvals.Approval{DraftID: d.ID, Rev: 1, Stage: 0, Actor: carol, Role: herald.RoleApprover, CreatedAt: t1}
		c.Audit = append(c.Audit, approvals.AuditEntry{BrandID: b.ID, DraftID: d.ID, Action: "approve", Actor: carol, Rev: 1, From: d.State, To: d.State, At: t1})
		err := s.ApplyChange(t.Context(), c)
		assertCode(t, err, herald.ECONFLICT, "ApplyChange with a stale version")
		assertUnchanged(t, s, d.ID, before)

		// A version from the future is just as stale.
		future := d
		future.Version = 99
		err = s.ApplyChange(t.Context(), move(t, future, alice, approvals.ActCancel, ""))
		assertCode(t, err, herald.ECONFLICT, "ApplyChange with a future version")
		assertUnchanged(t, s, d.ID, before)
	})
	t.Run("ErrDoubleApply", func(t *testing.T) {
		// The same change applied twice (a double click) wins once.
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d := mustDraft(t, s, b.ID, bob, "v1")
		c := move(t, d, bob, approvals.ActSubmit, "")
		mustApply(t, s, c)
		before := snapshot(t, s, d.ID)
		err := s.ApplyChange(t.Context(), c)
		assertCode(t, err, herald.ECONFLICT, "ApplyChange applied twice")
		assertUnchanged(t, s, d.ID, before)
	})
	t.Run("ErrUnknownDraft", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d := mustDraft(t, s, b.ID, bob, "v1")
		ghost := d
		ghost.ID = d.ID + 1000
		c := move(t, ghost, bob, approvals.ActSubmit, "")
		if err := s.ApplyChange(t.Context(), c); err == nil {
			t.Fatal("ApplyChange on a draft that does not exist succeeded")
		}
		es, err := s.Audit(t.Context(), ghost.ID)
		if err != nil || len(es) != 0 {
			t.Errorf("Audit(unknown draft) = %+v, %v; want no rows", es, err)
		}
	})
}

// testAtomicity checks that a change is written whole or not at all: a
// row that cannot be stored undoes the draft update and the audit rows.
func testAtomicity(t *testing.T, open func(t *testing.T) approvals.Store) {
	setup := func(t *testing.T) (approvals.Store, approvals.Draft) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d := mustDraft(t, s, b.ID, bob, "v1")
		d = mustApply(t, s, move(t, d, bob, approvals.ActSubmit, ""))
		c := move(t, d, carol, approvals.ActApprove, "team stage")
		c.Approval = &approvals.Approval{DraftID: d.ID, Rev: 1, Stage: 0, Actor: carol, Role: herald.RoleApprover, CreatedAt: t1}
		return s, mustApply(t, s, c)
	}
	t.Run("ErrSameApprovalTwice", func(t *testing.T) {
		s, d := setup(t)
		before := snapshot(t, s, d.ID)
		// Carol approves revision 1 again, with the current version: the
		// compare-and-set passes, the approval row violates uniqueness.
		c := move(t, d, carol, approvals.ActApprove, "again")
		c.Approval = &approvals.Approval{DraftID: d.ID, Rev: 1, Stage: 1, Actor: carol, Role: herald.RoleApprover, CreatedAt: t2}
		done := move(t, c.Draft, carol, approvals.ActComplete, "")
		c.Draft = done.Draft
		c.Audit = append(c.Audit, done.Audit...)
		err := s.ApplyChange(t.Context(), c)
		assertCode(t, err, herald.ECONFLICT, "ApplyChange with a duplicate approval")
		assertUnchanged(t, s, d.ID, before)
		if before.Draft.Version != d.Version || before.Draft.State != approvals.StateInReview {
			t.Errorf("test setup: draft at version %d, state %s", before.Draft.Version, before.Draft.State)
		}
	})
	t.Run("ErrSameRevisionTwice", func(t *testing.T) {
		s, d := setup(t)
		before := snapshot(t, s, d.ID)
		// An edit that claims revision 1, which exists already.
		c := move(t, d, alice, approvals.ActEdit, "")
		c.Draft.Text = "overwritten"
		c.Revision = &approvals.Revision{DraftID: d.ID, Rev: 1, Text: "overwritten", Author: alice, CreatedAt: t2}
		err := s.ApplyChange(t.Context(), c)
		assertCode(t, err, herald.ECONFLICT, "ApplyChange with an existing revision number")
		assertUnchanged(t, s, d.ID, before)
	})
	t.Run("OKStillWritable", func(t *testing.T) {
		// After a failed change, the next correct one goes through.
		s, d := setup(t)
		c := move(t, d, carol, approvals.ActApprove, "again")
		c.Approval = &approvals.Approval{DraftID: d.ID, Rev: 1, Stage: 1, Actor: carol, Role: herald.RoleApprover, CreatedAt: t2}
		if err := s.ApplyChange(t.Context(), c); err == nil {
			t.Fatal("duplicate approval accepted")
		}
		c = move(t, d, dave, approvals.ActApprove, "client stage")
		c.Approval = &approvals.Approval{DraftID: d.ID, Rev: 1, Stage: 1, Actor: dave, Role: herald.RoleClient, CreatedAt: t2}
		got := mustApply(t, s, c)
		if got.Version != d.Version+1 {
			t.Errorf("version %d after a good change, want %d", got.Version, d.Version+1)
		}
		aps, err := s.Approvals(t.Context(), d.ID)
		if err != nil || len(aps) != 2 {
			t.Errorf("Approvals = %+v, %v; want carol's and dave's", aps, err)
		}
	})
}

func testAudit(t *testing.T, open func(t *testing.T) approvals.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		b := mustBrand(t, s, "Acme", alice)
		d := mustDraft(t, s, b.ID, bob, "v1")
		other := mustDraft(t, s, b.ID, alice, "other")
		mustApply(t, s, move(t, other, alice, approvals.ActCancel, "not needed"))
		d = mustApply(t, s, move(t, d, bob, approvals.ActSubmit, "policy team:1"))
		// Brand-level rows are not a draft's rows.
		mustPutMember(t, s, b.ID, carol, herald.RoleApprover)
		// Two audit rows in one change keep their order.
		c := move(t, d, carol, approvals.ActApprove, "team stage, team 1/1")
		c.Approval = &approvals.Approval{DraftID: d.ID, Rev: 1, Stage: 0, Actor: carol, Role: herald.RoleApprover, CreatedAt: t1}
		done := move(t, c.Draft, carol, approvals.ActComplete, "every review stage approved revision 1")
		c.Draft = done.Draft
		c.Audit = append(c.Audit, done.Audit...)
		mustApply(t, s, c)

		got, err := s.Audit(t.Context(), d.ID)
		if err != nil {
			t.Fatalf("Audit: %v", err)
		}
		want := []approvals.AuditEntry{
			{BrandID: b.ID, DraftID: d.ID, Action: "create", Actor: bob, Rev: 1, To: approvals.StateDraft, At: t0},
			{BrandID: b.ID, DraftID: d.ID, Action: "submit", Actor: bob, Rev: 1, From: approvals.StateDraft, To: approvals.StateInReview, Detail: "policy team:1", At: t1},
			{BrandID: b.ID, DraftID: d.ID, Action: "approve", Actor: carol, Rev: 1, From: approvals.StateInReview, To: approvals.StateInReview, Detail: "team stage, team 1/1", At: t1},
			{BrandID: b.ID, DraftID: d.ID, Action: "complete", Actor: carol, Rev: 1, From: approvals.StateInReview, To: approvals.StateApproved, Detail: "every review stage approved revision 1", At: t1},
		}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(approvals.AuditEntry{}, "ID")); diff != "" {
			t.Errorf("Audit mismatch (-want +got):\n%s", diff)
		}
		for i := range got {
			if got[i].ID == 0 {
				t.Errorf("audit row %d has no ID", i)
			}
			if i > 0 && got[i].ID <= got[i-1].ID {
				t.Errorf("audit IDs not increasing: %d then %d", got[i-1].ID, got[i].ID)
			}
		}
		otherRows, err := s.Audit(t.Context(), other.ID)
		if err != nil || len(otherRows) != 2 || otherRows[1].Action != "cancel" || otherRows[1].Detail != "not needed" {
			t.Errorf("Audit(other) = %+v, %v; want its create and cancel rows", otherRows, err)
		}
	})
}

// --- concurrency, through the Service ---

// race runs f and g at the same instant from two goroutines released by one
// channel, and returns their errors.
func race(f, g func() error) (error, error) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	var ef, eg error
	wg.Add(2)
	go func() { defer wg.Done(); <-start; ef = f() }()
	go func() { defer wg.Done(); <-start; eg = g() }()
	close(start)
	wg.Wait()
	return ef, eg
}

func testConcurrentApprovals(t *testing.T, open func(t *testing.T) approvals.Store) {
	const rounds = 20
	ann := herald.Actor{Platform: "slack", UserID: "UANN", Name: "Ann"}
	ben := herald.Actor{Platform: "discord", UserID: "2002", Name: "Ben"}
	editor := herald.Actor{Platform: "slack", UserID: "UED", Name: "Ed"}

	setup := func(t *testing.T, policy string) (approvals.Store, *approvals.Service) {
		s := open(t)
		svc := approvals.NewService(s, clock, "UTC")
		ctx := t.Context()
		if _, err := svc.AddBrand(ctx, alice, "Acme", &ch); err != nil {
			t.Fatalf("AddBrand: %v", err)
		}
		if _, _, err := svc.SetPolicy(ctx, alice, ch, "", policy); err != nil {
			t.Fatalf("SetPolicy: %v", err)
		}
		for _, g := range []struct {
			who  herald.Actor
			role herald.Role
		}{{ann, herald.RoleApprover}, {ben, herald.RoleApprover}, {editor, herald.RoleEditor}} {
			who, r := g.who, g.role
			if _, err := svc.SetRole(ctx, alice, ch, "", who, r); err != nil {
				t.Fatalf("SetRole(%s): %v", who.Name, err)
			}
		}
		return s, svc
	}
	newSubmitted := func(t *testing.T, svc *approvals.Service, i int) approvals.Draft {
		d, err := svc.CreateDraft(t.Context(), editor, ch, approvals.NewDraft{Text: fmt.Sprintf("post %d", i)})
		if err != nil {
			t.Fatalf("CreateDraft: %v", err)
		}
		v, err := svc.Submit(t.Context(), editor, d.ID)
		if err != nil {
			t.Fatalf("Submit: %v", err)
		}
		return v.Draft
	}
	// count returns the draft's approvals and its audit rows with action.
	count := func(t *testing.T, s approvals.Store, id int64, action string) (int, int, approvals.Draft) {
		r := snapshot(t, s, id)
		n := 0
		for _, e := range r.Audit {
			if e.Action == action {
				n++
			}
		}
		return len(r.Approvals), n, r.Draft
	}

	t.Run("OKTwoStage", func(t *testing.T) {
		s, svc := setup(t, "team:2")
		both, one := 0, 0
		for i := range rounds {
			d := newSubmitted(t, svc, i)
			decide := func(a herald.Actor) func() error {
				return func() error {
					_, err := svc.Approve(t.Context(), a, d.ID, approvals.Decide{Rev: d.Rev})
					return err
				}
			}
			ea, eb := race(decide(ann), decide(ben))
			wins := 0
			for _, err := range []error{ea, eb} {
				switch herald.ErrorCode(err) {
				case "":
					wins++
				case herald.ECONFLICT:
				default:
					t.Fatalf("round %d: Approve failed with %v", i, err)
				}
			}
			aps, audits, got := count(t, s, d.ID, string(approvals.ActApprove))
			if aps != wins || audits != wins {
				t.Errorf("round %d: %d approvals succeeded, but the store holds %d approvals and %d approve audit rows", i, wins, aps, audits)
			}
			_, completes, _ := count(t, s, d.ID, string(approvals.ActComplete))
			switch wins {
			case 2:
				both++
				if got.State != approvals.StateApproved || completes != 1 {
					t.Errorf("round %d: both approved, draft is %s with %d complete rows; want approved, 1", i, got.State, completes)
				}
			case 1:
				one++
				if got.State != approvals.StateInReview || completes != 0 {
					t.Errorf("round %d: one approval, draft is %s with %d complete rows; want in_review, 0", i, got.State, completes)
				}
			default:
				t.Errorf("round %d: no approval succeeded (%v, %v)", i, ea, eb)
			}
			if want := d.Version + int64(wins); got.Version != want {
				t.Errorf("round %d: version %d, want %d", i, got.Version, want)
			}
		}
		t.Logf("%d rounds: %d both succeeded, %d one conflicted", rounds, both, one)
	})
	t.Run("OKOneStage", func(t *testing.T) {
		s, svc := setup(t, "team:1")
		for i := range rounds {
			d := newSubmitted(t, svc, i)
			decide := func(a herald.Actor) func() error {
				return func() error {
					_, err := svc.Approve(t.Context(), a, d.ID, approvals.Decide{})
					return err
				}
			}
			ea, eb := race(decide(ann), decide(ben))
			wins := 0
			for _, err := range []error{ea, eb} {
				switch herald.ErrorCode(err) {
				case "":
					wins++
				case herald.ECONFLICT:
				default:
					t.Fatalf("round %d: Approve failed with %v", i, err)
				}
			}
			if wins != 1 {
				t.Errorf("round %d: %d approvals succeeded (%v, %v), want exactly 1", i, wins, ea, eb)
			}
			aps, audits, got := count(t, s, d.ID, string(approvals.ActApprove))
			if aps != 1 || audits != 1 {
				t.Errorf("round %d: store holds %d approvals and %d approve audit rows, want 1 and 1", i, aps, audits)
			}
			if got.State != approvals.StateApproved {
				t.Errorf("round %d: draft is %s, want approved", i, got.State)
			}
		}
	})
}
