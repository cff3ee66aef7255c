package kit

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/publish"
)

// Cards and notes of connected accounts (target connect): the choice of
// account, shown to the person alone; the news of a connection, and the
// card with Reconnect, in the brand's channels.

// ConnectKey is the card key of a target's connection in a brand: its
// Reconnect card is updated in place.
func ConnectKey(brandID int64, t herald.Target) string {
	return fmt.Sprintf("connect:%d:%s", brandID, t)
}

// ReconnectCommand is what the Reconnect button runs.
func ReconnectCommand(b herald.Brand, t herald.Target) string {
	return "target connect " + t.String() + " --brand " + commands.Quote(b.Name)
}

// ChoiceCard asks the person who connected t which account Herald posts
// as: one button each. They see it alone: callers pass their language.
func ChoiceCard(e publish.ConnectEvent, lang i18n.Lang) commands.Card {
	t := e.Account.Target
	c := commands.Card{Title: lang.F("Post as which account? · %s", t), Tone: "warning",
		Text: lang.F("%s says you may post as these accounts. Choose the one Herald posts as for %s (within 15 minutes):", networkName(t.Kind), e.Brand.Name)}
	for _, ch := range e.Choices {
		c.Buttons = append(c.Buttons, commands.Button{Label: choiceLabel(ch, lang),
			Command: "target choose " + t.String() + " " + ch.ID + " --brand " + commands.Quote(e.Brand.Name)})
	}
	return c
}

func choiceLabel(ch publish.Choice, lang i18n.Lang) string {
	switch ch.Kind {
	case "person":
		return lang.F("%s (your profile)", ch.Name)
	case "organization", "page":
		return lang.F("%s (page)", ch.Name)
	}
	return ch.Name
}

// networkName names a target kind as people know it.
func networkName(kind string) string {
	if n, ok := networkNames[kind]; ok {
		return n
	}
	return kind
}

var networkNames = map[string]string{"linkedin": "LinkedIn", "facebook": "Facebook", "instagram": "Instagram",
	"threads": "Threads", "x": "X", "telegram": "Telegram"}

// ConnectedText is the news of a connection in the brand's channels.
func ConnectedText(e publish.ConnectEvent, lang i18n.Lang) string {
	return lang.F("%s connected by %s as %s", e.Account.Target, e.Account.Conn.By, e.Account.Conn.As)
}

// ReconnectCard says a target's connection ended or is about to, with
// Reconnect. A channel sees it: callers pass the brand's language.
func ReconnectCard(e publish.ConnectEvent, lang i18n.Lang) commands.Card {
	a, loc := e.Account, e.Brand.Location()
	c := commands.Card{Key: ConnectKey(e.Brand.ID, a.Target), Tone: "danger",
		Buttons: []commands.Button{{Label: lang.T("Reconnect"), Command: ReconnectCommand(e.Brand, a.Target), Style: "primary"}}}
	switch e.Kind {
	case publish.ConnectExpiring:
		c.Tone = "warning"
		c.Title = lang.F("%s must be connected again · %s", a.Target, e.Brand.Name)
		c.Text = lang.F("%s's connection ends %s and cannot be renewed by itself; after that, posts to it fail. An admin presses Reconnect and signs in at %s.",
			a.Target, WhenText(a.Conn.Ends(), loc, lang), networkName(a.Target.Kind))
	default:
		c.Title = lang.F("%s is disconnected · %s", a.Target, e.Brand.Name)
		c.Text = lang.F("%s no longer takes Herald's posts as %s: %s. Posts to it fail until an admin presses Reconnect and signs in again.",
			networkName(a.Target.Kind), a.Conn.As, a.Conn.Health.LastError)
	}
	if a.Conn.As != "" {
		c.Fields = append(c.Fields, commands.Field{Label: lang.T("Posts as"), Value: a.Conn.As, Short: true, Verbatim: true})
	}
	return c
}

// HealthText says how a connected account fares, for target list:
// "as Acme SAS, connected by Alice · valid until … · last success … ·
// last error …".
func HealthText(c publish.Connection, loc *time.Location, lang i18n.Lang) string {
	parts := []string{lang.F("as %s, connected by %s", c.As, c.By)}
	switch {
	case c.Health.Dead:
		parts = append(parts, lang.T("DISCONNECTED: reconnect it"))
	case c.Ends().IsZero() && c.Expires.IsZero():
		parts = append(parts, lang.T("valid with no end date"))
	case c.Refresh != "" || !c.RefreshExpires.IsZero():
		parts = append(parts, lang.F("valid until %s, renewed by itself until %s", StampIn(lang, c.Expires, loc), StampIn(lang, c.RefreshExpires, loc)))
	default:
		parts = append(parts, lang.F("valid until %s", StampIn(lang, c.Expires, loc)))
	}
	if !c.Health.LastOK.IsZero() {
		parts = append(parts, lang.F("last success %s", StampIn(lang, c.Health.LastOK, loc)))
	}
	if c.Health.LastError != "" {
		parts = append(parts, lang.F("last error %s: %s", StampIn(lang, c.Health.ErrorAt, loc), c.Health.LastError))
	}
	return strings.Join(parts, " · ")
}

// ConnectNotifier brings connection news to chat: the choice to the
// person alone, the rest to the brand's channels (and the channel where
// the person asked). It implements publish.Notifier for EventConnect.
type ConnectNotifier struct {
	brands *brands.Service
	show   func(ctx context.Context, card commands.Card, where herald.ChannelRef)
	tell   func(ctx context.Context, card commands.Card, who herald.Actor, where herald.ChannelRef)
	log    *slog.Logger
}

var _ publish.Notifier = (*ConnectNotifier)(nil)

// NewConnectNotifier returns the notifier of connections over d's
// Brands, Show, Tell and Log.
func NewConnectNotifier(d Deps) *ConnectNotifier {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &ConnectNotifier{brands: d.Brands, show: d.Show, tell: d.Tell, log: d.Log}
}

// Notify implements publish.Notifier; events other than EventConnect are
// not its own.
func (n *ConnectNotifier) Notify(ctx context.Context, ev publish.Event) {
	if ev.Kind != publish.EventConnect || ev.Connect == nil {
		return
	}
	e := *ev.Connect
	lang := i18n.Lang(e.Brand.Lang)
	switch e.Kind {
	case publish.ConnectChoose:
		if n.tell != nil {
			n.tell(ctx, ChoiceCard(e, i18n.Lang(e.Actor.Lang)), e.Actor, e.Channel)
		}
		return
	case publish.ConnectDone:
		card := commands.Card{Key: ConnectKey(e.Brand.ID, e.Account.Target), Tone: "good", Title: ConnectedText(e, lang)}
		n.showBrand(ctx, e, card)
		return
	}
	n.showBrand(ctx, e, ReconnectCard(e, lang))
}

// showBrand shows card in each channel of the brand and where the
// person asked.
func (n *ConnectNotifier) showBrand(ctx context.Context, e publish.ConnectEvent, card commands.Card) {
	if n.show == nil {
		return
	}
	chs, err := n.brands.BrandChannels(ctx, e.Brand.ID)
	if err != nil {
		n.log.WarnContext(ctx, "connection news not shown in the brand's channels", "brand_id", e.Brand.ID, "error", err)
	}
	if e.Channel.Channel != "" && !slices.Contains(chs, e.Channel) {
		chs = append(chs, e.Channel)
	}
	for _, ch := range chs {
		n.show(ctx, card, ch)
	}
}

// deadNote is the card under a failed post's note when its account's
// connection is dead: Reconnect.
func (n *Notifier) deadNote(ctx context.Context, b herald.Brand, t herald.Target, lang i18n.Lang) []commands.Card {
	if n.publish == nil {
		return nil
	}
	c, ok := n.publish.Connection(ctx, b.ID, t)
	if !ok || !c.Health.Dead {
		return nil
	}
	e := publish.ConnectEvent{Kind: publish.ConnectDead, Brand: b, Account: publish.Account{BrandID: b.ID, Target: t, Conn: c}}
	return []commands.Card{n.router.Offer(ReconnectCard(e, lang))}
}
