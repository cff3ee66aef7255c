package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/media"
)

// insertMedia stores the media of revision rev of draft draftID, in order
// (positions from 1), in the revision's transaction.
func insertMedia(ctx context.Context, tx *sql.Tx, draftID int64, rev int, items []media.Item) error {
	for i, m := range items {
		_, err := tx.ExecContext(ctx, `INSERT INTO revision_media (draft_id, rev, position, sha256, type, size, width, height, duration_ms, name, alt)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			draftID, rev, i+1, m.SHA256, m.Type, m.Size, m.Width, m.Height, m.Duration.Milliseconds(), m.Name, m.Alt)
		if err != nil {
			return err
		}
	}
	return nil
}

const mediaCols = `draft_id, rev, sha256, type, size, width, height, duration_ms, name, alt`

// revKey names one revision of one draft.
type revKey struct {
	draft int64
	rev   int
}

// queryMedia runs q (selecting mediaCols ordered by position) and groups
// the items by revision, in order.
func queryMedia(ctx context.Context, db querier, q string, args ...any) (map[revKey][]media.Item, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	out := map[revKey][]media.Item{}
	for rows.Next() {
		var k revKey
		var m media.Item
		var dur int64
		if err := rows.Scan(&k.draft, &k.rev, &m.SHA256, &m.Type, &m.Size, &m.Width, &m.Height, &dur, &m.Name, &m.Alt); err != nil {
			return nil, wrap(err)
		}
		m.Duration = time.Duration(dur) * time.Millisecond
		out[k] = append(out[k], m)
	}
	return out, wrap(rows.Err())
}

// revisionMedia returns the media of one revision, in order.
func revisionMedia(ctx context.Context, db querier, draftID int64, rev int) ([]media.Item, error) {
	got, err := queryMedia(ctx, db, `SELECT `+mediaCols+` FROM revision_media WHERE draft_id = ? AND rev = ? ORDER BY position`, draftID, rev)
	return got[revKey{draftID, rev}], err
}

// mediaChunk bounds the revisions asked for in one query (two parameters
// each, well under SQLite's bound on parameters).
const mediaChunk = 400

// fillDraftMedia sets the media of each draft's current revision: one
// query per mediaChunk drafts, never one per draft. Revisions are
// immutable, so the pairs read with the drafts name exactly their media.
func fillDraftMedia(ctx context.Context, db querier, ds []approvals.Draft) error {
	for start := 0; start < len(ds); start += mediaChunk {
		part := ds[start:min(start+mediaChunk, len(ds))]
		args := make([]any, 0, 2*len(part))
		for _, d := range part {
			args = append(args, d.ID, d.Rev)
		}
		pairs := strings.TrimSuffix(strings.Repeat("(?, ?),", len(part)), ",")
		got, err := queryMedia(ctx, db, `SELECT `+mediaCols+` FROM revision_media WHERE (draft_id, rev) IN (VALUES `+pairs+`) ORDER BY draft_id, rev, position`, args...)
		if err != nil {
			return err
		}
		for i := range part {
			part[i].Media = got[revKey{part[i].ID, part[i].Rev}]
		}
	}
	return nil
}

// fillRevisionMedia sets the media of a draft's revisions, in one query.
func fillRevisionMedia(ctx context.Context, db querier, draftID int64, revs []approvals.Revision) error {
	if len(revs) == 0 {
		return nil
	}
	got, err := queryMedia(ctx, db, `SELECT `+mediaCols+` FROM revision_media WHERE draft_id = ? ORDER BY rev, position`, draftID)
	if err != nil {
		return err
	}
	for i := range revs {
		revs[i].Media = got[revKey{draftID, revs[i].Rev}]
	}
	return nil
}

// MediaReferenced implements media.Refs for the orphan sweeper: the subset
// of sums that at least one revision of any draft refers to (any brand,
// any state, current or not). One query per mediaChunk sums.
func (s *Store) MediaReferenced(ctx context.Context, sums []string) (map[string]bool, error) {
	out := map[string]bool{}
	for start := 0; start < len(sums); start += mediaChunk {
		part := sums[start:min(start+mediaChunk, len(sums))]
		args := make([]any, len(part))
		for i, sum := range part {
			args[i] = sum
		}
		rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT sha256 FROM revision_media WHERE sha256 IN (`+placeholders(len(part))+`)`, args...)
		if err != nil {
			return nil, wrap(err)
		}
		for rows.Next() {
			var sum string
			if err := rows.Scan(&sum); err != nil {
				rows.Close()
				return nil, wrap(err)
			}
			out[sum] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, wrap(err)
		}
	}
	return out, nil
}
