package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/storage/postgres"
	"github.com/heraldhq/herald/storage/sqlite"
)

const importUsage = "usage: herald import sqlite:PATH (into the PostgreSQL database of HERALD_DATABASE)"

// runImport copies a whole SQLite database into the configured PostgreSQL
// database: `herald import sqlite:PATH`. The PostgreSQL database is
// migrated and must be empty; no Herald may serve either database
// meanwhile (the SQLite file is locked, PostgreSQL's serving lock
// taken). The SQLite file is migrated to this Herald's schema first, as
// any start would. The copy is one transaction: all or nothing.
func (m *Main) runImport(ctx context.Context) error {
	if len(m.Args) != 1 || !strings.HasPrefix(m.Args[0], "sqlite:") {
		return errors.New(importUsage)
	}
	pgURL, ok := m.Config.PostgresURL()
	if !ok {
		return errors.New("herald import copies into PostgreSQL: set HERALD_DATABASE to the postgres://… URL of an empty database")
	}
	path := strings.TrimPrefix(m.Args[0], "sqlite:")
	if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not an SQLite database file: %v", path, err)
	}
	lock, err := sqlite.LockFile(path, sqlite.Exclusive)
	if err != nil {
		return err
	}
	defer lock.Release()
	src, err := sqlite.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	if _, err := src.Migrate(ctx); err != nil {
		return fmt.Errorf("migrating %s: %w", path, err)
	}
	dst, err := m.openImportTarget(ctx, pgURL)
	if err != nil {
		return err
	}
	if err := sameSchema(ctx, src, dst); err != nil {
		return err
	}
	counts, err := dst.Import(ctx, postgres.Source{DB: src.DB(), InsertionOrder: "rowid"})
	if err != nil {
		var he *herald.Error
		if errors.As(err, &he) && he.Reason == postgres.ReasonNotEmpty {
			return fmt.Errorf("nothing imported: %s", he.Message)
		}
		return fmt.Errorf("nothing imported: %w", err)
	}
	m.printCounts(path, counts)
	return nil
}

// openImportTarget opens and migrates the PostgreSQL database, holding
// its serving lock (no Herald may serve it during the copy) until Close.
func (m *Main) openImportTarget(ctx context.Context, url string) (*postgres.Store, error) {
	dst, err := postgres.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	m.store = dst                   // closed by Close
	lock, err := dst.LockAlone(ctx) // no Herald serves it meanwhile
	if err != nil {
		return nil, err
	}
	m.lock = lock
	if _, err := dst.Migrate(ctx); err != nil {
		return nil, err
	}
	return dst, nil
}

// sameSchema refuses to copy between schemas of different versions: a
// table or column one has and the other lacks would be lost.
func sameSchema(ctx context.Context, src *sqlite.Store, dst *postgres.Store) error {
	from, _, err := src.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	to, _, err := dst.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if from != to {
		return fmt.Errorf("nothing imported: the SQLite database is at schema %d and this Herald's PostgreSQL schema at %d; use a Herald whose two schemas agree", from, to)
	}
	return nil
}

func (m *Main) printCounts(path string, counts []postgres.TableCount) {
	fmt.Fprintf(m.Stdout, "Imported %s into %s:\n", path, redactDatabase(m.Config.Database))
	var total int64
	slices.SortFunc(counts, func(a, b postgres.TableCount) int { return strings.Compare(a.Table, b.Table) })
	for _, c := range counts {
		fmt.Fprintf(m.Stdout, "  %-20s %9d\n", c.Table, c.Rows)
		total += c.Rows
	}
	fmt.Fprintf(m.Stdout, "  %-20s %9d rows\n", "total", total)
}
