package sqlite

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/mentions"
)

// TestMigrationFillsRollups: migration 0008 counts the mentions stored
// before it, so an upgraded database tallies as before.
func TestMigrationFillsRollups(t *testing.T) {
	s, b, _, t0 := mustBrandStore(t)
	ctx := t.Context()
	c := &mentions.Commit{BrandID: b.ID, At: t0}
	for i := range 300 {
		m := mentions.Mention{State: []mentions.State{mentions.StateNew, mentions.StateHandled}[i%2], Author: []string{"Ann", "@ann", "Ben", ""}[i%4],
			Sources: []string{"hn"}, URL: fmt.Sprintf("https://e.com/%d", i), FoundAt: t0.Add(time.Duration(i) * 17 * time.Minute)}
		c.New = append(c.New, mentions.NewMention{Mention: m})
	}
	if err := s.SaveBatch(ctx, c); err != nil {
		t.Fatal(err)
	}
	since, until := t0.Add(95*time.Minute), t0.Add(70*time.Hour+3*time.Minute)
	want, err := s.Tally(ctx, b.ID, since, until, 5)
	if err != nil {
		t.Fatal(err)
	}
	// Undo 0008 alone: the runner applies every migration not yet recorded.
	for _, q := range []string{`DROP TABLE mention_counts`, `DROP TABLE mention_day_counts`, `DROP TABLE mention_authors`, `DROP INDEX mentions_unhandled`,
		`DROP INDEX drafts_by_author`, `DELETE FROM schema_migrations WHERE version = 8`} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := s.r.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM mention_counts) + (SELECT COUNT(*) FROM mention_authors)`).Scan(&rows); err != nil || rows == 0 {
		t.Fatalf("rollups after the migration: %d rows, %v", rows, err)
	}
	got, err := s.Tally(ctx, b.ID, since, until, 5)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tally after migrating again (-before +after):\n%s", diff)
	}
}

// TestUnrollMentions: a delete of mentions that calls unrollMentions first
// leaves the rollups equal to a count of the mentions that remain.
func TestUnrollMentions(t *testing.T) {
	s, b, _, t0 := mustBrandStore(t)
	ctx := t.Context()
	c := &mentions.Commit{BrandID: b.ID, At: t0}
	for i := range 200 {
		m := mentions.Mention{State: mentions.StateNew, Author: []string{"Ann", "@ann", "Ben"}[i%3], Sources: []string{"hn"},
			URL: fmt.Sprintf("https://e.com/%d", i), FoundAt: t0.Add(time.Duration(i) * 23 * time.Minute)}
		c.New = append(c.New, mentions.NewMention{Mention: m, Keys: []string{fmt.Sprintf("url:%d", i)}})
	}
	if err := s.SaveBatch(ctx, c); err != nil {
		t.Fatal(err)
	}
	cutAt := t0.Add(37 * time.Hour).UnixMilli()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := unrollMentions(ctx, tx, `brand_id = ? AND found_at < ?`, b.ID, cutAt); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM mention_keys WHERE mention_id IN (SELECT id FROM mentions WHERE brand_id = ? AND found_at < ?)`, b.ID, cutAt); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM mentions WHERE brand_id = ? AND found_at < ?`, b.ID, cutAt)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.RecentMentions(ctx, b.ID, time.Unix(0, 0), 1000)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Tally(ctx, b.ID, t0.Add(-time.Hour), t0.Add(100*time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	byAuthor := map[string]int{}
	for _, m := range all {
		byAuthor[m.Author]++
	}
	gotAuthors := map[string]int{}
	for _, c := range got.Authors {
		gotAuthors[c.Key] = c.N
	}
	if got.ByState[mentions.StateNew] != len(all) || got.BySource["hn"] != len(all) || !cmp.Equal(byAuthor, gotAuthors) {
		t.Errorf("after deleting, Tally = %v %v %v; want %d mentions by %v", got.ByState, got.BySource, got.Authors, len(all), byAuthor)
	}
}

// mustBrandStore returns a migrated store in a temporary folder, closed
// with the test, holding the brand Acme with alice as its admin, created
// at t0.
func mustBrandStore(t *testing.T) (s *Store, b herald.Brand, a herald.Actor, t0 time.Time) {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	a = herald.Actor{Platform: "slack", UserID: "U1", Name: "alice"}
	b = herald.Brand{Name: "Acme", Timezone: "UTC", CreatedAt: t0}
	if err := s.CreateBrand(t.Context(), &b, brands.Member{Actor: a, Role: herald.RoleAdmin, AddedAt: t0}, brands.AuditEntry{Action: brands.AuditBrandAdd, Actor: a, At: t0}); err != nil {
		t.Fatal(err)
	}
	return s, b, a, t0
}
