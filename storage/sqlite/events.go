package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// inboundEventTTL is how long an inbound event id is remembered: Slack
// retries for about 5 minutes, Discord not at all; a day is ample.
const inboundEventTTL = 24 * time.Hour

// FirstSeen records an inbound event key received at now and reports
// whether it was new. Keys older than a day before now are forgotten on
// the way.
func (s *Store) FirstSeen(ctx context.Context, key string, now time.Time) (bool, error) {
	var first bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM inbound_events WHERE received_at < ?`, now.Add(-inboundEventTTL).UnixMilli()); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO inbound_events (event_key, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING`, key, now.UnixMilli())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		first = n == 1
		return err
	})
	return first, err
}
