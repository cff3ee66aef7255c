package postgres

import (
	"context"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish"
)

// Uploads implements publish.Store.
func (s *Store) Uploads(ctx context.Context, draftID int64, rev int, t herald.Target) ([]publish.Upload, error) {
	return queryAll(ctx, s.db, func(row scanner) (publish.Upload, error) {
		var u publish.Upload
		var at, until int64
		err := row.Scan(&u.SHA256, &u.ID, &at, &until)
		u.At, u.Until = fromMS(at), fromMS(until)
		return u, wrap(err)
	}, `SELECT sha256, media_id, uploaded_at, valid_until FROM uploads
		WHERE draft_id = $1 AND rev = $2 AND target = $3 ORDER BY uploaded_at, sha256`, draftID, rev, t.String())
}

// PutUpload implements publish.Store: recorded before the post is made, so
// a retry (on any process) reuses the network's media id.
func (s *Store) PutUpload(ctx context.Context, draftID int64, rev int, t herald.Target, u publish.Upload) error {
	if u.SHA256 == "" || u.ID == "" {
		return herald.Errorf(herald.EINVALID, "An upload needs the item's SHA-256 and the network's media id.")
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO uploads (draft_id, rev, target, sha256, media_id, uploaded_at, valid_until)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (draft_id, rev, target, sha256) DO UPDATE SET media_id = excluded.media_id,
			uploaded_at = excluded.uploaded_at, valid_until = excluded.valid_until`,
		draftID, rev, t.String(), u.SHA256, u.ID, ms(u.At), ms(u.Until))
	return wrap(err)
}
