package sqlstore

import (
	"context"
	"database/sql"
	"time"
)

// The rollups of migration 0008: mention_counts (brand, UTC hour, state,
// sources → n), mention_day_counts (the same per UTC day) and
// mention_authors (brand, UTC day, author as spelt → n and when the first
// was found). Every write that changes what they count changes them in
// its own transaction; each store writes a Rollup with its own Flush.

// The sizes of the rollup buckets in milliseconds.
const (
	HourMS = int64(time.Hour / time.Millisecond)
	DayMS  = 24 * HourMS
)

// Flush writes r's changes to the rollups in tx and empties r: each
// store's SQL.
type Flush func(ctx context.Context, tx *sql.Tx, r *Rollup) error

// CountKey is a row of mention_counts (size HourMS) or mention_day_counts
// (size DayMS).
type CountKey struct {
	Size, BrandID, Bucket int64
	State, Sources        string
}

// AuthorKey is a row of mention_authors.
type AuthorKey struct {
	BrandID, Day int64
	Author       string
}

// AuthorDelta is the change to a row of mention_authors: its count and
// the first time found.
type AuthorDelta struct {
	FirstAt int64
	N       int
}

// Rollup gathers a transaction's changes to the rollups, written once per
// key by the store's Flush.
type Rollup struct {
	Counts  map[CountKey]int
	Authors map[AuthorKey]*AuthorDelta
}

// NewRollup is an empty Rollup.
func NewRollup() *Rollup {
	return &Rollup{Counts: map[CountKey]int{}, Authors: map[AuthorKey]*AuthorDelta{}}
}

// Count adds d (±1) to a mention's state and sources at foundAt.
func (r *Rollup) Count(brandID, foundAt int64, state, sources string, d int) {
	r.Counts[CountKey{HourMS, brandID, foundAt / HourMS, state, sources}] += d
	r.Counts[CountKey{DayMS, brandID, foundAt / DayMS, state, sources}] += d
}

// Author adds d (±1) to a mention's author at foundAt.
func (r *Rollup) Author(brandID, foundAt int64, author string, d int) {
	if author == "" {
		return
	}
	k := AuthorKey{brandID, foundAt / DayMS, author}
	a, ok := r.Authors[k]
	if !ok {
		a = &AuthorDelta{FirstAt: foundAt}
		r.Authors[k] = a
	}
	a.FirstAt = min(a.FirstAt, foundAt)
	a.N += d
}

// Mention adds d (±1) for a whole mention.
func (r *Rollup) Mention(brandID, foundAt int64, state, sources, author string, d int) {
	r.Count(brandID, foundAt, state, sources, d)
	r.Author(brandID, foundAt, author, d)
}

// UnrollMentions takes the mentions that where (a condition on the
// mentions table, with its args) selects out of the rollups, in tx: call
// it before deleting those mentions.
func UnrollMentions(ctx context.Context, tx *sql.Tx, flush Flush, where string, args ...any) error {
	rows, err := tx.QueryContext(ctx, `SELECT brand_id, found_at, state, sources, author FROM mentions WHERE `+where, args...)
	if err != nil {
		return err
	}
	r := NewRollup()
	for rows.Next() {
		var brandID, found int64
		var state, sources, author string
		if err := rows.Scan(&brandID, &found, &state, &sources, &author); err != nil {
			rows.Close()
			return err
		}
		r.Mention(brandID, found, state, sources, author, -1)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return flush(ctx, tx, r)
}

// FillAuthors counts the authors of the mentions stored before migration
// 0008, one brand and day at a time (memory stays bounded).
func FillAuthors(ctx context.Context, tx *sql.Tx, flush Flush) error {
	rows, err := tx.QueryContext(ctx, `SELECT brand_id, found_at, author FROM mentions WHERE author <> '' ORDER BY brand_id, found_at, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	r := NewRollup()
	var lastBrand, lastDay int64 = -1, -1
	for rows.Next() {
		var brandID, found int64
		var author string
		if err := rows.Scan(&brandID, &found, &author); err != nil {
			return err
		}
		if brandID != lastBrand || found/DayMS != lastDay {
			if err := flush(ctx, tx, r); err != nil {
				return err
			}
			lastBrand, lastDay = brandID, found/DayMS
		}
		r.Author(brandID, found, author, 1)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush(ctx, tx, r)
}
