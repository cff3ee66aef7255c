// Package brandcmd holds the brand commands: brand add/list/use (the
// channel's default brand), role (alone: who has which role), policy and
// remind.
package brandcmd

import (
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/kit"
)

// handlers are the commands of this family over the shared base.
type handlers struct{ *kit.Base }

// Defs returns the brand commands: brands, roles, members, review policy and reminders. Their handlers act through b.
func Defs(b *kit.Base) []*commands.Def { return (&handlers{b}).brandDefs() }
