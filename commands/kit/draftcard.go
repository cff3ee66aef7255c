package kit

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/when"
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
// state allows (Router.Offer keeps those of commands it has). It is a pure
// function of the view: it reads nothing.
func draftCard(v publish.DraftView) commands.Card {
	d := v.Draft
	loc := v.Brand.Location()
	c := commands.Card{
		Key:   DraftKey(d.ID),
		Title: fmt.Sprintf("Draft #%d · %s", d.ID, v.Brand.Name),
		Text:  d.Text,
		Tone:  stateTones[d.State],
		Fields: []commands.Field{
			{Label: "State", Value: d.State.Label(), Short: true},
			{Label: "Review", Value: reviewLabel(v.View), Short: true},
			{Label: "Author", Value: d.Author.Display(), Short: true},
			{Label: "Revision", Value: strconv.Itoa(d.Rev), Short: true},
		},
		Context: []string{fmt.Sprintf("Updated %s", Stamp(d.UpdatedAt, loc))},
	}
	if len(v.Deliveries) > 0 {
		// A network's own words (a refusal) are outside text: shown verbatim.
		c.Fields = append(c.Fields, commands.Field{Label: "Targets", Value: deliveryLines(v.Deliveries), Verbatim: anyError(v.Deliveries)})
	} else if len(d.Targets) > 0 {
		c.Fields = append(c.Fields, commands.Field{Label: "Targets", Value: herald.FormatTargets(d.Targets), Short: true})
	}
	if !d.PublishAt.IsZero() {
		c.Fields = append(c.Fields, commands.Field{Label: "Publish at", Value: when.Format(d.PublishAt, loc, "", time.Time{}), Short: true})
	}
	if v.Held != "" { // the brand's publishing is paused: the reason is people's words
		c.Fields = append(c.Fields, commands.Field{Label: "Held", Value: v.Held, Verbatim: true})
	}
	if len(v.Findings) > 0 {
		c.Fields = append(c.Fields, commands.Field{Label: "Checks", Value: findingLines(v.Findings)})
	}
	c.Media = cardMedia(d.Media)
	c.Buttons = draftButtons(d)
	replyParts(&c, v, i18n.Lang(v.Brand.Lang)) // i18n2: the draft card's lang once it takes one
	return c
}

// findingLines shows blocking findings first, then advice, one a line.
func findingLines(fs []approvals.Finding) string {
	var block, advice []string
	for _, f := range fs {
		if f.Blocking {
			block = append(block, "⛔ "+FindingText(f))
		} else {
			advice = append(advice, "💡 "+FindingText(f))
		}
	}
	return strings.Join(append(block, advice...), "\n")
}

func reviewLabel(v approvals.View) string {
	if v.Draft.State == approvals.StateDraft {
		return "not submitted (policy " + v.Progress.Policy.String() + ")"
	}
	return v.Progress.String()
}

// draftButtons lists the actions a draft's state allows, as commands.
func draftButtons(d approvals.Draft) []commands.Button {
	id := strconv.FormatInt(d.ID, 10)
	rev := " --rev " + strconv.Itoa(d.Rev)
	var bs []commands.Button
	add := func(b commands.Button) { bs = append(bs, b) }
	switch d.State {
	case approvals.StateDraft, approvals.StateChangesRequested:
		add(commands.Button{Label: "Submit for review", Command: "submit " + id, Style: "primary"})
	case approvals.StateInReview:
		add(commands.Button{Label: "Approve", Command: "approve " + id + rev, Style: "primary"})
		add(commands.Button{Label: "Request changes", Command: "changes " + id + rev, Input: "comment"})
		add(commands.Button{Label: "Reject", Command: "reject " + id + rev, Style: "danger", Input: "reason"})
	}
	if _, ok := approvals.Next(d.State, approvals.ActEdit); ok {
		add(commands.Button{Label: "Edit", Command: "edit " + id}) // answers with a form holding the current text
		// asks for a file where the platform uploads them (Slack), a link elsewhere
		add(commands.Button{Label: "Add media", Command: "media add " + id, Input: commands.FileInput})
	}
	if _, ok := approvals.Next(d.State, approvals.ActSchedule); ok {
		label := "Schedule"
		if d.State != approvals.StateApproved {
			label = "Reschedule"
		}
		add(commands.Button{Label: label, Command: "schedule " + id, Input: "when"})
	}
	switch d.State {
	case approvals.StateApproved, approvals.StateScheduled, approvals.StateMissed:
		add(commands.Button{Label: "Publish now", Command: "publish " + id})
	case approvals.StateUnconfirmed:
		add(commands.Button{Label: "Mark as published", Command: "confirm " + id, Style: "primary"})
		add(commands.Button{Label: "Retry", Command: "retry " + id})
	case approvals.StateFailed: // marking a failed target published names it: `confirm ID TARGET`
		add(commands.Button{Label: "Retry", Command: "retry " + id, Style: "primary"})
	}
	if d.State == approvals.StateScheduled {
		add(commands.Button{Label: "Unschedule", Command: "unschedule " + id})
	}
	if _, ok := approvals.Next(d.State, approvals.ActCancel); ok { // asks for a reason, like Reject
		add(commands.Button{Label: "Cancel draft", Command: "cancel " + id, Style: "danger", Input: "reason"})
	}
	return bs
}

var deliveryMarks = map[publish.DeliveryState]string{
	publish.Pending: "…", publish.Sending: "…", publish.Checking: "?", publish.Unconfirmed: "?",
	publish.Delivered: "✓", publish.Failed: "✗",
}

var deliveryWords = map[publish.DeliveryState]string{
	publish.Pending: "waiting", publish.Sending: "sending", publish.Checking: "checking whether it arrived",
	publish.Unconfirmed: "unconfirmed: did it arrive?", publish.Delivered: "published", publish.Failed: "failed",
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
func deliveryLines(ds []publish.Delivery) string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		l := deliveryMarks[d.State] + " " + d.Target.String() + " " + deliveryWords[d.State]
		switch {
		case d.State == publish.Delivered && d.Receipt.URL != "":
			l += " " + d.Receipt.URL
		case d.Error != "" && d.State != publish.Delivered:
			l += " — " + FirstLine(d.Error, 160)
		case d.State == publish.Pending && d.Attempts > 0:
			l += fmt.Sprintf(" (attempt %d)", d.Attempts+1)
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}
