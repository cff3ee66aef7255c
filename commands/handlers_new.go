package commands

import (
	"log/slog"

	"github.com/heraldhq/herald"
)

// New returns a router with every Herald command registered behind the
// standard middleware: recover, log, observe, membership.
func New(d Deps) *Router {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Clock == nil {
		d.Clock = herald.SystemClock{}
	}
	mw := []Middleware{Recover(d.Log), Log(d.Log)}
	if d.Observe != nil {
		mw = append(mw, Observe(d.Observe))
	}
	mw = append(mw, RequireMember(d.Brands))
	r := NewRouter(mw...)
	r.SetWording(ErrorText)
	h := &handlers{Deps: d, router: r}
	r.Register(r.HelpDef())
	r.Register(h.brandDefs()...)
	r.Register(h.draftDefs()...)
	r.Register(h.publishDefs()...)
	if d.Assist != nil {
		r.Register(h.assistDefs()...)
	}
	r.Register(h.listenDefs()...)
	return r
}
