package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/heraldhq/herald"
)

// ReasonLocked is the Reason of the error LockAlone returns when a Herald
// serves the database, and Join's when a process holds it alone.
const ReasonLocked = "database_in_use"

// Lock is a session advisory lock held on a connection of its own until
// Release (or until the process or its connection ends: PostgreSQL then
// releases it).
type Lock struct {
	conn *sql.Conn
}

// LockAlone takes, without waiting, the database (its schema) for a
// process that must have it alone: herald import while it copies, herald
// doctor while it migrates. Serving replicas hold the same lock shared
// (Join), so while one serves LockAlone is refused (EUNAVAILABLE, Reason
// ReasonLocked) with the process id of a holder when PostgreSQL shows it.
func (s *Store) LockAlone(ctx context.Context) (*Lock, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, wrap(err)
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(`+lockKey+`)`, "serve").Scan(&ok); err != nil {
		conn.Close()
		return nil, wrap(err)
	}
	if ok {
		return &Lock{conn: conn}, nil
	}
	conn.Close()
	who := s.serveHolder(ctx)
	return nil, herald.Errorf(herald.EUNAVAILABLE, "%s is serving this PostgreSQL database: stop every Herald on it first.", who).
		Because(ReasonLocked, herald.Facts{"database": "postgres", "holder": who})
}

// serveHolder names a process holding the serving lock, by its address
// and backend pid when PostgreSQL shows them.
func (s *Store) serveHolder(ctx context.Context) string {
	var pid int64
	var addr string
	err := s.db.QueryRowContext(ctx, `SELECT a.pid, COALESCE(host(a.client_addr), 'local') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND l.objid = ((`+lockKey+`)::bigint & 4294967295)::oid LIMIT 1`, "serve").Scan(&pid, &addr)
	if err != nil {
		return "another Herald"
	}
	return fmt.Sprintf("another Herald (connected from %s, PostgreSQL backend pid %d)", addr, pid)
}

// Release releases the lock. It is safe on a nil Lock.
func (l *Lock) Release() error {
	if l == nil || l.conn == nil {
		return nil
	}
	_, err := l.conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(`+lockKey+`)`, "serve")
	cerr := l.conn.Close()
	l.conn = nil
	if err != nil {
		return err
	}
	return cerr
}
