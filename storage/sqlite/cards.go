package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/heraldhq/herald"
)

// SaveCardRef records where a card is shown, since at (bot.CardStore).
func (s *Store) SaveCardRef(ctx context.Context, key string, ref herald.MessageRef, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO card_refs (card_key, platform, workspace, channel, message_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			key, ref.Channel.Platform, ref.Channel.Workspace, ref.Channel.Channel, ref.MessageID, at.UnixMilli())
		return err
	})
}

// CardRefs lists where a card is shown, oldest first (bot.CardStore).
func (s *Store) CardRefs(ctx context.Context, key string) ([]herald.MessageRef, error) {
	return queryAll(ctx, s.r, func(row interface{ Scan(...any) error }) (herald.MessageRef, error) {
		var r herald.MessageRef
		err := row.Scan(&r.Channel.Platform, &r.Channel.Workspace, &r.Channel.Channel, &r.MessageID)
		return r, wrap(err)
	}, `SELECT platform, workspace, channel, message_id FROM card_refs WHERE card_key = ? ORDER BY rowid`, key)
}
