// Package sqlstore holds what the SQL stores (storage/sqlite and
// storage/postgres) share that is not SQL: how a tally of mentions is cut
// into rollup buckets and raw parts and folded and ranked, how a
// transaction's changes to the rollups are gathered, the encoding of
// lists in one column, and the reading of a connect state's row. The SQL
// text, which differs by dialect, stays in each store and comes in as
// TallySQL.
package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// Querier is what reads need of a pool or a transaction.
type Querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// ScanRows runs a query and calls each for every row.
func ScanRows(ctx context.Context, q Querier, each func(*sql.Rows) error, sqlText string, args ...any) error {
	rows, err := q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Sep joins the lists stored in one column.
const Sep = "\x1f"

// JoinList is xs stored in one column.
func JoinList(xs []string) string { return strings.Join(xs, Sep) }

// SplitList is the list stored in s (nil for "").
func SplitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, Sep)
}

// Scanner is a row or rows.
type Scanner = interface{ Scan(...any) error }

// QueryAll runs a query and scans every row with scan. The errors of the
// query and of the rows go through wrap (the store's error coding); those
// of scan are returned as they are.
func QueryAll[T any](ctx context.Context, q Querier, wrap func(error) error, scan func(Scanner) (T, error), sqlText string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, wrap(rows.Err())
}

// MS is t in Unix milliseconds as stored, 0 for the zero time.
func MS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// FromMS is the UTC time of stored milliseconds, the zero time for 0.
func FromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
