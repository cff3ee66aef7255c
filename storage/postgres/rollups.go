package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"maps"
	"slices"
	"time"

	"github.com/heraldhq/herald/mentions/query"
)

// The rollups of migration 0008 (as in storage/sqlite): mention_counts (brand, UTC hour, state,
// sources → n), mention_day_counts (the same per UTC day) and
// mention_authors (brand, UTC day, author as spelt → n
// and when the first was found). Every write that changes what they count
// changes them in its own transaction: SaveBatch (new mentions, a source
// added by a merge), ApplyMention (a state change) and unrollMentions,
// which a delete of mentions must call first.

const (
	hourMS = int64(time.Hour / time.Millisecond)
	dayMS  = 24 * hourMS
)

// countKey is a row of mention_counts (size hourMS) or mention_day_counts
// (size dayMS).
type countKey struct {
	size, brandID, bucket int64
	state, sources        string
}

type authorKey struct {
	brandID, day int64
	author       string
}

type authorDelta struct {
	firstAt int64
	n       int
}

// rollup gathers a transaction's changes to the rollups, written once per
// key by flush.
type rollup struct {
	counts  map[countKey]int
	authors map[authorKey]*authorDelta
}

func newRollup() *rollup {
	return &rollup{counts: map[countKey]int{}, authors: map[authorKey]*authorDelta{}}
}

// count adds d (±1) to a mention's state and sources at foundAt.
func (r *rollup) count(brandID, foundAt int64, state, sources string, d int) {
	r.counts[countKey{hourMS, brandID, foundAt / hourMS, state, sources}] += d
	r.counts[countKey{dayMS, brandID, foundAt / dayMS, state, sources}] += d
}

// author adds d (±1) to a mention's author at foundAt.
func (r *rollup) author(brandID, foundAt int64, author string, d int) {
	if author == "" {
		return
	}
	k := authorKey{brandID, foundAt / dayMS, author}
	a, ok := r.authors[k]
	if !ok {
		a = &authorDelta{firstAt: foundAt}
		r.authors[k] = a
	}
	a.firstAt = min(a.firstAt, foundAt)
	a.n += d
}

// mention adds d (±1) for a whole mention.
func (r *rollup) mention(brandID, foundAt int64, state, sources, author string, d int) {
	r.count(brandID, foundAt, state, sources, d)
	r.author(brandID, foundAt, author, d)
}

// flush writes the gathered changes in tx, one statement per rollup
// table, and empties r. Keys go in one order (sorted), so two
// transactions counting the same hours wait for each other rather than
// deadlock (and a deadlock is retried: Store.tx).
func (r *rollup) flush(ctx context.Context, tx *sql.Tx) error {
	counts := slices.SortedFunc(maps.Keys(r.counts), func(a, b countKey) int {
		return cmp.Or(cmp.Compare(a.size, b.size), cmp.Compare(a.brandID, b.brandID), cmp.Compare(a.bucket, b.bucket),
			cmp.Compare(a.state, b.state), cmp.Compare(a.sources, b.sources))
	})
	var hours, days countColumns
	for _, k := range counts {
		if n := r.counts[k]; n != 0 && k.size == hourMS {
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
	authors := slices.SortedFunc(maps.Keys(r.authors), func(a, b authorKey) int {
		return cmp.Or(cmp.Compare(a.brandID, b.brandID), cmp.Compare(a.day, b.day), cmp.Compare(a.author, b.author))
	})
	var brandIDs, dayNs, firsts, ns []int64
	var names, folded []string
	for _, k := range authors {
		if a := r.authors[k]; a.n != 0 {
			brandIDs, dayNs, firsts, ns = append(brandIDs, k.brandID), append(dayNs, k.day), append(firsts, a.firstAt), append(ns, int64(a.n))
			names, folded = append(names, k.author), append(folded, query.NormalizeAuthor(k.author))
		}
	}
	*r = *newRollup()
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

func (c *countColumns) add(k countKey, n int) {
	c.brandIDs, c.buckets, c.ns = append(c.brandIDs, k.brandID), append(c.buckets, k.bucket), append(c.ns, int64(n))
	c.states, c.sources = append(c.states, k.state), append(c.sources, k.sources)
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
	rows, err := tx.QueryContext(ctx, `SELECT brand_id, found_at, state, sources, author FROM mentions WHERE `+where, args...)
	if err != nil {
		return err
	}
	r := newRollup()
	for rows.Next() {
		var brandID, found int64
		var state, sources, author string
		if err := rows.Scan(&brandID, &found, &state, &sources, &author); err != nil {
			rows.Close()
			return err
		}
		r.mention(brandID, found, state, sources, author, -1)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return r.flush(ctx, tx)
}

// fillAuthors counts the authors of the mentions stored before migration
// 0008, one brand and day at a time (memory stays bounded).
func fillAuthors(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT brand_id, found_at, author FROM mentions WHERE author <> '' ORDER BY brand_id, found_at, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	r := newRollup()
	var lastBrand, lastDay int64 = -1, -1
	for rows.Next() {
		var brandID, found int64
		var author string
		if err := rows.Scan(&brandID, &found, &author); err != nil {
			return err
		}
		if brandID != lastBrand || found/dayMS != lastDay {
			if err := r.flush(ctx, tx); err != nil {
				return err
			}
			lastBrand, lastDay = brandID, found/dayMS
		}
		r.author(brandID, found, author, 1)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return r.flush(ctx, tx)
}
