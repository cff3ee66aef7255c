// Package draftcmd holds the draft commands: draft, drafts, show, edit,
// submit, approve, changes, reject, cancel and audit.
package draftcmd

import (
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/kit"
)

// handlers are the commands of this family over the shared base.
type handlers struct{ *kit.Base }

// Defs returns the draft commands: writing, reviewing, listing and auditing drafts. Their handlers act through b.
func Defs(b *kit.Base) []*commands.Def { return (&handlers{b}).draftDefs() }
