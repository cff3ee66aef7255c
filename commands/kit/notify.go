package kit

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/when"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
)

// Notifier renders the scheduler's events as a draft's card and a note in
// its thread. It implements publish.Notifier.
type Notifier struct {
	router   *commands.Router
	drafts   *approvals.Service
	publish  *publish.Service
	mentions *mentions.Service // closes a reply's mention; nil without the listening
	log      *slog.Logger
	announce commands.Announce
}

var _ publish.Notifier = (*Notifier)(nil)

// NewNotifier returns a Notifier rendering cards as r's commands do: it
// reads drafts through d.Approvals and their deliveries through
// d.Publish, which must be set.
func NewNotifier(r *commands.Router, d Deps, announce commands.Announce) *Notifier {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Notifier{router: r, drafts: d.Approvals, publish: d.Publish, mentions: d.Mentions, log: d.Log, announce: announce}
}

// Notify implements publish.Notifier.
func (n *Notifier) Notify(ctx context.Context, e publish.Event) {
	if e.Kind == publish.EventResumed && e.Pause != nil {
		note := fmt.Sprintf("Publishing for %s resumed by itself, as set; %d post(s) missed their time during the pause.", e.Pause.Brand.Name, len(e.Pause.Missed))
		n.announce(ctx, n.router.Offer(PauseCard(*e.Pause)), commands.Response{Text: note})
		return
	}
	v, err := n.drafts.Notice(ctx, e.DraftID)
	if err != nil {
		n.log.ErrorContext(ctx, "notice of a draft that cannot be read", "draft_id", e.DraftID, "error", err)
		return
	}
	note := commands.Response{Text: noteText(v, e) + n.answerMention(ctx, v, e)}
	if e.Kind == publish.EventReminder {
		for _, m := range e.Remind {
			note.Mentions = append(note.Mentions, m.Actor)
		}
	}
	dv, err := n.publish.DraftView(ctx, v)
	if err != nil {
		n.log.WarnContext(ctx, "card without some of its parts", "draft_id", e.DraftID, "error", err)
	}
	n.announce(ctx, n.router.Offer(draftCard(dv, BrandLang(dv.Brand))), note)
}

func noteText(v approvals.View, e publish.Event) string {
	id, d := v.Draft.ID, e.Delivery
	switch e.Kind {
	case publish.EventDelivered:
		s := fmt.Sprintf("Draft #%d is published on %s", id, d.Target)
		if d.Receipt.URL != "" {
			s += ": " + d.Receipt.URL
		}
		return s + "."
	case publish.EventFailed:
		return fmt.Sprintf("%s did not take draft #%d: %s. Fix what it says, then press Retry (`retry %d %s`), or Mark as published if you posted it by hand.", d.Target, id, d.Error, id, d.Target)
	case publish.EventUnconfirmed:
		return fmt.Sprintf("Herald cannot tell whether %s received draft #%d (%s), and will not send it twice blindly. Look there, then press Mark as published (`confirm %d %s`) or Retry (`retry %[4]d %[5]s`).", d.Target, id, d.Error, id, d.Target)
	case publish.EventMissed:
		return fmt.Sprintf("Draft #%d was due %s while Herald was not running; it is too late to publish it unasked. Publish now (`publish %d`) or Reschedule (`schedule %d WHEN`).", id, when.Format(v.Draft.PublishAt, v.Brand.Location(), "", time.Time{}), id, id)
	case publish.EventReminder:
		names := make([]string, len(e.Remind))
		for i, m := range e.Remind {
			names[i] = "@" + m.Actor.Display()
		}
		who := strings.Join(names, ", ")
		if who == "" {
			who = "Nobody can review it at this stage yet; an admin gives the role with `role @user ROLE`"
		}
		return fmt.Sprintf("Draft #%d has waited %s for %s review. %s: `show %d`, then approve or request changes.", id, waited(e.Waiting), e.Stage, who, id)
	}
	return ""
}

// waited says a duration the way people do: "26 hours", "3 days".
func waited(d time.Duration) string {
	h := int(d.Hours())
	switch {
	case h >= 48:
		return fmt.Sprintf("%d days", h/24)
	case h >= 1:
		return fmt.Sprintf("%d hours", h)
	}
	return fmt.Sprintf("%d minutes", int(d.Minutes()))
}
