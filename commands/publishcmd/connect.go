package publishcmd

import (
	"context"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/publish"
)

// connectDefs connect a network account through its own page; none
// without a Connector.
func (h *handlers) connectDefs() []*commands.Def {
	if h.Connect == nil {
		return nil
	}
	return []*commands.Def{
		{
			Path:    "target connect",
			Extra:   true,
			Summary: "Connect a network account (LinkedIn…) by signing in on the network's own page (admins; the link is for you alone).",
			Params: []commands.Param{
				{Name: "target", Kind: commands.String, Required: true, Help: "e.g. linkedin:acme"},
				kit.BrandFlag,
			},
			Examples: []string{"target connect linkedin:acme"},
			Handler:  h.targetConnect,
		},
		{
			Path:    "target choose",
			Extra:   true,
			Summary: "Choose the account a connected target posts as (the buttons after target connect).",
			Params: []commands.Param{
				{Name: "target", Kind: commands.String, Required: true, Help: "e.g. linkedin:acme"},
				{Name: "account", Kind: commands.String, Required: true, Help: "the account's id, as its button gives it"},
				kit.BrandFlag,
			},
			Examples: []string{"target choose linkedin:acme urn:li:organization:2414183"},
			Handler:  h.targetChoose,
		},
	}
}

func (h *handlers) targetConnect(ctx context.Context, r *commands.Request) (commands.Response, error) {
	t, err := herald.ParseTarget(r.Args.Str("target"))
	if err != nil {
		return commands.Response{}, err
	}
	b, link, err := h.Connect.Connect(ctx, r.Actor, r.Channel, r.Args.Str("brand"), t)
	if err != nil {
		return commands.Response{}, err
	}
	lang := i18n.Lang(r.Actor.Lang) // the person alone sees it
	card := commands.Card{Title: lang.F("Connect %s for %s", t, b.Name),
		Text:    lang.F("Open the link and sign in at the network; then come back here. The link is yours alone: it works once, within 15 minutes.\n%s", link),
		Buttons: []commands.Button{{Label: lang.F("Sign in to connect %s", t), URL: link, Style: "primary"}}}
	return commands.Response{Cards: []commands.Card{card}, Ephemeral: true}, nil
}

func (h *handlers) targetChoose(ctx context.Context, r *commands.Request) (commands.Response, error) {
	t, err := herald.ParseTarget(r.Args.Str("target"))
	if err != nil {
		return commands.Response{}, err
	}
	b, a, err := h.Connect.Choose(ctx, r.Actor, r.Channel, r.Args.Str("brand"), t, strings.TrimSpace(r.Args.Str("account")))
	if err != nil {
		return commands.Response{}, err
	}
	lang := i18n.Lang(r.Actor.Lang)
	return commands.Response{Text: lang.F("%s of %s now posts as %s. Use it with `draft TEXT --to %s`.", t, b.Name, a.Conn.As, t), Ephemeral: true}, nil
}

// healthLine is a connected account's line in target list.
func healthLine(b herald.Brand, a publish.Account, lang i18n.Lang) string {
	return "  " + a.Target.String() + "  " + kit.HealthText(a.Conn, b.Location(), lang)
}
