package sqlite

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/media"
)

// TestDraftMediaChunks: a list longer than one query's share of drafts
// still gets every draft's media (the drafts at either end of the list
// fall in different chunks).
func TestDraftMediaChunks(t *testing.T) {
	s, b, a, t0 := mustBrandStore(t)
	ctx := t.Context()
	mk := func(name string) approvals.Draft {
		d := approvals.Draft{BrandID: b.ID, State: approvals.StateDraft, Rev: 1, Text: name, Author: a, CreatedAt: t0, UpdatedAt: t0,
			Media: []media.Item{{SHA256: strings.Repeat("0f", 32), Type: "image/png", Size: 10, Width: 1, Height: 1, Name: name}}}
		if err := s.CreateDraft(ctx, &d, approvals.AuditEntry{BrandID: b.ID, Action: "create", Actor: a, Rev: 1, To: approvals.StateDraft, At: t0}); err != nil {
			t.Fatal(err)
		}
		d.Media = nil
		return d
	}
	first, last := mk("first.png"), mk("last.png")
	ds := make([]approvals.Draft, 2*mediaChunk+5)
	for i := range ds {
		ds[i] = approvals.Draft{ID: int64(100_000 + i), Rev: 1} // no such drafts: no media
	}
	ds[0], ds[len(ds)-1] = first, last
	if err := fillDraftMedia(ctx, s.r, ds); err != nil {
		t.Fatal(err)
	}
	if len(ds[0].Media) != 1 || ds[0].Media[0].Name != "first.png" || len(ds[len(ds)-1].Media) != 1 || ds[len(ds)-1].Media[0].Name != "last.png" {
		t.Errorf("media of the first and last drafts = %+v, %+v; want first.png, last.png", ds[0].Media, ds[len(ds)-1].Media)
	}
	for _, d := range ds[1 : len(ds)-1] {
		if len(d.Media) != 0 {
			t.Fatalf("draft #%d that does not exist has media %+v", d.ID, d.Media)
		}
	}
	// The sweeper's question over more sums than one query asks about.
	sums := make([]string, 2*mediaChunk+5)
	for i := range sums {
		sums[i] = strings.Repeat("9", 60) + fmt.Sprintf("%04d", i)
	}
	sums[len(sums)-1] = strings.Repeat("0f", 32)
	used, err := s.MediaReferenced(ctx, sums)
	if err != nil || len(used) != 1 || !used[strings.Repeat("0f", 32)] {
		t.Errorf("MediaReferenced over %d sums = %v, %v; want the last one only", len(sums), used, err)
	}
}

// TestMigrateMediaKeepsOldRevisions: a draft written before 0012 reads
// back after it with no media, and its next revision may hold some.
func TestMigrateMediaKeepsOldRevisions(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	migrateBelow(t, s, 12)
	ctx := t.Context()
	for _, q := range []string{
		`INSERT INTO brands (id, name, name_key, timezone, created_at) VALUES (1, 'Acme', 'acme', 'UTC', 0)`,
		`INSERT INTO drafts (id, brand_id, state, version, rev, author_platform, author_id, created_at, updated_at) VALUES (7, 1, 'draft', 1, 1, 'console', 'me', 0, 0)`,
		`INSERT INTO revisions (draft_id, rev, text, author_platform, author_id, created_at) VALUES (7, 1, 'old text', 'console', 'me', 0)`,
	} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	d, err := s.Draft(ctx, 7)
	if err != nil || d.Text != "old text" || len(d.Media) != 0 {
		t.Fatalf("the old draft after 0012: %+v, %v; want its text and no media", d, err)
	}
	item := media.Item{SHA256: strings.Repeat("ab", 32), Type: "image/gif", Size: 99, Width: 2, Height: 2, Name: "a.gif"}
	c := approvals.Change{Draft: d, Revision: &approvals.Revision{DraftID: 7, Rev: 2, Text: d.Text, Media: []media.Item{item}, Author: d.Author}}
	c.Draft.Rev = 2
	if err := s.ApplyChange(ctx, c); err != nil {
		t.Fatal(err)
	}
	revs, err := s.Revisions(ctx, 7)
	if err != nil || len(revs) != 2 || len(revs[0].Media) != 0 || len(revs[1].Media) != 1 || revs[1].Media[0] != item {
		t.Errorf("revisions after a media revision: %+v, %v; want none on 1 and a.gif on 2", revs, err)
	}
}
