package kit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/commands"
)

// AIKeyPrefix starts the card key of LLM drafting work (`ai`, a
// suggested reply).
const AIKeyPrefix = "ai:"

// LLMDrafts is LLM work whose results become drafts: `ai`, or a mention
// card's "Draft reply".
type LLMDrafts struct {
	Subject string          // what it is about (the brief, the mention's excerpt), shown on the card
	Targets []herald.Target // shown on the card; each variant carries its own
	// Produce asks the LLM; it runs detached, after the acknowledgement.
	Produce func(ctx context.Context) ([]assist.Variant, error)
	// Created, when set, runs after each draft is stored (e.g. to link it
	// to a mention's thread); its error is reported on the card.
	Created func(ctx context.Context, d approvals.Draft) error
}

// DraftDetached answers at once with a "Drafting…" card and runs job
// detached (Deps.Go); when the LLM has answered, every variant becomes a
// draft of the actor's and the card is updated (Deps.Announce) to list
// them, with their cards in its thread, or to show the error. Nothing is
// created unless Produce succeeded. Without Deps.Go or Deps.Announce it
// runs the job before answering.
func (h *Base) DraftDetached(ctx context.Context, r *commands.Request, b herald.Brand, job LLMDrafts) (commands.Response, error) {
	j := &drafting{h: h, actor: r.Actor, channel: r.Channel, brand: b, job: job, key: AIKeyPrefix + randomID()}
	if h.Go == nil || h.Announce == nil {
		card, note := j.run(ctx)
		note.Cards = append([]commands.Card{card}, note.Cards...)
		return note, nil
	}
	if !h.Go(func(ctx context.Context) {
		card, note := j.run(ctx)
		h.Announce(ctx, card, note)
	}) {
		return commands.Response{}, &herald.Error{Code: herald.EUNAVAILABLE, Message: r.Lang.T("Herald is shutting down; ask again in a moment.")}
	}
	return commands.Response{Cards: []commands.Card{j.pending()}}, nil
}

// ReplyVariants returns the Produce of a suggested reply to a mention:
// one variant, for targets, following the brand's guidelines (the lint
// runs when it becomes a draft).
func (h *Base) ReplyVariants(b herald.Brand, m assist.ReplyInput, targets []herald.Target) func(ctx context.Context) ([]assist.Variant, error) {
	return func(ctx context.Context) ([]assist.Variant, error) {
		g, err := h.Assist.Guidelines(ctx, b.ID)
		if err != nil {
			return nil, err
		}
		text, err := h.Assist.Reply(ctx, b, g, m)
		if err != nil {
			return nil, err
		}
		return []assist.Variant{{Text: text, Targets: targets, Note: "suggested reply"}}, nil
	}
}

func randomID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// drafting is one piece of LLM drafting work and its card.
type drafting struct {
	h       *Base
	actor   herald.Actor
	channel herald.ChannelRef
	brand   herald.Brand
	job     LLMDrafts
	key     string
}

// card is the work's card, in the brand's language (the channel sees it).
func (j *drafting) card(title, text, tone string) commands.Card {
	l := BrandLang(j.brand)
	c := commands.Card{Key: j.key, Title: title + " · " + j.brand.Name, Text: text, Tone: tone,
		Fields:  []commands.Field{{Label: l.T("Brief"), Value: FirstLine(j.job.Subject, 200)}},
		Context: []string{l.F("Asked by %s · the LLM only writes drafts; people review them", j.actor.Display())}}
	if len(j.job.Targets) > 0 {
		c.Fields = append(c.Fields, commands.Field{Label: l.T("Targets"), Value: herald.FormatTargets(j.job.Targets), Short: true})
	}
	return c
}

func (j *drafting) pending() commands.Card {
	l := BrandLang(j.brand)
	return j.card(l.T("Drafting…"), l.F("Drafting… (%s) The result will appear here as drafts.", FirstLine(j.job.Subject, 80)), "warning")
}

// run asks for the variants and makes each a draft, only once all are
// read: on any error, nothing is created.
func (j *drafting) run(ctx context.Context) (commands.Card, commands.Response) {
	l := BrandLang(j.brand)
	vs, err := j.job.Produce(ctx)
	if err != nil {
		// The LLM's own error text may quote the prompt: log the user
		// message of an unavailable LLM, the cause of anything else.
		var cause any = err
		if herald.ErrorCode(err) == herald.EUNAVAILABLE {
			cause = herald.ErrorMessage(err)
		}
		j.h.Log.WarnContext(ctx, "drafting help failed", "brand", j.brand.Name, "card", j.key, "code", herald.ErrorCode(err), "error", cause)
		msg := ErrorText(l, err)
		return j.card(l.T("Drafting failed"), msg, "danger"), commands.Response{Text: msg, ErrCode: herald.ErrorCode(err)}
	}
	var lines []string
	var cards []commands.Card
	for i, v := range vs {
		d, err := j.h.Approvals.CreateDraft(ctx, j.actor, j.channel, approvals.NewDraft{Brand: j.brand.Name, Text: v.Text, Targets: v.Targets})
		if err != nil {
			lines = append(lines, l.F("Variant %d could not become a draft: %s", i+1, ErrorText(l, err)))
			j.h.Log.WarnContext(ctx, "variant not drafted", "brand", j.brand.Name, "card", j.key, "error", err)
			continue
		}
		line := l.F("Draft #%d: “%s”", d.ID, FirstLine(v.Text, 80))
		if v.Note != "" {
			line += " — " + v.Note
		}
		if j.job.Created != nil {
			if err := j.job.Created(ctx, d); err != nil {
				line += " (" + ErrorText(l, err) + ")"
				j.h.Log.WarnContext(ctx, "drafted, not linked", "brand", j.brand.Name, "draft_id", d.ID, "error", err)
			}
		}
		lines = append(lines, line)
		if view, err := j.h.Approvals.Get(ctx, j.actor, d.ID); err == nil {
			cards = append(cards, j.h.ViewCard(ctx, view))
		}
	}
	if len(cards) == 0 {
		msg := strings.Join(lines, "\n")
		return j.card(l.T("Drafting failed"), msg, "danger"), commands.Response{Text: msg, ErrCode: herald.EINTERNAL}
	}
	title := l.T("1 draft written")
	note := commands.Response{Text: l.T("1 draft written: edit it if needed, and submit it for review (`submit ID`)."), Cards: cards}
	if len(cards) > 1 {
		title = l.N(len(cards), "%d variant drafted", "%d variants drafted")
		note.Text = l.N(len(cards), "%d variant drafted: pick one, edit it if needed, and submit it for review (`submit ID`).", "%d variants drafted: pick one, edit it if needed, and submit it for review (`submit ID`).")
	}
	return j.card(title, strings.Join(lines, "\n"), "good"), note
}
