// Package handlers assembles Herald's command router: the framework of
// package commands with every command family registered, in the order
// help and Discord's /herald show them.
package handlers

import (
	"log/slog"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/assistcmd"
	"github.com/heraldhq/herald/commands/brandcmd"
	"github.com/heraldhq/herald/commands/draftcmd"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/commands/listencmd"
	"github.com/heraldhq/herald/commands/mediacmd"
	"github.com/heraldhq/herald/commands/publishcmd"
)

// New returns a router with every Herald command registered behind the
// standard middleware: recover, log, observe, membership.
func New(d kit.Deps) *commands.Router {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Clock == nil {
		d.Clock = herald.SystemClock{}
	}
	mw := []commands.Middleware{commands.Recover(d.Log), commands.Log(d.Log)}
	if d.Observe != nil {
		mw = append(mw, commands.Observe(d.Observe))
	}
	mw = append(mw, commands.RequireMember(d.Brands))
	r := commands.NewRouter(mw...)
	r.SetWording(kit.ErrorText)
	r.SetLanguage(d.Language())
	b := &kit.Base{Deps: d, Router: r}
	r.Register(r.HelpDef())
	r.Register(brandcmd.Defs(b)...)
	r.Register(draftcmd.Defs(b)...)
	r.Register(publishcmd.Defs(b)...)
	if d.Media != nil {
		r.Register(mediacmd.Defs(b)...)
	}
	if d.Assist != nil {
		r.Register(assistcmd.Defs(b)...)
	}
	r.Register(listencmd.Defs(b)...)
	return r
}
