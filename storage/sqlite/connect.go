package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/storage/sqlstore"
)

// Accounts with their connection (target connect), and the connect states.

const accountCols = sqlstore.AccountCols

// scanAccount is sqlstore.ScanAccount with this store's error coding.
func scanAccount(row interface{ Scan(...any) error }) (publish.Account, error) {
	a, err := sqlstore.ScanAccount(row)
	return a, wrap(err)
}

// putAccount stores a, replacing any account of its target.
func putAccount(ctx context.Context, tx *sql.Tx, a publish.Account, at time.Time) error {
	c := a.Conn
	_, err := tx.ExecContext(ctx, `INSERT INTO accounts (brand_id, kind, name, url, handle, secret, created_at, conn_as, conn_by, refresh,
			granted_at, expires_at, refresh_expires_at, last_ok_at, last_error, error_at, dead, warned_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (brand_id, kind, name) DO UPDATE SET url = excluded.url, handle = excluded.handle, secret = excluded.secret,
			created_at = excluded.created_at, conn_as = excluded.conn_as, conn_by = excluded.conn_by, refresh = excluded.refresh,
			granted_at = excluded.granted_at, expires_at = excluded.expires_at, refresh_expires_at = excluded.refresh_expires_at,
			last_ok_at = excluded.last_ok_at, last_error = excluded.last_error, error_at = excluded.error_at, dead = excluded.dead,
			warned_at = excluded.warned_at`,
		a.BrandID, a.Target.Kind, a.Target.Name, a.URL, a.Handle, a.Secret, ms(at), c.As, c.By, c.Refresh,
		ms(c.Granted), ms(c.Expires), ms(c.RefreshExpires), ms(c.Health.LastOK), c.Health.LastError, ms(c.Health.ErrorAt),
		c.Health.Dead, ms(c.Health.Warned))
	return err
}

// SetHealth implements publish.Store.
func (s *Store) SetHealth(ctx context.Context, brandID int64, t herald.Target, h publish.Health) error {
	res, err := s.w.ExecContext(ctx, `UPDATE accounts SET last_ok_at = ?, last_error = ?, error_at = ?, dead = ?, warned_at = ?
		WHERE brand_id = ? AND kind = ? AND name = ?`,
		ms(h.LastOK), h.LastError, ms(h.ErrorAt), h.Dead, ms(h.Warned), brandID, t.Kind, t.Name)
	return oneRow(res, err, "no such target")
}

// oneRow is the error of a write that had to change one row.
func oneRow(res sql.Result, err error, missing string) error {
	if err != nil {
		return wrap(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return wrap(err)
	} else if n == 0 {
		return herald.Errorf(herald.ENOTFOUND, "%s", missing)
	}
	return nil
}

const connectCols = sqlstore.ConnectCols

// scanConnect is sqlstore.ScanConnect with this store's error coding.
func scanConnect(row interface{ Scan(...any) error }) (publish.ConnectState, error) {
	c, err := sqlstore.ScanConnect(row)
	return c, wrap(err)
}

// PutConnectState implements publish.Store.
func (s *Store) PutConnectState(ctx context.Context, c publish.ConnectState) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO connect_states (`+connectCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', '[]', 0)`,
		c.Hash, c.BrandID, c.Target.Kind, c.Target.Name, c.Actor.Platform, c.Actor.UserID, c.Actor.Name, c.Actor.Lang,
		c.Channel.Platform, c.Channel.Workspace, c.Channel.Channel, c.Verifier, ms(c.Created), ms(c.Expires))
	return wrap(err)
}

// TakeConnectState implements publish.Store.
func (s *Store) TakeConnectState(ctx context.Context, hash string, now time.Time) (publish.ConnectState, error) {
	var c publish.ConnectState
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = scanConnect(tx.QueryRowContext(ctx, `SELECT `+connectCols+` FROM connect_states WHERE state_hash = ?`, hash))
		if err != nil {
			return err
		}
		if !c.Used.IsZero() || !c.Expires.After(now) {
			return herald.Errorf(herald.ECONFLICT, "connect state used or expired")
		}
		c.Used = now.UTC().Truncate(time.Millisecond)
		_, err = tx.ExecContext(ctx, `UPDATE connect_states SET used_at = ? WHERE state_hash = ? AND used_at = 0`, ms(now), hash)
		return err
	})
	return c, err
}

// PendConnect implements publish.Store.
func (s *Store) PendConnect(ctx context.Context, hash, grant string, choices []publish.Choice, until time.Time) error {
	js, err := json.Marshal(choices)
	if err != nil {
		return err
	}
	res, err := s.w.ExecContext(ctx, `UPDATE connect_states SET grant_sealed = ?, choices = ?, expires_at = ? WHERE state_hash = ? AND used_at != 0 AND chosen_at = 0`,
		grant, string(js), ms(until), hash)
	return oneRow(res, err, "no such connect state")
}

// PendingConnect implements publish.Store.
func (s *Store) PendingConnect(ctx context.Context, brandID int64, t herald.Target, actor herald.Actor) (publish.ConnectState, error) {
	return scanConnect(s.r.QueryRowContext(ctx, `SELECT `+connectCols+` FROM connect_states
		WHERE brand_id = ? AND kind = ? AND name = ? AND actor_platform = ? AND actor_id = ? AND used_at != 0 AND chosen_at = 0 AND grant_sealed != ''
		ORDER BY used_at DESC LIMIT 1`, brandID, t.Kind, t.Name, actor.Platform, actor.UserID))
}

// FinishConnect implements publish.Store.
func (s *Store) FinishConnect(ctx context.Context, hash string, at time.Time, a publish.Account, e approvals.AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE connect_states SET chosen_at = ?, grant_sealed = '' WHERE state_hash = ? AND used_at != 0 AND chosen_at = 0`, ms(at), hash)
		if err := oneRow(res, err, "connect state chosen already"); err != nil {
			return herald.Errorf(herald.ECONFLICT, "connect state chosen already")
		}
		if err := putAccount(ctx, tx, a, at); err != nil {
			return err
		}
		return insertAudit(ctx, tx, e)
	})
}

// PruneConnectStates implements publish.Store.
func (s *Store) PruneConnectStates(ctx context.Context, before time.Time) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM connect_states WHERE expires_at < ?`, ms(before))
	return wrap(err)
}
