package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// driverName is mattn/go-sqlite3 with Herald's SQL functions, which the
// migrations use: herald_sha256(text) is the lowercase hex SHA-256 of
// its UTF-8 bytes (PostgreSQL's encode(sha256(convert_to(x, 'UTF8')),
// 'hex')).
const driverName = "sqlite3_herald"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		return c.RegisterFunc("herald_sha256", func(s string) string {
			sum := sha256.Sum256([]byte(s))
			return hex.EncodeToString(sum[:])
		}, true)
	}})
}

// fileMode is the mode of every file Herald writes beside its data: the
// database, its WAL and shared-memory files (SQLite gives them the
// database's mode), the lock and backups. They hold drafts, mentions and
// (without HERALD_SECRET_KEY) credentials: the owner only.
const fileMode fs.FileMode = 0o600

// createPrivate creates path with fileMode when it does not exist, so
// that SQLite opens an existing file and its WAL and SHM inherit the
// mode; an existing file readable by others is narrowed to the owner
// (best effort: a file we do not own is left as it is).
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if st, err := os.Stat(p); err == nil && st.Mode().Perm()&0o077 != 0 {
			_ = os.Chmod(p, st.Mode().Perm()&0o700)
		}
	}
	return nil
}

// Scrub checkpoints the write-ahead log into the database and truncates
// it, so rewritten values leave no older copy in the log; with vacuum it
// also rebuilds the file, so no free page keeps a value deleted before
// secure deletion was on. Call it after RewriteAccounts changed values.
func (s *Store) Scrub(ctx context.Context, vacuum bool) error {
	if vacuum {
		if _, err := s.w.ExecContext(ctx, `VACUUM`); err != nil {
			return wrap(err)
		}
	}
	var busy, logged, done int
	err := s.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &done)
	return wrap(err)
}
