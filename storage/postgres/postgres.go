// Package postgres stores Herald's data in PostgreSQL with jackc/pgx v5
// through database/sql (pgx's stdlib driver): the same shapes as
// storage/sqlite (sql.Tx, Scan, RowsAffected), so the two stores read
// alike and the import from SQLite scans both with one kind of code.
// Times are BIGINT Unix milliseconds, as in SQLite. Transactions run at
// READ COMMITTED: every compare-and-set is a conditional UPDATE (a
// concurrent writer's change makes it match no row), and where a check
// spans rows (the last admin, a claim against a pause) the brand's row
// is locked first. A serialization failure or deadlock is retried.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/storage/sqlstore"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is Herald's PostgreSQL storage: one pool for reads and writes.
type Store struct {
	db  *sql.DB
	cfg *pgx.ConnConfig // for the connections of its own a replica listens on (fanout.go)
}

// Open connects to the database at url (postgres://… or postgresql://…).
// It does not migrate: call Migrate.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, herald.Errorf(herald.EINVALID, "The PostgreSQL URL is not usable: %v.", err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, herald.Errorf(herald.EUNAVAILABLE, "Cannot reach PostgreSQL at %s: %v.", where(cfg), err)
	}
	return &Store{db: db, cfg: cfg}, nil
}

// where names a server and database without credentials.
func where(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
}

// Close closes the pool.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// DB is the pool, for tests and tools that read beside the store.
func (s *Store) DB() *sql.DB { return s.db }

// migration is one file of migrations/.
type migration = sqlstore.Migration

func migrations() ([]migration, error) { return sqlstore.ReadMigrations(migrationFiles) }

// afterMigration fills, in a migration's transaction, what its SQL cannot
// compute.
var afterMigration = map[int]func(context.Context, *sql.Tx) error{
	8: fillAuthors, // 0008_reads: mention_authors.folded is Go's folding
}

// Migrate applies the embedded migrations not yet applied, each in its own
// transaction, and returns the names of those it applied. It holds a
// session advisory lock of the schema while it works, so processes
// migrating one database at once take turns: the later finds the work
// done. A migration is looked up by its number (a lower one merged late is
// still applied); a database made by a newer Herald is refused.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, wrap(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+lockKey+`)`, "migrate"); err != nil {
		return nil, wrap(err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+lockKey+`)`, "migrate")
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return nil, wrap(err)
	}
	var applied []string
	for _, m := range ms {
		done, err := migrateOne(ctx, conn, m, ms[len(ms)-1].Version)
		if err != nil {
			return applied, wrap(err)
		}
		if !done {
			applied = append(applied, m.Name)
		}
	}
	return applied, nil
}

// lockKey is the advisory lock of a purpose ($1) on the connection's
// schema: two Heralds on two schemas of one database do not meet.
const lockKey = `hashtext('herald:' || $1 || ':' || current_schema())`

// migrateOne applies m in a transaction on conn unless it is applied; done
// reports that it was.
func migrateOne(ctx context.Context, conn *sql.Conn, m migration, last int) (done bool, err error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var current, n int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0), COUNT(*) FILTER (WHERE version = $1) FROM schema_migrations`, m.Version).Scan(&current, &n); err != nil {
		return false, err
	}
	if current > last {
		return false, herald.Errorf(herald.EUNAVAILABLE, "The database was written by a newer Herald (schema %d, this one knows %d); upgrade Herald.", current, last)
	}
	if n > 0 {
		return true, nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if fill := afterMigration[m.Version]; fill != nil {
		if err := fill(ctx, tx); err != nil {
			return false, fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, m.Version, m.Name, time.Now().UnixMilli()); err != nil {
		return false, err
	}
	return false, tx.Commit()
}

// SchemaVersion returns the newest migration applied to the database and
// the newest this Herald knows.
func (s *Store) SchemaVersion(ctx context.Context) (current, known int, err error) {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0, 0, err
	}
	var exists bool
	if err := s.db.QueryRowContext(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return 0, ms[len(ms)-1].Version, wrap(err)
	}
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current)
	return current, ms[len(ms)-1].Version, wrap(err)
}

// tx runs f in a READ COMMITTED transaction and commits, or rolls back
// when f fails. A serialization failure or a deadlock (PostgreSQL chose
// this transaction to abort) runs f again, a few times: f must be
// repeatable.
func (s *Store) tx(ctx context.Context, f func(*sql.Tx) error) error {
	var err error
	for range 4 {
		if err = s.tryTx(ctx, f); !retryable(err) {
			break
		}
	}
	return wrap(err)
}

func (s *Store) tryTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
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
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return &herald.Error{Code: herald.ECONFLICT, Message: "already exists", Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &herald.Error{Code: herald.EUNAVAILABLE, Message: "The request was cancelled before the database answered; try again.", Err: err}
	}
	return herald.Internal(err)
}

// ms and fromMS convert times to and from the stored milliseconds.
var ms, fromMS = sqlstore.MS, sqlstore.FromMS

// scanner is a row or rows.
type scanner = sqlstore.Scanner

// querier is what reads need of a pool or a transaction.
type querier = sqlstore.Querier

// queryAll is sqlstore.QueryAll with this store's error coding.
func queryAll[T any](ctx context.Context, db querier, scan func(sqlstore.Scanner) (T, error), q string, args ...any) ([]T, error) {
	return sqlstore.QueryAll(ctx, db, wrap, scan, q, args...)
}

// affected returns how many rows res changed; an error when it fails.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// mustAffect is ENOTFOUND ("The what does not exist.") when res changed
// no row.
func mustAffect(res sql.Result, err error, what string) error {
	n, err := affected(res, err)
	if err == nil && n == 0 {
		return herald.Errorf(herald.ENOTFOUND, "The %s does not exist.", what)
	}
	return err
}
