package publishcmd

import (
	"context"
	"fmt"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/commands/when"
	"github.com/heraldhq/herald/publish"
)

// duringPause confirms a publish while the brand's publishing is paused.
var duringPause = commands.Param{Name: "during-pause", Kind: commands.Choice, Flag: true, Choices: []string{"during-pause"},
	Help: "publish even though the brand's publishing is paused (a crisis answer)"}

// pauseDefs stop and resume a brand's publishing (issue 20).
func (h *handlers) pauseDefs() []*commands.Def {
	return []*commands.Def{
		{
			Path:    "pause",
			Summary: "Stop a brand's scheduled publishing in a crisis (admins and approvers).",
			Params: []commands.Param{
				{Name: "reason", Kind: commands.Text, Help: "why, shown on the pause card and in the audit log"},
				{Name: "until", Kind: commands.When, Flag: true, Help: "when publishing resumes by itself; until `resume` when absent"},
				kit.BrandFlag,
			},
			Examples: []string{`pause "product recall"`, `pause "bad buzz" --until "tomorrow 9:00"`},
			Handler:  h.pause,
		},
		{
			Path:     "resume",
			Extra:    true,
			Summary:  "Resume a brand's paused publishing; posts whose time passed become missed.",
			Params:   []commands.Param{kit.BrandFlag},
			Examples: []string{"resume", "resume --brand Acme"},
			Handler:  h.resume,
		},
	}
}

func (h *handlers) pause(ctx context.Context, r *commands.Request) (commands.Response, error) {
	var until time.Time
	if s := r.Args.Str("until"); s != "" {
		b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
		if err != nil {
			return commands.Response{}, err
		}
		if until, err = when.Parse(s, h.Clock.Now(), b.Location(), kit.ReaderLang(r.Actor, b)); err != nil {
			return commands.Response{}, herald.Errorf(herald.EINVALID, "%s", err.Error())
		}
	}
	v, err := h.Publish.Pause(ctx, r.Actor, r.Channel, r.Args.Str("brand"), r.Args.Str("reason"), until)
	if err != nil {
		return commands.Response{}, err
	}
	text := r.Lang.F("%s paused publishing for %s:", r.Actor.Display(), v.Brand.Name) + " " +
		r.Lang.N(v.Held, "%d scheduled post held.", "%d scheduled posts held.")
	card := h.Router.Offer(kit.PauseCard(v, kit.BrandLang(v.Brand)))
	h.showInBrandChannels(ctx, v.Brand.ID, r.Channel, card)
	return commands.Response{Text: text, Cards: []commands.Card{card}}, nil
}

// showInBrandChannels posts the pause card in each channel of the brand
// but here (where the answer shows it).
func (h *handlers) showInBrandChannels(ctx context.Context, brandID int64, here herald.ChannelRef, card commands.Card) {
	if h.Show == nil {
		return
	}
	chs, err := h.Brands.BrandChannels(ctx, brandID)
	if err != nil {
		h.Log.WarnContext(ctx, "pause card not shown in the brand's channels", "brand_id", brandID, "error", err)
		return
	}
	for _, ch := range chs {
		if ch != here {
			h.Show(ctx, card, ch)
		}
	}
}

func (h *handlers) resume(ctx context.Context, r *commands.Request) (commands.Response, error) {
	v, err := h.Publish.Resume(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return commands.Response{}, err
	}
	text := r.Lang.F("%s resumed publishing for %s;", r.Actor.Display(), v.Brand.Name) + " " +
		r.Lang.N(len(v.Missed), "%d post missed its time during the pause.", "%d posts missed their time during the pause.")
	card := h.Router.Offer(kit.PauseCard(v, kit.BrandLang(v.Brand)))
	if h.Announce != nil { // every copy of the pause card, in place
		h.Announce(ctx, card, commands.Response{})
	}
	return commands.Response{Text: text, Cards: []commands.Card{card}}, nil
}

// publishNow publishes a draft now; while its brand is paused it asks for
// confirmation (--during-pause, or the button on the answer).
func (h *handlers) publishNow(ctx context.Context, r *commands.Request) (commands.Response, error) {
	id := r.Args.Int("id")
	f := h.Publish.PublishNow
	if r.Args.Str("during-pause") != "" {
		f = h.Publish.PublishDuringPause
	}
	v, err := f(ctx, r.Actor, id)
	if c, ok := confirmPause(r.Lang, err, r.Lang.F("Publish draft #%d during the pause?", id), r.Lang.T("Publish anyway"), fmt.Sprintf("publish %d --during-pause", id)); ok {
		return commands.Response{Ephemeral: true, Cards: []commands.Card{c}}, nil
	}
	if err != nil {
		return commands.Response{}, err
	}
	return h.ViewResponse(ctx, v, r.Lang.F("%s is publishing draft #%d now.", r.Actor.Display(), id)), nil
}

// retry sends a failed or unconfirmed post again; while its brand is
// paused it asks for confirmation, as publish does.
func (h *handlers) retry(ctx context.Context, r *commands.Request) (commands.Response, error) {
	id, target := r.Args.Int("id"), r.Args.Str("target")
	f := h.Publish.Retry
	if r.Args.Str("during-pause") != "" {
		f = h.Publish.RetryDuringPause
	}
	v, err := f(ctx, r.Actor, id, target)
	cmd := fmt.Sprintf("retry %d", id)
	if target != "" {
		cmd += " " + commands.Quote(target)
	}
	if c, ok := confirmPause(r.Lang, err, r.Lang.F("Send draft #%d again during the pause?", id), r.Lang.T("Send anyway"), cmd+" --during-pause"); ok {
		return commands.Response{Ephemeral: true, Cards: []commands.Card{c}}, nil
	}
	if err != nil {
		return commands.Response{}, err
	}
	msg := r.Lang.F("%s is sending draft #%d again.", r.Actor.Display(), id)
	if target != "" {
		msg = r.Lang.F("%s is sending draft #%d again on %s.", r.Actor.Display(), id, target)
	}
	return h.ViewResponse(ctx, v, msg), nil
}

// confirmPause is the card asking to confirm an action refused because
// the brand's publishing is paused (err's Reason), with the button that
// runs command confirmed; false for any other err. It is shown only to
// whoever was refused, who was allowed to act but for the pause.
func confirmPause(l i18n.Lang, err error, title, label, command string) (commands.Card, bool) {
	if e := herald.AsError(err); e == nil || e.Reason != publish.ReasonPaused {
		return commands.Card{}, false
	}
	return commands.Card{Tone: "warning", Title: title, Text: kit.ErrorText(l, err),
		Buttons: []commands.Button{{Label: label, Command: command, Style: "danger"}}}, true
}
