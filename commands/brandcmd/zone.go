package brandcmd

import (
	"context"
	"fmt"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
)

// brandZone shows a brand's time zone, or changes it (admins): scheduled
// posts keep their instant, and the answer says what that means on the
// clock.
func (h *handlers) brandZone(ctx context.Context, r *commands.Request) (commands.Response, error) {
	if !r.Args.Has("zone") {
		b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
		if err != nil {
			return commands.Response{}, err
		}
		lang := i18n.Lang(kit.ReaderLang(r.Actor, b))
		return commands.Response{Text: lang.F("The time zone of %s is %s.", b.Name, b.Timezone), Ephemeral: true}, nil
	}
	before, after, err := h.Brands.SetZone(ctx, r.Actor, r.Channel, r.Args.Str("brand"), r.Args.Str("zone"))
	if err != nil {
		return commands.Response{}, err
	}
	lang := i18n.Lang(kit.ReaderLang(r.Actor, after))
	if before.Timezone == after.Timezone {
		return commands.Response{Text: lang.F("The time zone of %s is already %s.", after.Name, after.Timezone)}, nil
	}
	text := lang.F("%s changed the time zone of %s to %s (it was %s).", r.Actor.Display(), after.Name, after.Timezone, before.Timezone)
	kept, err := h.keptPosts(ctx, r, lang, before, after)
	if err != nil {
		return commands.Response{}, err
	}
	if kept != "" {
		text += " " + kept
	}
	return commands.Response{Text: text}, nil
}

// keptPosts says how many scheduled posts keep their time, and what the
// soonest one's time reads in each zone; "" when none is scheduled.
func (h *handlers) keptPosts(ctx context.Context, r *commands.Request, lang i18n.Lang, before, after herald.Brand) (string, error) {
	f := approvals.DraftFilter{States: []approvals.State{approvals.StateScheduled}, Limit: 1, Soonest: true}
	ds, more, _, err := h.Approvals.Page(ctx, r.Actor, r.Channel, after.Name, f)
	if err != nil || len(ds) == 0 {
		return "", err
	}
	n := len(ds) + more
	at := ds[0].PublishAt
	return lang.N(n, "%d scheduled post keeps its time:", "%d scheduled posts keep their time:") + " " +
		lang.F("%s %s is now %s %s.", clock(lang, at, before.Location()), before.Timezone, clock(lang, at, after.Location()), after.Timezone), nil
}

// clock writes the time of day of t in loc as the reader does: 9:00 in
// English, 9 h 00 in French.
func clock(lang i18n.Lang, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if lang == i18n.French {
		return fmt.Sprintf("%d h %02d", t.Hour(), t.Minute())
	}
	return fmt.Sprintf("%d:%02d", t.Hour(), t.Minute())
}
