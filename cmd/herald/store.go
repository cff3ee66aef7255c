package main

// The database behind Herald: SQLite (one file, one process) or
// PostgreSQL (one database; any number of serving replicas).

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/storage/postgres"
	"github.com/heraldhq/herald/storage/sqlite"
)

// store is every store Herald's domain and adapters use, which both
// storage/sqlite and storage/postgres implement.
type store interface {
	brands.Store
	approvals.Store
	publish.Store
	mentions.Store
	assist.Store
	media.Refs
	bot.CardStore
	bot.Deduper
	Ping(ctx context.Context) error
	Migrate(ctx context.Context) ([]string, error)
	SchemaVersion(ctx context.Context) (current, known int, err error)
	Close() error
}

var (
	_ store = (*sqlite.Store)(nil)
	_ store = (*postgres.Store)(nil)
)

// releaser is a held lock of the database: the SQLite file's, or a
// PostgreSQL replica's place (its advisory locks).
type releaser interface{ Release() error }

// PostgresURL returns the URL of a postgres:// or postgresql://
// database.
func (c Config) PostgresURL() (string, bool) {
	if strings.HasPrefix(c.Database, "postgres://") || strings.HasPrefix(c.Database, "postgresql://") {
		return c.Database, true
	}
	return "", false
}

// openStore opens the configured database and migrates it, returning the
// migrations it applied (see openSQLite and openPostgres).
func (m *Main) openStore(ctx context.Context) ([]string, error) {
	if url, ok := m.Config.PostgresURL(); ok {
		return m.openPostgres(ctx, url)
	}
	return m.openSQLite(ctx)
}

// openPostgres connects to PostgreSQL and migrates (concurrent
// migrations take turns on an advisory lock). run and console then join
// the replicas serving the database (fanout.go): any number may, sharing
// the publishing under leases and electing a leader for the single jobs
// (leader.go). doctor
// migrates only when no Herald serves the database; backup is SQLite's
// and says what to use instead.
func (m *Main) openPostgres(ctx context.Context, url string) ([]string, error) {
	if m.Command == "backup" {
		return nil, errors.New("herald backup copies an SQLite file; on PostgreSQL use pg_dump, e.g. pg_dump --format=custom --file=herald.dump \"$HERALD_DATABASE\" (docs/postgres.md)")
	}
	s, err := postgres.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	m.store = s
	if m.Command == "doctor" {
		lock, err := s.LockAlone(ctx)
		var he *herald.Error
		if errors.As(err, &he) && he.Reason == postgres.ReasonLocked {
			m.inUse = err
			return nil, nil // the serving Herald migrated it
		}
		if err != nil {
			return nil, err
		}
		defer lock.Release()
	}
	applied, err := s.Migrate(ctx)
	for _, name := range applied {
		m.log.Info("migration applied", "migration", name)
	}
	if err == nil && (m.Command == "run" || m.Command == "console") {
		err = m.joinReplicas(ctx, s)
	}
	if err == nil && m.Command != "doctor" {
		err = m.sealSecrets(ctx, applied)
	}
	return applied, err
}

// openSQLite takes the database file's lock (storeLocks), opens the file
// and migrates it. backup and doctor read beside a serving Herald: they
// migrate only when none runs.
func (m *Main) openSQLite(ctx context.Context) ([]string, error) {
	path, _ := m.Config.SQLitePath()
	how := storeLocks[m.Command]
	lock, err := sqlite.LockFile(path, how.mode)
	var he *herald.Error
	if err != nil && !(how.readOnly && errors.As(err, &he) && he.Reason == sqlite.ReasonLocked) {
		return nil, err
	}
	m.inUse = err
	s, err := sqlite.Open(path)
	if err != nil {
		lock.Release()
		return nil, err
	}
	m.store = s
	if m.inUse != nil {
		return nil, nil // another Herald serves the file and migrated it
	}
	applied, err := s.Migrate(ctx)
	for _, name := range applied {
		m.log.Info("migration applied", "migration", name)
	}
	if how.readOnly {
		lock.Release() // a serving Herald may start while we read
		return applied, err
	}
	m.lock = lock
	if err == nil {
		err = m.sealSecrets(ctx, applied)
	}
	return applied, err
}

// storeLocks says how each command holds the SQLite file's lock, and
// whether it only reads: run and console serve alone (Exclusive);
// migrations may run together but not beside a serving Herald (Shared);
// backup and doctor read beside a serving Herald (SQLite's WAL and
// online backup are made for it), taking the lock only to migrate.
var storeLocks = map[string]struct {
	mode     sqlite.LockMode
	readOnly bool
}{
	"run": {sqlite.Exclusive, false}, "console": {sqlite.Exclusive, false},
	"migrate": {sqlite.Shared, false}, "backup": {sqlite.Shared, true}, "doctor": {sqlite.Shared, true},
}

// sqliteOnly are what only the SQLite store does: an online backup, an
// integrity check, and scrubbing its write-ahead log and free pages.
type sqliteOnly interface {
	Backup(ctx context.Context, path string) error
	IntegrityCheck(ctx context.Context) (string, error)
	Scrub(ctx context.Context, vacuum bool) error
}

// integrity checks the database and says what was checked: SQLite's
// integrity_check (an error when it finds damage); PostgreSQL checks its
// own pages, so there the schema is read.
func (m *Main) integrity(ctx context.Context) (string, error) {
	if s, ok := m.store.(sqliteOnly); ok {
		verdict, err := s.IntegrityCheck(ctx)
		if err == nil && verdict != "ok" {
			err = fmt.Errorf("integrity check failed:\n%s", verdict)
		}
		return "integrity ok", err
	}
	if _, _, err := m.store.SchemaVersion(ctx); err != nil {
		return "", err
	}
	return "PostgreSQL answers", nil
}
