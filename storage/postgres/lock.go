package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/heraldhq/herald"
)

// ReasonLocked is the Reason of the error LockAlone returns when a Herald
// serves the database, and LockServe's when one works on it alone (an
// import).
const ReasonLocked = "database_in_use"

// Lock is a session advisory lock held on a connection of its own until
// Release (or until the process or its connection ends: PostgreSQL then
// releases it).
type Lock struct {
	conn   *sql.Conn
	shared bool
}

// LockServe takes, without waiting, the shared lock every serving Herald
// holds on the database (its schema): any number of replicas serve one
// database together, and LockAlone knows they are there. It is refused
// (EUNAVAILABLE, Reason ReasonLocked) while a command holds the database
// alone (an import).
func (s *Store) LockServe(ctx context.Context) (*Lock, error) { return s.lockServe(ctx, true) }

// LockAlone takes, without waiting, the serving lock exclusively: for
// what must not run beside a serving Herald (an import; doctor's
// migration). It is refused (EUNAVAILABLE, Reason ReasonLocked) while a
// Herald serves the database, naming one when PostgreSQL shows it.
func (s *Store) LockAlone(ctx context.Context) (*Lock, error) { return s.lockServe(ctx, false) }

func (s *Store) lockServe(ctx context.Context, shared bool) (*Lock, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, wrap(err)
	}
	fn := "pg_try_advisory_lock"
	if shared {
		fn += "_shared"
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT `+fn+`(`+lockKey+`)`, "serve").Scan(&ok); err != nil {
		conn.Close()
		return nil, wrap(err)
	}
	if ok {
		return &Lock{conn: conn, shared: shared}, nil
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
	msg := "%s is serving this PostgreSQL database: stop every Herald on it first."
	if shared {
		msg = "%s is working on this PostgreSQL database alone (an import): wait until it ends."
	}
	return nil, herald.Errorf(herald.EUNAVAILABLE, msg, who).
		Because(ReasonLocked, herald.Facts{"database": "postgres", "holder": who})
}

// Release releases the lock. It is safe on a nil Lock.
func (l *Lock) Release() error {
	if l == nil || l.conn == nil {
		return nil
	}
	fn := "pg_advisory_unlock"
	if l.shared {
		fn += "_shared"
	}
	_, err := l.conn.ExecContext(context.Background(), `SELECT `+fn+`(`+lockKey+`)`, "serve")
	cerr := l.conn.Close()
	l.conn = nil
	if err != nil {
		return err
	}
	return cerr
}

// Check reports whether the lock is still held: its connection answers
// (PostgreSQL holds a session lock as long as the session lives).
func (l *Lock) Check(ctx context.Context) error {
	if l == nil || l.conn == nil {
		return herald.Errorf(herald.EUNAVAILABLE, "The serving lock is not held.")
	}
	return wrap(l.conn.PingContext(ctx))
}
