// Package assistcmd holds the drafting-help commands (the brand's
// guidelines and `ai`) and the guidelines lint of drafts (GuidelinesChecker).
package assistcmd

import (
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/kit"
)

// handlers are the commands of this family over the shared base.
type handlers struct{ *kit.Base }

// Defs returns the drafting-help commands: the brand's guidelines and `ai`. Their handlers act through b.
func Defs(b *kit.Base) []*commands.Def { return (&handlers{b}).assistDefs() }
