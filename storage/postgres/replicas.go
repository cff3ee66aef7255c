package postgres

// Several Heralds serving one database (issue 17): each joins as a
// replica, on a connection of its own that holds its locks and listens for
// the news the replicas send each other's chat adapters (fanout.go).

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
)

// ReasonReplicaTaken is the Reason of Join's error when a live replica
// already has the id.
const ReasonReplicaTaken = "replica_id_taken"

// ReplicaInfo is a live replica of the database.
type ReplicaInfo struct {
	ID    string
	Media string // the media store it uses, without credentials
	Since time.Time
}

// Replica is this process's place among the Heralds serving the database.
// It lives on a connection of its own, which holds the serving lock shared
// (so herald import and herald doctor's migration wait for every replica
// to stop) and the replica's own lock (so the others see it alive: a
// replica whose process or connection dies is gone at once, its lock
// released by PostgreSQL), and which listens for news (Listen).
type Replica struct {
	ID      string
	store   *Store
	key     int32  // the replica's lock, beside replicasNS
	channel string // the NOTIFY channel of the schema
	media   string
	since   int64 // Unix ms
	first   int64 // news ids up to this one were sent before it joined
	// Log, when set, hears of a lost listening connection.
	Log *slog.Logger

	mu      sync.Mutex
	conn    *pgx.Conn     // nil while reconnecting
	stop    chan struct{} // closed by Release
	stopped bool
	wg      sync.WaitGroup // Listen
	sends   int
}

// replicasNS is the first key of every replica's lock in the schema.
const replicasNS = `hashtext('herald:replicas:' || current_schema())`

// liveLock matches, in pg_locks l, the granted lock of replicas row r.
const liveLock = `l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
	AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
	AND l.classid = ((` + replicasNS + `)::bigint & 4294967295)::oid
	AND l.objid = (r.lock_key::bigint & 4294967295)::oid`

// Join makes this process a replica named id, using the media store named
// media, at now. admit sees the other live replicas (dead ones' rows are
// deleted first) and may refuse to join with an error, which Join
// returns. Replicas join one at a time, so of two starting together the
// second sees the first. Join is refused (Reason ReasonLocked) while a
// process holds the database alone (LockAlone).
func (s *Store) Join(ctx context.Context, id, media string, now time.Time, admit func(others []ReplicaInfo) error) (*Replica, error) {
	conn, err := pgx.ConnectConfig(ctx, s.cfg)
	if err != nil {
		return nil, herald.Errorf(herald.EUNAVAILABLE, "Cannot reach PostgreSQL at %s: %v.", where(s.cfg), err)
	}
	r := &Replica{ID: id, store: s, key: randomKey(), stop: make(chan struct{}), media: media, since: now.UnixMilli()}
	if err := r.join(ctx, conn, media, now, admit); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	r.conn = conn
	return r, nil
}

func (r *Replica) join(ctx context.Context, conn *pgx.Conn, media string, now time.Time, admit func([]ReplicaInfo) error) error {
	channel, err := r.lock(ctx, conn)
	if err != nil {
		return err
	}
	r.channel = channel
	tx, err := conn.Begin(ctx)
	if err != nil {
		return wrap(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(`+lockKey+`)`, "join"); err != nil {
		return wrap(err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM replicas r WHERE NOT EXISTS (SELECT 1 FROM pg_locks l WHERE `+liveLock+`)`); err != nil {
		return wrap(err)
	}
	var taken bool // a live replica's (dead ones' rows were deleted)
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM replicas WHERE replica_id = $1)`, r.ID).Scan(&taken); err != nil {
		return wrap(err)
	}
	if taken {
		return herald.Errorf(herald.ECONFLICT, "A live replica already serves this PostgreSQL database as %s: give each replica its own HERALD_REPLICA_ID, or leave it unset.", r.ID).
			Because(ReasonReplicaTaken, herald.Facts{"database": "postgres", "replica": r.ID})
	}
	others, err := listReplicas(ctx, tx, r.ID)
	if err != nil {
		return err
	}
	if admit != nil {
		if err := admit(others); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO replicas (replica_id, lock_key, media, started_at) VALUES ($1, $2, $3, $4)`,
		r.ID, r.key, media, now.UnixMilli()); err != nil {
		return wrap(err)
	}
	if err := tx.QueryRow(ctx, `SELECT COALESCE(max(id), 0) FROM fanout_news`).Scan(&r.first); err != nil {
		return wrap(err)
	}
	return wrap(tx.Commit(ctx))
}

// lock takes, on conn, the serving lock shared and the replica's lock,
// and listens on the schema's channel, which it returns: what a replica's
// connection holds (again after a reconnection).
func (r *Replica) lock(ctx context.Context, conn *pgx.Conn) (string, error) {
	var shared bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock_shared(`+lockKey+`)`, "serve").Scan(&shared); err != nil {
		return "", wrap(err)
	}
	if !shared {
		who := r.store.serveHolder(ctx)
		return "", herald.Errorf(herald.EUNAVAILABLE, "%s holds this PostgreSQL database alone (herald import, or herald doctor migrating it): stop it first.", who).
			Because(ReasonLocked, herald.Facts{"database": "postgres", "holder": who})
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(`+replicasNS+`, $1)`, r.key); err != nil {
		return "", wrap(err)
	}
	var schema string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return "", wrap(err)
	}
	sum := sha256.Sum256([]byte(schema))
	channel := "herald_news_" + hex.EncodeToString(sum[:8])
	_, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{channel}.Sanitize())
	return channel, wrap(err)
}

func listReplicas(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, args ...any) ([]ReplicaInfo, error) {
	rows, err := q.Query(ctx, `SELECT replica_id, media, started_at FROM replicas r
		WHERE EXISTS (SELECT 1 FROM pg_locks l WHERE `+liveLock+`) AND replica_id <> COALESCE($1, '') ORDER BY started_at, replica_id`, args...)
	if err != nil {
		return nil, wrap(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ReplicaInfo, error) {
		var ri ReplicaInfo
		var ms int64
		err := row.Scan(&ri.ID, &ri.Media, &ms)
		ri.Since = time.UnixMilli(ms).UTC()
		return ri, err
	})
	return out, wrap(err)
}

// Replicas lists the live replicas of the database, oldest first.
func (s *Store) Replicas(ctx context.Context) ([]ReplicaInfo, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, wrap(err)
	}
	defer conn.Close()
	var out []ReplicaInfo
	err = conn.Raw(func(dc any) error {
		pc, ok := dc.(interface{ Conn() *pgx.Conn })
		if !ok {
			return errors.New("postgres: not a pgx connection")
		}
		out, err = listReplicas(ctx, pc.Conn(), nil)
		return err
	})
	return out, err
}

// randomKey returns a random replica lock key.
func randomKey() int32 {
	var b [4]byte
	rand.Read(b[:])
	return int32(binary.BigEndian.Uint32(b[:]))
}

// Release leaves the replicas: it stops Listen, deletes the replica's row
// and closes its connection (which releases its locks; a row left behind
// is deleted by the next replica to join). It is safe on a nil Replica and
// twice.
func (r *Replica) Release() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return nil
	}
	r.stopped = true
	close(r.stop)
	r.mu.Unlock()
	r.wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conn == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if !r.conn.IsClosed() { // pgx closes a connection whose wait was canceled
		// Best effort: a row left behind is a dead replica's, deleted by
		// the next to join and never listed (its lock is free).
		r.conn.Exec(ctx, `DELETE FROM replicas WHERE replica_id = $1`, r.ID)
		// Released before the connection closes (PostgreSQL ends a closed
		// session a moment later): an import may start at once.
		r.conn.Exec(ctx, `SELECT pg_advisory_unlock_all()`)
	}
	err := r.conn.Close(ctx)
	r.conn = nil
	return wrap(err)
}

// Check reports whether the replica still holds its place among the
// replicas: its connection is open and PostgreSQL shows its lock held (a
// connection that went away took the replica's locks, the shared serving
// lock with them, until Listen opens it again).
func (r *Replica) Check(ctx context.Context) error {
	r.mu.Lock()
	conn, stopped := r.conn, r.stopped
	r.mu.Unlock()
	if stopped || conn == nil || conn.IsClosed() {
		return herald.Errorf(herald.EUNAVAILABLE, "Replica %s lost its connection to PostgreSQL (reconnecting).", r.ID)
	}
	var live bool
	err := r.store.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM (SELECT $1::integer AS lock_key) r, pg_locks l WHERE `+liveLock+`)`, r.key).Scan(&live)
	if err != nil {
		return wrap(err)
	}
	if !live {
		return herald.Errorf(herald.EUNAVAILABLE, "Replica %s no longer holds its lock on PostgreSQL.", r.ID)
	}
	return nil
}
