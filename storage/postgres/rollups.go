package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"maps"
	"slices"

	"github.com/heraldhq/herald/mentions/query"
	"github.com/heraldhq/herald/storage/sqlstore"
)

// The rollups of migration 0008 (as in storage/sqlite): mention_counts (brand, UTC hour, state,
// sources → n), mention_day_counts (the same per UTC day) and
// mention_authors (brand, UTC day, author as spelt → n
// and when the first was found). Every write that changes what they count
// changes them in its own transaction: SaveBatch (new mentions, a source
// added by a merge), ApplyMention (a state change) and unrollMentions,
// which a delete of mentions must call first.

// flushRollup writes (a sqlstore.Flush) the gathered changes in tx, one statement per rollup
// table, and empties r. Keys go in one order (sorted), so two
// transactions counting the same hours wait for each other rather than
// deadlock (and a deadlock is retried: Store.tx).
func flushRollup(ctx context.Context, tx *sql.Tx, r *sqlstore.Rollup) error {
	counts := slices.SortedFunc(maps.Keys(r.Counts), func(a, b sqlstore.CountKey) int {
		return cmp.Or(cmp.Compare(a.Size, b.Size), cmp.Compare(a.BrandID, b.BrandID), cmp.Compare(a.Bucket, b.Bucket),
			cmp.Compare(a.State, b.State), cmp.Compare(a.Sources, b.Sources))
	})
	var hours, days countColumns
	for _, k := range counts {
		if n := r.Counts[k]; n != 0 && k.Size == sqlstore.HourMS {
			hours.add(k, n)
		} else if n != 0 {
			days.add(k, n)
		}
	}
	if err := hours.upsert(ctx, tx, "mention_counts", "hour"); err != nil {
		return err
	}
	if err := days.upsert(ctx, tx, "mention_day_counts", "day"); err != nil {
		return err
	}
	authors := slices.SortedFunc(maps.Keys(r.Authors), func(a, b sqlstore.AuthorKey) int {
		return cmp.Or(cmp.Compare(a.BrandID, b.BrandID), cmp.Compare(a.Day, b.Day), cmp.Compare(a.Author, b.Author))
	})
	var brandIDs, dayNs, firsts, ns []int64
	var names, folded []string
	for _, k := range authors {
		if a := r.Authors[k]; a.N != 0 {
			brandIDs, dayNs, firsts, ns = append(brandIDs, k.BrandID), append(dayNs, k.Day), append(firsts, a.FirstAt), append(ns, int64(a.N))
			names, folded = append(names, k.Author), append(folded, query.NormalizeAuthor(k.Author))
		}
	}
	*r = *sqlstore.NewRollup()
	if len(names) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO mention_authors (brand_id, day, author, folded, first_at, n)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
		ON CONFLICT (brand_id, day, author) DO UPDATE SET n = mention_authors.n + excluded.n, first_at = LEAST(mention_authors.first_at, excluded.first_at)`,
		brandIDs, dayNs, names, folded, firsts, ns)
	return err
}

// countColumns are rows of mention_counts or mention_day_counts, column
// by column.
type countColumns struct {
	brandIDs, buckets, ns []int64
	states, sources       []string
}

func (c *countColumns) add(k sqlstore.CountKey, n int) {
	c.brandIDs, c.buckets, c.ns = append(c.brandIDs, k.BrandID), append(c.buckets, k.Bucket), append(c.ns, int64(n))
	c.states, c.sources = append(c.states, k.State), append(c.sources, k.Sources)
}

// upsert adds the rows to table, whose bucket column is bucket.
func (c *countColumns) upsert(ctx context.Context, tx *sql.Tx, table, bucket string) error {
	if len(c.ns) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (brand_id, `+bucket+`, state, sources, n)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::bigint[])
		ON CONFLICT (brand_id, `+bucket+`, state, sources) DO UPDATE SET n = `+table+`.n + excluded.n`,
		c.brandIDs, c.buckets, c.states, c.sources, c.ns)
	return err
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
