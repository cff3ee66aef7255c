// Package kit is what Herald's command families share: the Deps they run
// on and the Base their handlers embed (a draft's view, card and answer),
// the pure card renderers with their keys (DraftKey, MentionKey,
// SurgeKey), the notifiers that render the same cards for the scheduler
// (Notifier) and the listening (MentionNotifier), LLM drafting work
// (LLMDrafts), the shared parameters, and ErrorText, the chat wording of
// domain errors that the router uses (Router.SetWording). Cards are pure
// functions of a view: they read nothing.
package kit

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
)

// draftView assembles what a draft's card shows: its deliveries (when
// publishing is set up) and its checks. A part that cannot be read is
// left out of the card and logged: the card still shows the draft.
func (h *Base) draftView(ctx context.Context, v approvals.View) publish.DraftView {
	var dv publish.DraftView
	var err error
	if h.Publish != nil {
		dv, err = h.Publish.DraftView(ctx, v)
	} else {
		dv.View = v
		dv.Findings, err = h.Approvals.Findings(ctx, v)
	}
	if err != nil {
		h.Log.WarnContext(ctx, "card without some of its parts", "draft_id", v.Draft.ID, "error", err)
	}
	return dv
}

// ViewCard is the card of a draft's view, with the buttons of the
// commands the router has.
func (h *Base) ViewCard(ctx context.Context, v approvals.View) commands.Card {
	c := h.Router.Offer(draftCard(h.draftView(ctx, v)))
	linkMedia(h.MediaLink, &c, v.Draft.Media)
	return c
}

// linkMedia sets the public links of a card's media with link, when
// Herald has them (Deps.MediaLink; nil: none).
func linkMedia(link func(media.Item) string, c *commands.Card, items []media.Item) {
	if link == nil {
		return
	}
	for i := range c.Media {
		if i < len(items) && items[i].SHA256 == c.Media[i].SHA256 {
			c.Media[i].Link = link(items[i])
		}
	}
}

// CardResponse answers with a short text and the draft's current card.
func (h *Base) CardResponse(ctx context.Context, actor herald.Actor, id int64, text string) (commands.Response, error) {
	v, err := h.Approvals.Get(ctx, actor, id)
	if err != nil {
		return commands.Response{}, err
	}
	return h.ViewResponse(ctx, v, text), nil
}

// ViewResponse answers with a short text and the card of the draft's view.
func (h *Base) ViewResponse(ctx context.Context, v approvals.View, text string) commands.Response {
	return commands.Response{Text: text, Cards: []commands.Card{h.ViewCard(ctx, v)}}
}

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
	Announce commands.Announce
	// Show, when set, posts a card in a channel (or updates its copy
	// there): the pause card goes to each of the brand's channels.
	Show func(ctx context.Context, card commands.Card, where herald.ChannelRef)
	// Tell, when set, shows a card to one person alone, in the channel
	// where they asked (an ephemeral message, or a direct message where
	// the platform has none): the choice of account of target connect.
	Tell func(ctx context.Context, card commands.Card, who herald.Actor, where herald.ChannelRef)
	// Connect, when set, adds target connect and target choose.
	Connect *publish.Connector
	// Observe, when set, receives each command's path, error code and
	// duration (metrics).
	Observe func(command, code string, d time.Duration)
	// Media, when set, adds the media commands (media add, alt, rm, move,
	// list) and lets drafts take files: the library that checks and
	// stores pictures and videos (built in cmd/herald).
	Media *media.Library
	// MediaClient downloads the https URLs given to media add: the
	// guarded client of internal/httpx (private addresses refused), its
	// body bound at least the library's. Nil refuses URLs.
	MediaClient *http.Client
	// MediaHTTP lets media add fetch plain http links too (the operator's
	// HERALD_ALLOW_PRIVATE_SOURCES, for test and private setups); else
	// only https links are taken.
	MediaHTTP bool
	// MediaLink, when set, is a public, expiring URL of an item, set on
	// the cards that show it (HERALD_PUBLIC_URL's signed /media links).
	MediaLink func(media.Item) string
}

// Base is what the handlers of every command family share: the Deps,
// and the router whose commands a card's buttons may run (Router.Offer).
type Base struct {
	Deps
	Router *commands.Router
}
