package sqlite

import (
	"context"
	"database/sql"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish"
)

// Uploads implements publish.Store.
func (s *Store) Uploads(ctx context.Context, draftID int64, rev int, t herald.Target) ([]publish.Upload, error) {
	return queryAll(ctx, s.r, scanUpload, `SELECT sha256, media_id, uploaded_at, valid_until FROM uploads
		WHERE draft_id = ? AND rev = ? AND target = ? ORDER BY uploaded_at, sha256`, draftID, rev, t.String())
}

func scanUpload(row interface{ Scan(...any) error }) (publish.Upload, error) {
	var u publish.Upload
	var at, until int64
	err := row.Scan(&u.SHA256, &u.ID, &at, &until)
	u.At, u.Until = fromMS(at), fromMS(until)
	return u, wrap(err)
}

// PutUpload implements publish.Store.
func (s *Store) PutUpload(ctx context.Context, draftID int64, rev int, t herald.Target, u publish.Upload) error {
	if u.SHA256 == "" || u.ID == "" {
		return herald.Errorf(herald.EINVALID, "An upload needs the item's SHA-256 and the network's media id.")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO uploads (draft_id, rev, target, sha256, media_id, uploaded_at, valid_until)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (draft_id, rev, target, sha256) DO UPDATE SET media_id = excluded.media_id,
				uploaded_at = excluded.uploaded_at, valid_until = excluded.valid_until`,
			draftID, rev, t.String(), u.SHA256, u.ID, ms(u.At), ms(u.Until))
		return err
	})
}
