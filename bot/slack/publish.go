package slack

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish"
)

var (
	_ bot.Announcer     = (*Adapter)(nil)
	_ publish.Publisher = (*Adapter)(nil)
	_ publish.Validator = (*Adapter)(nil)
)

// Announce implements bot.Announcer: every Slack copy of the card is
// updated, and the note posted in the thread of its first copy.
func (a *Adapter) Announce(ctx context.Context, n bot.Announcement) error {
	if n.To != nil {
		return a.tell(ctx, n)
	}
	where := n.Channel
	if a.cards != nil && n.Card.Key != "" && !(n.InChannel && where.Platform == Platform) {
		refs, err := a.cards.CardRefs(ctx, n.Card.Key)
		if err != nil {
			return err
		}
		for _, r := range refs {
			if r.Channel.Platform == Platform {
				where = r.Channel
				break
			}
		}
	}
	if where.Platform != Platform {
		return nil // not shown on Slack
	}
	thread, err := a.showCard(ctx, where, n.Card)
	if err != nil || n.Note.Text == "" {
		return err
	}
	fallback, blocks := Message(n.Note, i18n.English) // a note has its words (the brand's); the brand's language is not known here
	return a.post(ctx, where.Channel, slackapi.MsgOptionText(fallback, false), slackapi.MsgOptionBlocks(blocks...), slackapi.MsgOptionTS(thread))
}

// tell shows a card to one Slack person alone, in the channel where they
// asked (chat.postEphemeral).
func (a *Adapter) tell(ctx context.Context, n bot.Announcement) error {
	if n.To.Platform != Platform || n.Channel.Platform != Platform || n.Channel.Channel == "" {
		return nil
	}
	fallback, blocks := Message(commands.Response{Cards: []commands.Card{n.Card}, Ephemeral: true}, i18n.Lang(n.To.Lang))
	return a.poster.Do(ctx, n.Channel.Channel, func(ctx context.Context) error {
		_, err := a.api.PostEphemeralContext(ctx, n.Channel.Channel, n.To.UserID, slackapi.MsgOptionText(fallback, false), slackapi.MsgOptionBlocks(blocks...))
		return err
	})
}

// slackID matches Slack user and channel ids.
var slackID = regexp.MustCompile(`^[A-Z0-9]{2,20}$`)

// mentionText is the Slack mention markup of the Slack people among
// actors: "<@U1> <@U2> ".
func mentionText(actors []herald.Actor) string {
	var b strings.Builder
	for _, m := range actors {
		if m.Platform == Platform && slackID.MatchString(m.UserID) {
			fmt.Fprintf(&b, "<@%s> ", m.UserID)
		}
	}
	return b.String()
}

// maxPostText is Slack's limit on a message's text before it is cut.
const maxPostText = 40000

// Validate implements publish.Validator.
func (a *Adapter) Validate(_ publish.Account, text string) error {
	if n := utf8.RuneCountInString(text); n > maxPostText {
		return herald.Errorf(herald.EINVALID, "Slack takes at most %d characters; this text has %d.", maxPostText, n)
	}
	return nil
}

// postChannel is what chat.postMessage takes for a target's channel: an
// id as is, a name with its #.
func postChannel(t herald.Target) string {
	name := strings.TrimPrefix(t.Name, "#")
	if slackID.MatchString(name) && (name[0] == 'C' || name[0] == 'G') {
		return name
	}
	return "#" + name
}

// Publish implements publish.Publisher for slack:#channel targets. Slack
// has no idempotency key: the post carries its key in message metadata,
// and an unknown outcome is left to a person.
func (a *Adapter) Publish(ctx context.Context, p publish.Post) (publish.Receipt, error) {
	if len(p.Media) > 0 {
		return a.publishMedia(ctx, p)
	}
	channel := postChannel(p.Target)
	opts := []slackapi.MsgOption{
		slackapi.MsgOptionText(p.Text, true), // escaped: a post's text cannot ping @channel
		slackapi.MsgOptionMetadata(slackapi.SlackMetadata{EventType: "herald_post", EventPayload: map[string]any{"key": p.Key, "draft_id": p.DraftID}}),
	}
	var (
		id, ts string
		wrote  func() bool
	)
	err := a.poster.Do(ctx, channel, func(ctx context.Context) error {
		ctx, wrote = httpx.Watch(ctx)
		var err error
		id, ts, err = a.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	if err != nil {
		return publish.Receipt{}, classify(err, wrote)
	}
	r := publish.Receipt{ID: id + "/" + ts}
	if link, err := a.client.GetPermalinkContext(ctx, &slackapi.PermalinkParameters{Channel: id, Ts: ts}); err == nil {
		r.URL = link
	}
	return r, nil
}

// classify sorts a Web API failure: Slack's own refusals (ok: false) are
// final; rate limits and server errors are transient; anything else
// depends on whether the request went out.
func classify(err error, wrote func() bool) error {
	var se slackapi.SlackErrorResponse
	var rl *slackapi.RateLimitedError
	var sc slackapi.StatusCodeError
	switch {
	case errors.As(err, &se):
		return publish.Rejectedf("Slack refused the post: %s", se.Err)
	case errors.As(err, &rl):
		return publish.TransientError(err, rl.RetryAfter)
	case errors.As(err, &sc) && sc.Code >= 500:
		return publish.TransientError(err, 0)
	case errors.As(err, &sc):
		return publish.Rejectedf("Slack answered %s", sc.Status)
	}
	return publish.SendError(err, wrote != nil && wrote(), "slack.com")
}
