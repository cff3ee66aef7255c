package mediacmd

import (
	"context"
	"fmt"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/kit"
)

// suggest asks the LLM to describe item n of draft id and stores what it
// writes as the item's alt text, a new revision by the person who asked:
// like any revision, people see it on the card and review it. It runs
// detached (Deps.Go) when it can: the card is updated when the LLM has
// answered.
func (h *handlers) suggest(ctx context.Context, r *commands.Request, id int64, n int) (commands.Response, error) {
	if h.Assist == nil || !h.Assist.Enabled() {
		return commands.Response{}, herald.Errorf(herald.EUNAVAILABLE, "Herald has no LLM set up, so it cannot suggest alt text; describe the picture with `media alt %d %d TEXT`. (Operators: OPENAI_BASE_URL and HERALD_LLM_MODEL, with HERALD_LLM_VISION=true for a model that reads images.)", id, n)
	}
	if !h.Assist.Vision() {
		return commands.Response{}, herald.Errorf(herald.EUNAVAILABLE, "The LLM configured does not read pictures, so Herald cannot suggest alt text; describe it with `media alt %d %d TEXT`.", id, n)
	}
	d, err := h.Approvals.MayAddMedia(ctx, r.Actor, id, 0) // the right to change its media, before the LLM is asked
	if err != nil {
		return commands.Response{}, err
	}
	it, err := approvals.MediaItem(d, n)
	if err != nil {
		return commands.Response{}, err
	}
	if h.Go == nil || h.Announce == nil {
		v, msg, err := h.describe(ctx, r.Actor, d, n)
		if err != nil {
			return commands.Response{}, err
		}
		return h.ViewResponse(ctx, v, msg), nil
	}
	actor := r.Actor
	if !h.Go(func(ctx context.Context) {
		v, msg, err := h.describe(ctx, actor, d, n)
		if err != nil {
			h.Log.WarnContext(ctx, "alt text not suggested", "draft_id", id, "code", herald.ErrorCode(err))
			if v, gerr := h.Approvals.Get(ctx, actor, id); gerr == nil {
				h.Announce(ctx, h.ViewCard(ctx, v), commands.Response{Text: kit.ErrorText(err), ErrCode: herald.ErrorCode(err)})
			}
			return
		}
		h.Announce(ctx, h.ViewCard(ctx, v), commands.Response{Text: msg})
	}) {
		return commands.Response{}, herald.Errorf(herald.EUNAVAILABLE, "Herald is shutting down; ask again in a moment.")
	}
	return commands.Response{Text: fmt.Sprintf("Describing item %d (%s) of draft #%d… The alt text will appear on its card, for you to check.", n, it.Name, id), Ephemeral: true}, nil
}

// describe asks for item n's alt text and stores it as actor's revision.
func (h *handlers) describe(ctx context.Context, actor herald.Actor, d approvals.Draft, n int) (approvals.View, string, error) {
	it := d.Media[n-1]
	blob, err := h.Media.Store.Open(ctx, it.SHA256)
	if err != nil {
		return approvals.View{}, "", err
	}
	defer blob.Close()
	b, err := h.Brands.Brand(ctx, d.BrandID)
	if err != nil {
		return approvals.View{}, "", err
	}
	alt, err := h.Assist.SuggestAlt(ctx, b, assist.Picture{Name: it.Name, Type: it.Type, Width: it.Width, Height: it.Height,
		Size: it.Size, Bytes: blob, PostText: d.Text})
	if err != nil {
		return approvals.View{}, "", err
	}
	v, err := h.Approvals.SetAlt(ctx, actor, d.ID, n, alt)
	if err != nil {
		return approvals.View{}, "", err
	}
	msg := fmt.Sprintf("The LLM suggested alt text for item %d (%s) of draft #%d, set as revision %d by %s: “%s”. It is only a proposal: change it with `media alt %d %d TEXT`.",
		n, it.Name, d.ID, v.Draft.Rev, actor.Display(), alt, d.ID, n)
	return v, msg + revisionNote(v), nil
}
