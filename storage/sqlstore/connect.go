package sqlstore

import (
	"encoding/json"

	"github.com/heraldhq/herald/publish"
)

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
