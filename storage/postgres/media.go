package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/media"
)

// insertMedia stores the media of revision rev of draft draftID, in order
// (positions from 1), in the revision's transaction: one statement.
func insertMedia(ctx context.Context, tx *sql.Tx, draftID int64, rev int, items []media.Item) error {
	if len(items) == 0 {
		return nil
	}
	var sums, types, names, alts []string
	var sizes, widths, heights, durations []int64
	for _, m := range items {
		sums, types, names, alts = append(sums, m.SHA256), append(types, m.Type), append(names, m.Name), append(alts, m.Alt)
		sizes, widths, heights = append(sizes, m.Size), append(widths, int64(m.Width)), append(heights, int64(m.Height))
		durations = append(durations, m.Duration.Milliseconds())
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO revision_media (draft_id, rev, position, sha256, type, size, width, height, duration_ms, name, alt)
		SELECT $1, $2, ord, sha, typ, sz, w, h, dur, nm, alt
		FROM unnest($3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::text[], $10::text[])
			WITH ORDINALITY AS m(sha, typ, sz, w, h, dur, nm, alt, ord)`,
		draftID, rev, sums, types, sizes, widths, heights, durations, names, alts)
	return err
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
	out := map[revKey][]media.Item{}
	_, err := queryAll(ctx, db, func(row scanner) (struct{}, error) {
		var k revKey
		var m media.Item
		var dur int64
		err := row.Scan(&k.draft, &k.rev, &m.SHA256, &m.Type, &m.Size, &m.Width, &m.Height, &dur, &m.Name, &m.Alt)
		m.Duration = time.Duration(dur) * time.Millisecond
		out[k] = append(out[k], m)
		return struct{}{}, wrap(err)
	}, q, args...)
	return out, err
}

// revisionMedia returns the media of one revision, in order.
func revisionMedia(ctx context.Context, db querier, draftID int64, rev int) ([]media.Item, error) {
	got, err := queryMedia(ctx, db, `SELECT `+mediaCols+` FROM revision_media WHERE draft_id = $1 AND rev = $2 ORDER BY position`, draftID, rev)
	return got[revKey{draftID, rev}], err
}

// queryDrafts runs q (selecting draftCols from draftFrom) and reads the
// media of every draft's current revision in one more query (the pairs as
// two arrays). Revisions are immutable, so the pairs read with the drafts
// name exactly their media.
func queryDrafts(ctx context.Context, db querier, q string, args ...any) ([]approvals.Draft, error) {
	ds, err := queryAll(ctx, db, scanDraft, q, args...)
	if err != nil || len(ds) == 0 {
		return ds, err
	}
	ids, revs := make([]int64, len(ds)), make([]int64, len(ds))
	for i, d := range ds {
		ids[i], revs[i] = d.ID, int64(d.Rev)
	}
	got, err := queryMedia(ctx, db, `SELECT `+mediaCols+` FROM revision_media
		WHERE (draft_id, rev) IN (SELECT * FROM unnest($1::bigint[], $2::int[])) ORDER BY draft_id, rev, position`, ids, revs)
	for i := range ds {
		ds[i].Media = got[revKey{ds[i].ID, ds[i].Rev}]
	}
	return ds, err
}

// fillRevisionMedia sets the media of a draft's revisions, in one query.
func fillRevisionMedia(ctx context.Context, db querier, draftID int64, revs []approvals.Revision) error {
	if len(revs) == 0 {
		return nil
	}
	got, err := queryMedia(ctx, db, `SELECT `+mediaCols+` FROM revision_media WHERE draft_id = $1 ORDER BY rev, position`, draftID)
	for i := range revs {
		revs[i].Media = got[revKey{draftID, revs[i].Rev}]
	}
	return err
}

// MediaReferenced implements media.Refs for the orphan sweeper: the subset
// of sums that at least one revision of any draft refers to (any brand,
// any state, current or not), in one query.
func (s *Store) MediaReferenced(ctx context.Context, sums []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(sums) == 0 {
		return out, nil
	}
	found, err := queryAll(ctx, s.db, func(row scanner) (string, error) {
		var sum string
		return sum, wrap(row.Scan(&sum))
	}, `SELECT DISTINCT sha256 FROM revision_media WHERE sha256 = ANY($1)`, sums)
	for _, sum := range found {
		out[sum] = true
	}
	return out, err
}
