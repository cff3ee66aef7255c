// Package sqlite stores Herald's data in one SQLite file with
// mattn/go-sqlite3: WAL, foreign keys, a busy timeout, immediate
// transactions, a single writer connection and a pool of readers.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/storage/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is Herald's SQLite storage. Every write goes through one connection
// (writes serialise in Go, never SQLITE_BUSY between our own writers); reads
// use a pool, which WAL lets run beside the writer.
type Store struct {
	path string
	w    *sql.DB
	r    *sql.DB
}

// Open opens (creating if needed) the database file at path. It does not
// migrate: call Migrate.
func Open(path string) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, herald.Errorf(herald.EINVALID, "The SQLite path %q is not usable: give a file path without '?' or '#'.", path)
	}
	if err := createPrivate(path); err != nil {
		return nil, herald.Errorf(herald.EUNAVAILABLE, "Cannot create the database %s: %v.", path, err)
	}
	const common = "_journal_mode=WAL&_busy_timeout=5000&_foreign_keys=on&_synchronous=NORMAL"
	w, err := sql.Open(driverName, "file:"+path+"?"+common+"&_txlock=immediate&_secure_delete=FAST")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open(driverName, "file:"+path+"?"+common+"&_query_only=true")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(max(2, runtime.NumCPU()))
	s := &Store{path: path, w: w, r: r}
	if err := pingFirst(w); err != nil {
		s.Close()
		return nil, herald.Errorf(herald.EUNAVAILABLE, "Cannot open the database %s: %v.", path, err)
	}
	return s, nil
}

// pingFirst opens the first connection, which turns a new file to WAL.
// Two processes doing that at once on a new file (two `herald migrate`)
// can find it locked without SQLite's busy handler being asked, so a
// locked answer is tried again for up to the busy timeout.
func pingFirst(w *sql.DB) error {
	var err error
	for wait := 5 * time.Second; ; wait -= 50 * time.Millisecond {
		var se sqlite3.Error
		if err = w.Ping(); err == nil || !errors.As(err, &se) || (se.Code != sqlite3.ErrBusy && se.Code != sqlite3.ErrLocked) || wait <= 0 {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Close closes both pools.
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// DB is the pool of readers, for tools that read the whole database
// (herald import copies it into PostgreSQL).
func (s *Store) DB() *sql.DB { return s.r }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.r.PingContext(ctx)
}

// afterMigration fills, in a migration's transaction, what its SQL cannot
// compute.
var afterMigration = map[int]func(context.Context, *sql.Tx) error{
	8: fillAuthors, // 0008_reads: mention_authors.folded is Go's folding
}

// migration is one file of migrations/.
type migration = sqlstore.Migration

func migrations() ([]migration, error) { return sqlstore.ReadMigrations(migrationFiles) }

// Migrate applies the embedded migrations not yet applied, each in its own
// immediate transaction, and returns the names of those it applied. Each
// transaction reads what is applied again once it holds the write lock,
// so two processes migrating one file at once both succeed: the second
// skips what the first applied. A migration is looked up by its number,
// not compared with the highest applied: branches merged out of order
// (0009 before 0007) still get the lower one applied when it arrives. A
// database made by a newer Herald is refused.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return nil, err
	}
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	var applied []string
	for _, m := range ms {
		done := false
		err := s.tx(ctx, func(tx *sql.Tx) error {
			var current int
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
				return err
			}
			if last := ms[len(ms)-1].Version; current > last {
				return herald.Errorf(herald.EUNAVAILABLE, "The database %s was written by a newer Herald (schema %d, this one knows %d); upgrade Herald.", s.path, current, last)
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
				return err
			}
			if done = n > 0; done {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if fill := afterMigration[m.Version]; fill != nil {
				if err := fill(ctx, tx); err != nil {
					return fmt.Errorf("migration %s: %w", m.Name, err)
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, time.Now().UnixMilli())
			return err
		})
		if err != nil {
			return applied, err
		}
		if !done {
			applied = append(applied, m.Name)
		}
	}
	return applied, nil
}

// SchemaVersion returns the newest migration applied to the file and the
// newest this Herald knows.
func (s *Store) SchemaVersion(ctx context.Context) (current, known int, err error) {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0, 0, err
	}
	err = s.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current)
	if err != nil && strings.Contains(err.Error(), "no such table") {
		err = nil
	}
	return current, ms[len(ms)-1].Version, err
}

// Backup writes a consistent copy of the live database to path with
// SQLite's online backup API; writers are not blocked for long. path must
// not exist yet; the copy is readable by its owner only.
func (s *Store) Backup(ctx context.Context, path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
	if errors.Is(err, fs.ErrExist) {
		return herald.Errorf(herald.ECONFLICT, "%s exists already; choose a new file name for the backup.", path)
	}
	if err != nil {
		return err
	}
	f.Close()
	dst, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		return err
	}
	defer dst.Close()
	dconn, err := dst.Conn(ctx)
	if err != nil {
		return err
	}
	defer dconn.Close()
	sconn, err := s.r.Conn(ctx)
	if err != nil {
		return err
	}
	defer sconn.Close()
	return dconn.Raw(func(dc any) error {
		return sconn.Raw(func(sc any) error {
			b, err := dc.(*sqlite3.SQLiteConn).Backup("main", sc.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return err
			}
			for {
				done, err := b.Step(256)
				if err != nil {
					b.Finish()
					return err
				}
				if done {
					return b.Finish()
				}
				if ctx.Err() != nil {
					b.Finish()
					return ctx.Err()
				}
			}
		})
	})
}

// IntegrityCheck runs PRAGMA integrity_check and returns its verdict ("ok"
// when the file is sound).
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	rows, err := s.r.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return "", err
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n"), rows.Err()
}

// tx runs f in an immediate write transaction and commits, or rolls back
// when f fails.
func (s *Store) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrap(err)
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return wrap(err)
	}
	return wrap(tx.Commit())
}

// wrap translates driver errors into coded errors: a missing row is
// ENOTFOUND, a uniqueness violation ECONFLICT, anything else is internal.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	var he *herald.Error
	if errors.As(err, &he) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &herald.Error{Code: herald.ENOTFOUND, Message: "not found", Err: err}
	}
	var se sqlite3.Error
	if errors.As(err, &se) && (se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey) {
		return &herald.Error{Code: herald.ECONFLICT, Message: "already exists", Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &herald.Error{Code: herald.EUNAVAILABLE, Message: "The request was cancelled before the database answered; try again.", Err: err}
	}
	return herald.Internal(err)
}

// ms and fromMS convert times to and from the stored milliseconds.
var ms, fromMS = sqlstore.MS, sqlstore.FromMS
