package slack

import (
	"context"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
)

// Both transports (Socket Mode and HTTP) acknowledge first, then hand the
// payload to these functions: one dispatch path.

// slash handles a slash command after its acknowledgement.
func (a *Adapter) slash(sc slackapi.SlashCommand) {
	in := inbound{
		actor:       actorOf(sc.UserID, sc.UserName),
		channel:     channelOf(sc.ChannelID),
		text:        sc.Text, // decoded value by value by the parser (Markup)
		responseURL: sc.ResponseURL,
		triggerID:   sc.TriggerID,
	}
	a.later(func(ctx context.Context) { a.handle(ctx, in) })
}

// blockActions handles button clicks after their acknowledgement: a run
// button runs its command as the clicker; an ask button first opens a form
// for its input.
func (a *Adapter) blockActions(cb slackapi.InteractionCallback) {
	for _, act := range cb.ActionCallback.BlockActions {
		in := inbound{
			actor:       actorOf(cb.User.ID, cb.User.Name),
			channel:     channelOf(cb.Channel.ID),
			text:        act.Value,
			responseURL: cb.ResponseURL,
			triggerID:   cb.TriggerID,
		}
		switch {
		case strings.HasPrefix(act.ActionID, ActionRun):
			a.later(func(ctx context.Context) { a.handle(ctx, in) })
		case strings.HasPrefix(act.ActionID, ActionAsk):
			btn := commands.Button{Label: act.Text.Text, Command: act.Value, Input: strings.TrimPrefix(act.ActionID, ActionAsk)}
			a.later(func(ctx context.Context) {
				l, _ := i18n.Parse(a.locales.lang(ctx, in.actor.UserID))
				view, err := AskModal(btn, FormMeta{Command: btn.Command, Fields: []commands.FormField{{Name: btn.Input}}, Channel: cb.Channel.ID, Lang: l})
				if err == nil {
					err = a.openView(ctx, in, view)
				}
				if err != nil {
					a.log.ErrorContext(ctx, "slack form failed to open", "error", err)
				}
			})
		}
	}
}

// submitBudget is how long a form submission may run before Slack must be
// answered (it allows 3 s): within it, input errors show on the form;
// beyond it, the form closes and the answer comes as a message.
const submitBudget = 2 * time.Second

// viewSubmission runs a submitted form. It returns the answer to give
// Slack: nil closes the modal, errors keep it open with a message on the
// field.
func (a *Adapter) viewSubmission(cb slackapi.InteractionCallback) *slackapi.ViewSubmissionResponse {
	meta, values, err := Submission(cb.View)
	if err != nil {
		return FieldErrors(meta, "", herald.ErrorMessage(err))
	}
	ctx, cancel := context.WithTimeout(context.Background(), submitBudget)
	defer cancel()
	d := a.dispatcher(ctx)
	if d == nil {
		return FieldErrors(meta, "", "Herald is starting; try again in a moment.")
	}
	in := inbound{
		actor:   actorOf(cb.User.ID, cb.User.Name),
		channel: channelOf(meta.Channel),
		text:    commands.FormLine(meta.Command, meta.Fields, values),
	}
	submitted := SubmittedFiles(meta, cb.View)
	done := make(chan commands.Response, 1)
	a.later(func(ctx context.Context) {
		actor := in.actor
		actor.Lang = a.locales.lang(ctx, actor.UserID)
		files := a.callFiles(submitted, i18n.Lang(actor.Lang))
		done <- d.Dispatch(ctx, commands.Call{Actor: actor, Channel: in.channel, Text: in.text, Markup: Markup, Files: files})
	})
	select {
	case resp := <-done:
		if resp.ErrCode == herald.EINVALID {
			return FieldErrors(meta, "", resp.Text)
		}
		a.later(func(ctx context.Context) { a.deliverLogged(ctx, in, resp) })
	case <-time.After(submitBudget):
		a.later(func(ctx context.Context) { a.deliverLogged(ctx, in, <-done) })
	}
	return nil
}

// mention is the part of an app_mention event Herald uses.
type mention struct {
	eventID string
	channel string
	user    string
	ts      string
	thread  string
}

// appMention answers a mention of the bot, once per event id (Slack
// retries events it thinks were not received).
func (a *Adapter) appMention(m mention) {
	a.later(func(ctx context.Context) {
		if a.events != nil && m.eventID != "" {
			first, err := a.events.FirstSeen(ctx, "slack:"+m.eventID, a.clock.Now())
			if err != nil {
				a.log.ErrorContext(ctx, "slack event dedupe failed", "error", err)
				return
			}
			if !first {
				a.log.InfoContext(ctx, "slack event retry ignored", "event_id", m.eventID)
				return
			}
		}
		thread := m.thread
		if thread == "" {
			thread = m.ts
		}
		text := "Hi <@" + m.user + ">! I work through the `/herald` command: try `/herald help`, or `/herald draft TEXT` to start a post."
		if err := a.post(ctx, m.channel, slackapi.MsgOptionText(text, false), slackapi.MsgOptionTS(thread)); err != nil {
			a.log.ErrorContext(ctx, "slack mention reply failed", "error", err)
		}
	})
}
