package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
)

var _ assist.Store = (*Store)(nil)

// Guidelines implements assist.Store.
func (s *Store) Guidelines(ctx context.Context, brandID int64) (assist.Guidelines, error) {
	var body string
	var version int64
	err := s.db.QueryRowContext(ctx, `SELECT body, version FROM guidelines WHERE brand_id = $1`, brandID).Scan(&body, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return assist.Guidelines{}, nil
	}
	if err != nil {
		return assist.Guidelines{}, wrap(err)
	}
	var g assist.Guidelines
	if err := json.Unmarshal([]byte(body), &g); err != nil {
		return assist.Guidelines{}, herald.Internal(err)
	}
	g.Version = version
	return g, nil
}

// SaveGuidelines implements assist.Store: a compare-and-set on version
// (an insert at version 0), with the audit row, in one transaction.
func (s *Store) SaveGuidelines(ctx context.Context, brandID int64, g assist.Guidelines, e assist.AuditEntry) error {
	body, err := json.Marshal(g)
	if err != nil {
		return herald.Internal(err)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var n int64
		var err error
		if g.Version == 0 {
			n, err = affected(tx.ExecContext(ctx, `INSERT INTO guidelines (brand_id, body, version, updated_at) VALUES ($1, $2, 1, $3)
				ON CONFLICT (brand_id) DO NOTHING`, brandID, string(body), ms(e.At)))
		} else {
			n, err = affected(tx.ExecContext(ctx, `UPDATE guidelines SET body = $1, version = version + 1, updated_at = $2
				WHERE brand_id = $3 AND version = $4`, string(body), ms(e.At), brandID, g.Version))
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return herald.Errorf(herald.ECONFLICT, "The guidelines were changed meanwhile; look at them again.")
		}
		return insertAudit(ctx, tx, approvals.AuditEntry{BrandID: brandID, Action: e.Action, Actor: e.Actor, Detail: e.Detail, At: e.At})
	})
}

// GuidelinesLog implements assist.Store.
func (s *Store) GuidelinesLog(ctx context.Context, brandID int64) ([]assist.AuditEntry, error) {
	return queryAll(ctx, s.db, func(row scanner) (assist.AuditEntry, error) {
		var e assist.AuditEntry
		var at int64
		err := row.Scan(&e.BrandID, &e.Action, &e.Actor.Platform, &e.Actor.UserID, &e.Actor.Name, &e.Detail, &at)
		e.At = fromMS(at)
		return e, wrap(err)
	}, `SELECT brand_id, action, actor_platform, actor_id, actor_name, detail, at FROM audit
		WHERE brand_id = $1 AND draft_id IS NULL AND action = $2 ORDER BY id`, brandID, assist.AuditGuidelines)
}
