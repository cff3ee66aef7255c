package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/publish"
)

var _ publish.Store = (*Store)(nil)

// DueDrafts implements publish.Store.
func (s *Store) DueDrafts(ctx context.Context, now time.Time, limit int) ([]approvals.Draft, error) {
	return queryDrafts(ctx, s.r, `SELECT `+draftCols+draftFrom+` WHERE d.state = ? AND d.publish_at <= ?
		AND NOT EXISTS (SELECT 1 FROM brand_pauses p WHERE p.brand_id = d.brand_id) ORDER BY d.publish_at, d.id LIMIT ?`,
		string(approvals.StateScheduled), ms(now), limit)
}

// SaveDeliveries implements publish.Store.
func (s *Store) SaveDeliveries(ctx context.Context, c *approvals.Change, ups []publish.DeliveryUpdate) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if c != nil {
			if err := applyChange(ctx, tx, *c); err != nil {
				return err
			}
		}
		return saveDeliveries(ctx, tx, ups)
	})
}

func saveDeliveries(ctx context.Context, tx *sql.Tx, ups []publish.DeliveryUpdate) error {
	for _, u := range ups {
		if err := saveDelivery(ctx, tx, u); err != nil {
			return err
		}
	}
	return nil
}

func saveDelivery(ctx context.Context, tx *sql.Tx, u publish.DeliveryUpdate) error {
	d := u.Delivery
	if u.Insert {
		_, err := tx.ExecContext(ctx, `INSERT INTO deliveries (draft_id, rev, brand_id, target, key, due_at, state, attempts, next_at, first_sent_at, sent_at, external_id, url, error, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.DraftID, d.Rev, d.BrandID, d.Target.String(), d.Key, ms(d.Due), string(d.State), d.Attempts, ms(d.NextAt), ms(d.FirstSent), ms(d.SentAt),
			d.Receipt.ID, d.Receipt.URL, d.Error, ms(d.UpdatedAt))
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = ?, attempts = ?, next_at = ?, first_sent_at = ?, sent_at = ?, external_id = ?, url = ?, error = ?, updated_at = ?
		WHERE draft_id = ? AND rev = ? AND target = ? AND state = ? AND attempts = ?`,
		string(d.State), d.Attempts, ms(d.NextAt), ms(d.FirstSent), ms(d.SentAt), d.Receipt.ID, d.Receipt.URL, d.Error, ms(d.UpdatedAt),
		d.DraftID, d.Rev, d.Target.String(), string(u.From), u.FromAttempts)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return herald.Errorf(herald.ECONFLICT, "The delivery of draft #%d to %s changed meanwhile.", d.DraftID, d.Target)
	}
	return nil
}

const deliveryCols = `draft_id, rev, brand_id, target, key, due_at, state, attempts, next_at, first_sent_at, sent_at, external_id, url, error, updated_at`

func scanDelivery(row interface{ Scan(...any) error }) (publish.Delivery, error) {
	var d publish.Delivery
	var target, state string
	var due, next, first, sent, updated int64
	err := row.Scan(&d.DraftID, &d.Rev, &d.BrandID, &target, &d.Key, &due, &state, &d.Attempts, &next, &first, &sent,
		&d.Receipt.ID, &d.Receipt.URL, &d.Error, &updated)
	if err != nil {
		return d, wrap(err)
	}
	d.State = publish.DeliveryState(state)
	d.Due, d.NextAt, d.FirstSent, d.SentAt, d.UpdatedAt = fromMS(due), fromMS(next), fromMS(first), fromMS(sent), fromMS(updated)
	d.Target, err = herald.ParseTarget(target)
	return d, wrap(err)
}

// Deliveries implements publish.Store.
func (s *Store) Deliveries(ctx context.Context, draftID int64) ([]publish.Delivery, error) {
	return queryAll(ctx, s.r, scanDelivery, `SELECT `+deliveryCols+` FROM deliveries WHERE draft_id = ? ORDER BY rev, rowid`, draftID)
}

// WorkDeliveries implements publish.Store.
func (s *Store) WorkDeliveries(ctx context.Context, now time.Time, limit int) ([]publish.Delivery, error) {
	return queryAll(ctx, s.r, scanDelivery, `SELECT `+deliveryCols+` FROM deliveries
		WHERE (state = 'pending' AND next_at <= ?) OR state IN ('sending', 'checking')
		ORDER BY next_at, draft_id, rowid LIMIT ?`, ms(now), limit)
}

// Revision implements publish.Store.
func (s *Store) Revision(ctx context.Context, draftID int64, rev int) (approvals.Revision, error) {
	r, err := scanRevision(s.r.QueryRowContext(ctx, `SELECT `+revisionCols+` FROM revisions WHERE draft_id = ? AND rev = ?`, draftID, rev))
	if err != nil {
		return r, err
	}
	r.Media, err = revisionMedia(ctx, s.r, draftID, rev)
	return r, err
}

// PutAccount implements publish.Store.
func (s *Store) PutAccount(ctx context.Context, a publish.Account, e approvals.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := putAccount(ctx, tx, a, e.At); err != nil {
			return err
		}
		return insertAudit(ctx, tx, e)
	})
}

// Account implements publish.Store.
func (s *Store) Account(ctx context.Context, brandID int64, t herald.Target) (publish.Account, error) {
	return scanAccount(s.r.QueryRowContext(ctx, `SELECT `+accountCols+` FROM accounts WHERE brand_id = ? AND kind = ? AND name = ?`, brandID, t.Kind, t.Name))
}

// Accounts implements publish.Store.
func (s *Store) Accounts(ctx context.Context, brandID int64) ([]publish.Account, error) {
	return queryAll(ctx, s.r, scanAccount, `SELECT `+accountCols+` FROM accounts WHERE brand_id = ? ORDER BY kind, name`, brandID)
}

// DeleteAccount implements publish.Store.
func (s *Store) DeleteAccount(ctx context.Context, brandID int64, t herald.Target, e approvals.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE brand_id = ? AND kind = ? AND name = ?`, brandID, t.Kind, t.Name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return herald.Errorf(herald.ENOTFOUND, "no such target")
		}
		return insertAudit(ctx, tx, e)
	})
}

// AllAccounts implements publish.Store.
func (s *Store) AllAccounts(ctx context.Context) ([]publish.Account, error) {
	return queryAll(ctx, s.r, scanAccount, `SELECT `+accountCols+` FROM accounts ORDER BY brand_id, kind, name`)
}

// RewriteAccounts implements publish.Store. The writer deletes securely
// (secure_delete), so a rewritten value's old bytes do not stay in the
// page; Scrub then clears the write-ahead log.
func (s *Store) RewriteAccounts(ctx context.Context, f func(publish.Account) (publish.Account, bool, error)) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		as, err := queryAll(ctx, tx, scanAccount, `SELECT `+accountCols+` FROM accounts ORDER BY brand_id, kind, name`)
		if err != nil {
			return err
		}
		for _, a := range as {
			b, ok, err := f(a)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE accounts SET url = ?, secret = ?, refresh = ? WHERE brand_id = ? AND kind = ? AND name = ?`,
				b.URL, b.Secret, b.Conn.Refresh, a.BrandID, a.Target.Kind, a.Target.Name); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetCalendarToken implements publish.Store.
func (s *Store) SetCalendarToken(ctx context.Context, brandID int64, token string, e approvals.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendars WHERE brand_id = ?`, brandID); err != nil {
			return err
		}
		if token != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO calendars (brand_id, token, created_at) VALUES (?, ?, ?)`, brandID, token, ms(e.At)); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, e)
	})
}

// CalendarToken implements publish.Store.
func (s *Store) CalendarToken(ctx context.Context, brandID int64) (string, error) {
	var tok string
	err := s.r.QueryRowContext(ctx, `SELECT token FROM calendars WHERE brand_id = ?`, brandID).Scan(&tok)
	return tok, wrap(err)
}

// CalendarBrand implements publish.Store.
func (s *Store) CalendarBrand(ctx context.Context, token string) (int64, error) {
	var id int64
	err := s.r.QueryRowContext(ctx, `SELECT brand_id FROM calendars WHERE token = ?`, token).Scan(&id)
	return id, wrap(err)
}

// Reminder implements publish.Store.
func (s *Store) Reminder(ctx context.Context, draftID int64) (publish.Reminder, error) {
	r := publish.Reminder{DraftID: draftID}
	var at int64
	err := s.r.QueryRowContext(ctx, `SELECT version, at FROM reminders WHERE draft_id = ?`, draftID).Scan(&r.Version, &at)
	r.At = fromMS(at)
	return r, wrap(err)
}

// PutReminder implements publish.Store.
func (s *Store) PutReminder(ctx context.Context, r publish.Reminder) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO reminders (draft_id, version, at) VALUES (?, ?, ?)
			ON CONFLICT (draft_id) DO UPDATE SET version = excluded.version, at = excluded.at`, r.DraftID, r.Version, ms(r.At))
		return err
	})
}
