package storagetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
)

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

// --- drafts ---

func testDrafts(t *testing.T, open func(t *testing.T) Store) {
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
}

func testDraftApprovals(t *testing.T, open func(t *testing.T) Store) {
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

func testDraftFilter(t *testing.T, open func(t *testing.T) Store) {
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

func testApplyChange(t *testing.T, open func(t *testing.T) Store) {
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
func testAtomicity(t *testing.T, open func(t *testing.T) Store) {
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

func testAudit(t *testing.T, open func(t *testing.T) Store) {
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
