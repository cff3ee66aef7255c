package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/heraldhq/herald/publish"
)

// workable is the condition of a delivery Herald has work on at now
// (WorkDeliveries) that owner may lease: no other owner's lease on it or
// on another unfinished delivery of its draft lasts past now. Its
// parameters are named: :owner, :now.
const workable = `((d.state = 'pending' AND d.next_at <= :now) OR d.state IN ('sending', 'checking'))
	AND (d.lease_owner = :owner OR d.lease_until <= :now)
	AND NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.draft_id = d.draft_id AND o.lease_owner NOT IN ('', :owner)
		AND o.lease_until > :now AND o.state IN ('pending', 'sending', 'checking'))`

// LeaseDeliveries implements publish.Store in one write transaction
// (SQLite's writer is alone: no other lease is taken meanwhile).
func (s *Store) LeaseDeliveries(ctx context.Context, owner string, now, until time.Time, limit int) ([]publish.Delivery, error) {
	var out []publish.Delivery
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET lease_owner = :owner, lease_until = :until WHERE rowid IN (
			SELECT d.rowid FROM deliveries d WHERE `+workable+` ORDER BY d.next_at, d.draft_id, d.rowid LIMIT :limit)`,
			sql.Named("owner", owner), sql.Named("now", ms(now)), sql.Named("until", ms(until)), sql.Named("limit", limit)); err != nil {
			return err
		}
		var err error
		out, err = queryAll(ctx, tx, scanDelivery, `SELECT `+deliveryCols+` FROM deliveries
			WHERE lease_owner = ? AND lease_until = ? AND ((state = 'pending' AND next_at <= ?) OR state IN ('sending', 'checking'))
			ORDER BY next_at, draft_id, rowid LIMIT ?`, owner, ms(until), ms(now), limit)
		return err
	})
	return out, err
}

// keyList is keys as a JSON array, for key IN (SELECT value FROM json_each(?)).
func keyList(keys []string) string {
	b, _ := json.Marshal(keys)
	return string(b)
}

// RenewLeases implements publish.Store.
func (s *Store) RenewLeases(ctx context.Context, owner string, keys []string, until time.Time) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET lease_until = ? WHERE lease_owner = ? AND key IN (SELECT value FROM json_each(?))`,
			ms(until), owner, keyList(keys))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return len(keys) - int(n), err
}

// ReleaseLeases implements publish.Store.
func (s *Store) ReleaseLeases(ctx context.Context, owner string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE deliveries SET lease_owner = '', lease_until = 0 WHERE lease_owner = ? AND key IN (SELECT value FROM json_each(?))`,
			owner, keyList(keys))
		return err
	})
}

// LeaseCounts implements publish.Store.
func (s *Store) LeaseCounts(ctx context.Context, owner string, now time.Time) (mine, others int, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(lease_owner = ?), 0), COALESCE(SUM(lease_owner <> ?), 0)
		FROM deliveries WHERE lease_owner <> '' AND lease_until > ? AND state IN ('pending', 'sending', 'checking')`,
		owner, owner, ms(now)).Scan(&mine, &others)
	return mine, others, wrap(err)
}
