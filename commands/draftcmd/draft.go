package draftcmd

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/commands/when"
)

var (
	revFlag   = commands.Param{Name: "rev", Kind: commands.Int, Flag: true, Help: "the revision you reviewed; refused if the draft changed since"}
	draftHelp = "the text of the post; quotes are optional"
)

func (h *handlers) draftDefs() []*commands.Def {
	return []*commands.Def{
		{
			Path:    "draft",
			Summary: "Write a new draft (no text: opens a form).",
			Params: append([]commands.Param{
				{Name: "text", Kind: commands.Text, Help: draftHelp},
				{Name: "to", Kind: commands.Targets, Flag: true, Help: "where it will be published, e.g. slack:#news,mastodon:main"},
				{Name: "at", Kind: commands.When, Flag: true, Help: `when to publish: "2026-12-01 09:00", "tomorrow 9:00", "in 2h", "mon 14:30", in the brand's zone unless a zone follows`},
				kit.BrandFlag,
			}, attachedParams...),
			Examples: []string{`draft "Our new store opens Monday!" --to slack:#news --at "mon 9:00"`, "draft"},
			Handler:  h.draft,
		},
		{
			Path:     "drafts",
			Summary:  "List drafts: pending review, yours, or scheduled.",
			Params:   []commands.Param{{Name: "filter", Kind: commands.Choice, Choices: []string{"pending", "mine", "scheduled"}, Help: "which drafts; all open drafts when absent"}, kit.BrandFlag},
			Examples: []string{"drafts", "drafts pending", "drafts mine --brand Acme"},
			Handler:  h.drafts,
		},
		{
			Path:     "show",
			Summary:  "Show a draft with its revision history.",
			Params:   []commands.Param{kit.IDParam},
			Examples: []string{"show 12"},
			Handler:  h.show,
		},
		{
			Path:    "edit",
			Summary: "Replace a draft's text or targets (a new revision; approvals must be given again).",
			Params: []commands.Param{kit.IDParam, {Name: "text", Kind: commands.Text, Help: "the new text (none and no --to: opens a form with the current one)"},
				{Name: "to", Kind: commands.Targets, Flag: true, Help: "the new targets, e.g. mastodon:acme,bluesky:acme"}},
			Examples: []string{`edit 12 "Our new store opens Tuesday!"`, "edit 12 --to mastodon:acme,bluesky:acme"},
			Handler:  h.edit,
		},
		{
			Path:     "submit",
			Summary:  "Send a draft to review.",
			Params:   []commands.Param{kit.IDParam},
			Examples: []string{"submit 12"},
			Handler:  h.submit,
		},
		{
			Path:     "approve",
			Summary:  "Approve a draft's current revision at its current stage.",
			Params:   []commands.Param{kit.IDParam, {Name: "comment", Kind: commands.Text, Help: "an optional comment"}, revFlag},
			Examples: []string{"approve 12", `approve 12 "great, ship it"`},
			Handler:  h.decide(approvals.ActApprove),
		},
		{
			Path:     "changes",
			Summary:  "Send a draft back to its editors with a comment.",
			Params:   []commands.Param{kit.IDParam, {Name: "comment", Kind: commands.Text, Required: true, Help: "what should change"}, revFlag},
			Examples: []string{`changes 12 "shorter, and add the link"`},
			Handler:  h.decide(approvals.ActRequestChanges),
		},
		{
			Path:     "reject",
			Summary:  "Reject a draft for good, with a reason.",
			Params:   []commands.Param{kit.IDParam, {Name: "reason", Kind: commands.Text, Required: true, Help: "why"}, revFlag},
			Examples: []string{`reject 12 "off-brand"`},
			Handler:  h.decide(approvals.ActReject),
		},
		{
			Path:     "cancel",
			Summary:  "Cancel a draft before it is published (a scheduled one leaves the schedule).",
			Params:   []commands.Param{kit.IDParam, {Name: "reason", Kind: commands.Text, Help: "why, for the audit log (optional)"}},
			Examples: []string{"cancel 12", `cancel 12 "the event moved"`},
			Handler:  h.cancel,
		},
		{
			Path:     "audit",
			Summary:  "Show everything that happened to a draft: who, when, which revision.",
			Params:   []commands.Param{kit.IDParam},
			Examples: []string{"audit 12"},
			Handler:  h.audit,
		},
	}
}

func (h *handlers) draft(ctx context.Context, r *commands.Request) (commands.Response, error) {
	if !r.Args.Has("text") {
		return commands.Response{Ephemeral: true, Form: &commands.Form{
			Title:   r.Lang.T("New draft"),
			Command: "draft",
			Fields: []commands.FormField{
				{Name: "text", Label: r.Lang.T("Text"), Multiline: true},
				{Name: "to", Label: r.Lang.T("Targets (e.g. slack:#news, mastodon:main)"), Optional: true, Flag: true, Placeholder: "TARGETS"},
				{Name: "at", Label: r.Lang.T("Publish at (e.g. tomorrow 9:00)"), Optional: true, Flag: true, Placeholder: "WHEN"},
				{Name: "media", Label: r.Lang.T("Pictures or video (up to 4)"), Optional: true, File: true},
			},
		}}, nil
	}
	b, m, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return commands.Response{}, err
	}
	nd := approvals.NewDraft{Brand: b.Name, Text: r.Args.Str("text"), Targets: r.Args.Targets("to")}
	if nd.Media, err = h.attached(ctx, r, m); err != nil {
		return commands.Response{}, err
	}
	if at := r.Args.Str("at"); at != "" {
		if nd.PublishAt, err = when.Parse(at, h.Clock.Now(), b.Location(), kit.ReaderLang(r.Actor, b)); err != nil {
			return commands.Response{}, herald.Errorf(herald.EINVALID, "%s", err.Error())
		}
	}
	d, err := h.Approvals.CreateDraft(ctx, r.Actor, r.Channel, nd)
	if err != nil {
		return commands.Response{}, err
	}
	return h.CardResponse(ctx, r.Actor, d.ID, r.Lang.F("Draft #%d created. Submit it for review with `submit %d`.", d.ID, d.ID))
}

// revisionChange words, in l, what revision rev changed from prev: its text as a
// word diff, or, when only its media changed, what the audit says of them
// ("added photo.jpg, 1080×1350, 412 KB").
func revisionChange(l i18n.Lang, prev, rev approvals.Revision, log []approvals.AuditEntry) string {
	if prev.Text == rev.Text && !slices.Equal(prev.Media, rev.Media) {
		for _, e := range log {
			if e.Rev == rev.Rev && e.Action == string(approvals.ActEdit) && e.Detail != "" {
				return l.F("media: %s", kit.AuditDetail(l, e.Detail))
			}
		}
	}
	return commands.WordDiff(prev.Text, rev.Text)
}

var draftFilters = map[string]func(a herald.Actor) approvals.DraftFilter{
	"": func(herald.Actor) approvals.DraftFilter {
		return approvals.DraftFilter{States: []approvals.State{approvals.StateDraft, approvals.StateInReview,
			approvals.StateChangesRequested, approvals.StateApproved, approvals.StateScheduled,
			approvals.StatePublishing, approvals.StateFailed, approvals.StateUnconfirmed, approvals.StateMissed}}
	},
	"pending": func(herald.Actor) approvals.DraftFilter {
		return approvals.DraftFilter{States: []approvals.State{approvals.StateInReview}}
	},
	"mine": func(a herald.Actor) approvals.DraftFilter { return approvals.DraftFilter{Author: &a} },
	"scheduled": func(herald.Actor) approvals.DraftFilter {
		return approvals.DraftFilter{States: []approvals.State{approvals.StateScheduled}}
	},
}

const listLimit = 50

func (h *handlers) drafts(ctx context.Context, r *commands.Request) (commands.Response, error) {
	which := r.Args.Str("filter")
	f := draftFilters[which](r.Actor)
	f.Limit = listLimit
	ds, brands, err := h.Approvals.List(ctx, r.Actor, r.Channel, r.Args.Str("brand"), f)
	if err != nil {
		return commands.Response{}, err
	}
	if len(ds) == 0 {
		return commands.Response{Text: emptyList(r.Lang, which), Ephemeral: true}, nil
	}
	var b strings.Builder
	b.WriteString(r.Lang.N(len(ds), "%d draft:", "%d drafts:"))
	for _, d := range ds {
		b.WriteString("\n" + r.Lang.F("#%d · %s · %s · by %s · “%s”", d.ID, brands[d.BrandID].Name, kit.StateLabel(r.Lang, d.State), d.Author.Display(), kit.FirstLine(d.Text, 60)))
	}
	if len(ds) == listLimit {
		b.WriteString("\n" + r.Lang.F("(the %d newest; add a filter to narrow the list)", listLimit))
	}
	return commands.Response{Text: b.String(), Ephemeral: true}, nil
}

func (h *handlers) show(ctx context.Context, r *commands.Request) (commands.Response, error) {
	v, err := h.Approvals.Get(ctx, r.Actor, r.Args.Int("id"))
	if err != nil {
		return commands.Response{}, err
	}
	_, log, err := h.Approvals.Audit(ctx, r.Actor, v.Draft.ID)
	if err != nil {
		return commands.Response{}, err
	}
	loc := v.Brand.Location()
	var b strings.Builder
	b.WriteString(r.Lang.T("History:"))
	for i, rev := range v.Revisions {
		b.WriteString("\n  " + r.Lang.F("revision %d by %s, %s", rev.Rev, rev.Author.Display(), kit.StampIn(r.Lang, rev.CreatedAt, loc)))
		if i > 0 {
			fmt.Fprintf(&b, "\n    %s", revisionChange(r.Lang, v.Revisions[i-1], rev, log))
		}
		for _, a := range v.Approvals {
			if a.Rev == rev.Rev {
				b.WriteString("\n    " + r.Lang.F("approved by %s (%s)%s", a.Actor.Display(), kit.RoleLabel(r.Lang, a.Role), quoteComment(a.Comment)))
			}
		}
		for _, e := range log {
			if e.Rev == rev.Rev && (e.Action == string(approvals.ActRequestChanges) || e.Action == string(approvals.ActReject)) {
				b.WriteString("\n    " + r.Lang.F("%s by %s%s", kit.ActionDone(r.Lang, approvals.Action(e.Action)), e.Actor.Display(), quoteComment(e.Detail)))
			}
		}
	}
	resp := h.ViewResponse(ctx, v, b.String())
	resp.Ephemeral = true
	return resp, nil
}

func (h *handlers) edit(ctx context.Context, r *commands.Request) (commands.Response, error) {
	id := r.Args.Int("id")
	if !r.Args.Has("text") && !r.Args.Has("to") {
		v, err := h.Approvals.Get(ctx, r.Actor, id)
		if err != nil {
			return commands.Response{}, err
		}
		return commands.Response{Ephemeral: true, Form: &commands.Form{
			Title:   r.Lang.F("Edit draft #%d", id),
			Command: fmt.Sprintf("edit %d", id),
			Fields: []commands.FormField{{Name: "text", Label: r.Lang.T("Text"), Value: v.Draft.Text, Multiline: true},
				{Name: "to", Label: r.Lang.T("Targets (e.g. slack:#news, mastodon:main)"), Value: herald.FormatTargets(v.Draft.Targets), Optional: true, Flag: true, Placeholder: "TARGETS"}},
		}}, nil
	}
	v, err := h.Approvals.Revise(ctx, r.Actor, id, approvals.Revise{
		Text: r.Args.Str("text"), SetText: r.Args.Has("text"), Targets: r.Args.Targets("to"), SetTargets: r.Args.Has("to")})
	if err != nil {
		return commands.Response{}, err
	}
	msg := r.Lang.F("%s edited draft #%d (revision %d).", r.Actor.Display(), id, v.Draft.Rev)
	if cleared := len(v.Approvals) > 0; v.Draft.State == approvals.StateInReview && cleared {
		msg += " " + r.Lang.T("It is back in review: earlier approvals no longer count.")
	}
	if next := nextStep(r.Lang, v); next != "" {
		msg += " " + next
	}
	return h.ViewResponse(ctx, v, msg), nil
}

func (h *handlers) submit(ctx context.Context, r *commands.Request) (commands.Response, error) {
	v, err := h.Approvals.Submit(ctx, r.Actor, r.Args.Int("id"))
	if err != nil {
		return commands.Response{}, err
	}
	return h.ViewResponse(ctx, v, strings.TrimSpace(r.Lang.F("%s submitted draft #%d.", r.Actor.Display(), v.Draft.ID)+" "+nextStep(r.Lang, v))), nil
}

// waitingFor says how many approvals of a kind a draft waits for, the
// plural written out ("1 team approval", "2 team approvals").
func waitingFor(lang i18n.Lang, kind string, n int) string {
	switch kind {
	case "team":
		return lang.N(n, "Waiting for %d team approval.", "Waiting for %d team approvals.")
	case "client":
		return lang.N(n, "Waiting for %d client approval.", "Waiting for %d client approvals.")
	}
	return lang.N(n, "Waiting for %d approval.", "Waiting for %d approvals.")
}

// nextStep says in l what a draft waits for.
func nextStep(l i18n.Lang, v approvals.View) string {
	switch v.Draft.State {
	case approvals.StateApproved:
		return l.T("It is approved.")
	case approvals.StateScheduled:
		return l.F("It is approved and scheduled for %s.", kit.FormatWhen(l, v.Draft.PublishAt, v.Brand.Location()))
	case approvals.StateInReview:
		cur := v.Progress.Current()
		if cur < 0 {
			return ""
		}
		st := v.Progress.Policy[cur]
		return waitingFor(l, st.Kind, st.Count-v.Progress.Have[cur])
	}
	return ""
}

// emptyList says, in l, that a list of drafts is empty.
func emptyList(l i18n.Lang, filter string) string {
	switch filter {
	case "pending":
		return l.T("No draft waits for review.")
	case "mine":
		return l.T("You have written no drafts yet.")
	case "scheduled":
		return l.T("No draft is scheduled.")
	}
	return l.T("No open drafts. Write one with `draft TEXT`.")
}

var decisions = map[approvals.Action]struct {
	param string
	run   func(*approvals.Service, context.Context, herald.Actor, int64, approvals.Decide) (approvals.View, error)
	said  func(l i18n.Lang, who string, id int64, rev int, comment string) string
}{
	approvals.ActApprove: {"comment", (*approvals.Service).Approve, func(l i18n.Lang, who string, id int64, rev int, c string) string {
		return l.F("%s approved draft #%d (revision %d)%s.", who, id, rev, c)
	}},
	approvals.ActRequestChanges: {"comment", (*approvals.Service).RequestChanges, func(l i18n.Lang, who string, id int64, rev int, c string) string {
		return l.F("%s requested changes to draft #%d (revision %d)%s.", who, id, rev, c)
	}},
	approvals.ActReject: {"reason", (*approvals.Service).Reject, func(l i18n.Lang, who string, id int64, rev int, c string) string {
		return l.F("%s rejected draft #%d (revision %d)%s.", who, id, rev, c)
	}},
}

// decide returns the handler of a reviewer's decision.
func (h *handlers) decide(a approvals.Action) commands.Handler {
	dec := decisions[a]
	return func(ctx context.Context, r *commands.Request) (commands.Response, error) {
		id := r.Args.Int("id")
		v, err := dec.run(h.Approvals, ctx, r.Actor, id, approvals.Decide{Rev: int(r.Args.Int("rev")), Comment: r.Args.Str(dec.param)})
		if err != nil {
			return commands.Response{}, err
		}
		msg := dec.said(r.Lang, r.Actor.Display(), id, v.Draft.Rev, quoteComment(r.Args.Str(dec.param)))
		if next := nextStep(r.Lang, v); next != "" {
			msg += " " + next
		}
		return h.ViewResponse(ctx, v, msg), nil
	}
}

func (h *handlers) cancel(ctx context.Context, r *commands.Request) (commands.Response, error) {
	id, reason := r.Args.Int("id"), r.Args.Str("reason")
	v, err := h.Approvals.Cancel(ctx, r.Actor, id, reason)
	if err != nil {
		return commands.Response{}, err
	}
	return h.ViewResponse(ctx, v, r.Lang.F("%s cancelled draft #%d%s.", r.Actor.Display(), id, quoteComment(strings.TrimSpace(reason)))), nil
}

func (h *handlers) audit(ctx context.Context, r *commands.Request) (commands.Response, error) {
	id := r.Args.Int("id")
	brand, es, err := h.Approvals.Audit(ctx, r.Actor, id)
	if err != nil {
		return commands.Response{}, err
	}
	loc := brand.Location()
	var b strings.Builder
	b.WriteString(r.Lang.F("Audit of draft #%d (%s):", id, brand.Name))
	for _, e := range es {
		fmt.Fprintf(&b, "\n  %s  %-10s %s", kit.StampIn(r.Lang, e.At, loc), e.Actor.Display(), r.Lang.F("%s · revision %d", kit.ActionDone(r.Lang, approvals.Action(e.Action)), e.Rev))
		if e.From != e.To && e.From != "" {
			fmt.Fprintf(&b, "  (%s → %s)", kit.StateLabel(r.Lang, e.From), kit.StateLabel(r.Lang, e.To))
		} else if e.From == "" {
			fmt.Fprintf(&b, "  (→ %s)", kit.StateLabel(r.Lang, e.To))
		}
		if e.Detail != "" {
			fmt.Fprintf(&b, " — %s", kit.AuditDetail(r.Lang, e.Detail))
		}
	}
	return commands.Response{Text: b.String(), Ephemeral: true}, nil
}

// quoteComment shows a reviewer's comment after a colon, or nothing.
func quoteComment(c string) string {
	if c == "" {
		return ""
	}
	return ": “" + c + "”"
}
