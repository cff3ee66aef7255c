package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/publish"
)

// notPaused is the condition of a claim: no pause row for the draft's
// brand. It is part of the claim's UPDATE, so SQLite's single writer
// orders it against the pause's INSERT. On PostgreSQL under READ
// COMMITTED, NOT EXISTS does not wait for an uncommitted INSERT: a claim
// could check before a pause commits and commit after it. There the
// claim must lock the brand's row (FOR SHARE) and the pause take it FOR
// UPDATE, or both run SERIALIZABLE.
const notPaused = `NOT EXISTS (SELECT 1 FROM brand_pauses p WHERE p.brand_id = drafts.brand_id)`

// ClaimDue implements publish.Store.
func (s *Store) ClaimDue(ctx context.Context, c approvals.Change, ups []publish.DeliveryUpdate) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		err := applyChangeIf(ctx, tx, c, notPaused)
		if herald.ErrorCode(err) == herald.ECONFLICT {
			var n int
			if qerr := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM brand_pauses WHERE brand_id = ?`, c.Draft.BrandID).Scan(&n); qerr != nil {
				return qerr
			}
			if n > 0 {
				return herald.Errorf(herald.ECONFLICT, "The brand's publishing is paused.").
					Because(publish.ReasonPaused, herald.Facts{"draft": c.Draft.ID})
			}
		}
		if err != nil {
			return err
		}
		return saveDeliveries(ctx, tx, ups)
	})
}

// Pause implements publish.Store.
func (s *Store) Pause(ctx context.Context, p publish.Pause, e approvals.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO brand_pauses (brand_id, reason, actor_platform, actor_id, actor_name, at, until_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			p.BrandID, p.Reason, p.By.Platform, p.By.UserID, p.By.Name, ms(p.At), ms(p.Until)); err != nil {
			return err
		}
		return insertAudit(ctx, tx, e)
	})
}

const pauseCols = `brand_id, reason, actor_platform, actor_id, actor_name, at, until_at`

func scanPause(row interface{ Scan(...any) error }) (publish.Pause, error) {
	var p publish.Pause
	var at, until int64
	err := row.Scan(&p.BrandID, &p.Reason, &p.By.Platform, &p.By.UserID, &p.By.Name, &at, &until)
	p.At, p.Until = fromMS(at), fromMS(until)
	return p, wrap(err)
}

// BrandPause implements publish.Store.
func (s *Store) BrandPause(ctx context.Context, brandID int64) (publish.Pause, error) {
	return scanPause(s.r.QueryRowContext(ctx, `SELECT `+pauseCols+` FROM brand_pauses WHERE brand_id = ?`, brandID))
}

// ExpiredPauses implements publish.Store.
func (s *Store) ExpiredPauses(ctx context.Context, now time.Time) ([]publish.Pause, error) {
	return queryAll(ctx, s.r, scanPause, `SELECT `+pauseCols+` FROM brand_pauses WHERE until_at > 0 AND until_at <= ? ORDER BY until_at, brand_id`, ms(now))
}

// HeldCount implements publish.Store.
func (s *Store) HeldCount(ctx context.Context, brandID int64, due time.Time) (int, error) {
	var n int
	q := `SELECT COUNT(*) FROM drafts WHERE brand_id = ? AND state = ?`
	args := []any{brandID, string(approvals.StateScheduled)}
	if !due.IsZero() {
		q += ` AND publish_at <= ?`
		args = append(args, ms(due))
	}
	err := s.r.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, wrap(err)
}

// EndPause implements publish.Store.
func (s *Store) EndPause(ctx context.Context, p publish.Pause, due time.Time, miss func(approvals.Draft) (approvals.Change, error), audit func([]approvals.Draft) approvals.AuditEntry) ([]approvals.Draft, error) {
	var out []approvals.Draft
	err := s.tx(ctx, func(tx *sql.Tx) error {
		out = nil
		res, err := tx.ExecContext(ctx, `DELETE FROM brand_pauses WHERE brand_id = ? AND at = ?`, p.BrandID, ms(p.At))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return herald.Errorf(herald.ECONFLICT, "The pause changed meanwhile.")
		}
		ds, err := queryDrafts(ctx, tx, `SELECT `+draftCols+draftFrom+` WHERE d.brand_id = ? AND d.state = ? AND d.publish_at <= ? ORDER BY d.publish_at, d.id`,
			p.BrandID, string(approvals.StateScheduled), ms(due))
		if err != nil {
			return err
		}
		for _, d := range ds {
			c, err := miss(d)
			if err != nil {
				return err
			}
			if err := applyChange(ctx, tx, c); err != nil {
				return err
			}
			out = append(out, c.Draft)
		}
		return insertAudit(ctx, tx, audit(out))
	})
	return out, err
}

// PauseAudit implements publish.Store.
func (s *Store) PauseAudit(ctx context.Context, brandID int64) ([]approvals.AuditEntry, error) {
	return queryAll(ctx, s.r, scanAudit, `SELECT `+auditCols+` FROM audit WHERE brand_id = ? AND draft_id IS NULL AND action IN (?, ?) ORDER BY id`,
		brandID, brands.AuditPause, brands.AuditResume)
}
