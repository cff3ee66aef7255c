package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/storage/sqlstore"
)

// tallySQL is the PostgreSQL text of the queries sqlstore.Tally runs.
var tallySQL = &sqlstore.TallySQL{
	NoMention: `SELECT 1 FROM mentions WHERE brand_id = $1 AND found_at >= $2 AND found_at < $3 LIMIT 1`,
	SumDays: `SELECT state, sources, SUM(n)::bigint FROM mention_day_counts WHERE brand_id = $1 AND day >= $2 AND day < $3
		GROUP BY state, sources`,
	SumHours: `SELECT state, sources, SUM(n)::bigint FROM mention_counts WHERE brand_id = $1 AND hour >= $2 AND hour < $3
		GROUP BY state, sources`,
	RawCounts:  `SELECT state, sources, 1 FROM mentions WHERE brand_id = $1 AND found_at >= $2 AND found_at < $3`,
	RawAuthors: `SELECT author FROM mentions WHERE brand_id = $1 AND found_at >= $2 AND found_at < $3 AND author <> '' ORDER BY found_at, id`,
	DayAuthors: dayAuthors + ` ORDER BY day, first_at`,
	DayAuthorsIn: func(folded []string) (string, []any) {
		return dayAuthors + ` AND folded = ANY($4) ORDER BY day, first_at`, []any{folded}
	},
	TopAuthors: `SELECT folded, SUM(n)::bigint AS c FROM mention_authors WHERE brand_id = $1 AND day >= $2 AND day < $3
		GROUP BY folded ORDER BY c DESC LIMIT $4`,
}

const dayAuthors = `SELECT author, folded, n FROM mention_authors WHERE brand_id = $1 AND day >= $2 AND day < $3 AND n <> 0`

// Tally implements mentions.Store. It reads the rollups for the whole
// hours (counts) and days (authors) of the period and the mentions
// themselves for the parts of an hour or day at its ends (sqlstore.Tally),
// all in one read transaction (REPEATABLE READ: one snapshot), so the
// figures are those of one moment.
func (s *Store) Tally(ctx context.Context, brandID int64, since, until time.Time, top int) (mentions.Tally, error) {
	t := mentions.Tally{ByState: map[mentions.State]int{}, BySource: map[string]int{}}
	lo, hi := sqlstore.Window(since, until)
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return t, wrap(err)
	}
	defer tx.Rollback()
	if t, err = sqlstore.Tally(ctx, tx, tallySQL, brandID, lo, hi, top); err != nil {
		return t, wrap(err)
	}
	t.Newest, err = queryAll(ctx, tx, scanMention, `SELECT `+mentionCols+` FROM mentions WHERE brand_id = $1 AND found_at >= $2 AND found_at < $3
		AND state IN ('new', 'claimed') ORDER BY found_at DESC, id DESC LIMIT $4`, brandID, lo, hi, top)
	return t, err
}
