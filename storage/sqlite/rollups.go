package sqlite

import (
	"context"
	"database/sql"

	"github.com/heraldhq/herald/mentions/query"
	"github.com/heraldhq/herald/storage/sqlstore"
)

// The rollups of migration 0008: mention_counts (brand, UTC hour, state,
// sources → n), mention_day_counts (the same per UTC day) and
// mention_authors (brand, UTC day, author as spelt → n
// and when the first was found). Every write that changes what they count
// changes them in its own transaction: SaveBatch (new mentions, a source
// added by a merge), ApplyMention (a state change) and unrollMentions,
// which a delete of mentions must call first.

// flushRollup writes (a sqlstore.Flush) the gathered changes in tx and empties r.
func flushRollup(ctx context.Context, tx *sql.Tx, r *sqlstore.Rollup) error {
	if len(r.Counts) > 0 {
		hour, err := tx.PrepareContext(ctx, `INSERT INTO mention_counts (brand_id, hour, state, sources, n) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (brand_id, hour, state, sources) DO UPDATE SET n = n + excluded.n`)
		if err != nil {
			return err
		}
		defer hour.Close()
		day, err := tx.PrepareContext(ctx, `INSERT INTO mention_day_counts (brand_id, day, state, sources, n) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (brand_id, day, state, sources) DO UPDATE SET n = n + excluded.n`)
		if err != nil {
			return err
		}
		defer day.Close()
		for k, n := range r.Counts {
			if n == 0 {
				continue
			}
			st := day
			if k.Size == sqlstore.HourMS {
				st = hour
			}
			if _, err := st.ExecContext(ctx, k.BrandID, k.Bucket, k.State, k.Sources, n); err != nil {
				return err
			}
		}
	}
	if len(r.Authors) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO mention_authors (brand_id, day, author, folded, first_at, n) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (brand_id, day, author) DO UPDATE SET n = n + excluded.n, first_at = min(first_at, excluded.first_at)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for k, a := range r.Authors {
			if a.N == 0 {
				continue
			}
			if _, err := st.ExecContext(ctx, k.BrandID, k.Day, k.Author, query.NormalizeAuthor(k.Author), a.FirstAt, a.N); err != nil {
				return err
			}
		}
	}
	*r = *sqlstore.NewRollup()
	return nil
}

// unrollMentions takes the mentions that where (a condition on the
// mentions table, with its args) selects out of the rollups, in tx: call
// it before deleting those mentions.
func unrollMentions(ctx context.Context, tx *sql.Tx, where string, args ...any) error {
	return sqlstore.UnrollMentions(ctx, tx, flushRollup, where, args...)
}

// fillAuthors counts the authors of the mentions stored before migration
// 0008 (sqlstore.FillAuthors).
func fillAuthors(ctx context.Context, tx *sql.Tx) error {
	return sqlstore.FillAuthors(ctx, tx, flushRollup)
}
