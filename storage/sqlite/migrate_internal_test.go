package sqlite

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/heraldhq/herald/publish"
)

// migrateBelow applies the embedded migrations older than version, as an
// older Herald left the file.
func migrateBelow(t *testing.T, s *Store, version int) {
	t.Helper()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version >= version {
			break
		}
		if _, err := s.w.ExecContext(ctx, m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if _, err := s.w.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?, 0)`, m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMigrateHashesCalendarTokens: a calendar link made before 0009
// keeps working, and the file no longer holds its token.
func TestMigrateHashesCalendarTokens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	migrateBelow(t, s, 9)
	ctx := context.Background()
	const old = "oldcalendartokenxxxxxxxxxxxxxxxx"
	if _, err := s.w.ExecContext(ctx, `INSERT INTO brands (id, name, name_key, timezone, created_at) VALUES (1, 'Acme', 'acme', 'UTC', 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO calendars (brand_id, token, created_at) VALUES (1, ?, 0)`, old); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if id, err := s.CalendarBrand(ctx, publish.TokenHash(old)); err != nil || id != 1 {
		t.Errorf("the old link after migrating: brand %d, %v", id, err)
	}
	if err := s.Scrub(ctx, true); err != nil {
		t.Fatal(err)
	}
	s.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(old)) {
		t.Error("the database file still holds the calendar token")
	}
}

// TestMigrateFillsGaps: migrations are numbered by branch and merged in
// any order (issue 14 merged 0009 before 0006-0008). A file that already
// has a higher migration gets a lower one that arrives later, instead of
// skipping it for good (before, every migration at or below the highest
// applied was taken as done).
func TestMigrateFillsGaps(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	// A file migrated by a build that had every migration but the
	// second newest (it arrives with the next merge).
	late := ms[len(ms)-2]
	ctx := context.Background()
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version == late.Version {
			continue
		}
		if _, err := s.w.ExecContext(ctx, m.SQL); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if _, err := s.w.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?, 0)`, m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
	applied, err := s.Migrate(ctx)
	if err != nil || len(applied) != 1 || applied[0] != late.Name {
		t.Fatalf("Migrate = %v, %v; want [%s], the one missing", applied, err, late.Name)
	}
	if again, err := s.Migrate(ctx); err != nil || len(again) != 0 {
		t.Errorf("Migrate again = %v, %v; want nothing", again, err)
	}
}
