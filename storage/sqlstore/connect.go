package sqlstore

import (
	"encoding/json"

	"github.com/heraldhq/herald/publish"
)

// Accounts and connect states: their columns and how a row is read.

// ConnectCols are the columns of connect_states, in the order ScanConnect
// reads them.
const ConnectCols = `state_hash, brand_id, kind, name, actor_platform, actor_id, actor_name, actor_lang, ch_platform, ch_workspace,
	ch_channel, verifier, created_at, expires_at, used_at, grant_sealed, choices, chosen_at`

// ScanConnect reads a connect state selected as ConnectCols. Its errors
// are the driver's or the JSON decoder's, for the store to code.
func ScanConnect(row Scanner) (publish.ConnectState, error) {
	var c publish.ConnectState
	var created, expires, used, chosen int64
	var choices string
	err := row.Scan(&c.Hash, &c.BrandID, &c.Target.Kind, &c.Target.Name, &c.Actor.Platform, &c.Actor.UserID, &c.Actor.Name,
		&c.Actor.Lang, &c.Channel.Platform, &c.Channel.Workspace, &c.Channel.Channel, &c.Verifier, &created, &expires, &used,
		&c.Grant, &choices, &chosen)
	if err != nil {
		return c, err
	}
	c.Created, c.Expires, c.Used, c.Chosen = FromMS(created), FromMS(expires), FromMS(used), FromMS(chosen)
	return c, json.Unmarshal([]byte(choices), &c.Choices)
}

// AccountCols are the columns of accounts, in the order ScanAccount reads
// them.
const AccountCols = `brand_id, kind, name, url, handle, secret, conn_as, conn_by, refresh, granted_at, expires_at,
	refresh_expires_at, last_ok_at, last_error, error_at, dead, warned_at`

// ScanAccount reads an account selected as AccountCols (dead is kept as 0
// or 1). Its errors are the driver's, for the store to code.
func ScanAccount(row Scanner) (publish.Account, error) {
	var a publish.Account
	c := &a.Conn
	var granted, expires, refreshExpires, lastOK, errorAt, dead, warned int64
	err := row.Scan(&a.BrandID, &a.Target.Kind, &a.Target.Name, &a.URL, &a.Handle, &a.Secret, &c.As, &c.By, &c.Refresh,
		&granted, &expires, &refreshExpires, &lastOK, &c.Health.LastError, &errorAt, &dead, &warned)
	c.Granted, c.Expires, c.RefreshExpires = FromMS(granted), FromMS(expires), FromMS(refreshExpires)
	c.Health.LastOK, c.Health.ErrorAt, c.Health.Warned = FromMS(lastOK), FromMS(errorAt), FromMS(warned)
	c.Health.Dead = dead != 0
	return a, err
}
