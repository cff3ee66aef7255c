package kit

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/media"
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
	link     func(media.Item) string // Deps.MediaLink
	connect  *ConnectNotifier
}

var _ publish.Notifier = (*Notifier)(nil)

// NewNotifier returns a Notifier rendering cards as r's commands do: it
// reads drafts through d.Approvals and their deliveries through
// d.Publish, which must be set.
func NewNotifier(r *commands.Router, d Deps, announce commands.Announce) *Notifier {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Notifier{router: r, drafts: d.Approvals, publish: d.Publish, mentions: d.Mentions, log: d.Log, announce: announce, link: d.MediaLink,
		connect: NewConnectNotifier(d)}
}

// Notify implements publish.Notifier.
func (n *Notifier) Notify(ctx context.Context, e publish.Event) {
	if e.Kind == publish.EventConnect && e.Connect != nil {
		n.connect.Notify(ctx, e)
		return
	}
	if e.Kind == publish.EventResumed && e.Pause != nil {
		lang := i18n.Lang(e.Pause.Brand.Lang) // a channel sees it: the brand's language
		note := lang.F("Publishing for %s resumed by itself, as set; %s during the pause.", e.Pause.Brand.Name,
			lang.N(len(e.Pause.Missed), "%d post missed its time", "%d posts missed their time"))
		n.announce(ctx, n.router.Offer(PauseCard(*e.Pause, lang)), commands.Response{Text: note})
		return
	}
	v, err := n.drafts.Notice(ctx, e.DraftID)
	if err != nil {
		n.log.ErrorContext(ctx, "notice of a draft that cannot be read", "draft_id", e.DraftID, "error", err)
		return
	}
	note := commands.Response{Text: noteText(v, e, i18n.Lang(v.Brand.Lang)) + n.answerMention(ctx, v, e)}
	if e.Kind == publish.EventFailed {
		lang, d := i18n.Lang(v.Brand.Lang), e.Delivery
		if note.Cards = n.deadNote(ctx, v.Brand, d.Target, lang); len(note.Cards) > 0 {
			note.Text = lang.F("%s did not take draft #%d: %s. Its connection has ended: an admin presses Reconnect and signs in again, then Retry (`retry %d %s`).", d.Target, v.Draft.ID, d.Error, v.Draft.ID, d.Target)
		}
	}
	if e.Kind == publish.EventReminder {
		for _, m := range e.Remind {
			note.Mentions = append(note.Mentions, m.Actor)
		}
	}
	dv, err := n.publish.DraftView(ctx, v)
	if err != nil {
		n.log.WarnContext(ctx, "card without some of its parts", "draft_id", e.DraftID, "error", err)
	}
	c := n.router.Offer(draftCard(dv))
	linkMedia(n.link, &c, v.Draft.Media)
	n.announce(ctx, c, note)
}

// noteText is the note in a draft's thread for a scheduler's event, in
// lang (the brand's: a channel sees it). A network's refusal (d.Error) is
// quoted in its own words.
func noteText(v approvals.View, e publish.Event, lang i18n.Lang) string {
	id, d := v.Draft.ID, e.Delivery
	switch e.Kind {
	case publish.EventDelivered:
		if d.Receipt.URL != "" {
			return lang.F("Draft #%d is published on %s: %s.", id, d.Target, d.Receipt.URL)
		}
		return lang.F("Draft #%d is published on %s.", id, d.Target)
	case publish.EventFailed:
		return lang.F("%s did not take draft #%d: %s. Fix what it says, then press Retry (`retry %d %s`), or Mark as published if you posted it by hand.", d.Target, id, d.Error, id, d.Target)
	case publish.EventUnconfirmed:
		return lang.F("Herald cannot tell whether %s received draft #%d (%s), and will not send it twice blindly. Look there, then press Mark as published (`confirm %d %s`) or Retry (`retry %[4]d %[5]s`).", d.Target, id, d.Error, id, d.Target)
	case publish.EventMissed:
		return lang.F("Draft #%d was due %s while Herald was not running; it is too late to publish it unasked. Publish now (`publish %d`) or Reschedule (`schedule %d WHEN`).", id, WhenText(v.Draft.PublishAt, v.Brand.Location(), lang), id, id)
	case publish.EventReminder:
		return reminderText(id, e, lang)
	}
	return ""
}

// reminderText asks a draft's reviewers, named, to review it.
func reminderText(id int64, e publish.Event, lang i18n.Lang) string {
	names := make([]string, len(e.Remind))
	for i, m := range e.Remind {
		names[i] = "@" + m.Actor.Display()
	}
	who := strings.Join(names, ", ")
	if who == "" {
		who = lang.T("Nobody can review it at this stage yet; an admin gives the role with `role @user ROLE`")
	}
	return lang.F("Draft #%d has waited %s for %s. %s: `show %d`, then approve or request changes.", id, waited(e.Waiting, lang), stageReview(e.Stage, lang), who, id)
}

// stageReview names the review a stage kind ("team", "client") does.
func stageReview(kind string, lang i18n.Lang) string {
	switch kind {
	case "team":
		return lang.T("team review")
	case "client":
		return lang.T("client review")
	}
	return lang.F("%s review", kind)
}

// waited says a duration the way people do: "26 hours", "3 days".
func waited(d time.Duration, lang i18n.Lang) string {
	h := int(d.Hours())
	switch {
	case h >= 48:
		return lang.N(h/24, "%d day", "%d days")
	case h >= 1:
		return lang.N(h, "%d hour", "%d hours")
	}
	return lang.N(int(d.Minutes()), "%d minute", "%d minutes")
}
