package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/storage/sqlstore"
)

// querier is what reads need of a pool or a transaction.
type querier = sqlstore.Querier

// tallySQL is the SQLite text of the queries sqlstore.Tally runs.
var tallySQL = &sqlstore.TallySQL{
	NoMention: `SELECT 1 FROM mentions WHERE brand_id = ? AND found_at >= ? AND found_at < ? LIMIT 1`,
	SumDays: `SELECT state, sources, SUM(n) FROM mention_day_counts WHERE brand_id = ? AND day >= ? AND day < ?
		GROUP BY state, sources`,
	SumHours: `SELECT state, sources, SUM(n) FROM mention_counts WHERE brand_id = ? AND hour >= ? AND hour < ?
		GROUP BY state, sources`,
	RawCounts:  `SELECT state, sources, 1 FROM mentions WHERE brand_id = ? AND found_at >= ? AND found_at < ?`,
	RawAuthors: `SELECT author FROM mentions WHERE brand_id = ? AND found_at >= ? AND found_at < ? AND author <> '' ORDER BY found_at, id`,
	DayAuthors: dayAuthors + ` ORDER BY day, first_at`,
	DayAuthorsIn: func(folded []string) (string, []any) {
		args := make([]any, len(folded))
		for i, f := range folded {
			args[i] = f
		}
		return dayAuthors + ` AND folded IN (` + placeholders(len(folded)) + `) ORDER BY day, first_at`, args
	},
	TopAuthors: `SELECT folded, SUM(n) AS c FROM mention_authors WHERE brand_id = ? AND day >= ? AND day < ?
		GROUP BY folded ORDER BY c DESC LIMIT ?`,
}

const dayAuthors = `SELECT author, folded, n FROM mention_authors WHERE brand_id = ? AND day >= ? AND day < ? AND n <> 0`

// Tally implements mentions.Store. It reads the rollups for the whole
// hours (counts) and days (authors) of the period and the mentions
// themselves for the parts of an hour or day at its ends (sqlstore.Tally),
// all in one read transaction, so the figures are those of one moment.
func (s *Store) Tally(ctx context.Context, brandID int64, since, until time.Time, top int) (mentions.Tally, error) {
	t := mentions.Tally{ByState: map[mentions.State]int{}, BySource: map[string]int{}}
	lo, hi := sqlstore.Window(since, until)
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return t, wrap(err)
	}
	defer tx.Rollback()
	if t, err = sqlstore.Tally(ctx, tx, tallySQL, brandID, lo, hi, top); err != nil {
		return t, wrap(err)
	}
	t.Newest, err = queryAll(ctx, tx, scanMention, `SELECT `+mentionCols+` FROM mentions WHERE brand_id = ? AND found_at >= ? AND found_at < ?
		AND state IN ('new', 'claimed') ORDER BY found_at DESC, id DESC LIMIT ?`, brandID, lo, hi, top)
	return t, err
}
