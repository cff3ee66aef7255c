package assistcmd

import (
	"context"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/media"
)

// The drafting help commands: `guidelines show|set|clear` and `ai`. They
// are registered when Deps.Assist is set; `ai` answers "Drafting…" at once
// and does the LLM work detached (Deps.Go), then updates that card
// (Deps.Announce).

const rulesHelp = `rules NAME=VALUE: tone="friendly, no jargon" ban="cheap,free money" require=#ad require.mastodon=#acme max.bluesky=280 emoji=none|few|any lang=fr; NAME= clears one`

func (h *handlers) assistDefs() []*commands.Def {
	return []*commands.Def{
		{
			Path:     "guidelines show",
			Summary:  "Show the brand's guidelines: tone, banned words, required tags, lengths, emoji, language.",
			Params:   []commands.Param{kit.BrandFlag},
			Examples: []string{"guidelines show", "guidelines show --brand Acme"},
			Handler:  h.guidelinesShow,
		},
		{
			Path:    "guidelines set",
			Summary: "Set some of the brand's guideline rules (admins and editors); the others are kept.",
			Params: []commands.Param{
				{Name: "rules", Kind: commands.Text, Required: true, Help: rulesHelp},
				kit.BrandFlag,
			},
			Examples: []string{`guidelines set tone="friendly, no jargon" ban="cheap,free money" require=#ad max.bluesky=280 emoji=few lang=fr`, "guidelines set ban="},
			Handler:  h.guidelinesSet,
		},
		{
			Path:    "guidelines clear",
			Summary: "Clear guideline rules by name, or all of them (admins and editors).",
			Params: []commands.Param{
				{Name: "rules", Kind: commands.Text, Required: true, Help: "the rules to clear, e.g. ban max.bluesky; all clears every rule"},
				kit.BrandFlag,
			},
			Examples: []string{"guidelines clear ban max.bluesky", "guidelines clear all"},
			Handler:  h.guidelinesClear,
		},
		{
			Path:    "ai",
			Summary: "Ask the LLM for up to three variants of a post, following the guidelines; each becomes a draft to pick, edit and submit.",
			Params: []commands.Param{
				{Name: "brief", Kind: commands.Text, Required: true, Help: "what the post is about"},
				{Name: "to", Kind: commands.Targets, Flag: true, Help: "where it will be published, e.g. mastodon:main,bluesky:main"},
				kit.BrandFlag,
			},
			Examples: []string{`ai "our Lyon store opens Monday, free coffee all day" --to mastodon:main,bluesky:main`},
			Handler:  h.ai,
		},
	}
}

// GuidelinesChecker adapts the guidelines lint to approvals.Checker, so
// that it runs on every draft revision: blocking findings prevent
// submission, the others show on the draft's card.
func GuidelinesChecker(s *assist.Service) approvals.Checker { return guidelinesChecker{s} }

type guidelinesChecker struct{ s *assist.Service }

func (c guidelinesChecker) CheckDraft(ctx context.Context, b herald.Brand, targets []herald.Target, text string) ([]approvals.Finding, error) {
	fs, err := c.s.CheckDraft(ctx, b, targets, text)
	if err != nil {
		return nil, err
	}
	return findings(fs, 0), nil
}

// CheckMedia implements approvals.MediaChecker: the alt text rule on the
// media of the revision checked.
func (c guidelinesChecker) CheckMedia(ctx context.Context, b herald.Brand, draftID int64, _ []herald.Target, _ string, items []media.Item) ([]approvals.Finding, error) {
	if len(items) == 0 {
		return nil, nil
	}
	g, err := c.s.Guidelines(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	return findings(assist.LintMedia(g, items), draftID), nil
}

// findings are the lint's findings as approvals words them; those with
// facts learn the draft's id (0 before it exists).
func findings(fs []assist.Finding, draftID int64) []approvals.Finding {
	out := make([]approvals.Finding, len(fs))
	for i, f := range fs {
		out[i] = approvals.Finding{Message: f.Message, Blocking: f.Blocking, Reason: f.Reason}
		if f.Facts != nil {
			out[i].Facts = herald.Facts{"draft": draftID}
			for k, v := range f.Facts {
				out[i].Facts[k] = v
			}
		}
	}
	return out
}

func (h *handlers) guidelinesShow(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return commands.Response{}, err
	}
	g, err := h.Assist.Guidelines(ctx, b.ID)
	if err != nil {
		return commands.Response{}, err
	}
	log, err := h.Assist.GuidelinesLog(ctx, b.ID)
	if err != nil {
		return commands.Response{}, err
	}
	return commands.Response{Text: guidelinesText(r.Lang, b, g, log), Ephemeral: true}, nil
}

// guidelinesText shows guidelines in words, as rules, and who changed
// them last.
func guidelinesText(l i18n.Lang, b herald.Brand, g assist.Guidelines, log []assist.AuditEntry) string {
	var s strings.Builder
	s.WriteString(l.F("Guidelines of %s:", b.Name) + "\n" + indent(describe(l, g)))
	if rules := g.Rules(); len(rules) > 0 {
		s.WriteString("\n" + l.F("As rules: `guidelines set %s`", strings.Join(rules, " ")))
	} else {
		s.WriteString("\n" + l.T("Set them with `guidelines set RULE ...`, e.g. `guidelines set ban=\"cheap\" require=#ad max.bluesky=280`."))
	}
	if n := len(log); n > 0 {
		e := log[n-1]
		s.WriteString("\n" + l.F("Last changed by %s, %s: %s", e.Actor.Display(), kit.StampIn(l, e.At, b.Location()), e.Detail))
	}
	return s.String()
}

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }

// guidelinesWriter resolves the brand and checks the actor may change its
// guidelines.
func (h *handlers) guidelinesWriter(ctx context.Context, r *commands.Request) (herald.Brand, error) {
	b, m, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return b, err
	}
	return b, brands.Need(m, brands.ChangeGuidelines)
}

func (h *handlers) guidelinesSet(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, err := h.guidelinesWriter(ctx, r)
	if err != nil {
		return commands.Response{}, err
	}
	g, err := h.Assist.SetGuidelines(ctx, r.Actor, b, r.Args.Str("rules"))
	if err != nil {
		return commands.Response{}, err
	}
	return commands.Response{Text: r.Lang.F("%s updated the guidelines of %s:", r.Actor.Display(), b.Name) + "\n" + indent(describe(r.Lang, g))}, nil
}

func (h *handlers) guidelinesClear(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, err := h.guidelinesWriter(ctx, r)
	if err != nil {
		return commands.Response{}, err
	}
	g, err := h.Assist.ClearGuidelines(ctx, r.Actor, b, r.Args.Str("rules"))
	if err != nil {
		return commands.Response{}, err
	}
	return commands.Response{Text: r.Lang.F("%s cleared %s from the guidelines of %s:", r.Actor.Display(), r.Args.Str("rules"), b.Name) + "\n" + indent(describe(r.Lang, g))}, nil
}

func (h *handlers) ai(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, err := h.llmWriter(ctx, r)
	if err != nil {
		return commands.Response{}, err
	}
	brief, targets := strings.TrimSpace(r.Args.Str("brief")), r.Args.Targets("to")
	if err := assist.CheckBrief(brief); err != nil {
		return commands.Response{}, err
	}
	g, err := h.Assist.Guidelines(ctx, b.ID)
	if err != nil {
		return commands.Response{}, err
	}
	return h.DraftDetached(ctx, r, b, kit.LLMDrafts{
		Subject: brief,
		Targets: targets,
		Produce: func(ctx context.Context) ([]assist.Variant, error) {
			return h.Assist.Variants(ctx, b, g, brief, targets)
		},
	})
}

// llmWriter resolves the brand of a request for LLM drafts: the actor
// must be able to write drafts, and an LLM must be configured.
func (h *handlers) llmWriter(ctx context.Context, r *commands.Request) (herald.Brand, error) {
	b, m, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return b, err
	}
	if err := brands.Need(m, brands.AskDrafts); err != nil {
		return b, err
	}
	if h.Assist == nil || !h.Assist.Enabled() {
		return b, assist.NotConfigured()
	}
	return b, nil
}
