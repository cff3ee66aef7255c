package kit

import (
	"context"
	"strconv"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
)

// replyParts adds to a reply draft's card the conversation it answers
// and, where Herald cannot post (HN, Reddit, RSS, webhook mentions), once
// approved: the text ready to copy, Open the conversation (a link) and
// Mark as answered. An answered mention says who answered, and where.
// lang is the card's (the brand's).
func replyParts(c *commands.Card, v publish.DraftView, lang i18n.Lang) {
	r := v.Reply
	if r == nil {
		return
	}
	mid := strconv.FormatInt(r.MentionID, 10)
	c.Context = append(c.Context, lang.F("Reply to mention #%d (`mention show %d`)", r.MentionID, r.MentionID))
	if r.AnsweredBy != "" {
		c.Fields = append(c.Fields, commands.Field{Label: lang.T("Mention"), Value: answeredWords(r.AnsweredBy, r.AnsweredURL, lang)})
		return
	}
	if !r.Manual() || v.Draft.State != approvals.StateApproved {
		return
	}
	c.Fields = append(c.Fields, commands.Field{Label: lang.T("Reply to copy"), Value: v.Draft.Text, Verbatim: true})
	if r.URL != "" {
		c.Buttons = append(c.Buttons, commands.Button{Label: lang.T("Open the conversation"), URL: r.URL})
	}
	c.Buttons = append(c.Buttons, commands.Button{Label: lang.T("Mark as answered"), Command: "mention answered " + mid, Style: "primary"})
}

// answeredWords is "answered by Alice · https://…" (no link when marked
// answered by hand).
func answeredWords(by, link string, lang i18n.Lang) string {
	s := lang.F("answered by %s", by)
	if link != "" {
		s += " · " + link
	}
	return s
}

// AnsweredNote is the note posted in a mention's thread (and its reply
// draft's) when it is answered, in lang (the brand's: a channel sees it).
func AnsweredNote(m mentions.Mention, lang i18n.Lang) string {
	answered := answeredWords(m.Answer.By.Display(), m.Answer.URL, lang)
	if m.DraftID != 0 {
		return lang.F("Mention #%d is %s (draft #%d).", m.ID, answered, m.DraftID)
	}
	return lang.F("Mention #%d is %s.", m.ID, answered)
}

// answerMention closes the loop of a published reply: the mention the
// draft answers, when the delivery went to the mention's own network,
// becomes handled, answered by the author of the published revision,
// with the delivery's link. It returns the note for the draft's thread,
// "" when nothing was answered.
func (n *Notifier) answerMention(ctx context.Context, v approvals.View, e publish.Event) string {
	if n.mentions == nil || e.Kind != publish.EventDelivered {
		return ""
	}
	m, err := n.mentions.ByDraft(ctx, v.Draft.ID)
	if err != nil {
		if herald.ErrorCode(err) != herald.ENOTFOUND {
			n.log.WarnContext(ctx, "reply draft's mention not read", "draft_id", v.Draft.ID, "error", err)
		}
		return ""
	}
	if !m.Answer.At.IsZero() || m.Reply.Network == "" || m.Reply.Network != e.Delivery.Target.Kind {
		return ""
	}
	by := v.Draft.Author
	for _, r := range v.Revisions {
		if r.Rev == e.Delivery.Rev {
			by = r.Author
		}
	}
	m, err = n.mentions.Answered(ctx, m.ID, by, e.Delivery.Receipt.URL)
	if err != nil {
		n.log.WarnContext(ctx, "mention not marked answered", "mention_id", m.ID, "draft_id", v.Draft.ID, "error", err)
		return ""
	}
	return " " + AnsweredNote(m, i18n.Lang(v.Brand.Lang))
}
