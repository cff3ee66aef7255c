package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	_ "github.com/mattn/go-sqlite3"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/storage/sqlite"
	"github.com/heraldhq/herald/storage/storagetest"
)

// MustOpen opens a fresh, migrated store in a temporary directory, closed
// when the test ends.
func MustOpen(tb testing.TB) *sqlite.Store {
	tb.Helper()
	return MustOpenPath(tb, filepath.Join(tb.TempDir(), "herald.db"))
}

// MustOpenPath opens and migrates the store at path, closed when the test
// ends.
func MustOpenPath(tb testing.TB, path string) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	if _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatalf("Migrate: %v", err)
	}
	return s
}

// MustRawDB opens a plain database/sql handle on the file at path, beside
// the store, closed when the test ends.
func MustRawDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		tb.Fatalf("sql.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Ping(); err != nil {
		tb.Fatalf("Ping: %v", err)
	}
	return db
}

func TestStore(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storagetest.Store { return MustOpen(t) })
	t.Run("Publish", func(t *testing.T) {
		storagetest.RunPublish(t, func(t *testing.T) publish.Store { return MustOpen(t) })
	})
	t.Run("Assist", func(t *testing.T) {
		storagetest.RunAssist(t, func(t *testing.T) storagetest.AssistStore { return MustOpen(t) })
	})
	t.Run("Mentions", func(t *testing.T) {
		storagetest.RunMentions(t, func(t *testing.T) storagetest.MentionsStore { return MustOpen(t) })
	})
}

var (
	t0     = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	alice  = herald.Actor{Platform: "slack", UserID: "UALICE", Name: "Alice"}
	bob    = herald.Actor{Platform: "slack", UserID: "UBOB", Name: "Bob"}
	carol  = herald.Actor{Platform: "discord", UserID: "1001", Name: "Carol"}
	ch     = herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "main"}
	equate = cmpopts.EquateEmpty()
)

// mustApprovedDraft fills s with a brand (alice admin, bob editor, carol
// approver, policy team:1) and one draft with two revisions, one approval
// and a full audit trail; it returns the draft.
func mustApprovedDraft(t *testing.T, s *sqlite.Store) approvals.Draft {
	t.Helper()
	ctx := t.Context()
	bsvc := brands.NewService(s, testclock.New(t0), "UTC")
	svc := approvals.NewService(s, bsvc, testclock.New(t0))
	if _, err := bsvc.AddBrand(ctx, alice, "Acme", &ch); err != nil {
		t.Fatalf("AddBrand: %v", err)
	}
	if _, _, err := svc.SetPolicy(ctx, alice, ch, "", "team:1"); err != nil {
		t.Fatalf("SetPolicy: %v", err)
	}
	if _, err := bsvc.SetRole(ctx, alice, ch, "", bob, herald.RoleEditor); err != nil {
		t.Fatalf("SetRole: %v", err)
	}
	if _, err := bsvc.SetRole(ctx, alice, ch, "", carol, herald.RoleApprover); err != nil {
		t.Fatalf("SetRole: %v", err)
	}
	d, err := svc.CreateDraft(ctx, bob, ch, approvals.NewDraft{Text: "v1", Targets: []herald.Target{{Kind: "slack", Name: "#launch"}}})
	if err != nil {
		t.Fatalf("CreateDraft: %v", err)
	}
	if _, err := svc.Edit(ctx, bob, d.ID, "v2"); err != nil {
		t.Fatalf("Edit: %v", err)
	}
	if _, err := svc.Submit(ctx, bob, d.ID); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	v, err := svc.Approve(ctx, carol, d.ID, approvals.Decide{Comment: "ok"})
	if err != nil {
		t.Fatalf("Approve: %v", err)
	}
	if v.Draft.State != approvals.StateApproved {
		t.Fatalf("draft is %s, want approved", v.Draft.State)
	}
	return v.Draft
}

func TestOpen(t *testing.T) {
	t.Run("ErrEmptyPath", func(t *testing.T) {
		if _, err := sqlite.Open(""); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("Open(\"\") = %v, want %s", err, herald.EINVALID)
		}
	})
	t.Run("ErrQueryInPath", func(t *testing.T) {
		for _, p := range []string{"herald.db?mode=memory", "herald.db#x"} {
			if _, err := sqlite.Open(filepath.Join(t.TempDir(), p)); herald.ErrorCode(err) != herald.EINVALID {
				t.Errorf("Open(%q) = %v, want %s", p, err, herald.EINVALID)
			}
		}
	})
	t.Run("OKPing", func(t *testing.T) {
		if err := MustOpen(t).Ping(t.Context()); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})
}

func TestMigrate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "herald.db")
		s, err := sqlite.Open(path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer s.Close()
		applied, err := s.Migrate(t.Context())
		if err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		if len(applied) == 0 || applied[0] != "0001_init.sql" {
			t.Errorf("first Migrate applied %v, want 0001_init.sql first", applied)
		}
		var n int
		if err := MustRawDB(t, path).QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(applied) {
			t.Errorf("schema_migrations has %d rows (%v), want %d", n, err, len(applied))
		}
	})
	t.Run("OKIdempotent", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "herald.db")
		s := MustOpenPath(t, path)
		mustApprovedDraft(t, s)
		applied, err := s.Migrate(t.Context())
		if err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		if len(applied) != 0 {
			t.Errorf("second Migrate applied %v, want nothing", applied)
		}
		// And again after a reopen; the data is untouched.
		s2, err := sqlite.Open(path)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		defer s2.Close()
		if applied, err := s2.Migrate(t.Context()); err != nil || len(applied) != 0 {
			t.Errorf("Migrate after reopen = %v, %v; want nothing applied", applied, err)
		}
		if _, err := s2.BrandByName(t.Context(), "acme"); err != nil {
			t.Errorf("BrandByName after re-migrating: %v", err)
		}
	})
	t.Run("ErrNewerSchema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "herald.db")
		MustOpenPath(t, path)
		if _, err := MustRawDB(t, path).Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`); err != nil {
			t.Fatalf("insert future migration: %v", err)
		}
		s, err := sqlite.Open(path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer s.Close()
		applied, err := s.Migrate(t.Context())
		if herald.ErrorCode(err) != herald.EUNAVAILABLE {
			t.Fatalf("Migrate on a newer schema = %v, %v; want %s", applied, err, herald.EUNAVAILABLE)
		}
		if msg := herald.ErrorMessage(err); !strings.Contains(msg, "newer Herald") {
			t.Errorf("message %q does not say the database is newer", msg)
		}
		if len(applied) != 0 {
			t.Errorf("Migrate applied %v on a newer schema", applied)
		}
	})
}

func TestPragmas(t *testing.T) {
	t.Run("OKJournalModeWAL", func(t *testing.T) {
		// WAL is a property of the file, set by the store's connections.
		path := filepath.Join(t.TempDir(), "herald.db")
		MustOpenPath(t, path)
		var mode string
		if err := MustRawDB(t, path).QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
			t.Fatalf("PRAGMA journal_mode: %v", err)
		}
		if mode != "wal" {
			t.Errorf("journal_mode = %q, want wal", mode)
		}
	})
	t.Run("OKForeignKeysOnWriter", func(t *testing.T) {
		// foreign_keys is per connection and the writer is not exported:
		// check its effect instead. With foreign_keys = 1 on the writer, a
		// member or a draft of a brand that does not exist is refused.
		path := filepath.Join(t.TempDir(), "herald.db")
		s := MustOpenPath(t, path)
		ctx := t.Context()
		err := s.PutMember(ctx, brands.Member{BrandID: 4242, Actor: bob, Role: herald.RoleEditor, AddedAt: t0},
			brands.AuditEntry{BrandID: 4242, Action: brands.AuditRole, Actor: alice, At: t0})
		if err == nil {
			t.Error("PutMember for a missing brand succeeded: foreign keys are off on the writer")
		}
		d := approvals.Draft{BrandID: 4242, State: approvals.StateDraft, Rev: 1, Text: "x", Author: bob, CreatedAt: t0, UpdatedAt: t0}
		if err := s.CreateDraft(ctx, &d, approvals.AuditEntry{BrandID: 4242, Action: "create", Actor: bob, At: t0}); err == nil {
			t.Error("CreateDraft for a missing brand succeeded: foreign keys are off on the writer")
		}
		raw := MustRawDB(t, path)
		for _, table := range []string{"members", "drafts", "revisions", "audit"} {
			var n int
			if err := raw.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s has %d rows (%v) after refused writes, want 0", table, n, err)
			}
		}
	})
}

func TestAppendOnlyTriggers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.db")
	s := MustOpenPath(t, path)
	d := mustApprovedDraft(t, s)
	raw := MustRawDB(t, path)

	counts := func() map[string]int {
		out := map[string]int{}
		for _, table := range []string{"audit", "revisions", "approvals"} {
			var n int
			if err := raw.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
				t.Fatalf("count %s: %v", table, err)
			}
			out[table] = n
		}
		return out
	}
	before := counts()
	if before["audit"] == 0 || before["revisions"] != 2 || before["approvals"] != 1 {
		t.Fatalf("setup: rows %v; want audit rows, 2 revisions, 1 approval", before)
	}
	tests := []struct {
		name, query, msg string
	}{
		{"ErrAuditUpdate", `UPDATE audit SET detail = 'rewritten'`, "append-only"},
		{"ErrAuditDelete", `DELETE FROM audit`, "append-only"},
		{"ErrRevisionUpdate", `UPDATE revisions SET text = 'rewritten'`, "immutable"},
		{"ErrRevisionDelete", `DELETE FROM revisions`, "immutable"},
		{"ErrApprovalUpdate", `UPDATE approvals SET comment = 'rewritten'`, "immutable"},
		{"ErrApprovalDelete", `DELETE FROM approvals`, "immutable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := raw.Exec(tt.query)
			if err == nil {
				t.Fatalf("%s succeeded", tt.query)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("%s: error %q does not mention %q", tt.query, err, tt.msg)
			}
			if diff := cmp.Diff(before, counts()); diff != "" {
				t.Errorf("row counts changed (-before +after):\n%s", diff)
			}
		})
	}
	t.Run("OKContentUntouched", func(t *testing.T) {
		revs, err := s.Revisions(t.Context(), d.ID)
		if err != nil || len(revs) != 2 || revs[0].Text != "v1" || revs[1].Text != "v2" {
			t.Errorf("Revisions = %+v, %v; want v1, v2", revs, err)
		}
		aps, err := s.Approvals(t.Context(), d.ID)
		if err != nil || len(aps) != 1 || aps[0].Comment != "ok" {
			t.Errorf("Approvals = %+v, %v; want carol's", aps, err)
		}
	})
}

func TestBackup(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		s := MustOpen(t)
		d := mustApprovedDraft(t, s)
		dst := filepath.Join(t.TempDir(), "backup.db")
		if err := s.Backup(t.Context(), dst); err != nil {
			t.Fatalf("Backup: %v", err)
		}
		b := MustOpenPath(t, dst) // migrating the copy applies nothing new
		if got, err := b.IntegrityCheck(t.Context()); err != nil || got != "ok" {
			t.Errorf("IntegrityCheck(backup) = %q, %v; want ok", got, err)
		}
		type all struct {
			Brand     herald.Brand
			Members   []brands.Member
			Draft     approvals.Draft
			Revisions []approvals.Revision
			Approvals []approvals.Approval
			Audit     []approvals.AuditEntry
			Channel   int64
		}
		read := func(s *sqlite.Store) all {
			t.Helper()
			ctx := t.Context()
			var a all
			var err error
			must := func(e error) {
				t.Helper()
				if e != nil {
					t.Fatal(e)
				}
			}
			a.Brand, err = s.BrandByName(ctx, "Acme")
			must(err)
			a.Members, err = s.Members(ctx, a.Brand.ID)
			must(err)
			a.Draft, err = s.Draft(ctx, d.ID)
			must(err)
			a.Revisions, err = s.Revisions(ctx, d.ID)
			must(err)
			a.Approvals, err = s.Approvals(ctx, d.ID)
			must(err)
			a.Audit, err = s.Audit(ctx, d.ID)
			must(err)
			a.Channel, err = s.ChannelBrand(ctx, ch)
			must(err)
			return a
		}
		orig, cp := read(s), read(b)
		if diff := cmp.Diff(orig, cp, equate); diff != "" {
			t.Errorf("backup differs (-original +backup):\n%s", diff)
		}
		if len(orig.Audit) < 5 || len(orig.Members) != 3 {
			t.Errorf("setup: %d audit rows, %d members", len(orig.Audit), len(orig.Members))
		}
	})
	t.Run("ErrDestinationExists", func(t *testing.T) {
		s := MustOpen(t)
		mustApprovedDraft(t, s)
		dst := filepath.Join(t.TempDir(), "backup.db")
		if err := os.WriteFile(dst, []byte("precious"), 0o600); err != nil {
			t.Fatal(err)
		}
		err := s.Backup(t.Context(), dst)
		if herald.ErrorCode(err) != herald.ECONFLICT {
			t.Fatalf("Backup onto an existing file = %v, want %s", err, herald.ECONFLICT)
		}
		if got, err := os.ReadFile(dst); err != nil || string(got) != "precious" {
			t.Errorf("existing file = %q, %v; want it untouched", got, err)
		}
	})
	t.Run("ErrBackupTwice", func(t *testing.T) {
		s := MustOpen(t)
		dst := filepath.Join(t.TempDir(), "backup.db")
		if err := s.Backup(t.Context(), dst); err != nil {
			t.Fatalf("Backup: %v", err)
		}
		if err := s.Backup(t.Context(), dst); herald.ErrorCode(err) != herald.ECONFLICT {
			t.Errorf("second Backup to the same file = %v, want %s", err, herald.ECONFLICT)
		}
	})
}

func TestIntegrityCheck(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		s := MustOpen(t)
		mustApprovedDraft(t, s)
		got, err := s.IntegrityCheck(t.Context())
		if err != nil {
			t.Fatalf("IntegrityCheck: %v", err)
		}
		if got != "ok" {
			t.Errorf("IntegrityCheck = %q, want ok", got)
		}
	})
}
