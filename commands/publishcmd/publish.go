package publishcmd

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/commands/when"
	"github.com/heraldhq/herald/publish"
)

var whenParam = commands.Param{Name: "when", Kind: commands.When, Required: true, Help: `when to publish: "2026-12-01 09:00", "tomorrow 9:00", "in 2h", "mon 14:30", in the brand's zone unless a zone follows`}

// publishDefs are the publishing commands: the schedule, sending and
// settling posts, the queue, then targets and the calendar; none without
// publishing.
func (h *handlers) publishDefs() []*commands.Def {
	if h.Publish == nil {
		return nil
	}
	return append(append(append(h.postDefs(), h.pauseDefs()...), h.targetDefs()...), h.connectDefs()...)
}

// postDefs schedule, send and settle a draft's posts, and list the queue.
func (h *handlers) postDefs() []*commands.Def {
	targetParam := commands.Param{Name: "target", Kind: commands.String, Help: "one target only, e.g. mastodon:main; all of them when absent"}
	return []*commands.Def{
		{
			Path:     "schedule",
			Summary:  "Schedule an approved draft to be published at a time.",
			Params:   []commands.Param{kit.IDParam, whenParam},
			Examples: []string{`schedule 12 "tomorrow 9:00"`, `schedule 12 "2026-12-01 09:00 Europe/Paris"`},
			Handler:  h.schedule,
		},
		{
			Path:     "unschedule",
			Summary:  "Take a draft off the schedule (it stays approved).",
			Params:   []commands.Param{kit.IDParam},
			Examples: []string{"unschedule 12"},
			// on Discord through /herald more (the card's Unschedule button
			// runs it): /herald media takes the 25th place Discord allows
			Extra:   true,
			Handler: h.publishAction((*publish.Service).Unschedule, "took draft #%d off the schedule"),
		},
		{
			Path:     "publish",
			Summary:  "Publish an approved draft now, to all its targets.",
			Params:   []commands.Param{kit.IDParam, duringPause},
			Examples: []string{"publish 12", "publish 12 --during-pause"},
			Handler:  h.publishNow,
		},
		{
			Path:     "retry",
			Extra:    true,
			Summary:  "Send a failed or unconfirmed post again (same idempotency key).",
			Params:   []commands.Param{kit.IDParam, targetParam, duringPause},
			Examples: []string{"retry 12", "retry 12 mastodon:main", "retry 12 --during-pause"},
			Handler:  h.retry,
		},
		{
			Path:     "confirm",
			Extra:    true,
			Summary:  "Mark an unconfirmed (or failed) post as published, once you have seen it there.",
			Params:   []commands.Param{kit.IDParam, targetParam},
			Examples: []string{"confirm 12", "confirm 12 slack:#news"},
			Handler:  h.settle((*publish.Service).Confirm, "marked draft #%d as published"),
		},
		{
			Path:     "queue",
			Summary:  "List scheduled posts and those that need attention.",
			Params:   []commands.Param{kit.BrandFlag},
			Examples: []string{"queue", "queue --brand Acme"},
			Handler:  h.queue,
		},
	}
}

// targetDefs set up a brand's networks and give its calendar's link.
func (h *handlers) targetDefs() []*commands.Def {
	return []*commands.Def{
		{
			Path:    "target add",
			Extra:   true,
			Summary: "Set up a network target for a brand (admins; the secret is never shown back).",
			Params: []commands.Param{
				{Name: "target", Kind: commands.String, Required: true, Help: "mastodon:NAME, bluesky:NAME, webhook:NAME, discord-webhook:NAME or telegram:NAME"},
				{Name: "url", Kind: commands.String, Help: "the instance, PDS or webhook URL; for Telegram the chat (@channel or a chat id)"},
				{Name: "handle", Kind: commands.String, Flag: true, Help: "the account handle (Bluesky)"},
				{Name: "secret", Kind: commands.String, Flag: true, Help: "the access token, app password, signing secret or Telegram bot token"},
				kit.BrandFlag,
			},
			Examples: []string{
				"target add mastodon:main https://mastodon.social --secret TOKEN",
				"target add bluesky:main https://bsky.social --handle acme.bsky.social --secret APP-PASSWORD",
				"target add webhook:zapier https://hooks.zapier.com/hooks/catch/1/abc --secret SIGNING-SECRET",
				"target add telegram:news @acmenews",
			},
			Handler: h.targetAdd,
		},
		{
			Path:     "target list",
			Extra:    true,
			Summary:  "List a brand's targets.",
			Params:   []commands.Param{kit.BrandFlag},
			Examples: []string{"target list"},
			Handler:  h.targetList,
		},
		{
			Path:     "target rm",
			Extra:    true,
			Summary:  "Remove a brand's target (admins).",
			Params:   []commands.Param{{Name: "target", Kind: commands.String, Required: true, Help: "e.g. mastodon:main"}, kit.BrandFlag},
			Examples: []string{"target rm mastodon:main"},
			Handler:  h.targetRemove,
		},
		{
			Path:     "calendar",
			Extra:    true,
			Summary:  "The link of a brand's calendar of posts, for any calendar app.",
			Params:   []commands.Param{{Name: "rotate", Kind: commands.Choice, Choices: []string{"rotate"}, Help: "make a new link; the old one stops working (admins)"}, kit.BrandFlag},
			Examples: []string{"calendar", "calendar rotate"},
			Handler:  h.calendar,
		},
	}
}

func (h *handlers) schedule(ctx context.Context, r *commands.Request) (commands.Response, error) {
	id := r.Args.Int("id")
	v, err := h.Approvals.Get(ctx, r.Actor, id)
	if err != nil {
		return commands.Response{}, err
	}
	at, err := when.Parse(r.Args.Str("when"), h.Clock.Now(), v.Brand.Location(), kit.ReaderLang(r.Actor, v.Brand))
	if err != nil {
		return commands.Response{}, herald.Errorf(herald.EINVALID, "%s", err.Error())
	}
	if v, err = h.Publish.Schedule(ctx, r.Actor, id, at); err != nil {
		return commands.Response{}, err
	}
	return h.ViewResponse(ctx, v, fmt.Sprintf("%s scheduled draft #%d for %s.", r.Actor.Display(), id, when.Format(at, v.Brand.Location(), "", h.Clock.Now()))), nil
}

type publishFunc func(*publish.Service, context.Context, herald.Actor, int64) (approvals.View, error)

func (h *handlers) publishAction(f publishFunc, said string) commands.Handler {
	return func(ctx context.Context, r *commands.Request) (commands.Response, error) {
		id := r.Args.Int("id")
		v, err := f(h.Publish, ctx, r.Actor, id)
		if err != nil {
			return commands.Response{}, err
		}
		return h.ViewResponse(ctx, v, r.Actor.Display()+" "+fmt.Sprintf(said, id)+"."), nil
	}
}

type settleFunc func(*publish.Service, context.Context, herald.Actor, int64, string) (approvals.View, error)

func (h *handlers) settle(f settleFunc, said string) commands.Handler {
	return func(ctx context.Context, r *commands.Request) (commands.Response, error) {
		id, target := r.Args.Int("id"), r.Args.Str("target")
		v, err := f(h.Publish, ctx, r.Actor, id, target)
		if err != nil {
			return commands.Response{}, err
		}
		msg := r.Actor.Display() + " " + fmt.Sprintf(said, id)
		if target != "" {
			msg += " on " + target
		}
		return h.ViewResponse(ctx, v, msg+"."), nil
	}
}

// queueStates are the drafts `queue` lists: on the schedule, or needing a
// person.
var queueStates = []approvals.State{
	approvals.StateScheduled, approvals.StatePublishing, approvals.StateMissed,
	approvals.StateUnconfirmed, approvals.StateFailed,
}

// queueShown bounds the posts `queue` lists, the soonest first.
const queueShown = 200

func (h *handlers) queue(ctx context.Context, r *commands.Request) (commands.Response, error) {
	f := approvals.DraftFilter{States: queueStates, Limit: queueShown, Soonest: true}
	ds, more, brands, err := h.Approvals.Page(ctx, r.Actor, r.Channel, r.Args.Str("brand"), f)
	if err != nil {
		return commands.Response{}, err
	}
	if len(ds) == 0 {
		return commands.Response{Text: "Nothing is scheduled. Schedule an approved draft with `schedule ID WHEN`.", Ephemeral: true}, nil
	}
	var b strings.Builder
	if more > 0 {
		// more > 0: always several posts
		b.WriteString(i18n.Lang(r.Actor.Lang).F("%d posts, the %d soonest first:", len(ds)+more, len(ds)))
	} else {
		b.WriteString(i18n.Lang(r.Actor.Lang).N(len(ds), "%d post:", "%d posts:"))
	}
	held := map[int64]*publish.Pause{}
	for _, d := range ds {
		br := brands[d.BrandID]
		if _, ok := held[d.BrandID]; !ok {
			p, paused, err := h.Publish.BrandPause(ctx, d.BrandID)
			if err != nil {
				return commands.Response{}, err
			}
			held[d.BrandID] = nil
			if paused {
				held[d.BrandID] = &p
			}
		}
		at := "—"
		if !d.PublishAt.IsZero() {
			at = when.Format(d.PublishAt, br.Location(), "", time.Time{})
		}
		fmt.Fprintf(&b, "\n#%d · %s · %s · %s · %s · “%s”", d.ID, at, br.Name, d.State.Label(), herald.FormatTargets(d.Targets), kit.FirstLine(d.Text, 50))
		if p := held[d.BrandID]; p != nil && p.Holds(d) {
			b.WriteString(" — " + publish.HeldDetail(*p))
		}
		if hint := queueHints[d.State]; hint != "" {
			fmt.Fprintf(&b, " — "+hint, d.ID)
		}
	}
	if more > 0 {
		fmt.Fprintf(&b, "\n… and %d more.", more)
	}
	return commands.Response{Text: b.String(), Ephemeral: true}, nil
}

var queueHints = map[approvals.State]string{
	approvals.StateMissed:      "missed: `publish %d` or `schedule %[1]d WHEN`",
	approvals.StateUnconfirmed: "did it arrive? `confirm %d` or `retry %[1]d`",
	approvals.StateFailed:      "failed: `show %d`, then `retry %[1]d`",
}

func (h *handlers) targetAdd(ctx context.Context, r *commands.Request) (commands.Response, error) {
	t, err := herald.ParseTarget(r.Args.Str("target"))
	if err != nil {
		return commands.Response{}, err
	}
	a := publish.Account{Target: t, URL: strings.TrimSpace(r.Args.Str("url")), Handle: strings.TrimPrefix(strings.TrimSpace(r.Args.Str("handle")), "@"), Secret: strings.TrimSpace(r.Args.Str("secret"))}
	b, err := h.Publish.AddTarget(ctx, r.Actor, r.Channel, r.Args.Str("brand"), a)
	if err != nil {
		return commands.Response{}, err
	}
	msg := fmt.Sprintf("%s is set up for %s", t, b.Name)
	if a.Secret != "" {
		msg += "; its secret is stored and will not be shown again"
	}
	return commands.Response{Text: msg + fmt.Sprintf(". Use it with `draft TEXT --to %s`.", t), Ephemeral: true}, nil
}

func (h *handlers) targetList(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, as, open, err := h.Publish.Targets(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return commands.Response{}, err
	}
	var s strings.Builder
	fmt.Fprintf(&s, "Targets of %s:", b.Name)
	if len(as) == 0 {
		s.WriteString("\n  none set up yet; an admin adds one with `target add mastodon:main URL --secret TOKEN`")
	}
	for _, a := range as {
		if a.Conn.Connected() {
			s.WriteString("\n" + healthLine(b, a, i18n.Lang(r.Actor.Lang)))
			continue
		}
		fmt.Fprintf(&s, "\n  %s  %s", a.Target, a.URL)
		if h := strings.TrimPrefix(a.Handle, "@"); h != "" && !strings.HasPrefix(h, "-") {
			fmt.Fprintf(&s, "  @%s", h)
		} else if h != "" {
			fmt.Fprintf(&s, "  chat %s", h) // a Telegram chat id
		}
	}
	if len(open) > 0 {
		ex := make([]string, len(open))
		for i, k := range open {
			ex[i] = k + ":#channel"
		}
		fmt.Fprintf(&s, "\nChat channels need no setting up: %s.", strings.Join(ex, ", "))
	}
	return commands.Response{Text: s.String(), Ephemeral: true}, nil
}

func (h *handlers) targetRemove(ctx context.Context, r *commands.Request) (commands.Response, error) {
	t, err := herald.ParseTarget(r.Args.Str("target"))
	if err != nil {
		return commands.Response{}, err
	}
	b, err := h.Publish.RemoveTarget(ctx, r.Actor, r.Channel, r.Args.Str("brand"), t)
	if err != nil {
		return commands.Response{}, err
	}
	return commands.Response{Text: fmt.Sprintf("%s is removed from %s; drafts that use it cannot be published until it is set up again.", t, b.Name), Ephemeral: true}, nil
}

func (h *handlers) calendar(ctx context.Context, r *commands.Request) (commands.Response, error) {
	rotate := r.Args.Str("rotate") != ""
	b, tok, err := h.Publish.Calendar(ctx, r.Actor, r.Channel, r.Args.Str("brand"), rotate)
	if err != nil {
		return commands.Response{}, err
	}
	if tok == "" { // only its hash is kept: the link was shown when made
		return commands.Response{Text: fmt.Sprintf("%s has a calendar link already; it was shown once, to whoever made it, and Herald keeps no copy. An admin can make a new one with `calendar rotate` (the old link then stops working).", b.Name), Ephemeral: true}, nil
	}
	link := strings.TrimSuffix(h.PublicURL, "/") + "/calendar/" + tok + ".ics"
	msg := fmt.Sprintf("The calendar of %s's posts: %s\nSubscribe to it from any calendar app; anyone with the link can read it, and `calendar rotate` replaces it. Keep it: Herald shows a link once.", b.Name, link)
	if h.PublicURL == "" {
		msg += "\n(Set HERALD_PUBLIC_URL to Herald's public address to get a full link; the path above is on HERALD_HTTP_ADDR.)"
	}
	return commands.Response{Text: msg, Ephemeral: true}, nil
}
