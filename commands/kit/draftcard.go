package kit

import (
	"strconv"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/publish"
)

// DraftKey is the card key of a draft: every copy of its card, on every
// platform, is updated when the draft changes.
func DraftKey(id int64) string { return "draft:" + strconv.FormatInt(id, 10) }

var stateTones = map[approvals.State]string{
	approvals.StateInReview: "warning", approvals.StateChangesRequested: "warning",
	approvals.StateApproved: "good", approvals.StateScheduled: "good", approvals.StatePublished: "good",
	approvals.StateRejected: "danger", approvals.StateFailed: "danger", approvals.StateUnconfirmed: "danger",
	approvals.StateMissed: "danger", approvals.StatePublishing: "warning",
}

// draftCard renders a draft's view as a card with every button its
// state allows (Router.Offer keeps those of commands it has), in l (the
// brand's language: channels see it). It is a pure function of the view
// and the language: it reads nothing.
func draftCard(v publish.DraftView, l i18n.Lang) commands.Card {
	d := v.Draft
	loc := v.Brand.Location()
	c := commands.Card{
		Key:   DraftKey(d.ID),
		Title: l.F("Draft #%d · %s", d.ID, v.Brand.Name),
		Text:  d.Text,
		Tone:  stateTones[d.State],
		Fields: []commands.Field{
			{Label: l.T("State"), Value: StateLabel(l, d.State), Short: true},
			{Label: l.T("Review"), Value: reviewLabel(l, v.View), Short: true},
			{Label: l.T("Author"), Value: d.Author.Display(), Short: true},
			{Label: l.T("Revision"), Value: strconv.Itoa(d.Rev), Short: true},
		},
		Context: []string{l.F("Updated %s", StampIn(l, d.UpdatedAt, loc))},
	}
	if len(v.Deliveries) > 0 {
		// A network's own words (a refusal) are outside text: shown verbatim.
		c.Fields = append(c.Fields, commands.Field{Label: l.T("Targets"), Value: deliveryLines(l, v.Deliveries), Verbatim: anyError(v.Deliveries)})
	} else if len(d.Targets) > 0 {
		c.Fields = append(c.Fields, commands.Field{Label: l.T("Targets"), Value: herald.FormatTargets(d.Targets), Short: true})
	}
	if !d.PublishAt.IsZero() {
		c.Fields = append(c.Fields, commands.Field{Label: l.T("Publish at"), Value: FormatWhen(l, d.PublishAt, loc), Short: true})
	}
	if v.Held != "" { // the brand's publishing is paused: the reason is people's words
		c.Fields = append(c.Fields, commands.Field{Label: l.T("Held"), Value: v.Held, Verbatim: true})
	}
	if len(v.Findings) > 0 {
		c.Fields = append(c.Fields, commands.Field{Label: l.T("Checks"), Value: findingLines(l, v.Findings)})
	}
	c.Media, c.Lang = cardMedia(d.Media), l
	c.Buttons = draftButtons(l, d)
	replyParts(&c, v, l)
	return c
}

// findingLines shows blocking findings first, then advice, one a line.
func findingLines(l i18n.Lang, fs []approvals.Finding) string {
	var block, advice []string
	for _, f := range fs {
		if f.Blocking {
			block = append(block, "⛔ "+FindingText(l, f))
		} else {
			advice = append(advice, "💡 "+FindingText(l, f))
		}
	}
	return strings.Join(append(block, advice...), "\n")
}

func reviewLabel(l i18n.Lang, v approvals.View) string {
	if v.Draft.State == approvals.StateDraft {
		return l.F("not submitted (policy %s)", v.Progress.Policy.String())
	}
	return ProgressLabel(l, v.Progress)
}

// draftButtons lists the actions a draft's state allows, as commands.
func draftButtons(l i18n.Lang, d approvals.Draft) []commands.Button {
	id := strconv.FormatInt(d.ID, 10)
	rev := " --rev " + strconv.Itoa(d.Rev)
	var bs []commands.Button
	add := func(b commands.Button) { bs = append(bs, b) }
	switch d.State {
	case approvals.StateDraft, approvals.StateChangesRequested:
		add(commands.Button{Label: l.T("Submit for review"), Command: "submit " + id, Style: "primary"})
	case approvals.StateInReview:
		add(commands.Button{Label: l.T("Approve"), Command: "approve " + id + rev, Style: "primary"})
		add(commands.Button{Label: l.T("Request changes"), Command: "changes " + id + rev, Input: "comment"})
		add(commands.Button{Label: l.T("Reject"), Command: "reject " + id + rev, Style: "danger", Input: "reason"})
	}
	if _, ok := approvals.Next(d.State, approvals.ActEdit); ok {
		add(commands.Button{Label: l.T("Edit"), Command: "edit " + id}) // answers with a form holding the current text
		// asks for a file where the platform uploads them (Slack), a link elsewhere
		add(commands.Button{Label: l.T("Add media"), Command: "media add " + id, Input: commands.FileInput})
	}
	if _, ok := approvals.Next(d.State, approvals.ActSchedule); ok {
		label := l.T("Schedule")
		if d.State != approvals.StateApproved {
			label = l.T("Reschedule")
		}
		add(commands.Button{Label: label, Command: "schedule " + id, Input: "when"})
	}
	switch d.State {
	case approvals.StateApproved, approvals.StateScheduled, approvals.StateMissed:
		add(commands.Button{Label: l.T("Publish now"), Command: "publish " + id})
	case approvals.StateUnconfirmed:
		add(commands.Button{Label: l.T("Mark as published"), Command: "confirm " + id, Style: "primary"})
		add(commands.Button{Label: l.T("Retry"), Command: "retry " + id})
	case approvals.StateFailed: // marking a failed target published names it: `confirm ID TARGET`
		add(commands.Button{Label: l.T("Retry"), Command: "retry " + id, Style: "primary"})
	}
	if d.State == approvals.StateScheduled {
		add(commands.Button{Label: l.T("Unschedule"), Command: "unschedule " + id})
	}
	if _, ok := approvals.Next(d.State, approvals.ActCancel); ok { // asks for a reason, like Reject
		add(commands.Button{Label: l.T("Cancel draft"), Command: "cancel " + id, Style: "danger", Input: "reason"})
	}
	return bs
}

var deliveryMarks = map[publish.DeliveryState]string{
	publish.Pending: "…", publish.Sending: "…", publish.Checking: "?", publish.Unconfirmed: "?",
	publish.Delivered: "✓", publish.Failed: "✗",
}

// deliveryWord says a delivery's state in l.
func deliveryWord(l i18n.Lang, s publish.DeliveryState) string {
	switch s {
	case publish.Pending:
		return l.T("waiting")
	case publish.Sending:
		return l.T("sending")
	case publish.Checking:
		return l.T("checking whether it arrived")
	case publish.Unconfirmed:
		return l.T("unconfirmed: did it arrive?")
	case publish.Delivered:
		return l.T("published")
	case publish.Failed:
		return l.T("failed")
	}
	return string(s)
}

// anyError reports whether deliveryLines shows a network's words.
func anyError(ds []publish.Delivery) bool {
	for _, d := range ds {
		if d.Error != "" && d.State != publish.Delivered {
			return true
		}
	}
	return false
}

// deliveryLines shows each target's state, link or reason, one a line.
func deliveryLines(l i18n.Lang, ds []publish.Delivery) string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		line := deliveryMarks[d.State] + " " + d.Target.String() + " " + deliveryWord(l, d.State)
		switch {
		case d.State == publish.Delivered && d.Receipt.URL != "":
			line += " " + d.Receipt.URL
		case d.Error != "" && d.State != publish.Delivered:
			line += " — " + FirstLine(d.Error, 160)
		case d.State == publish.Pending && d.Attempts > 0:
			line += " " + l.F("(attempt %d)", d.Attempts+1)
		}
		lines[i] = line
	}
	return strings.Join(lines, "\n")
}
