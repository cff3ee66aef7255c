package postgres

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
// brand. Under READ COMMITTED, NOT EXISTS does not wait for a pause not
// yet committed, so a claim first locks the brand's row FOR SHARE and a
// pause (or its end) takes it FOR NO KEY UPDATE: the two take turns, and
// a claim either commits before the pause or sees it.
const notPaused = `NOT EXISTS (SELECT 1 FROM brand_pauses p WHERE p.brand_id = drafts.brand_id)`

func lockBrand(ctx context.Context, tx *sql.Tx, brandID int64, mode string) error {
	_, err := tx.ExecContext(ctx, `SELECT 1 FROM brands WHERE id = $1 FOR `+mode, brandID)
	return err
}

// ClaimDue implements publish.Store.
func (s *Store) ClaimDue(ctx context.Context, c approvals.Change, ups []publish.DeliveryUpdate) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := lockBrand(ctx, tx, c.Draft.BrandID, "SHARE"); err != nil {
			return err
		}
		err := applyChange(ctx, tx, c, notPaused)
		if herald.ErrorCode(err) == herald.ECONFLICT {
			var n int
			if qerr := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM brand_pauses WHERE brand_id = $1`, c.Draft.BrandID).Scan(&n); qerr != nil {
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
		if err := lockBrand(ctx, tx, p.BrandID, "NO KEY UPDATE"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO brand_pauses (brand_id, reason, actor_platform, actor_id, actor_name, at, until_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			p.BrandID, p.Reason, p.By.Platform, p.By.UserID, p.By.Name, ms(p.At), ms(p.Until)); err != nil {
			return err
		}
		return insertAudit(ctx, tx, e)
	})
}

const pauseCols = `brand_id, reason, actor_platform, actor_id, actor_name, at, until_at`

func scanPause(row scanner) (publish.Pause, error) {
	var p publish.Pause
	var at, until int64
	err := row.Scan(&p.BrandID, &p.Reason, &p.By.Platform, &p.By.UserID, &p.By.Name, &at, &until)
	p.At, p.Until = fromMS(at), fromMS(until)
	return p, wrap(err)
}

// BrandPause implements publish.Store.
func (s *Store) BrandPause(ctx context.Context, brandID int64) (publish.Pause, error) {
	return scanPause(s.db.QueryRowContext(ctx, `SELECT `+pauseCols+` FROM brand_pauses WHERE brand_id = $1`, brandID))
}

// ExpiredPauses implements publish.Store.
func (s *Store) ExpiredPauses(ctx context.Context, now time.Time) ([]publish.Pause, error) {
	return queryAll(ctx, s.db, scanPause, `SELECT `+pauseCols+` FROM brand_pauses WHERE until_at > 0 AND until_at <= $1 ORDER BY until_at, brand_id`, ms(now))
}

// HeldCount implements publish.Store.
func (s *Store) HeldCount(ctx context.Context, brandID int64, due time.Time) (int, error) {
	var n int
	q := `SELECT COUNT(*) FROM drafts WHERE brand_id = $1 AND state = $2`
	args := []any{brandID, string(approvals.StateScheduled)}
	if !due.IsZero() {
		q += ` AND publish_at <= $3`
		args = append(args, ms(due))
	}
	err := s.db.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, wrap(err)
}

// EndPause implements publish.Store.
func (s *Store) EndPause(ctx context.Context, p publish.Pause, due time.Time, miss func(approvals.Draft) (approvals.Change, error), audit func([]approvals.Draft) approvals.AuditEntry) ([]approvals.Draft, error) {
	var out []approvals.Draft
	err := s.tx(ctx, func(tx *sql.Tx) error {
		out = nil
		if err := lockBrand(ctx, tx, p.BrandID, "NO KEY UPDATE"); err != nil {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `DELETE FROM brand_pauses WHERE brand_id = $1 AND at = $2`, p.BrandID, ms(p.At)))
		if err != nil {
			return err
		}
		if n == 0 {
			return herald.Errorf(herald.ECONFLICT, "The pause changed meanwhile.")
		}
		ds, err := queryDrafts(ctx, tx, `SELECT `+draftCols+draftFrom+` WHERE d.brand_id = $1 AND d.state = $2 AND d.publish_at <= $3 ORDER BY d.publish_at, d.id`,
			p.BrandID, string(approvals.StateScheduled), ms(due))
		if err != nil {
			return err
		}
		for _, d := range ds {
			c, err := miss(d)
			if err != nil {
				return err
			}
			if err := applyChange(ctx, tx, c, ""); err != nil {
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
	return queryAll(ctx, s.db, scanAudit, `SELECT `+auditCols+` FROM audit WHERE brand_id = $1 AND draft_id IS NULL AND action IN ($2, $3) ORDER BY id`,
		brandID, brands.AuditPause, brands.AuditResume)
}
