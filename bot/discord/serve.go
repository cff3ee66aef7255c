package discord

import (
	"context"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
)

// Both transports (gateway and HTTP) verify and read an interaction, then
// hand it to receive: one path from there on. Every interaction gets one
// first answer within Discord's 3 seconds: the real answer when the
// command is done within the ack budget, else a deferral ("Herald is
// thinking…" for commands and forms, nothing visible for clicks); the
// answer then edits the deferral or follows it.

// receive handles one verified interaction in the background. received is
// when it arrived: the ack budget counts from then.
func (a *Adapter) receive(it *discordgo.Interaction, received time.Time) {
	a.later(func(ctx context.Context) { a.serve(ctx, it, received) })
}

func (a *Adapter) serve(ctx context.Context, it *discordgo.Interaction, received time.Time) {
	deadline := received.Add(a.budget)
	if a.events != nil {
		first, err := a.events.FirstSeen(ctx, "discord:"+it.ID, a.clock.Now())
		if err != nil {
			a.log.ErrorContext(ctx, "discord interaction dedupe failed", "error", err)
		} else if !first {
			a.log.InfoContext(ctx, "discord interaction delivered twice; ignored", "interaction_id", it.ID)
			return
		}
	}
	in, err := a.translate(it)
	if err != nil {
		a.log.InfoContext(ctx, "discord interaction refused", "interaction_id", it.ID, "error", err)
		switch {
		case in.ref.Token == "":
		case it.Type == discordgo.InteractionApplicationCommandAutocomplete: // only choices may answer it
			a.logErr(ctx, "discord autocomplete answer failed", a.api.respond(ctx, in.ref, callback{Type: callbackChoices, Data: choicesData{Choices: []choice{}}}))
		default:
			a.logErr(ctx, "discord error answer failed", a.respondMessages(ctx, in, errorMessages(err, i18n.Lang(in.actor.Lang))))
		}
		return
	}
	a.log.DebugContext(ctx, "discord interaction", "interaction_id", it.ID, "kind", in.kind.String(), "user_id", in.actor.UserID, "channel", in.channel.Channel)
	switch in.kind {
	case kindAsk:
		cb, err := askModal(in.ask, i18n.Lang(in.actor.Lang))
		if err != nil {
			a.logErr(ctx, "discord answer failed", a.respondMessages(ctx, in, errorMessages(err, i18n.Lang(in.actor.Lang))))
			return
		}
		a.logErr(ctx, "discord form failed to open", a.api.respond(ctx, in.ref, cb))
	case kindAutocomplete:
		sctx, cancel := context.WithDeadline(ctx, deadline)
		choices := a.suggest(sctx, in)
		cancel()
		a.logErr(ctx, "discord autocomplete answer failed", a.api.respond(ctx, in.ref, callback{Type: callbackChoices, Data: choicesData{Choices: choices}}))
	default:
		a.run(ctx, in, deadline)
	}
}

// run dispatches the interaction's command line and answers it: at once
// when the command is done by deadline, else after a deferral.
func (a *Adapter) run(ctx context.Context, in inbound, deadline time.Time) {
	result := make(chan commands.Response, 1)
	started := a.later(func(context.Context) {
		d := a.dispatcher(ctx)
		if d == nil {
			result <- commands.Response{Text: i18n.Lang(in.actor.Lang).T("Herald is stopping; try again in a moment."), Ephemeral: true, ErrCode: herald.EUNAVAILABLE}
			return
		}
		result <- d.Dispatch(ctx, commands.Call{Actor: in.actor, Channel: in.channel, Text: in.line, Files: in.files})
	})
	if !started {
		return
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case resp := <-result:
		a.answer(ctx, in, resp, false)
	case <-timer.C:
		if err := a.api.respond(ctx, in.ref, callback{Type: in.deferral()}); err != nil {
			a.log.ErrorContext(ctx, "discord deferral failed", "interaction_id", in.ref.ID, "error", err)
		}
		select {
		case resp := <-result:
			a.answer(ctx, in, resp, true)
		case <-ctx.Done():
			a.log.ErrorContext(ctx, "discord command took too long; no answer given", "interaction_id", in.ref.ID)
		}
	}
}

// answer shows a command's response: a form as a modal, a private answer
// to the actor alone, a public one in the channel with its cards updated
// in place wherever they are shown.
func (a *Adapter) answer(ctx context.Context, in inbound, resp commands.Response, deferred bool) {
	var err error
	switch {
	case resp.Form != nil:
		err = a.answerForm(ctx, in, resp.Form, deferred)
	case private(resp):
		err = a.answerPrivate(ctx, in, responseMessages(resp, i18n.Lang(in.actor.Lang)), deferred)
	default:
		err = a.answerPublic(ctx, in, resp, deferred)
	}
	a.logErr(ctx, "discord answer failed", err)
}

// private reports whether only the actor should see resp.
func private(resp commands.Response) bool {
	return resp.Ephemeral || len(resp.Cards) == 0 && resp.ErrCode != ""
}

// answerForm opens a form as a modal. A modal can only be an interaction's
// first answer, and not the answer to a modal: otherwise the actor gets a
// button that opens it.
func (a *Adapter) answerForm(ctx context.Context, in inbound, f *commands.Form, deferred bool) error {
	lang := i18n.Lang(in.actor.Lang) // the actor's: they alone see it
	if !deferred && in.kind != kindSubmit {
		cb, err := modal(f)
		if err != nil {
			return a.answerPrivate(ctx, in, errorMessages(err, lang), false)
		}
		return a.api.respond(ctx, in.ref, cb)
	}
	msg := message{Content: lang.T("Click to open the form.")}
	if deferred {
		msg.Content = lang.T("Herald took a moment to prepare this form; click to open it.")
	}
	rows, omitted := buttonRows([]commands.Button{{Label: lang.T("Open the form"), Command: in.line, Style: "primary"}})
	if len(omitted) > 0 {
		msg.Content = lang.T("This needs a form Discord cannot open from here; run the command again.")
	} else {
		msg.Components = rows
	}
	return a.answerPrivate(ctx, in, []message{msg}, deferred)
}

// answerPrivate answers the actor alone (ephemeral messages).
func (a *Adapter) answerPrivate(ctx context.Context, in inbound, msgs []message, deferred bool) error {
	if len(msgs) == 0 {
		msgs = []message{{Content: "Done."}}
	}
	for i := range msgs {
		msgs[i].Flags |= flagEphemeral
	}
	if !deferred {
		return a.respondMessages(ctx, in, msgs)
	}
	if in.deferral() == callbackDeferred {
		// The deferral shows a public "thinking…"; the answer is private.
		a.logErr(ctx, "discord deferral could not be removed", a.api.deleteOriginal(ctx, in.ref))
	}
	return a.followups(ctx, in, msgs)
}

// answerPublic answers in the channel, then shows the cards: every
// Discord copy updated in place, and a new copy here when there is none.
func (a *Adapter) answerPublic(ctx context.Context, in inbound, resp commands.Response, deferred bool) error {
	msgs := textMessages(resp, i18n.Lang(in.actor.Lang)) // no words of the adapter's in a public answer but an error's
	if len(msgs) == 0 {
		msgs = []message{{Content: summary(resp)}}
	}
	var err error
	switch {
	case !deferred:
		err = a.respondMessages(ctx, in, msgs)
	case in.deferral() == callbackDeferred:
		if err = a.api.editOriginal(ctx, in.ref, msgs[0]); err == nil {
			err = a.followups(ctx, in, msgs[1:])
		}
	default:
		err = a.followups(ctx, in, msgs)
	}
	for _, c := range resp.Cards {
		if _, cerr := a.showCard(ctx, in.channel, c); cerr != nil {
			a.log.ErrorContext(ctx, "discord card not shown", "card", c.Key, "channel", in.channel.Channel, "error", cerr)
			note := message{Content: i18n.Lang(in.actor.Lang).T("Herald could not post the card in this channel: give it the View Channel, Send Messages and Embed Links permissions here."), Flags: flagEphemeral}
			a.logErr(ctx, "discord answer failed", a.followups(ctx, in, []message{note}))
		}
	}
	return err
}

// summary stands for a public response without text: its cards' titles.
func summary(resp commands.Response) string {
	for _, c := range resp.Cards {
		if t := oneLine(c.Title); t != "" {
			return "Updated: " + t
		}
	}
	return "Done."
}

// respondMessages gives the first message as the interaction's answer and
// the others as follow-ups.
func (a *Adapter) respondMessages(ctx context.Context, in inbound, msgs []message) error {
	if err := a.api.respond(ctx, in.ref, callback{Type: callbackMessage, Data: msgs[0]}); err != nil {
		return err
	}
	return a.followups(ctx, in, msgs[1:])
}

// followups sends messages under the interaction, in order, waiting out
// rate limits.
func (a *Adapter) followups(ctx context.Context, in inbound, msgs []message) error {
	for _, m := range msgs {
		err := a.poster.Do(ctx, "interaction:"+in.ref.ID, func(ctx context.Context) error {
			return a.api.followup(ctx, in.ref, m)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// errorMessages is the private answer for err, in lang: the actor's.
func errorMessages(err error, lang i18n.Lang) []message {
	msgs := textMessages(commands.Response{Text: herald.ErrorMessage(err), ErrCode: herald.ErrorCode(err), Ephemeral: true}, lang)
	for i := range msgs {
		msgs[i].Flags |= flagEphemeral
	}
	return msgs
}

func (a *Adapter) logErr(ctx context.Context, msg string, err error) {
	if err != nil {
		a.log.ErrorContext(ctx, msg, "error", err)
	}
}
