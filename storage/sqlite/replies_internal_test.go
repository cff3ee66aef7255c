package sqlite

import (
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
)

// TestMigrationMovesTargetsIntoRevisions: migration 0010 gives every
// revision stored before it its draft's targets (they could not change
// until then), revisions stay immutable afterwards, and a new revision
// keeps its own targets.
func TestMigrationMovesTargetsIntoRevisions(t *testing.T) {
	s, b, a, t0 := mustBrandStore(t)
	ctx := t.Context()
	targets := []herald.Target{{Kind: "mastodon", Name: "acme"}, {Kind: "slack", Name: "#news"}}
	d := approvals.Draft{BrandID: b.ID, State: approvals.StateDraft, Rev: 1, Text: "v1", Author: a, Targets: targets, CreatedAt: t0, UpdatedAt: t0}
	if err := s.CreateDraft(ctx, &d, approvals.AuditEntry{BrandID: b.ID, Action: "create", Actor: a, Rev: 1, To: approvals.StateDraft, At: t0}); err != nil {
		t.Fatal(err)
	}
	// Back to the database as 0009 left it: revisions without targets.
	for _, q := range []string{`DROP INDEX mentions_by_draft`, `ALTER TABLE revisions DROP COLUMN targets`, `ALTER TABLE mentions DROP COLUMN reply_ref`,
		`ALTER TABLE mentions DROP COLUMN answered_platform`, `ALTER TABLE mentions DROP COLUMN answered_id`, `ALTER TABLE mentions DROP COLUMN answered_name`,
		`ALTER TABLE mentions DROP COLUMN answered_at`, `ALTER TABLE mentions DROP COLUMN answer_url`, `DELETE FROM schema_migrations WHERE version = 10`} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := s.r.QueryRowContext(ctx, `SELECT targets FROM revisions WHERE draft_id = ? AND rev = 1`, d.ID).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "mastodon:acme, slack:#news" {
		t.Errorf("revision 1's targets after 0010 = %q; want its draft's", got)
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE revisions SET targets = '' WHERE draft_id = ?`, d.ID); err == nil {
		t.Errorf("a revision was updated after 0010; revisions must stay immutable")
	}
	// A new revision stores its own targets.
	c := approvals.Change{Draft: d, Revision: &approvals.Revision{DraftID: d.ID, Rev: 2, Text: "v1", Author: a, CreatedAt: t0}}
	c.Draft.Rev, c.Draft.Targets = 2, targets[:1]
	if err := s.ApplyChange(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.r.QueryRowContext(ctx, `SELECT targets FROM revisions WHERE draft_id = ? AND rev = 2`, d.ID).Scan(&got); err != nil || got != "mastodon:acme" {
		t.Errorf("revision 2's targets = %q (%v); want mastodon:acme", got, err)
	}
}
