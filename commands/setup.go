package commands

import (
	"context"
	"log/slog"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
)

// Deps are what the command handlers need.
type Deps struct {
	Approvals *approvals.Service
	// Publish, when set, adds the publishing commands.
	Publish *publish.Service
	// Mentions, when set, adds the listening commands.
	Mentions *mentions.Service
	// PublicURL is Herald's public base URL, for calendar links.
	PublicURL string
	Clock     herald.Clock
	Log       *slog.Logger
	// Observe, when set, receives each command's path, error code and
	// duration (metrics).
	Observe func(command, code string, d time.Duration)
}

// handlers holds the dependencies of every command family.
type handlers struct {
	Deps
	router *Router
	// suggestReply, when an LLM is set up, drafts the reply to a mention.
	suggestReply func(ctx context.Context, r *Request, b herald.Brand, m mentions.Mention) (Response, error)
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
	mw = append(mw, RequireMember(d.Approvals))
	r := NewRouter(mw...)
	h := &handlers{Deps: d, router: r}
	r.Register(h.helpDefs()...)
	r.Register(h.brandDefs()...)
	r.Register(h.draftDefs()...)
	r.Register(h.publishDefs()...)
	r.Register(h.listenDefs()...)
	return r
}
