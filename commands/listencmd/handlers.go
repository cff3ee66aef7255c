// Package listencmd holds the listening commands: watch, source,
// mentions, mention, mute/unmute/mutes and listen.
package listencmd

import (
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/kit"
)

// handlers are the commands of this family over the shared base.
type handlers struct{ *kit.Base }

// Defs returns the listening commands: watches, sources, mentions, mutes and the listening settings; none without listening. Their handlers act through b.
func Defs(b *kit.Base) []*commands.Def { return (&handlers{b}).listenDefs() }
