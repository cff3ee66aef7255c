package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync"
)

// Leader is the election of the replica that runs Herald's single jobs:
// a session advisory lock held on a connection of its own. PostgreSQL
// releases it when that connection ends (the process died, the network
// went away), and then another replica's next TryLead takes it.
type Leader struct {
	db *sql.DB

	mu   sync.Mutex
	conn *sql.Conn // while leading
}

// Leader returns the election of the database (its schema).
func (s *Store) Leader() *Leader { return &Leader{db: s.db} }

// TryLead takes the leader's lock without waiting when this replica does
// not hold it, or checks that the connection holding it still answers
// when it does. It reports whether this replica leads; an error means it
// does not (its connection, and with it the lock, was dropped).
func (l *Leader) TryLead(ctx context.Context) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != nil {
		var held bool
		err := l.conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
			AND pid = pg_backend_pid() AND objid = ((`+lockKey+`)::bigint & 4294967295)::oid)`, "leader").Scan(&held)
		if err == nil && held {
			return true, nil
		}
		l.conn.Raw(func(any) error { return driver.ErrBadConn }) // a broken connection is not reused
		l.conn.Close()
		l.conn = nil
		return false, wrap(err)
	}
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return false, wrap(err)
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(`+lockKey+`)`, "leader").Scan(&ok); err != nil || !ok {
		conn.Close()
		return false, wrap(err)
	}
	l.conn = conn
	return true, nil
}

// Resign gives the leadership up (releasing the lock) if this replica
// holds it.
func (l *Leader) Resign() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return nil
	}
	_, err := l.conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(`+lockKey+`)`, "leader")
	cerr := l.conn.Close()
	l.conn = nil
	if err != nil {
		return wrap(err)
	}
	return wrap(cerr)
}
