package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/heraldhq/herald"
)

// ReasonNotEmpty is the Reason of the error Import returns when the
// database already holds data.
const ReasonNotEmpty = "import_target_not_empty"

// Source is a database to import: Herald's tables with the same names and
// columns (an SQLite database migrated to the schema this Herald knows).
type Source struct {
	DB *sql.DB
	// InsertionOrder orders a table's rows as they were inserted ("rowid"
	// in SQLite), for the tables whose order PostgreSQL keeps in a seq
	// column (approvals, deliveries, card copies).
	InsertionOrder string
}

// TableCount is how many rows Import copied into a table.
type TableCount struct {
	Table string
	Rows  int64
}

// Import copies every table of src into this database, which must be
// migrated and empty, in one transaction: ids are kept (and the
// sequences moved past them), values copied as they are (times in
// milliseconds, sealed secrets, hashed tokens). src is read in one
// read-only transaction. A database with any row already is refused
// (ECONFLICT, Reason ReasonNotEmpty) and left unchanged.
func (s *Store) Import(ctx context.Context, src Source) ([]TableCount, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, wrap(err)
	}
	defer conn.Close()
	var out []TableCount
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		if out, err = importTx(ctx, tx, src); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	return out, wrap(err)
}

func importTx(ctx context.Context, tx pgx.Tx, src Source) ([]TableCount, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(`+lockKey+`)`, "import"); err != nil {
		return nil, err
	}
	tables, err := copyOrder(ctx, tx)
	if err != nil {
		return nil, err
	}
	if err := mustBeEmpty(ctx, tx, tables); err != nil {
		return nil, err
	}
	stx, err := src.DB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer stx.Rollback()
	var out []TableCount
	for _, t := range tables {
		n, err := copyTable(ctx, tx, stx, t, src.InsertionOrder)
		if err != nil {
			return nil, fmt.Errorf("importing %s: %w", t, err)
		}
		out = append(out, TableCount{Table: t, Rows: n})
	}
	return out, resetSequences(ctx, tx)
}

// copyOrder lists the tables of the schema (but schema_migrations and the
// replicas' tables, which SQLite has not: replicas, fanout_news), each
// after the tables its foreign keys name, by name where free.
func copyOrder(ctx context.Context, tx pgx.Tx) ([]string, error) {
	names, err := textColumn(ctx, tx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
		AND table_type = 'BASE TABLE' AND table_name NOT IN ('schema_migrations', 'replicas', 'fanout_news') ORDER BY table_name`)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c
		JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = current_schema()`)
	if err != nil {
		return nil, err
	}
	needs := map[string][]string{}
	for rows.Next() {
		var from, to string
		if err := rows.Scan(&from, &to); err != nil {
			return nil, err
		}
		needs[from] = append(needs[from], to)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var order []string
	for len(order) < len(names) {
		progress := false
		for _, t := range names {
			if slices.Contains(order, t) || slices.ContainsFunc(needs[t], func(n string) bool { return n != t && !slices.Contains(order, n) }) {
				continue
			}
			order, progress = append(order, t), true
		}
		if !progress {
			return nil, fmt.Errorf("the foreign keys of %v form a cycle", names)
		}
	}
	return order, nil
}

// textColumn runs a query of one text column.
func textColumn(ctx context.Context, tx pgx.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func mustBeEmpty(ctx context.Context, tx pgx.Tx, tables []string) error {
	var full []string
	for _, t := range tables {
		var has bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+pgx.Identifier{t}.Sanitize()+`)`).Scan(&has); err != nil {
			return err
		}
		if has {
			full = append(full, t)
		}
	}
	if len(full) == 0 {
		return nil
	}
	return herald.Errorf(herald.ECONFLICT, "The PostgreSQL database is not empty (%s hold rows); import only into a new, empty database.", strings.Join(full, ", ")).
		Because(ReasonNotEmpty, herald.Facts{"tables": strings.Join(full, ",")})
}

// copyTable copies table t from the source transaction with COPY, the
// columns both have; a source column PostgreSQL lacks is an error (its
// data would be lost).
func copyTable(ctx context.Context, tx pgx.Tx, stx *sql.Tx, t, insertionOrder string) (int64, error) {
	pgCols, err := textColumn(ctx, tx, `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
		ORDER BY ordinal_position`, t)
	if err != nil {
		return 0, err
	}
	probe, err := stx.QueryContext(ctx, `SELECT * FROM `+t+` LIMIT 0`)
	if err != nil {
		return 0, err
	}
	srcCols, err := probe.Columns()
	probe.Close()
	if err != nil {
		return 0, err
	}
	for _, c := range srcCols {
		if !slices.Contains(pgCols, c) {
			return 0, fmt.Errorf("the source has a column %s that PostgreSQL lacks: are both at the same schema version?", c)
		}
	}
	q := `SELECT ` + strings.Join(srcCols, ", ") + ` FROM ` + t
	if slices.Contains(pgCols, "seq") && insertionOrder != "" {
		q += ` ORDER BY ` + insertionOrder
	}
	rows, err := stx.QueryContext(ctx, q)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	return tx.CopyFrom(ctx, pgx.Identifier{t}, srcCols, &sourceRows{rows: rows, vals: make([]any, len(srcCols))})
}

// sourceRows feeds COPY from database/sql rows; bytes become text (every
// column Herald keeps is text or a number).
type sourceRows struct {
	rows *sql.Rows
	vals []any
}

func (r *sourceRows) Next() bool { return r.rows.Next() }

func (r *sourceRows) Values() ([]any, error) {
	ptrs := make([]any, len(r.vals))
	for i := range r.vals {
		ptrs[i] = &r.vals[i]
	}
	if err := r.rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	out := make([]any, len(r.vals))
	for i, v := range r.vals {
		if b, ok := v.([]byte); ok {
			v = string(b)
		}
		out[i] = v
	}
	return out, nil
}

func (r *sourceRows) Err() error { return r.rows.Err() }

// resetSequences moves every identity past the largest value copied.
func resetSequences(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name, column_name`)
	if err != nil {
		return err
	}
	type col struct{ table, column string }
	cols, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (col, error) {
		var c col
		return c, r.Scan(&c.table, &c.column)
	})
	if err != nil {
		return err
	}
	for _, c := range cols {
		t, k := pgx.Identifier{c.table}.Sanitize(), pgx.Identifier{c.column}.Sanitize()
		if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(MAX(`+k+`), 1), MAX(`+k+`) IS NOT NULL) FROM `+t, c.table, c.column); err != nil {
			return err
		}
	}
	return nil
}
