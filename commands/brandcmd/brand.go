package brandcmd

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
)

func (h *handlers) brandDefs() []*commands.Def {
	return []*commands.Def{
		{
			Path:     "brand add",
			Summary:  "Create a brand; you become its admin.",
			Params:   []commands.Param{{Name: "name", Kind: commands.Text, Required: true, Help: "the brand's name"}},
			Examples: []string{"brand add Acme"},
			Open:     true,
			Handler:  h.brandAdd,
		},
		{
			Path:     "brand list",
			Summary:  "List the brands you belong to, with your role.",
			Examples: []string{"brand list"},
			Open:     true,
			Handler:  h.brandList,
		},
		{
			Path:     "brand use",
			Summary:  "Make a brand this channel's default.",
			Params:   []commands.Param{{Name: "name", Kind: commands.Text, Required: true, Help: "the brand's name"}},
			Examples: []string{"brand use Acme"},
			Handler:  h.brandUse,
		},
		{
			Path:    "brand lang",
			Summary: "Set the language of the brand's cards, notes and digests (admins).",
			Params: []commands.Param{
				{Name: "lang", Kind: commands.Choice, Required: true, Choices: []string{"fr", "en"}, Help: "fr for French, en for English"},
				kit.BrandFlag,
			},
			Examples: []string{"brand lang fr", "brand lang en --brand Acme"},
			Handler:  h.brandLang,
		},
		{
			Path:    "brand zone",
			Summary: "Show or change a brand's time zone (admins change); scheduled posts keep their time.",
			Params: []commands.Param{
				{Name: "zone", Kind: commands.String, Help: "an IANA time zone, e.g. Europe/Paris, America/New_York or UTC"},
				kit.BrandFlag,
			},
			Examples: []string{"brand zone Europe/Paris", "brand zone"},
			Handler:  h.brandZone,
		},
		{
			Path:    "role",
			Summary: "Give someone a role on a brand (admins); alone, list who has which role.",
			Params: []commands.Param{
				{Name: "user", Kind: commands.User, Help: "the person, mentioned with @"},
				{Name: "role", Kind: commands.Choice, Choices: []string{"admin", "editor", "approver", "client", "viewer", "none"}, Help: "their role; none removes them"},
				kit.BrandFlag,
			},
			Examples: []string{"role @sam editor", "role @claire client --brand Acme", "role"},
			Handler:  h.role,
		},
		{
			Path:    "policy",
			Summary: "Show or set a brand's review stages (admins set).",
			Params: []commands.Param{
				{Name: "policy", Kind: commands.Text, Help: `stages in order, e.g. "team:1 client:1", "team:2" or "none"`},
				kit.BrandFlag,
			},
			Examples: []string{`policy "team:1 client:1"`, "policy none --brand Acme", "policy"},
			Handler:  h.policy,
		},
		{
			Path:    "remind",
			Extra:   true,
			Summary: "Show or set when reviewers are reminded of drafts waiting for them (admins set).",
			Params: []commands.Param{
				{Name: "after", Kind: commands.String, Help: "how long a draft may wait, e.g. 24h or 72h; off for never; default for Herald's (24h)"},
				kit.BrandFlag,
			},
			Examples: []string{"remind 48h", "remind off --brand Acme", "remind"},
			Handler:  h.remind,
		},
	}
}

func (h *handlers) remind(ctx context.Context, r *commands.Request) (commands.Response, error) {
	if !r.Args.Has("after") {
		b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
		if err != nil {
			return commands.Response{}, err
		}
		return commands.Response{Text: remindText(r.Lang, b.Name, b.RemindAfter, false), Ephemeral: true}, nil
	}
	var d time.Duration
	switch v := strings.ToLower(strings.TrimSpace(r.Args.Str("after"))); v {
	case "off", "never":
		d = -1
	case "default":
	default:
		var err error
		if d, err = time.ParseDuration(v); err != nil || d <= 0 {
			return commands.Response{}, &herald.Error{Code: herald.EINVALID, Message: r.Lang.F("%q is not a duration: try 24h, 72h, off or default.", r.Args.Str("after"))}
		}
	}
	b, err := h.Brands.SetRemindAfter(ctx, r.Actor, r.Channel, r.Args.Str("brand"), d)
	if err != nil {
		return commands.Response{}, err
	}
	return commands.Response{Text: remindText(r.Lang, b.Name, b.RemindAfter, true)}, nil
}

// remindText says in l whether and when the reviewers of brand are
// reminded ("Reviewers of Acme are not reminded.", not "are reminded
// never"), now or from now on (changed).
func remindText(l i18n.Lang, brand string, d time.Duration, changed bool) string {
	switch {
	case d < 0 && changed:
		return l.F("Reviewers of %s will not be reminded.", brand)
	case d < 0:
		return l.F("Reviewers of %s are not reminded.", brand)
	case d == 0 && changed:
		return l.F("Reviewers of %s will be reminded when a draft has waited 24h (the default), in daytime only.", brand)
	case d == 0:
		return l.F("Reviewers of %s are reminded when a draft has waited 24h (the default), in daytime only.", brand)
	}
	after := strings.TrimSuffix(strings.TrimSuffix(d.String(), "0s"), "0m")
	if changed {
		return l.F("Reviewers of %s will be reminded when a draft has waited %s, in daytime only.", brand, after)
	}
	return l.F("Reviewers of %s are reminded when a draft has waited %s, in daytime only.", brand, after)
}

func (h *handlers) brandAdd(ctx context.Context, r *commands.Request) (commands.Response, error) {
	ch := r.Channel
	b, err := h.Brands.AddBrand(ctx, r.Actor, r.Args.Str("name"), &ch)
	if err != nil {
		return commands.Response{}, err
	}
	return commands.Response{Text: r.Lang.F("Brand %s created; you are its admin. Next: `policy \"team:1 client:1\"` and `role @someone editor`.", b.Name)}, nil
}

// brandLang sets the language of what the brand's channels see; the
// answer speaks it already.
func (h *handlers) brandLang(ctx context.Context, r *commands.Request) (commands.Response, error) {
	l, _ := i18n.Parse(r.Args.Str("lang"))
	b, err := h.Brands.SetLang(ctx, r.Actor, r.Channel, r.Args.Str("brand"), l.String())
	if err != nil {
		return commands.Response{}, err
	}
	return commands.Response{Text: l.F("%s now speaks English: its cards, notes in threads and digests are in English, and so are the answers of people who did not choose their own language.", b.Name), Lang: l}, nil
}

func (h *handlers) brandList(ctx context.Context, r *commands.Request) (commands.Response, error) {
	ms, err := h.Brands.Brands(ctx, r.Actor)
	if err != nil {
		return commands.Response{}, err
	}
	if len(ms) == 0 {
		return commands.Response{Text: r.Lang.T("You do not belong to any brand yet. Create one with `brand add NAME`."), Ephemeral: true}, nil
	}
	var b strings.Builder
	b.WriteString(r.Lang.T("Your brands:"))
	for _, m := range ms {
		b.WriteString("\n  " + r.Lang.F("%s — you are %s; review: %s; zone %s", m.Brand.Name, kit.RoleLabel(r.Lang, m.Role), policyLabel(m.Brand.Policy), m.Brand.Timezone))
	}
	return commands.Response{Text: b.String(), Ephemeral: true}, nil
}

// policyLabel is a policy as typed ("team:1 client:1"), or "none": the
// words of the command, in any language.
func policyLabel(p string) string {
	if p == "" {
		return "none"
	}
	return p
}

func (h *handlers) brandUse(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, err := h.Brands.UseBrand(ctx, r.Actor, r.Channel, r.Args.Str("name"))
	if err != nil {
		return commands.Response{}, err
	}
	return commands.Response{Text: r.Lang.F("This channel now works on %s by default.", b.Name)}, nil
}

func (h *handlers) role(ctx context.Context, r *commands.Request) (commands.Response, error) {
	if !r.Args.Has("user") {
		return h.members(ctx, r)
	}
	if !r.Args.Has("role") {
		return commands.Response{}, &herald.Error{Code: herald.EINVALID, Message: r.Lang.F("Say which role, e.g. `role %s editor`; `role none` removes them.", "@"+r.Args.User("user").Display())}
	}
	who := r.Args.User("user")
	role := herald.Role(r.Args.Str("role"))
	if role == "none" {
		role = ""
	}
	b, err := h.Brands.SetRole(ctx, r.Actor, r.Channel, r.Args.Str("brand"), who, role)
	if err != nil {
		return commands.Response{}, err
	}
	if role == "" {
		return commands.Response{Text: r.Lang.F("%s no longer has a role on %s.", who.Display(), b.Name)}, nil
	}
	return commands.Response{Text: r.Lang.F("%s is now %s on %s.", who.Display(), kit.RoleLabel(r.Lang, role), b.Name)}, nil
}

func (h *handlers) members(ctx context.Context, r *commands.Request) (commands.Response, error) {
	b, ms, err := h.Brands.Members(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
	if err != nil {
		return commands.Response{}, err
	}
	var out strings.Builder
	out.WriteString(r.Lang.F("Members of %s (review: %s):", b.Name, policyLabel(b.Policy)))
	for _, role := range herald.Roles {
		var names []string
		for _, m := range ms {
			if m.Role == role {
				names = append(names, m.Actor.Display())
			}
		}
		if len(names) > 0 {
			fmt.Fprintf(&out, "\n%-9s %s", kit.RoleLabel(r.Lang, role), strings.Join(names, ", "))
		}
	}
	return commands.Response{Text: out.String(), Ephemeral: true}, nil
}

func (h *handlers) policy(ctx context.Context, r *commands.Request) (commands.Response, error) {
	if !r.Args.Has("policy") {
		b, _, err := h.Brands.Resolve(ctx, r.Actor, r.Channel, r.Args.Str("brand"))
		if err != nil {
			return commands.Response{}, err
		}
		return commands.Response{Text: r.Lang.F("Review policy of %s: %s.", b.Name, policyLabel(b.Policy)), Ephemeral: true}, nil
	}
	b, p, err := h.Approvals.SetPolicy(ctx, r.Actor, r.Channel, r.Args.Str("brand"), r.Args.Str("policy"))
	if err != nil {
		return commands.Response{}, err
	}
	if len(p) == 0 {
		return commands.Response{Text: r.Lang.F("Drafts of %s no longer need review: a submitted draft is approved at once.", b.Name)}, nil
	}
	return commands.Response{Text: r.Lang.F("Review policy of %s is now %s. Drafts already in review keep their policy.", b.Name, p)}, nil
}
