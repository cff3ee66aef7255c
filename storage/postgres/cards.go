package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/heraldhq/herald"
)

// SaveCardRef records where a card is shown, since at (bot.CardStore).
func (s *Store) SaveCardRef(ctx context.Context, key string, ref herald.MessageRef, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO card_refs (card_key, platform, workspace, channel, message_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
		key, ref.Channel.Platform, ref.Channel.Workspace, ref.Channel.Channel, ref.MessageID, at.UnixMilli())
	return wrap(err)
}

// CardRefs lists where a card is shown, oldest first (bot.CardStore).
func (s *Store) CardRefs(ctx context.Context, key string) ([]herald.MessageRef, error) {
	return queryAll(ctx, s.db, func(row scanner) (herald.MessageRef, error) {
		var r herald.MessageRef
		err := row.Scan(&r.Channel.Platform, &r.Channel.Workspace, &r.Channel.Channel, &r.MessageID)
		return r, wrap(err)
	}, `SELECT platform, workspace, channel, message_id FROM card_refs WHERE card_key = $1 ORDER BY seq`, key)
}

// inboundEventTTL is how long an inbound event id is remembered: Slack
// retries for about 5 minutes, Discord not at all; a day is ample.
const inboundEventTTL = 24 * time.Hour

// FirstSeen records an inbound event key received at now and reports
// whether it was new (bot.Deduper). The key's row is the deduplication,
// so a retry that reaches another process sharing the database is seen
// too. Keys older than a day before now are forgotten on the way.
func (s *Store) FirstSeen(ctx context.Context, key string, now time.Time) (bool, error) {
	var first bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM inbound_events WHERE received_at < $1`, now.Add(-inboundEventTTL).UnixMilli()); err != nil {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `INSERT INTO inbound_events (event_key, received_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, key, now.UnixMilli()))
		first = n == 1
		return err
	})
	return first, err
}
