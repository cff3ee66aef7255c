package discord

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands"
)

// openStates are the draft states autocomplete proposes ids for.
var openStates = []approvals.State{approvals.StateDraft, approvals.StateInReview, approvals.StateChangesRequested,
	approvals.StateApproved, approvals.StateScheduled, approvals.StateFailed, approvals.StateUnconfirmed}

// suggest answers an autocomplete interaction: at most 25 values that
// start with (or, for drafts, contain) what is typed. It never fails: a
// lookup that fails or is not configured proposes nothing.
func (a *Adapter) suggest(ctx context.Context, in inbound) []choice {
	var out []choice
	var err error
	switch suggestionFor(in.focus.def, in.focus.param) {
	case suggestCommands:
		out = a.suggestCommands(in.focus.typed)
	case suggestBrands:
		out, err = a.suggestBrands(ctx, in)
	case suggestDrafts:
		out, err = a.suggestDrafts(ctx, in)
	case suggestTargets:
		out, err = a.suggestTargets(ctx, in)
	}
	if err != nil {
		a.log.InfoContext(ctx, "discord autocomplete found nothing", "error", err)
	}
	if len(out) > maxAutocomplete {
		out = out[:maxAutocomplete]
	}
	if out == nil {
		out = []choice{}
	}
	return out
}

func (a *Adapter) suggestCommands(typed string) []choice {
	typed = strings.ToLower(strings.TrimSpace(typed))
	var paths []string
	for p := range a.defs {
		if strings.HasPrefix(p, typed) {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	out := make([]choice, 0, len(paths))
	for _, p := range paths {
		out = append(out, choice{Name: p, Value: p})
	}
	return out
}

func (a *Adapter) suggestBrands(ctx context.Context, in inbound) ([]choice, error) {
	if a.lookup == nil {
		return nil, nil
	}
	ms, err := a.lookup.Brands(ctx, in.actor)
	if err != nil {
		return nil, err
	}
	typed := strings.ToLower(strings.TrimSpace(in.focus.typed))
	var out []choice
	for _, m := range ms {
		if strings.HasPrefix(strings.ToLower(m.Brand.Name), typed) {
			out = append(out, choice{Name: commands.Cut(m.Brand.Name+" · "+string(m.Role), maxChoiceName), Value: commands.Cut(m.Brand.Name, maxChoiceValue)})
		}
	}
	return out, nil
}

// visibleDrafts lists the open drafts of every brand the actor belongs
// to, newest first.
func (a *Adapter) visibleDrafts(ctx context.Context, in inbound) ([]approvals.Draft, map[int64]herald.Brand, error) {
	if a.lookup == nil {
		return nil, nil, nil
	}
	ms, err := a.lookup.Brands(ctx, in.actor)
	if err != nil {
		return nil, nil, err
	}
	var all []approvals.Draft
	brands := map[int64]herald.Brand{}
	for _, m := range ms {
		ds, bs, err := a.lookup.List(ctx, in.actor, in.channel, m.Brand.Name, approvals.DraftFilter{States: openStates, Limit: 50})
		if err != nil {
			return nil, nil, err
		}
		all = append(all, ds...)
		for id, b := range bs {
			brands[id] = b
		}
	}
	slices.SortFunc(all, func(x, y approvals.Draft) int { return int(y.ID - x.ID) })
	return all, brands, nil
}

func (a *Adapter) suggestDrafts(ctx context.Context, in inbound) ([]choice, error) {
	ds, brands, err := a.visibleDrafts(ctx, in)
	if err != nil {
		return nil, err
	}
	typed := strings.TrimPrefix(strings.TrimSpace(in.focus.typed), "#")
	var out []choice
	for _, d := range ds {
		id := strconv.FormatInt(d.ID, 10)
		if typed != "" && !strings.Contains(id, typed) {
			continue
		}
		name := fmt.Sprintf("#%d · %s · %s · %s", d.ID, brands[d.BrandID].Name, d.State.Label(), oneLine(d.Text))
		out = append(out, choice{Name: commands.Cut(name, maxChoiceName), Value: d.ID})
	}
	return out, nil
}

// suggestTargets completes the last target of a list: the text channels
// of this guild as discord:#name, and the targets of the actor's recent
// drafts.
func (a *Adapter) suggestTargets(ctx context.Context, in inbound) ([]choice, error) {
	typed := in.focus.typed
	head, last := "", strings.TrimSpace(typed)
	if i := strings.LastIndexAny(typed, ", "); i >= 0 {
		head, last = typed[:i+1], strings.TrimSpace(typed[i+1:])
	}
	seen := map[string]bool{}
	var cands []string
	add := func(t string) {
		if !seen[t] && strings.HasPrefix(strings.ToLower(t), strings.ToLower(last)) {
			seen[t] = true
			cands = append(cands, t)
		}
	}
	var errs error
	if in.channel.Workspace != "" {
		cs, err := a.dir.textChannels(ctx, in.channel.Workspace)
		errs = err
		for _, c := range cs {
			add(TargetKind + ":#" + c.Name)
		}
	}
	ds, _, err := a.visibleDrafts(ctx, in)
	if errs == nil {
		errs = err
	}
	for _, d := range ds {
		for _, t := range d.Targets {
			add(t.String())
		}
	}
	var out []choice
	for _, t := range cands {
		v := head + t
		if len([]rune(v)) > maxChoiceValue {
			continue
		}
		out = append(out, choice{Name: commands.Cut(v, maxChoiceName), Value: v})
	}
	return out, errs
}
