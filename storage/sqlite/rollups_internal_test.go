package sqlite

import (
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
	s, err := Open(filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	a := herald.Actor{Platform: "slack", UserID: "U1", Name: "alice"}
	b := herald.Brand{Name: "Acme", Timezone: "UTC", CreatedAt: t0}
	if err := s.CreateBrand(ctx, &b, brands.Member{Actor: a, Role: herald.RoleAdmin, AddedAt: t0}, brands.AuditEntry{Action: brands.AuditBrandAdd, Actor: a, At: t0}); err != nil {
		t.Fatal(err)
	}
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
