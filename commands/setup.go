package commands

import (
	"context"
	"log/slog"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
)

// Deps are what the command handlers need.
type Deps struct {
	// Brands answers who belongs to which brand and what they may do.
	Brands    *brands.Service
	Approvals *approvals.Service
	// Publish, when set, adds the publishing commands.
	Publish *publish.Service
	// Mentions, when set, adds the listening commands.
	Mentions *mentions.Service
	// PublicURL is Herald's public base URL, for calendar links.
	PublicURL string
	Clock     herald.Clock
	Log       *slog.Logger
	// Assist, when set, adds the guidelines and `ai` commands (issue 7).
	Assist *assist.Service
	// Go runs f detached from the request, after the platform's
	// acknowledgement, with a context of its own; false when it cannot
	// (shutting down). Announce brings the result to every copy of a card.
	// Without them, `ai` answers only when the LLM has.
	Go       func(f func(ctx context.Context)) bool
	Announce Announce
	// Observe, when set, receives each command's path, error code and
	// duration (metrics).
	Observe func(command, code string, d time.Duration)
}

// handlers holds the dependencies of every command family.
type handlers struct {
	Deps
	router *Router
}

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
	r.Register(h.helpDefs()...)
	r.Register(h.brandDefs()...)
	r.Register(h.draftDefs()...)
	r.Register(h.publishDefs()...)
	if d.Assist != nil {
		r.Register(h.assistDefs()...)
	}
	r.Register(h.listenDefs()...)
	return r
}
