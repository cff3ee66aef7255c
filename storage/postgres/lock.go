package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/heraldhq/herald"
)

// ReasonLocked is the Reason of the error LockServe returns when another
// Herald serves the database.
const ReasonLocked = "database_in_use"

// Lock is a session advisory lock held on a connection of its own until
// Release (or until the process or its connection ends: PostgreSQL then
// releases it).
type Lock struct {
	conn *sql.Conn
}

// LockServe takes, without waiting, the lock a serving Herald holds on the
// database (its schema): until several replicas are supported, a second
// `herald run` on one database is refused (EUNAVAILABLE, Reason
// ReasonLocked) with the process id of the holder when PostgreSQL shows
// it.
func (s *Store) LockServe(ctx context.Context) (*Lock, error) {
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
	who := "another Herald"
	var pid int64
	var addr string
	err = s.db.QueryRowContext(ctx, `SELECT a.pid, COALESCE(host(a.client_addr), 'local') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND l.objid = ((`+lockKey+`)::bigint & 4294967295)::oid LIMIT 1`, "serve").Scan(&pid, &addr)
	if err == nil {
		who = fmt.Sprintf("another Herald (connected from %s, PostgreSQL backend pid %d)", addr, pid)
	}
	return nil, herald.Errorf(herald.EUNAVAILABLE, "%s is serving this PostgreSQL database; several replicas are not supported yet: stop it first.", who).
		Because(ReasonLocked, herald.Facts{"database": "postgres", "holder": who})
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
