package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald/mentions"
)

// settingsKeepDays is a brand's retention in days in a query joining
// listen_settings as ls: the default for a brand without a row.
var settingsKeepDays = "COALESCE(ls.keep_days, " + strconv.Itoa(int(mentions.DefaultKeep/(24*time.Hour))) + ")"

// KeepSettings implements mentions.Store.
func (s *Store) KeepSettings(ctx context.Context) ([]mentions.Settings, error) {
	return queryAll(ctx, s.r, scanSettings, `SELECT b.id, COALESCE(ls.langs, ''), COALESCE(ls.digest_at, '`+mentions.DefaultDigestAt+`'),
		COALESCE(ls.triage, 0), COALESCE(ls.last_digest, ''), `+settingsKeepDays+`
		FROM brands b LEFT JOIN listen_settings ls ON ls.brand_id = b.id ORDER BY b.id`)
}

// mentionCardPrefix starts the card key of a mention's card copies in
// card_refs (commands/kit.MentionKey: "mention:" + id).
const mentionCardPrefix = "mention:"

// PruneMentions implements mentions.Store. The mentions are found through
// mentions_recent (brand, found_at); their keys through
// mention_keys_by_mention; their card copies by card key. They are counted
// out of the rollups in the same transaction (the summaries agree with the
// mentions kept), and the rollup rows left empty are dropped.
func (s *Store) PruneMentions(ctx context.Context, brandID int64, before time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	n := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ids, err := oldMentions(ctx, tx, brandID, before, limit)
		if err != nil || len(ids) == 0 {
			return err
		}
		args, keys := make([]any, len(ids)), make([]any, len(ids))
		for i, id := range ids {
			args[i], keys[i] = id, mentionCardPrefix+strconv.FormatInt(id, 10)
		}
		in := "(?" + strings.Repeat(", ?", len(ids)-1) + ")"
		if err := unrollMentions(ctx, tx, "id IN "+in, args...); err != nil {
			return err
		}
		hour, day := before.UnixMilli()/3600000, before.UnixMilli()/86400000
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`DELETE FROM mention_keys WHERE mention_id IN ` + in, args},
			{`DELETE FROM card_refs WHERE card_key IN ` + in, keys},
			{`DELETE FROM mentions WHERE id IN ` + in, args},
			// The rollups of what is gone: counted out above, emptied rows dropped.
			{`DELETE FROM mention_counts WHERE brand_id = ? AND hour <= ? AND n <= 0`, []any{brandID, hour}},
			{`DELETE FROM mention_day_counts WHERE brand_id = ? AND day <= ? AND n <= 0`, []any{brandID, day}},
			{`DELETE FROM mention_authors WHERE brand_id = ? AND day <= ? AND n <= 0`, []any{brandID, day}},
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

// oldMentions returns the ids of at most limit of the brand's mentions
// found before before, oldest first, that no reply draft is linked to.
func oldMentions(ctx context.Context, tx *sql.Tx, brandID int64, before time.Time, limit int) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM mentions WHERE brand_id = ? AND found_at < ? AND draft_id = 0
		ORDER BY found_at, id LIMIT ?`, brandID, before.UnixMilli(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make([]int64, 0, limit)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
