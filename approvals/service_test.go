package approvals_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/storage/sqlite"
)

// MustOpen opens a fresh, migrated SQLite store in a temporary directory,
// closed when the test ends.
func MustOpen(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(filepath.Join(tb.TempDir(), "herald.db"))
	if err != nil {
		tb.Fatalf("sqlite.Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatalf("Migrate: %v", err)
	}
	return s
}

// steppingClock starts at t and moves one second forward each time it is
// read, so audit rows written in order have increasing times.
func steppingClock(t time.Time) *testclock.Clock {
	c := testclock.New(t)
	c.Step(time.Second)
	return c
}

var (
	start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

	alice  = herald.Actor{Platform: "slack", UserID: "UALICE", Name: "Alice"} // admin of Acme
	bob    = herald.Actor{Platform: "slack", UserID: "UBOB", Name: "Bob"}     // editor
	carol  = herald.Actor{Platform: "discord", UserID: "1003", Name: "Carol"} // approver
	dave   = herald.Actor{Platform: "slack", UserID: "UDAVE", Name: "Dave"}   // client
	vic    = herald.Actor{Platform: "slack", UserID: "UVIC", Name: "Vic"}     // viewer
	ann    = herald.Actor{Platform: "slack", UserID: "UANN", Name: "Ann"}     // second approver
	erin   = herald.Actor{Platform: "slack", UserID: "UERIN", Name: "Erin"}   // second editor
	gina   = herald.Actor{Platform: "slack", UserID: "UGINA", Name: "Gina"}   // admin of Globex
	zed    = herald.Actor{Platform: "slack", UserID: "UZED", Name: "Zed"}     // client of Globex
	nobody = herald.Actor{Platform: "slack", UserID: "UNOBODY", Name: "Nobody"}

	acmeCh   = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "CACME"}
	globexCh = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "CGLOBEX"}
	otherCh  = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "CRANDOM"}

	equate = cmpopts.EquateEmpty()
)

// env is a Service over a fresh store with brand Acme: alice admin, bob
// editor, carol and ann approvers, dave client, vic viewer, erin editor.
type env struct {
	svc    *approvals.Service
	brands *brands.Service
	store  *sqlite.Store
	brand  herald.Brand
}

func newEnv(t *testing.T, policy string) *env {
	t.Helper()
	s := MustOpen(t)
	bs := brands.NewService(s, steppingClock(start), "UTC")
	e := &env{svc: approvals.NewService(s, bs, steppingClock(start)), brands: bs, store: s}
	ctx := t.Context()
	b, err := e.brands.AddBrand(ctx, alice, "Acme", &acmeCh)
	if err != nil {
		t.Fatalf("AddBrand: %v", err)
	}
	if _, _, err := e.svc.SetPolicy(ctx, alice, acmeCh, "", policy); err != nil {
		t.Fatalf("SetPolicy(%q): %v", policy, err)
	}
	for _, m := range []struct {
		who  herald.Actor
		role herald.Role
	}{{bob, herald.RoleEditor}, {carol, herald.RoleApprover}, {ann, herald.RoleApprover}, {dave, herald.RoleClient}, {vic, herald.RoleViewer}, {erin, herald.RoleEditor}} {
		if _, err := e.brands.SetRole(ctx, alice, acmeCh, "", m.who, m.role); err != nil {
			t.Fatalf("SetRole(%s, %s): %v", m.who.Name, m.role, err)
		}
	}
	if e.brand, err = s.Brand(ctx, b.ID); err != nil {
		t.Fatalf("Brand: %v", err)
	}
	return e
}

// create has author write a draft in Acme.
func (e *env) create(t *testing.T, author herald.Actor, text string) approvals.Draft {
	t.Helper()
	d, err := e.svc.CreateDraft(t.Context(), author, acmeCh, approvals.NewDraft{Text: text})
	if err != nil {
		t.Fatalf("CreateDraft by %s: %v", author.Name, err)
	}
	return d
}

// submitted has bob write a draft and send it to review.
func (e *env) submitted(t *testing.T) approvals.Draft {
	t.Helper()
	d := e.create(t, bob, "Our new store opens Monday")
	return e.must(t, "Submit", func() (approvals.View, error) { return e.svc.Submit(t.Context(), bob, d.ID) }).Draft
}

// must runs a service call that must succeed.
func (e *env) must(t *testing.T, what string, f func() (approvals.View, error)) approvals.View {
	t.Helper()
	v, err := f()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func (e *env) approve(t *testing.T, who herald.Actor, id int64) approvals.View {
	t.Helper()
	return e.must(t, "Approve by "+who.Name, func() (approvals.View, error) {
		return e.svc.Approve(t.Context(), who, id, approvals.Decide{})
	})
}

func (e *env) edit(t *testing.T, who herald.Actor, id int64, text string) approvals.View {
	t.Helper()
	return e.must(t, "Edit by "+who.Name, func() (approvals.View, error) { return e.svc.Edit(t.Context(), who, id, text) })
}

// record is everything the store holds about one draft.
type record struct {
	Draft     approvals.Draft
	Revisions []approvals.Revision
	Approvals []approvals.Approval
	Audit     []approvals.AuditEntry
}

func (e *env) record(t *testing.T, id int64) record {
	t.Helper()
	ctx := t.Context()
	var r record
	var err error
	if r.Draft, err = e.store.Draft(ctx, id); err != nil {
		t.Fatalf("Draft(%d): %v", id, err)
	}
	if r.Revisions, err = e.store.Revisions(ctx, id); err != nil {
		t.Fatalf("Revisions: %v", err)
	}
	if r.Approvals, err = e.store.Approvals(ctx, id); err != nil {
		t.Fatalf("Approvals: %v", err)
	}
	if r.Audit, err = e.store.Audit(ctx, id); err != nil {
		t.Fatalf("Audit: %v", err)
	}
	return r
}

// refuse runs f, which must fail with code, and checks that draft id is
// exactly as before: same version and state, same revisions, approvals and
// audit rows. It returns the error for further checks.
func (e *env) refuse(t *testing.T, id int64, code string, f func() error) error {
	t.Helper()
	before := e.record(t, id)
	err := f()
	if got := herald.ErrorCode(err); got != code {
		t.Fatalf("error %v (code %q), want code %q", err, got, code)
	}
	after := e.record(t, id)
	if diff := cmp.Diff(before, after, equate); diff != "" {
		t.Errorf("a refused action changed the draft (-before +after):\n%s", diff)
	}
	if len(after.Audit) != len(before.Audit) || after.Draft.Version != before.Draft.Version || after.Draft.State != before.Draft.State {
		t.Errorf("audit %d → %d rows, version %d → %d, state %s → %s", len(before.Audit), len(after.Audit),
			before.Draft.Version, after.Draft.Version, before.Draft.State, after.Draft.State)
	}
	return err
}

func assertMessage(t *testing.T, err error, fragment string) {
	t.Helper()
	// What a user is told: the domain's plain message, worded by the
	// command layer where it names a command to type.
	if msg := kit.ErrorText(i18n.English, err); !strings.Contains(msg, fragment) {
		t.Errorf("message %q does not contain %q", msg, fragment)
	}
}

// step is an audit row reduced to what a test states.
type step struct {
	Action string
	Actor  string
	Rev    int
	From   approvals.State
	To     approvals.State
}

func steps(es []approvals.AuditEntry) []step {
	out := make([]step, len(es))
	for i, e := range es {
		out[i] = step{Action: e.Action, Actor: e.Actor.Name, Rev: e.Rev, From: e.From, To: e.To}
	}
	return out
}

func TestService(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		s := MustOpen(t)
		bsvc := brands.NewService(s, steppingClock(start), "Europe/Paris")
		svc := approvals.NewService(s, bsvc, steppingClock(start))
		ctx := t.Context()

		b, err := bsvc.AddBrand(ctx, alice, "Acme", &acmeCh)
		if err != nil {
			t.Fatalf("AddBrand: %v", err)
		}
		if b.Timezone != "Europe/Paris" || b.Policy != "" || b.ID == 0 {
			t.Errorf("AddBrand = %+v; want an ID, the default zone and no policy", b)
		}
		bs, err := bsvc.Brands(ctx, alice)
		if err != nil || len(bs) != 1 || bs[0].Role != herald.RoleAdmin || bs[0].Brand.ID != b.ID {
			t.Fatalf("Brands(alice) = %+v, %v; want Acme as admin", bs, err)
		}
		_, p, err := svc.SetPolicy(ctx, alice, acmeCh, "", "team:1 client:1")
		if err != nil || p.String() != "team:1 client:1" {
			t.Fatalf("SetPolicy = %v, %v", p, err)
		}
		for _, g := range []struct {
			who  herald.Actor
			role herald.Role
		}{{bob, herald.RoleEditor}, {carol, herald.RoleApprover}, {dave, herald.RoleClient}} {
			who, r := g.who, g.role
			if _, err := bsvc.SetRole(ctx, alice, acmeCh, "", who, r); err != nil {
				t.Fatalf("SetRole(%s): %v", who.Name, err)
			}
		}
		_, ms, err := bsvc.Members(ctx, dave, acmeCh, "")
		if err != nil || len(ms) != 4 {
			t.Errorf("Members = %+v, %v; want 4", ms, err)
		}

		d, err := svc.CreateDraft(ctx, bob, acmeCh, approvals.NewDraft{Text: "  Our new store opens Monday  ", Targets: []herald.Target{{Kind: "mastodon", Name: "main"}}})
		if err != nil {
			t.Fatalf("CreateDraft: %v", err)
		}
		if d.State != approvals.StateDraft || d.Rev != 1 || d.Text != "Our new store opens Monday" || !cmp.Equal(d.Author, bob) {
			t.Errorf("CreateDraft = %+v; want a trimmed draft, rev 1, by bob", d)
		}

		v, err := svc.Submit(ctx, bob, d.ID)
		if err != nil {
			t.Fatalf("Submit: %v", err)
		}
		if v.Draft.State != approvals.StateInReview || v.Draft.Policy != "team:1 client:1" || v.Progress.String() != "team 0/1, client 0/1" {
			t.Errorf("after Submit: %s, policy %q, progress %q", v.Draft.State, v.Draft.Policy, v.Progress)
		}

		v, err = svc.Approve(ctx, carol, d.ID, approvals.Decide{Rev: 1, Comment: "lgtm"})
		if err != nil {
			t.Fatalf("Approve by carol: %v", err)
		}
		if v.Draft.State != approvals.StateInReview || v.Progress.String() != "team 1/1, client 0/1" || v.Progress.Current() != 1 {
			t.Errorf("after carol: %s, progress %q (current %d); want in_review, team 1/1, client 0/1", v.Draft.State, v.Progress, v.Progress.Current())
		}

		v, err = svc.Approve(ctx, dave, d.ID, approvals.Decide{})
		if err != nil {
			t.Fatalf("Approve by dave: %v", err)
		}
		if v.Draft.State != approvals.StateApproved || v.Progress.String() != "team 1/1, client 1/1" || v.Progress.Current() != -1 {
			t.Errorf("after dave: %s, progress %q; want approved, team 1/1, client 1/1", v.Draft.State, v.Progress)
		}
		wantAps := []approvals.Approval{
			{DraftID: d.ID, Rev: 1, Stage: 0, Actor: carol, Role: herald.RoleApprover, Comment: "lgtm"},
			{DraftID: d.ID, Rev: 1, Stage: 1, Actor: dave, Role: herald.RoleClient},
		}
		if diff := cmp.Diff(wantAps, v.Approvals, cmpopts.IgnoreFields(approvals.Approval{}, "CreatedAt")); diff != "" {
			t.Errorf("approvals mismatch (-want +got):\n%s", diff)
		}

		_, es, err := svc.Audit(ctx, dave, d.ID)
		if err != nil {
			t.Fatalf("Audit: %v", err)
		}
		want := []step{
			{"create", "Bob", 1, "", approvals.StateDraft},
			{"submit", "Bob", 1, approvals.StateDraft, approvals.StateInReview},
			{"approve", "Carol", 1, approvals.StateInReview, approvals.StateInReview},
			{"approve", "Dave", 1, approvals.StateInReview, approvals.StateInReview},
			{"complete", "Dave", 1, approvals.StateInReview, approvals.StateApproved},
		}
		if diff := cmp.Diff(want, steps(es)); diff != "" {
			t.Errorf("audit mismatch (-want +got):\n%s", diff)
		}
		for i, e := range es {
			if e.BrandID != b.ID || e.DraftID != d.ID {
				t.Errorf("audit row %d: brand %d, draft %d", i, e.BrandID, e.DraftID)
			}
			if i > 0 && e.At.Before(es[i-1].At) {
				t.Errorf("audit row %d at %v, before row %d at %v", i, e.At, i-1, es[i-1].At)
			}
		}
		if !strings.Contains(es[2].Detail, "lgtm") || !strings.Contains(es[2].Detail, "team 1/1") {
			t.Errorf("carol's audit detail %q lacks the comment or progress", es[2].Detail)
		}
	})

	t.Run("ErrSelfApproval", func(t *testing.T) {
		t.Run("AdminAuthor", func(t *testing.T) {
			e := newEnv(t, "team:1")
			d := e.create(t, alice, "Written by the admin")
			e.must(t, "Submit", func() (approvals.View, error) { return e.svc.Submit(t.Context(), alice, d.ID) })
			err := e.refuse(t, d.ID, herald.EFORBIDDEN, func() error {
				_, err := e.svc.Approve(t.Context(), alice, d.ID, approvals.Decide{})
				return err
			})
			assertMessage(t, err, "You wrote draft")
			// Nor may the author reject or send it back.
			e.refuse(t, d.ID, herald.EFORBIDDEN, func() error {
				_, err := e.svc.Reject(t.Context(), alice, d.ID, approvals.Decide{Comment: "meh"})
				return err
			})
			e.refuse(t, d.ID, herald.EFORBIDDEN, func() error {
				_, err := e.svc.RequestChanges(t.Context(), alice, d.ID, approvals.Decide{Comment: "meh"})
				return err
			})
			// Someone else may.
			if v := e.approve(t, carol, d.ID); v.Draft.State != approvals.StateApproved {
				t.Errorf("after carol: %s, want approved", v.Draft.State)
			}
		})
		t.Run("EditorOfARevision", func(t *testing.T) {
			// Erin, an editor, writes revision 2 of Bob's draft, and is
			// later made approver: she still cannot approve it.
			e := newEnv(t, "team:1")
			d := e.create(t, bob, "v1")
			e.edit(t, erin, d.ID, "v2 by erin")
			e.edit(t, bob, d.ID, "v3 by bob")
			if _, err := e.brands.SetRole(t.Context(), alice, acmeCh, "", erin, herald.RoleApprover); err != nil {
				t.Fatalf("SetRole: %v", err)
			}
			e.must(t, "Submit", func() (approvals.View, error) { return e.svc.Submit(t.Context(), bob, d.ID) })
			err := e.refuse(t, d.ID, herald.EFORBIDDEN, func() error {
				_, err := e.svc.Approve(t.Context(), erin, d.ID, approvals.Decide{})
				return err
			})
			assertMessage(t, err, "You wrote revision 2")
		})
		t.Run("AdminEditor", func(t *testing.T) {
			// An admin who edited someone's draft cannot approve it.
			e := newEnv(t, "team:1")
			d := e.submitted(t)
			e.edit(t, alice, d.ID, "fixed by alice")
			e.refuse(t, d.ID, herald.EFORBIDDEN, func() error {
				_, err := e.svc.Approve(t.Context(), alice, d.ID, approvals.Decide{})
				return err
			})
		})
	})

	t.Run("ErrViewerApproves", func(t *testing.T) {
		e := newEnv(t, "team:1")
		d := e.submitted(t)
		for _, who := range []herald.Actor{vic, erin} { // a viewer, and an editor who did not write it
			e.refuse(t, d.ID, herald.EFORBIDDEN, func() error {
				_, err := e.svc.Approve(t.Context(), who, d.ID, approvals.Decide{})
				return err
			})
		}
		err := e.refuse(t, d.ID, herald.EFORBIDDEN, func() error {
			_, err := e.svc.Reject(t.Context(), vic, d.ID, approvals.Decide{Comment: "no"})
			return err
		})
		assertMessage(t, err, "you are a viewer")
	})

	t.Run("ErrClientBeforeTeam", func(t *testing.T) {
		e := newEnv(t, "team:1 client:1")
		d := e.submitted(t)
		err := e.refuse(t, d.ID, herald.EFORBIDDEN, func() error {
			_, err := e.svc.Approve(t.Context(), dave, d.ID, approvals.Decide{})
			return err
		})
		assertMessage(t, err, "waits for team review")
		// Once the team stage is done, an approver cannot take the client's place.
		e.approve(t, carol, d.ID)
		err = e.refuse(t, d.ID, herald.EFORBIDDEN, func() error {
			_, err := e.svc.Approve(t.Context(), ann, d.ID, approvals.Decide{})
			return err
		})
		assertMessage(t, err, "waits for client review")
		e.refuse(t, d.ID, herald.EFORBIDDEN, func() error {
			_, err := e.svc.Approve(t.Context(), alice, d.ID, approvals.Decide{})
			return err
		})
		if v := e.approve(t, dave, d.ID); v.Draft.State != approvals.StateApproved {
			t.Errorf("after dave: %s, want approved", v.Draft.State)
		}
	})

	t.Run("ErrClientOtherBrand", func(t *testing.T) {
		e := newEnv(t, "team:1 client:1")
		d := e.submitted(t)
		ctx := t.Context()
		if _, err := e.brands.AddBrand(ctx, gina, "Globex", &globexCh); err != nil {
			t.Fatalf("AddBrand: %v", err)
		}
		if _, err := e.brands.SetRole(ctx, gina, globexCh, "", zed, herald.RoleClient); err != nil {
			t.Fatalf("SetRole: %v", err)
		}
		gd, err := e.svc.CreateDraft(ctx, gina, globexCh, approvals.NewDraft{Text: "Globex news"})
		if err != nil {
			t.Fatalf("CreateDraft in Globex: %v", err)
		}

		// Every way to reach Acme's draft says it does not exist, as for a
		// draft that really does not exist.
		calls := map[string]func(id int64) error{
			"Approve": func(id int64) error { _, err := e.svc.Approve(ctx, zed, id, approvals.Decide{}); return err },
			"Reject":  func(id int64) error { _, err := e.svc.Reject(ctx, zed, id, approvals.Decide{Comment: "x"}); return err },
			"Changes": func(id int64) error {
				_, err := e.svc.RequestChanges(ctx, zed, id, approvals.Decide{Comment: "x"})
				return err
			},
			"Edit":   func(id int64) error { _, err := e.svc.Edit(ctx, zed, id, "hijacked"); return err },
			"Submit": func(id int64) error { _, err := e.svc.Submit(ctx, zed, id); return err },
			"Get":    func(id int64) error { _, err := e.svc.Get(ctx, zed, id); return err },
			"Audit":  func(id int64) error { _, _, err := e.svc.Audit(ctx, zed, id); return err },
		}
		for name, call := range calls {
			t.Run(name, func(t *testing.T) {
				err := e.refuse(t, d.ID, herald.ENOTFOUND, func() error { return call(d.ID) })
				if msg := herald.ErrorMessage(err); strings.Contains(msg, "Acme") {
					t.Errorf("message %q names the other brand", msg)
				}
				missing := call(d.ID + 1000)
				if herald.ErrorCode(missing) != herald.ENOTFOUND {
					t.Errorf("%s(missing draft) = %v, want %s", name, missing, herald.ENOTFOUND)
				}
				// Indistinguishable from a draft that does not exist.
				want := strings.Replace(herald.ErrorMessage(missing), fmt.Sprintf("#%d", d.ID+1000), fmt.Sprintf("#%d", d.ID), 1)
				if got := herald.ErrorMessage(err); got != want {
					t.Errorf("another brand's draft (%q) is told apart from a missing one (%q)", got, herald.ErrorMessage(missing))
				}
			})
		}
		// Zed's lists show Globex only.
		ds, brands, err := e.svc.List(ctx, zed, globexCh, "", approvals.DraftFilter{})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(ds) != 1 || ds[0].ID != gd.ID || len(brands) != 1 {
			t.Errorf("List(zed) = %d drafts %v, brands %v; want Globex's draft only", len(ds), ids(ds), brands)
		}
		// Even when asking for Acme's drafts, or Acme's brand IDs.
		asked := []int64{e.brand.ID}
		ds, _, err = e.svc.List(ctx, zed, globexCh, "", approvals.DraftFilter{BrandIDs: asked})
		if err != nil || len(ds) != 1 || ds[0].ID != gd.ID {
			t.Errorf("List(zed, Acme's ID) = %v, %v; want Globex's draft only", ids(ds), err)
		}
		if asked[0] != e.brand.ID {
			t.Errorf("List wrote into the caller's filter: BrandIDs became %v", asked)
		}
		_, _, err = e.svc.List(ctx, zed, globexCh, "Acme", approvals.DraftFilter{})
		if herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("List(zed, Acme) = %v, want %s", err, herald.ENOTFOUND)
		}
		if _, _, err := e.brands.Resolve(ctx, zed, globexCh, "acme"); herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("Resolve(zed, acme) = %v, want %s", err, herald.ENOTFOUND)
		}
		if _, _, err := e.brands.Members(ctx, zed, globexCh, "Acme"); herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("Members(zed, Acme) = %v, want %s", err, herald.ENOTFOUND)
		}
		// A named brand that exists and one that does not read alike.
		_, _, e1 := e.brands.Resolve(ctx, zed, globexCh, "Acme")
		_, _, e2 := e.brands.Resolve(ctx, zed, globexCh, "Initech")
		if strings.Replace(herald.ErrorMessage(e1), "Acme", "Initech", 1) != herald.ErrorMessage(e2) {
			t.Errorf("an invisible brand (%q) is told apart from a missing one (%q)", herald.ErrorMessage(e1), herald.ErrorMessage(e2))
		}
		// And the client of Acme does not see Globex's draft.
		e.refuse(t, gd.ID, herald.ENOTFOUND, func() error { _, err := e.svc.Get(ctx, dave, gd.ID); return err })
	})

	t.Run("ErrApproveTwice", func(t *testing.T) {
		e := newEnv(t, "team:2")
		d := e.submitted(t)
		e.approve(t, carol, d.ID)
		err := e.refuse(t, d.ID, herald.ECONFLICT, func() error {
			_, err := e.svc.Approve(t.Context(), carol, d.ID, approvals.Decide{})
			return err
		})
		assertMessage(t, err, "already approved")
		aps, err := e.store.Approvals(t.Context(), d.ID)
		if err != nil || len(aps) != 1 {
			t.Errorf("Approvals = %+v, %v; want one", aps, err)
		}
		// Another approver completes the stage.
		if v := e.approve(t, ann, d.ID); v.Draft.State != approvals.StateApproved || v.Progress.String() != "team 2/2" {
			t.Errorf("after ann: %s, %q; want approved, team 2/2", v.Draft.State, v.Progress)
		}
		// Approving an approved draft is refused too.
		e.refuse(t, d.ID, herald.ECONFLICT, func() error {
			_, err := e.svc.Approve(t.Context(), carol, d.ID, approvals.Decide{})
			return err
		})
	})

	t.Run("ErrOldRevision", func(t *testing.T) {
		e := newEnv(t, "team:1")
		d := e.submitted(t)
		e.edit(t, bob, d.ID, "v2")
		for _, call := range []func() error{
			func() error { _, err := e.svc.Approve(t.Context(), carol, d.ID, approvals.Decide{Rev: 1}); return err },
			func() error {
				_, err := e.svc.Reject(t.Context(), carol, d.ID, approvals.Decide{Rev: 1, Comment: "no"})
				return err
			},
			func() error {
				_, err := e.svc.RequestChanges(t.Context(), carol, d.ID, approvals.Decide{Rev: 1, Comment: "shorter"})
				return err
			},
			func() error { _, err := e.svc.Approve(t.Context(), carol, d.ID, approvals.Decide{Rev: 3}); return err },
		} {
			err := e.refuse(t, d.ID, herald.ECONFLICT, call)
			assertMessage(t, err, "changed since you saw it")
		}
		v, err := e.svc.Approve(t.Context(), carol, d.ID, approvals.Decide{Rev: 2})
		if err != nil || v.Draft.State != approvals.StateApproved {
			t.Fatalf("Approve(rev 2) = %s, %v; want approved", v.Draft.State, err)
		}
		if len(v.Approvals) != 1 || v.Approvals[0].Rev != 2 {
			t.Errorf("approvals %+v; want one, of revision 2", v.Approvals)
		}
	})

	t.Run("OKEditAfterApproval", func(t *testing.T) {
		e := newEnv(t, "team:2")
		d := e.submitted(t)
		if v := e.approve(t, carol, d.ID); v.Progress.String() != "team 1/2" {
			t.Fatalf("progress %q, want team 1/2", v.Progress)
		}
		v := e.edit(t, bob, d.ID, "v2")
		if v.Draft.State != approvals.StateInReview || v.Draft.Rev != 2 || v.Draft.Text != "v2" {
			t.Errorf("after edit: %s rev %d %q; want in_review rev 2 v2", v.Draft.State, v.Draft.Rev, v.Draft.Text)
		}
		if v.Progress.String() != "team 0/2" || v.Progress.Current() != 0 {
			t.Errorf("progress after edit %q, want team 0/2", v.Progress)
		}
		// The old approval is kept, bound to revision 1.
		if len(v.Approvals) != 1 || v.Approvals[0].Rev != 1 || !cmp.Equal(v.Approvals[0].Actor, carol) {
			t.Errorf("approvals after edit %+v; want carol's of revision 1", v.Approvals)
		}
		_, es, err := e.svc.Audit(t.Context(), bob, d.ID)
		if err != nil {
			t.Fatalf("Audit: %v", err)
		}
		want := []step{
			{"create", "Bob", 1, "", approvals.StateDraft},
			{"submit", "Bob", 1, approvals.StateDraft, approvals.StateInReview},
			{"approve", "Carol", 1, approvals.StateInReview, approvals.StateInReview},
			{"edit", "Bob", 2, approvals.StateInReview, approvals.StateInReview},
		}
		if diff := cmp.Diff(want, steps(es)); diff != "" {
			t.Errorf("audit mismatch (-want +got):\n%s", diff)
		}
		if !strings.Contains(es[3].Detail, "cleared") {
			t.Errorf("edit audit detail %q does not say approvals were cleared", es[3].Detail)
		}
		// Carol may approve the new revision; it needs two again.
		if v := e.approve(t, carol, d.ID); v.Draft.State != approvals.StateInReview || v.Progress.String() != "team 1/2" {
			t.Errorf("after carol again: %s %q; want in_review team 1/2", v.Draft.State, v.Progress)
		}
		if v := e.approve(t, ann, d.ID); v.Draft.State != approvals.StateApproved {
			t.Errorf("after ann: %s, want approved", v.Draft.State)
		}
	})

	t.Run("OKEditAfterApproved", func(t *testing.T) {
		e := newEnv(t, "team:1")
		d := e.submitted(t)
		if v := e.approve(t, carol, d.ID); v.Draft.State != approvals.StateApproved {
			t.Fatalf("after carol: %s, want approved", v.Draft.State)
		}
		v := e.edit(t, bob, d.ID, "v2")
		if v.Draft.State != approvals.StateInReview || v.Draft.Rev != 2 || v.Progress.String() != "team 0/1" {
			t.Errorf("after edit: %s rev %d %q; want in_review rev 2 team 0/1", v.Draft.State, v.Draft.Rev, v.Progress)
		}
		if v := e.approve(t, carol, d.ID); v.Draft.State != approvals.StateApproved {
			t.Errorf("after re-approval: %s, want approved", v.Draft.State)
		}
	})

	t.Run("OKRequestChanges", func(t *testing.T) {
		e := newEnv(t, "team:1")
		d := e.submitted(t)
		err := e.refuse(t, d.ID, herald.EINVALID, func() error {
			_, err := e.svc.RequestChanges(t.Context(), carol, d.ID, approvals.Decide{Comment: "   "})
			return err
		})
		assertMessage(t, err, "Say what should change")
		v := e.must(t, "RequestChanges", func() (approvals.View, error) {
			return e.svc.RequestChanges(t.Context(), carol, d.ID, approvals.Decide{Comment: "add the link"})
		})
		if v.Draft.State != approvals.StateChangesRequested {
			t.Errorf("after request: %s, want changes_requested", v.Draft.State)
		}
		// No approval while changes are requested.
		e.refuse(t, d.ID, herald.ECONFLICT, func() error {
			_, err := e.svc.Approve(t.Context(), ann, d.ID, approvals.Decide{})
			return err
		})
		if v := e.edit(t, bob, d.ID, "v2 with the link"); v.Draft.State != approvals.StateChangesRequested || v.Draft.Rev != 2 {
			t.Errorf("after edit: %s rev %d; want changes_requested rev 2", v.Draft.State, v.Draft.Rev)
		}
		v = e.must(t, "Submit again", func() (approvals.View, error) { return e.svc.Submit(t.Context(), bob, d.ID) })
		if v.Draft.State != approvals.StateInReview {
			t.Errorf("after resubmit: %s, want in_review", v.Draft.State)
		}
		if v := e.approve(t, carol, d.ID); v.Draft.State != approvals.StateApproved {
			t.Errorf("after approval: %s, want approved", v.Draft.State)
		}
		_, es, err := e.svc.Audit(t.Context(), bob, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range es {
			actions = append(actions, e.Action)
		}
		want := []string{"create", "submit", "request_changes", "edit", "submit", "approve", "complete"}
		if diff := cmp.Diff(want, actions); diff != "" {
			t.Errorf("audit actions mismatch (-want +got):\n%s", diff)
		}
		if es[2].Detail != "add the link" || !cmp.Equal(es[2].Actor, carol) {
			t.Errorf("request_changes row = %+v; want carol's comment", es[2])
		}
	})

	t.Run("ErrRejectWithoutReason", func(t *testing.T) {
		e := newEnv(t, "team:1")
		d := e.submitted(t)
		for _, reason := range []string{"", "  \n"} {
			err := e.refuse(t, d.ID, herald.EINVALID, func() error {
				_, err := e.svc.Reject(t.Context(), carol, d.ID, approvals.Decide{Comment: reason})
				return err
			})
			assertMessage(t, err, "Give a reason")
		}
	})

	t.Run("OKRejectIsTerminal", func(t *testing.T) {
		e := newEnv(t, "team:1")
		d := e.submitted(t)
		v := e.must(t, "Reject", func() (approvals.View, error) {
			return e.svc.Reject(t.Context(), carol, d.ID, approvals.Decide{Comment: "off-brand"})
		})
		if v.Draft.State != approvals.StateRejected || !approvals.Terminal(v.Draft.State) {
			t.Fatalf("after reject: %s, want rejected", v.Draft.State)
		}
		for name, call := range map[string]func() error{
			"Approve": func() error { _, err := e.svc.Approve(t.Context(), ann, d.ID, approvals.Decide{}); return err },
			"Edit":    func() error { _, err := e.svc.Edit(t.Context(), bob, d.ID, "v2"); return err },
			"Submit":  func() error { _, err := e.svc.Submit(t.Context(), bob, d.ID); return err },
			"Changes": func() error {
				_, err := e.svc.RequestChanges(t.Context(), ann, d.ID, approvals.Decide{Comment: "x"})
				return err
			},
			"Reject": func() error {
				_, err := e.svc.Reject(t.Context(), ann, d.ID, approvals.Decide{Comment: "x"})
				return err
			},
		} {
			t.Run(name, func(t *testing.T) {
				err := e.refuse(t, d.ID, herald.ECONFLICT, call)
				assertMessage(t, err, "is rejected")
			})
		}
	})

	t.Run("OKPolicyNone", func(t *testing.T) {
		e := newEnv(t, "none")
		if e.brand.Policy != "" {
			t.Errorf("brand policy %q, want empty for none", e.brand.Policy)
		}
		d := e.create(t, bob, "no review")
		v := e.must(t, "Submit", func() (approvals.View, error) { return e.svc.Submit(t.Context(), bob, d.ID) })
		if v.Draft.State != approvals.StateApproved || v.Progress.String() != "no review required" {
			t.Errorf("after submit: %s %q; want approved, no review required", v.Draft.State, v.Progress)
		}
		_, es, err := e.svc.Audit(t.Context(), bob, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []step{
			{"create", "Bob", 1, "", approvals.StateDraft},
			{"submit", "Bob", 1, approvals.StateDraft, approvals.StateInReview},
			{"complete", "Bob", 1, approvals.StateInReview, approvals.StateApproved},
		}
		if diff := cmp.Diff(want, steps(es)); diff != "" {
			t.Errorf("audit mismatch (-want +got):\n%s", diff)
		}
		// Nobody approves an approved draft.
		e.refuse(t, d.ID, herald.ECONFLICT, func() error {
			_, err := e.svc.Approve(t.Context(), carol, d.ID, approvals.Decide{})
			return err
		})
		// An edit goes back to review, which needs nobody: approved again
		// at once, rather than stuck in review with no stage to decide.
		v = e.edit(t, bob, d.ID, "edited, no review")
		if v.Draft.State != approvals.StateApproved || v.Draft.Rev != 2 {
			t.Errorf("after edit: %s rev %d; want approved rev 2", v.Draft.State, v.Draft.Rev)
		}
		_, es, err = e.svc.Audit(t.Context(), bob, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want,
			step{"edit", "Bob", 2, approvals.StateApproved, approvals.StateInReview},
			step{"complete", "Bob", 2, approvals.StateInReview, approvals.StateApproved},
		)
		if diff := cmp.Diff(want, steps(es)); diff != "" {
			t.Errorf("audit after edit mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("OKPolicyFixedAtSubmit", func(t *testing.T) {
		e := newEnv(t, "team:1 client:1")
		d := e.submitted(t)
		if _, _, err := e.svc.SetPolicy(t.Context(), alice, acmeCh, "", "none"); err != nil {
			t.Fatalf("SetPolicy: %v", err)
		}
		v := e.approve(t, carol, d.ID)
		if v.Draft.State != approvals.StateInReview || v.Progress.String() != "team 1/1, client 0/1" {
			t.Errorf("after carol: %s %q; the draft keeps the policy it was submitted under", v.Draft.State, v.Progress)
		}
	})

	t.Run("ErrNotAdmin", func(t *testing.T) {
		e := newEnv(t, "team:1")
		ctx := t.Context()
		beforeMembers, err := e.store.Members(ctx, e.brand.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []herald.Actor{bob, carol, dave, vic} {
			if _, err := e.brands.SetRole(ctx, who, acmeCh, "", who, herald.RoleAdmin); herald.ErrorCode(err) != herald.EFORBIDDEN {
				t.Errorf("SetRole by %s = %v, want %s", who.Name, err, herald.EFORBIDDEN)
			}
			if _, err := e.brands.SetRole(ctx, who, acmeCh, "", alice, ""); herald.ErrorCode(err) != herald.EFORBIDDEN {
				t.Errorf("SetRole(alice, none) by %s = %v, want %s", who.Name, err, herald.EFORBIDDEN)
			}
			if _, _, err := e.svc.SetPolicy(ctx, who, acmeCh, "", "none"); herald.ErrorCode(err) != herald.EFORBIDDEN {
				t.Errorf("SetPolicy by %s = %v, want %s", who.Name, err, herald.EFORBIDDEN)
			}
			if _, err := e.brands.UseBrand(ctx, who, otherCh, "Acme"); herald.ErrorCode(err) != herald.EFORBIDDEN {
				t.Errorf("UseBrand by %s = %v, want %s", who.Name, err, herald.EFORBIDDEN)
			}
		}
		// A stranger is told the brand does not exist.
		if _, err := e.brands.SetRole(ctx, nobody, acmeCh, "Acme", nobody, herald.RoleAdmin); herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("SetRole by a stranger = %v, want %s", err, herald.ENOTFOUND)
		}
		afterMembers, err := e.store.Members(ctx, e.brand.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(beforeMembers, afterMembers); diff != "" {
			t.Errorf("members changed (-before +after):\n%s", diff)
		}
		b, err := e.store.Brand(ctx, e.brand.ID)
		if err != nil || b != e.brand {
			t.Errorf("brand = %+v, %v; want unchanged %+v", b, err, e.brand)
		}
		if _, err := e.store.ChannelBrand(ctx, otherCh); herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("ChannelBrand(otherCh) = %v, want still unset", err)
		}
	})

	t.Run("ErrDraftRules", func(t *testing.T) {
		e := newEnv(t, "team:1")
		ctx := t.Context()
		d := e.create(t, bob, "v1")
		for name, tc := range map[string]struct {
			code string
			call func() error
		}{
			"ViewerEdits":   {herald.EFORBIDDEN, func() error { _, err := e.svc.Edit(ctx, vic, d.ID, "v2"); return err }},
			"ApproverEdits": {herald.EFORBIDDEN, func() error { _, err := e.svc.Edit(ctx, carol, d.ID, "v2"); return err }},
			"ClientSubmits": {herald.EFORBIDDEN, func() error { _, err := e.svc.Submit(ctx, dave, d.ID); return err }},
			"SameText":      {herald.EINVALID, func() error { _, err := e.svc.Edit(ctx, bob, d.ID, " v1 "); return err }},
			"EmptyText":     {herald.EINVALID, func() error { _, err := e.svc.Edit(ctx, bob, d.ID, " \n "); return err }},
			"TooLong": {herald.EINVALID, func() error {
				_, err := e.svc.Edit(ctx, bob, d.ID, strings.Repeat("é", approvals.MaxTextLength+1))
				return err
			}},
			"ApproveADraft": {herald.ECONFLICT, func() error { _, err := e.svc.Approve(ctx, carol, d.ID, approvals.Decide{}); return err }},
		} {
			t.Run(name, func(t *testing.T) { e.refuse(t, d.ID, tc.code, tc.call) })
		}
		// Who may create drafts.
		for _, who := range []herald.Actor{carol, dave, vic} {
			if _, err := e.svc.CreateDraft(ctx, who, acmeCh, approvals.NewDraft{Text: "x"}); herald.ErrorCode(err) != herald.EFORBIDDEN {
				t.Errorf("CreateDraft by %s = %v, want %s", who.Name, err, herald.EFORBIDDEN)
			}
		}
		if _, err := e.svc.CreateDraft(ctx, bob, acmeCh, approvals.NewDraft{Text: "  "}); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("CreateDraft with no text = %v, want %s", err, herald.EINVALID)
		}
		ds, _, err := e.svc.List(ctx, alice, acmeCh, "", approvals.DraftFilter{})
		if err != nil || len(ds) != 1 {
			t.Errorf("List = %v, %v; want only the first draft", ids(ds), err)
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
