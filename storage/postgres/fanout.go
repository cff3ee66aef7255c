package postgres

// News between replicas: a replica sends news (the bytes of a card's
// announcement) with Send, a row in fanout_news and a NOTIFY of its id;
// every replica's Listen (the sender's too) reads the row and hands it on.
// A replica whose listening connection broke reconnects and reads the
// rows it missed meanwhile.

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// newsTTL is how long sent news are kept: long enough for a replica to
// reconnect and read what it missed, short enough to stay a small table.
const newsTTL = time.Hour

// newsWindow is how many news ids below the newest delivered one Listen
// looks at again: rows commit in any order, so a lower id may appear
// after a higher one was read.
const newsWindow = 256

// Send stores payload as news sent at at and notifies every replica
// listening on the database (this one included). Every 64th send deletes
// news older than an hour.
func (r *Replica) Send(ctx context.Context, payload []byte, at time.Time) error {
	_, err := r.store.db.ExecContext(ctx, `WITH n AS (INSERT INTO fanout_news (body, sent_at) VALUES ($1, $2) RETURNING id)
		SELECT pg_notify($3, id::text) FROM n`, string(payload), at.UnixMilli(), r.channel)
	if err != nil {
		return wrap(err)
	}
	r.mu.Lock()
	r.sends++
	prune := r.sends%64 == 1
	r.mu.Unlock()
	if prune {
		_, err = r.store.db.ExecContext(ctx, `DELETE FROM fanout_news WHERE sent_at < $1`, at.Add(-newsTTL).UnixMilli())
	}
	return wrap(err)
}

// Listen hands deliver every news sent after the replica joined, in the
// order of their ids, until ctx is done or the replica is released; then
// it returns nil. deliver runs on Listen's goroutine. A lost connection is
// opened again (the replica's locks taken again), and the news sent
// meanwhile are delivered then.
func (r *Replica) Listen(ctx context.Context, deliver func(ctx context.Context, payload []byte)) error {
	r.wg.Add(1)
	defer r.wg.Done()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-r.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	seen := newsSeen{low: r.first}
	for ctx.Err() == nil {
		conn := r.connection(ctx)
		if conn == nil {
			break
		}
		err := seen.catchUp(ctx, conn, deliver)
		if err == nil {
			_, err = conn.WaitForNotification(ctx)
		}
		if err != nil && ctx.Err() == nil {
			r.logDrop(err)
			r.drop(conn)
		}
	}
	return nil
}

// newsSeen are the ids delivered at or above low (a window below the
// newest).
type newsSeen struct {
	low int64
	ids []int64
}

// catchUp delivers the news not delivered yet, oldest first.
func (s *newsSeen) catchUp(ctx context.Context, conn *pgx.Conn, deliver func(context.Context, []byte)) error {
	for {
		rows, err := conn.Query(ctx, `SELECT id, body FROM fanout_news WHERE id > $1 AND NOT (id = ANY($2)) ORDER BY id LIMIT 100`, s.low, append([]int64{}, s.ids...))
		if err != nil {
			return err
		}
		type news struct {
			id   int64
			body string
		}
		batch, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (news, error) {
			var n news
			return n, row.Scan(&n.id, &n.body)
		})
		if err != nil {
			return err
		}
		for _, n := range batch {
			s.ids = append(s.ids, n.id)
			deliver(ctx, []byte(n.body))
		}
		s.trim()
		if len(batch) < 100 {
			return nil
		}
	}
}

// trim keeps the window of the newsWindow ids below the newest.
func (s *newsSeen) trim() {
	if len(s.ids) == 0 {
		return
	}
	slices.Sort(s.ids)
	if floor := s.ids[len(s.ids)-1] - newsWindow; floor > s.low {
		i, _ := slices.BinarySearch(s.ids, floor+1)
		s.ids = slices.Clone(s.ids[i:])
		s.low = floor
	}
}

// connection returns the replica's listening connection, opening it again
// (with its locks) after it was lost; nil once ctx is done.
func (r *Replica) connection(ctx context.Context) *pgx.Conn {
	r.mu.Lock()
	conn := r.conn
	r.mu.Unlock()
	wait := time.Second
	for conn == nil {
		c, err := pgx.ConnectConfig(ctx, r.store.cfg)
		if err == nil {
			if err = r.rejoin(ctx, c); err == nil {
				r.mu.Lock()
				r.conn, conn = c, c
				r.mu.Unlock()
				break
			}
			c.Close(context.WithoutCancel(ctx))
		}
		r.logDrop(err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, 15*time.Second)
	}
	return conn
}

// rejoin takes the replica's locks on a new connection and puts its row
// back if a replica joining meanwhile deleted it (its lock was free).
func (r *Replica) rejoin(ctx context.Context, conn *pgx.Conn) error {
	if _, err := r.lock(ctx, conn); err != nil {
		return err
	}
	_, err := conn.Exec(ctx, `INSERT INTO replicas (replica_id, lock_key, media, started_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
		r.ID, r.key, r.media, r.since)
	return err
}

// drop closes a broken listening connection.
func (r *Replica) drop(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	conn.Close(ctx)
	r.mu.Lock()
	if r.conn == conn {
		r.conn = nil
	}
	r.mu.Unlock()
}

// logDrop logs a lost listening connection (not its cause's secrets:
// pgx's errors name the server, not the password).
func (r *Replica) logDrop(err error) {
	if r.Log != nil && err != nil {
		r.Log.Warn("replica listening connection lost; reconnecting", "replica", r.ID, "error", err)
	}
}
