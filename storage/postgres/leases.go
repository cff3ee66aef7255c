package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/heraldhq/herald/publish"
)

// workable is the condition of a delivery Herald has work on at $2
// (WorkDeliveries) that owner $1 may lease: no other owner's lease on it
// or on another unfinished delivery of its draft lasts past $2.
const workable = `((d.state = 'pending' AND d.next_at <= $2) OR d.state IN ('sending', 'checking'))
	AND (d.lease_owner = $1 OR d.lease_until <= $2)
	AND NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.draft_id = d.draft_id AND o.lease_owner NOT IN ('', $1)
		AND o.lease_until > $2 AND o.state IN ('pending', 'sending', 'checking'))`

// LeaseDeliveries implements publish.Store: one statement that locks the
// rows it picks with FOR UPDATE SKIP LOCKED (a row another replica is
// leasing at the same moment is passed over, not waited for) and sets
// their lease.
func (s *Store) LeaseDeliveries(ctx context.Context, owner string, now, until time.Time, limit int) ([]publish.Delivery, error) {
	return queryAll(ctx, s.db, scanDelivery, `WITH picked AS (
			SELECT d.draft_id, d.rev, d.target FROM deliveries d WHERE `+workable+`
			ORDER BY d.next_at, d.draft_id, d.seq LIMIT $4 FOR UPDATE OF d SKIP LOCKED),
		leased AS (
			UPDATE deliveries u SET lease_owner = $1, lease_until = $3 FROM picked p
			WHERE u.draft_id = p.draft_id AND u.rev = p.rev AND u.target = p.target
			RETURNING `+prefixed("u.", deliveryCols)+`, u.seq)
		SELECT `+deliveryCols+` FROM leased ORDER BY next_at, draft_id, seq`,
		owner, ms(now), ms(until), limit)
}

// prefixed qualifies each column of the list cols with p.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// RenewLeases implements publish.Store.
func (s *Store) RenewLeases(ctx context.Context, owner string, keys []string, until time.Time) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	n, err := affected(s.db.ExecContext(ctx, `UPDATE deliveries SET lease_until = $3 WHERE lease_owner = $1 AND key = ANY($2)`,
		owner, keys, ms(until)))
	return len(keys) - int(n), wrap(err)
}

// ReleaseLeases implements publish.Store.
func (s *Store) ReleaseLeases(ctx context.Context, owner string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `UPDATE deliveries SET lease_owner = '', lease_until = 0 WHERE lease_owner = $1 AND key = ANY($2)`, owner, keys)
	return wrap(err)
}

// LeaseCounts implements publish.Store.
func (s *Store) LeaseCounts(ctx context.Context, owner string, now time.Time) (mine, others int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE lease_owner = $1), COUNT(*) FILTER (WHERE lease_owner <> $1)
		FROM deliveries WHERE lease_owner <> '' AND lease_until > $2 AND state IN ('pending', 'sending', 'checking')`,
		owner, ms(now)).Scan(&mine, &others)
	return mine, others, wrap(err)
}
