package postgres

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/heraldhq/herald/storage/sqlstore"
)

// mentionCardPrefix starts the card key of a mention's card copies in
// card_refs (commands/kit.MentionKey: "mention:" + id).
const mentionCardPrefix = "mention:"

// PruneMentions implements mentions.Store. The mentions are found through
// mentions_recent (brand, found_at), locked and skipped when another
// process holds them (SKIP LOCKED: two pruners take different batches);
// their keys through mention_keys_by_mention; their card copies by card
// key. They are counted out of the rollups in the same transaction, and
// the rollup rows left empty are dropped.
func (s *Store) PruneMentions(ctx context.Context, brandID int64, before time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	n := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ids, err := queryAll(ctx, tx, func(row scanner) (int64, error) {
			var id int64
			return id, row.Scan(&id)
		}, `SELECT id FROM mentions WHERE brand_id = $1 AND found_at < $2 AND draft_id = 0
			ORDER BY found_at, id LIMIT $3 FOR UPDATE SKIP LOCKED`, brandID, before.UnixMilli(), limit)
		if err != nil || len(ids) == 0 {
			n = 0
			return err
		}
		keys := make([]string, len(ids))
		for i, id := range ids {
			keys[i] = mentionCardPrefix + strconv.FormatInt(id, 10)
		}
		if err := unrollMentions(ctx, tx, "id = ANY($1)", ids); err != nil {
			return err
		}
		hour, day := before.UnixMilli()/sqlstore.HourMS, before.UnixMilli()/sqlstore.DayMS
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`DELETE FROM mention_keys WHERE mention_id = ANY($1)`, []any{ids}},
			{`DELETE FROM card_refs WHERE card_key = ANY($1)`, []any{keys}},
			{`DELETE FROM mentions WHERE id = ANY($1)`, []any{ids}},
			// The rollups of what is gone: counted out above, emptied rows dropped.
			{`DELETE FROM mention_counts WHERE brand_id = $1 AND hour <= $2 AND n <= 0`, []any{brandID, hour}},
			{`DELETE FROM mention_day_counts WHERE brand_id = $1 AND day <= $2 AND n <= 0`, []any{brandID, day}},
			{`DELETE FROM mention_authors WHERE brand_id = $1 AND day <= $2 AND n <= 0`, []any{brandID, day}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
