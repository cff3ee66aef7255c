package postgres_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/pgtest"
	"github.com/heraldhq/herald/storage/postgres"
)

func mustOpenRaw(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestMigrateConcurrently: four processes migrating one empty database at
// once all succeed, and every migration is applied once.
func TestMigrateConcurrently(t *testing.T) {
	url := pgtest.Schema(t)
	const n = 4
	stores := make([]*postgres.Store, n)
	for i := range stores {
		stores[i] = mustOpenRaw(t, url)
	}
	applied := make([][]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() { applied[i], errs[i] = s.Migrate(context.Background()) })
	}
	wg.Wait()
	total := 0
	for i := range stores {
		if errs[i] != nil {
			t.Fatalf("Migrate %d: %v", i, errs[i])
		}
		total += len(applied[i])
	}
	cur, known, err := stores[0].SchemaVersion(t.Context())
	if err != nil || cur != known || cur == 0 {
		t.Fatalf("SchemaVersion = %d of %d, %v; want up to date", cur, known, err)
	}
	var rows int
	if err := stores[0].DB().QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if total != rows {
		t.Errorf("the processes applied %d migrations between them; %d are recorded", total, rows)
	}
	if again, err := stores[1].Migrate(t.Context()); err != nil || len(again) != 0 {
		t.Errorf("Migrate once more = %v, %v; want nothing to do", again, err)
	}
}

// TestMigrateRefusesNewerSchema: a database migrated by a newer Herald is
// refused, not written.
func TestMigrateRefusesNewerSchema(t *testing.T) {
	s := MustOpen(t)
	if _, err := s.DB().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	_, err := s.Migrate(t.Context())
	if herald.ErrorCode(err) != herald.EUNAVAILABLE {
		t.Errorf("Migrate over schema 9999 = %v; want EUNAVAILABLE", err)
	}
}

// TestAppendOnlyTriggers: the audit log, revisions and approvals refuse
// UPDATE and DELETE, whoever writes.
func TestAppendOnlyTriggers(t *testing.T) {
	s := MustOpen(t)
	db := s.DB()
	for _, q := range []string{
		`INSERT INTO brands (id, name, name_key, timezone, created_at) VALUES (1, 'Acme', 'acme', 'UTC', 0)`,
		`INSERT INTO drafts (id, brand_id, state, version, rev, author_platform, author_id, created_at, updated_at) VALUES (1, 1, 'draft', 1, 1, 'slack', 'U', 0, 0)`,
		`INSERT INTO revisions (draft_id, rev, text, author_platform, author_id, created_at) VALUES (1, 1, 'v1', 'slack', 'U', 0)`,
		`INSERT INTO approvals (draft_id, rev, stage, platform, user_id, role, created_at) VALUES (1, 1, 1, 'slack', 'U', 'approver', 0)`,
		`INSERT INTO audit (brand_id, action, actor_platform, actor_id, at) VALUES (1, 'x', 'slack', 'U', 0)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, q := range []string{
		`UPDATE audit SET action = 'y'`, `DELETE FROM audit`,
		`UPDATE revisions SET text = 'v2'`, `DELETE FROM revisions`,
		`UPDATE approvals SET comment = 'x'`, `DELETE FROM approvals`,
	} {
		if _, err := db.Exec(q); err == nil {
			t.Errorf("%s succeeded; want it refused", q)
		}
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM audit WHERE action = 'x'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit after refused changes: %d rows, %v; want the row unchanged", n, err)
	}
}

// TestLockAlone: any number of serving replicas share the serving lock
// (Join); LockAlone (an import, doctor's migration) is refused with
// ReasonLocked while one serves, and a replica is refused while LockAlone
// is held.
func TestLockAlone(t *testing.T) {
	url := pgtest.Schema(t)
	a, b, c := mustOpenRaw(t, url), mustOpenRaw(t, url), mustOpenRaw(t, url)
	for _, s := range []*postgres.Store{a, b} { // the replicas table
		if _, err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	ra := mustJoin(t, a, "a", "s3://media", nil)
	rb := mustJoin(t, b, "b", "s3://media", nil)
	_, err := c.LockAlone(t.Context())
	var he *herald.Error
	if !errors.As(err, &he) || he.Reason != postgres.ReasonLocked {
		t.Fatalf("LockAlone beside servers = %v; want reason %s", err, postgres.ReasonLocked)
	}
	ra.Release()
	rb.Release()
	lc, err := c.LockAlone(t.Context())
	if err != nil {
		t.Fatalf("LockAlone after the servers released: %v", err)
	}
	if _, err := a.Join(t.Context(), "a", "s3://media", t0, nil); !errors.As(err, &he) || he.Reason != postgres.ReasonLocked {
		t.Errorf("Join beside LockAlone = %v; want reason %s", err, postgres.ReasonLocked)
	}
	lc.Release()
	other := mustOpenRaw(t, pgtest.Schema(t)) // another schema: another Herald's
	lo, err := other.LockAlone(t.Context())
	if err != nil {
		t.Errorf("LockAlone on another schema: %v", err)
	}
	lo.Release()
}

// TestLeader: one of two stores leads; when its connection goes the other
// takes over; Resign hands the lead over at once.
func TestLeader(t *testing.T) {
	url := pgtest.Schema(t)
	a, b := mustOpenRaw(t, url).Leader(), mustOpenRaw(t, url).Leader()
	if ok, err := a.TryLead(t.Context()); !ok || err != nil {
		t.Fatalf("a.TryLead = %v, %v; want leader", ok, err)
	}
	if ok, err := a.TryLead(t.Context()); !ok || err != nil {
		t.Fatalf("a.TryLead again = %v, %v; want still leader", ok, err)
	}
	if ok, err := b.TryLead(t.Context()); ok || err != nil {
		t.Fatalf("b.TryLead = %v, %v; want not leader", ok, err)
	}
	if err := a.Resign(); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.TryLead(t.Context()); !ok || err != nil {
		t.Fatalf("b.TryLead after a resigned = %v, %v; want leader", ok, err)
	}
	if ok, _ := a.TryLead(t.Context()); ok {
		t.Fatal("a leads beside b")
	}
	b.Resign()
}

// TestMigrateFillsGaps: a migration is looked up by its number, so one
// missing below the highest applied (a branch merged late) is applied.
func TestMigrateFillsGaps(t *testing.T) {
	s := MustOpen(t)
	if _, err := s.DB().Exec(`DELETE FROM schema_migrations WHERE version = 9`); err != nil {
		t.Fatal(err)
	}
	applied, err := s.Migrate(t.Context())
	if err != nil || len(applied) != 1 || applied[0] != "0009_secrets.sql" {
		t.Fatalf("Migrate over a gap = %v, %v; want 0009_secrets.sql applied", applied, err)
	}
	if cur, known, err := s.SchemaVersion(t.Context()); err != nil || cur != known {
		t.Errorf("SchemaVersion = %d of %d, %v", cur, known, err)
	}
}

// TestMigrateHashesCalendarTokens: 0009 stores calendar tokens as the hex
// SHA-256 Herald computes (a link made before it keeps working).
func TestMigrateHashesCalendarTokens(t *testing.T) {
	s := MustOpen(t)
	db := s.DB()
	for _, q := range []string{
		`INSERT INTO brands (id, name, name_key, timezone, created_at) VALUES (1, 'Acme', 'acme', 'UTC', 0)`,
		`INSERT INTO calendars (brand_id, token, created_at) VALUES (1, 'tok-é', 0)`,
		`DELETE FROM schema_migrations WHERE version = 9`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("tok-é"))
	if id, err := s.CalendarBrand(t.Context(), hex.EncodeToString(sum[:])); err != nil || id != 1 {
		t.Errorf("CalendarBrand(sha256 of the old token) = %d, %v; want brand 1", id, err)
	}
}
