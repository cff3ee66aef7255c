// Package publishcmd holds the publishing commands: schedule, unschedule,
// publish, retry, confirm, queue, target and calendar.
package publishcmd

import (
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/kit"
)

// handlers are the commands of this family over the shared base.
type handlers struct{ *kit.Base }

// Defs returns the publishing commands: schedule, publish, settle, the queue, targets and the calendar; none without publishing. Their handlers act through b.
func Defs(b *kit.Base) []*commands.Def { return (&handlers{b}).publishDefs() }
