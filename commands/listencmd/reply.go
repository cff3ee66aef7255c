package listencmd

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
)

// mentionReply starts the reply draft of a mention: the text given, or
// the LLM's suggestion (see assist), or a form asking for the text. Its
// targets are those given with --to, else the brand's account on the
// mention's network (replyTargets).
func (h *handlers) mentionReply(ctx context.Context, r *commands.Request) (commands.Response, error) {
	m, err := h.Mentions.Mention(ctx, r.Actor, r.Args.Int("id"))
	if err != nil {
		return commands.Response{}, err
	}
	b, err := h.Brands.Brand(ctx, m.BrandID)
	if err != nil {
		return commands.Response{}, err
	}
	if m.DraftID != 0 { // the channel sees it
		return h.CardResponse(ctx, r.Actor, m.DraftID, i18n.Lang(b.Lang).F("Mention #%d has reply draft #%d already.", m.ID, m.DraftID))
	}
	targets, err := h.replyTargets(ctx, r, b, m)
	if err != nil {
		return commands.Response{}, err
	}
	if text := strings.TrimSpace(r.Args.Str("text")); text != "" {
		return h.replyDraft(ctx, r.Actor, r.Channel, b, m, text, targets) // CreateDraft checks the role
	}
	// Neither the LLM nor a form for someone whose reply would be refused.
	role, err := h.Brands.RoleOf(ctx, r.Actor, b.ID)
	if err != nil {
		return commands.Response{}, err
	}
	if err := brands.Need(brands.Member{Role: role}, brands.WriteReplies); err != nil {
		return commands.Response{}, err
	}
	if h.Assist != nil && h.Assist.Enabled() {
		return h.suggestReply(ctx, r, b, m, targets)
	}
	return commands.Response{Ephemeral: true, Form: replyForm(m, targets, personLang(r.Actor, b))}, nil
}

// replyForm asks for the text of a reply to m (and its targets, filled
// in), in lang: the reader's.
func replyForm(m mentions.Mention, targets []herald.Target, lang i18n.Lang) *commands.Form {
	form := &commands.Form{
		Title:   lang.F("Reply to mention #%d", m.ID),
		Command: fmt.Sprintf("mention reply %d", m.ID),
		Fields:  []commands.FormField{{Name: "text", Label: lang.T("Your reply"), Multiline: true}},
	}
	if len(targets) > 0 { // where it will go, to change if need be
		form.Fields = append(form.Fields, commands.FormField{Name: "to", Label: lang.T("Targets (e.g. mastodon:acme)"),
			Value: herald.FormatTargets(targets), Optional: true, Flag: true, Placeholder: "TARGETS"})
	}
	return form
}

// replyTargets are the targets a reply draft starts with: --to when
// given, else the brand's account on the network the mention came from
// (a Mastodon mention → its mastodon: target), else none.
func (h *handlers) replyTargets(ctx context.Context, r *commands.Request, b herald.Brand, m mentions.Mention) ([]herald.Target, error) {
	if r.Args.Has("to") {
		return r.Args.Targets("to"), nil
	}
	if h.Publish == nil {
		return nil, nil
	}
	t, ok, err := h.Publish.ReplyTarget(ctx, b.ID, m.Reply.Network)
	if err != nil || !ok {
		return nil, err
	}
	return []herald.Target{t}, nil
}

// suggestReply asks the LLM for a reply to m, detached: the answer
// becomes a draft linked to the mention (both cards updated), and is only
// ever a draft, reviewed like any other. mentionReply has checked the role.
func (h *handlers) suggestReply(ctx context.Context, r *commands.Request, b herald.Brand, m mentions.Mention, targets []herald.Target) (commands.Response, error) {
	return h.DraftDetached(ctx, r, b, kit.LLMDrafts{
		Subject: i18n.Lang(b.Lang).F("reply to mention #%d: %s", m.ID, kit.OneLine(cmp.Or(m.Title, m.Text), 120)),
		Produce: h.ReplyVariants(b, kit.ReplyInput(m), targets),
		Created: func(ctx context.Context, d approvals.Draft) error {
			linked, err := h.Mentions.LinkDraft(ctx, r.Actor, m.ID, d.ID)
			if err != nil {
				return err
			}
			if h.Announce != nil { // else the answer carries the cards
				h.Announce(ctx, h.Router.Offer(kit.MentionCard(b, linked, i18n.Lang(b.Lang))), commands.Response{})
			}
			return nil
		},
	})
}

// replyDraft creates the reply draft of mention m with text and targets
// and links it: the mention's card and the draft's are both answered, so
// the thread keeps the two together. Without a target, the answer says
// how to add one (or how to answer by hand).
func (h *handlers) replyDraft(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, b herald.Brand, m mentions.Mention, text string, targets []herald.Target) (commands.Response, error) {
	d, err := h.Approvals.CreateDraft(ctx, actor, ch, approvals.NewDraft{Brand: b.Name, Text: text, Targets: targets})
	if err != nil {
		return commands.Response{}, err
	}
	linked, err := h.Mentions.LinkDraft(ctx, actor, m.ID, d.ID)
	if err != nil {
		// The draft is stored (nothing typed is lost): say so, e.g. when
		// someone else linked a reply draft meanwhile.
		if code := herald.ErrorCode(err); code != herald.EINTERNAL {
			return commands.Response{}, &herald.Error{Code: code, Err: err,
				Message: fmt.Sprintf("%s Your text is kept as draft #%d, not linked to mention #%d (`show %d`).", kit.ErrorText(kit.PersonLang(actor, b), err), d.ID, m.ID, d.ID)}
		}
		return commands.Response{}, err
	}
	m = linked
	v, err := h.Approvals.Get(ctx, actor, d.ID)
	if err != nil {
		return commands.Response{}, err
	}
	lang := i18n.Lang(b.Lang) // the channel sees it
	text = lang.F("Reply draft #%d created for mention #%d. Edit it with `edit %d TEXT`, then `submit %d`.", d.ID, m.ID, d.ID, d.ID)
	if len(targets) > 0 {
		text += " " + lang.F("It goes to %s.", herald.FormatTargets(targets))
	} else if h.Publish != nil {
		text += " " + kit.ErrorText(kit.PersonLang(actor, b), publish.NoReplyTarget(d.ID, m.ID, b.Name, m.Reply.Network))
	}
	return commands.Response{
		Text:  text,
		Cards: []commands.Card{h.Router.Offer(kit.MentionCard(b, m, lang)), h.ViewCard(ctx, v)},
	}, nil
}

// mentionAnswered marks a mention answered by hand (Mark as answered on
// its approved reply's card, where Herald cannot post): who and when are
// recorded, the mention is handled, and both cards say so.
func (h *handlers) mentionAnswered(ctx context.Context, r *commands.Request) (commands.Response, error) {
	m, err := h.Mentions.MarkAnswered(ctx, r.Actor, r.Args.Int("id"))
	if err != nil {
		return commands.Response{}, err
	}
	var lang i18n.Lang
	resp, err := h.mentionResponse(ctx, m, func(l i18n.Lang) string { lang = l; return kit.AnsweredNote(m, l) })
	if err != nil || m.DraftID == 0 {
		return resp, err
	}
	v, err := h.Approvals.Get(ctx, r.Actor, m.DraftID)
	if err != nil {
		return resp, nil // the mention is answered; its draft is out of sight
	}
	card := h.ViewCard(ctx, v)
	if h.Announce != nil { // the draft's thread carries the note too
		h.Announce(ctx, card, commands.Response{Text: kit.AnsweredNote(m, lang)})
	}
	resp.Cards = append(resp.Cards, card)
	return resp, nil
}
