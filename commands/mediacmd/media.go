package mediacmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/media"
)

func (h *handlers) add(ctx context.Context, r *commands.Request) (commands.Response, error) {
	id := r.Args.Int("id")
	srcs, srcErr := h.sources(r)
	// Nothing is read for someone who may not change the draft, and who
	// may not see it learns nothing else.
	if _, err := h.Approvals.MayAddMedia(ctx, r.Actor, id, max(len(srcs), 1)); err != nil {
		return commands.Response{}, err
	}
	if srcErr != nil {
		return commands.Response{}, srcErr
	}
	if len(srcs) > 1 && r.Args.Has("alt") {
		return commands.Response{}, herald.Errorf(herald.EINVALID, "--alt describes one picture, and %d come with this command: add them, then describe each with `media alt %d N TEXT`.", len(srcs), id)
	}
	items, err := h.store(ctx, srcs)
	if err != nil {
		return commands.Response{}, err
	}
	if len(items) == 1 {
		items[0].Alt = r.Args.Str("alt")
	}
	v, err := h.Approvals.AddMedia(ctx, r.Actor, id, items...)
	if err != nil {
		return commands.Response{}, err
	}
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = it.Describe()
	}
	msg := fmt.Sprintf("%s added %s to draft #%d (revision %d).", r.Actor.Display(), strings.Join(names, "; "), id, v.Draft.Rev)
	return h.ViewResponse(ctx, v, msg+revisionNote(v)+missingAlt(v)), nil
}

// store reads each source into the library, in order.
func (h *handlers) store(ctx context.Context, srcs []source) ([]media.Item, error) {
	items := make([]media.Item, 0, len(srcs))
	for _, s := range srcs {
		it, err := h.ReadMedia(ctx, s.name, s.open)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, nil
}

func (h *handlers) alt(ctx context.Context, r *commands.Request) (commands.Response, error) {
	id, n := r.Args.Int("id"), int(r.Args.Int("n"))
	text := r.Args.Str("text")
	switch {
	case r.Args.Has("suggest"):
		return h.suggest(ctx, r, id, n)
	case r.Args.Has("clear"):
		text = ""
	case strings.TrimSpace(text) == "":
		return commands.Response{}, herald.Errorf(herald.EINVALID, "Give the alt text, e.g. `media alt %d %d \"The team on the new store's steps\"` (or --suggest, or --clear to remove it).", id, n)
	}
	v, err := h.Approvals.SetAlt(ctx, r.Actor, id, n, text)
	if err != nil {
		return commands.Response{}, err
	}
	what := "set"
	if text == "" {
		what = "removed"
	}
	msg := fmt.Sprintf("%s %s the alt text of item %d (%s) of draft #%d (revision %d).", r.Actor.Display(), what, n, v.Draft.Media[n-1].Name, id, v.Draft.Rev)
	return h.ViewResponse(ctx, v, msg+revisionNote(v)), nil
}

func (h *handlers) rm(ctx context.Context, r *commands.Request) (commands.Response, error) {
	id, n := r.Args.Int("id"), int(r.Args.Int("n"))
	v, err := h.Approvals.RemoveMedia(ctx, r.Actor, id, n)
	if err != nil {
		return commands.Response{}, err
	}
	name := ""
	if k := len(v.Revisions) - 2; k >= 0 && n <= len(v.Revisions[k].Media) { // the revision it was removed from
		name = " (" + v.Revisions[k].Media[n-1].Name + ")"
	}
	msg := fmt.Sprintf("%s removed item %d%s from draft #%d (revision %d).", r.Actor.Display(), n, name, id, v.Draft.Rev)
	return h.ViewResponse(ctx, v, msg+revisionNote(v)), nil
}

func (h *handlers) move(ctx context.Context, r *commands.Request) (commands.Response, error) {
	id, n, to := r.Args.Int("id"), int(r.Args.Int("n")), int(r.Args.Int("to"))
	v, err := h.Approvals.MoveMedia(ctx, r.Actor, id, n, to)
	if err != nil {
		return commands.Response{}, err
	}
	msg := fmt.Sprintf("%s moved item %d (%s) of draft #%d to place %d (revision %d).", r.Actor.Display(), n, v.Draft.Media[to-1].Name, id, to, v.Draft.Rev)
	return h.ViewResponse(ctx, v, msg+revisionNote(v)), nil
}

func (h *handlers) list(ctx context.Context, r *commands.Request) (commands.Response, error) {
	v, err := h.Approvals.Get(ctx, r.Actor, r.Args.Int("id"))
	if err != nil {
		return commands.Response{}, err
	}
	return commands.Response{Text: listText(v), Ephemeral: true}, nil
}

// listText lists a draft's media, one a line, with its alt text or the
// lack of it.
func listText(v approvals.View) string {
	d := v.Draft
	if len(d.Media) == 0 {
		return fmt.Sprintf("Draft #%d has no pictures or videos. Add one with `media add %d FILE_OR_URL`.", d.ID, d.ID)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Draft #%d, revision %d: %d of at most %d pictures and videos.", d.ID, d.Rev, len(d.Media), approvals.MaxMedia)
	missing := 0
	for i, it := range d.Media {
		fmt.Fprintf(&b, "\n%d. %s", i+1, kit.MediaLine(it))
		if it.Alt == "" {
			missing++
		}
	}
	if missing > 0 {
		fmt.Fprintf(&b, "\nDescribe each picture for people who cannot see it: `media alt %d N TEXT`.", d.ID)
	}
	return b.String()
}

// revisionNote says that approvals of the old revision no longer count,
// when the draft went back to review.
func revisionNote(v approvals.View) string {
	if v.Draft.State == approvals.StateInReview && len(v.Approvals) > 0 {
		return " It is back in review: earlier approvals no longer count."
	}
	return ""
}

// missingAlt reminds which items lack alt text.
func missingAlt(v approvals.View) string {
	var nums []string
	for i, it := range v.Draft.Media {
		if it.Alt == "" {
			nums = append(nums, fmt.Sprint(i+1))
		}
	}
	switch len(nums) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf(" Item %s has no alt text: `media alt %d %s TEXT` describes it.", nums[0], v.Draft.ID, nums[0])
	}
	return fmt.Sprintf(" Items %s have no alt text: `media alt %d N TEXT` describes each.", kit.JoinAnd(nums), v.Draft.ID)
}
