package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
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

// draftCard renders a draft as a card with the buttons its state allows.
func (h *handlers) draftCard(ctx context.Context, v approvals.View) Card {
	d := v.Draft
	loc := v.Brand.Location()
	c := Card{
		Key:   DraftKey(d.ID),
		Title: fmt.Sprintf("Draft #%d · %s", d.ID, v.Brand.Name),
		Text:  d.Text,
		Tone:  stateTones[d.State],
		Fields: []Field{
			{Label: "State", Value: d.State.Label(), Short: true},
			{Label: "Review", Value: reviewLabel(v), Short: true},
			{Label: "Author", Value: d.Author.Display(), Short: true},
			{Label: "Revision", Value: strconv.Itoa(d.Rev), Short: true},
		},
		Context: []string{fmt.Sprintf("Updated %s", stamp(d.UpdatedAt, loc))},
	}
	if ds := h.deliveries(ctx, d); len(ds) > 0 {
		c.Fields = append(c.Fields, Field{Label: "Targets", Value: deliveryLines(ds)})
	} else if len(d.Targets) > 0 {
		c.Fields = append(c.Fields, Field{Label: "Targets", Value: herald.FormatTargets(d.Targets), Short: true})
	}
	if !d.PublishAt.IsZero() {
		c.Fields = append(c.Fields, Field{Label: "Publish at", Value: FormatWhen(d.PublishAt, loc), Short: true})
	}
	if fs := h.findings(ctx, v); len(fs) > 0 {
		c.Fields = append(c.Fields, Field{Label: "Checks", Value: findingLines(fs)})
	}
	c.Buttons = h.draftButtons(d)
	return c
}

// checkedStates are the states in which a draft's checks show on its
// card: while it is written and reviewed.
var checkedStates = map[approvals.State]bool{
	approvals.StateDraft: true, approvals.StateChangesRequested: true, approvals.StateInReview: true,
}

// findings runs the draft checks (targets, guidelines) on the current
// revision; none when they cannot run.
func (h *handlers) findings(ctx context.Context, v approvals.View) []approvals.Finding {
	if !checkedStates[v.Draft.State] {
		return nil
	}
	fs, err := h.Approvals.Check(ctx, v.Brand, v.Draft.Targets, v.Draft.Text)
	if err != nil {
		h.Log.WarnContext(ctx, "card without checks", "draft_id", v.Draft.ID, "error", err)
		return nil
	}
	return fs
}

// findingLines shows blocking findings first, then advice, one a line.
func findingLines(fs []approvals.Finding) string {
	var block, advice []string
	for _, f := range fs {
		if f.Blocking {
			block = append(block, "⛔ "+f.Message)
		} else {
			advice = append(advice, "💡 "+f.Message)
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

// draftButtons lists the actions a draft's state allows, as commands; a
// button is shown only when its command exists.
func (h *handlers) draftButtons(d approvals.Draft) []Button {
	id := strconv.FormatInt(d.ID, 10)
	rev := " --rev " + strconv.Itoa(d.Rev)
	var bs []Button
	add := func(path string, b Button) {
		if h.router.Has(path) {
			bs = append(bs, b)
		}
	}
	switch d.State {
	case approvals.StateDraft, approvals.StateChangesRequested:
		add("submit", Button{Label: "Submit for review", Command: "submit " + id, Style: "primary"})
	case approvals.StateInReview:
		add("approve", Button{Label: "Approve", Command: "approve " + id + rev, Style: "primary"})
		add("changes", Button{Label: "Request changes", Command: "changes " + id + rev, Input: "comment"})
		add("reject", Button{Label: "Reject", Command: "reject " + id + rev, Style: "danger", Input: "reason"})
	}
	if _, ok := approvals.Next(d.State, approvals.ActEdit); ok {
		add("edit", Button{Label: "Edit", Command: "edit " + id}) // answers with a form holding the current text
	}
	if _, ok := approvals.Next(d.State, approvals.ActSchedule); ok {
		label := "Schedule"
		if d.State != approvals.StateApproved {
			label = "Reschedule"
		}
		add("schedule", Button{Label: label, Command: "schedule " + id, Input: "when"})
	}
	switch d.State {
	case approvals.StateApproved, approvals.StateScheduled, approvals.StateMissed:
		add("publish", Button{Label: "Publish now", Command: "publish " + id})
	case approvals.StateUnconfirmed:
		add("confirm", Button{Label: "Mark as published", Command: "confirm " + id, Style: "primary"})
		add("retry", Button{Label: "Retry", Command: "retry " + id})
	case approvals.StateFailed: // marking a failed target published names it: `confirm ID TARGET`
		add("retry", Button{Label: "Retry", Command: "retry " + id, Style: "primary"})
	}
	if d.State == approvals.StateScheduled {
		add("unschedule", Button{Label: "Unschedule", Command: "unschedule " + id})
	}
	return bs
}

// deliveries returns the deliveries of a draft's current revision; none
// when publishing is not set up or the draft was never sent.
func (h *handlers) deliveries(ctx context.Context, d approvals.Draft) []publish.Delivery {
	if h.Publish == nil {
		return nil
	}
	ds, err := h.Publish.Deliveries(ctx, d)
	if err != nil {
		h.Log.WarnContext(ctx, "card without deliveries", "draft_id", d.ID, "error", err)
		return nil
	}
	return ds
}

var deliveryMarks = map[publish.DeliveryState]string{
	publish.Pending: "…", publish.Sending: "…", publish.Checking: "?", publish.Unconfirmed: "?",
	publish.Delivered: "✓", publish.Failed: "✗",
}

var deliveryWords = map[publish.DeliveryState]string{
	publish.Pending: "waiting", publish.Sending: "sending", publish.Checking: "checking whether it arrived",
	publish.Unconfirmed: "unconfirmed: did it arrive?", publish.Delivered: "published", publish.Failed: "failed",
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
			l += " — " + excerpt(d.Error, 160)
		case d.State == publish.Pending && d.Attempts > 0:
			l += fmt.Sprintf(" (attempt %d)", d.Attempts+1)
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// stamp formats an instant for lists and logs, in the brand's zone.
func stamp(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04:05 MST")
}

// excerpt returns the first line of s, cut to n characters.
func excerpt(s string, n int) string {
	s, _, cut := strings.Cut(s, "\n")
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	if cut {
		return s + " …"
	}
	return s
}
