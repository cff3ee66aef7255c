package discord

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish"
)

// TargetKind is the kind of target the adapter publishes to:
// discord:#channel-name or discord:#channel-id.
const TargetKind = "discord"

// maxPost is the longest post: 2000 characters go in a message's content,
// up to 4096 in an embed's description.
const maxPost = maxEmbedDesc

// maxNonce is the longest nonce Discord takes.
const maxNonce = 25

// keyWindow is how long Herald counts on Discord to remember a nonce:
// Discord says "the past few minutes"; two is a conservative reading.
const keyWindow = 2 * time.Minute

// nonce derives a message nonce from a post's idempotency key: the same
// key always gives the same nonce, 24 characters (Discord takes 25).
func nonce(key string) string {
	sum := sha256.Sum256([]byte(key))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:15]))
}

// KeyWindow implements publish.Deduplicator: Discord makes no second
// message with the same nonce (sent with enforce_nonce) within a few
// minutes.
func (a *Adapter) KeyWindow() time.Duration { return keyWindow }

// Validate implements publish.Validator: Discord takes 2000 characters as
// a message and 4096 as an embed; a longer text is refused, never cut.
func (a *Adapter) Validate(_ publish.Account, text string) error {
	n := utf8.RuneCountInString(strings.TrimSpace(text))
	switch {
	case n == 0:
		return herald.Errorf(herald.EINVALID, "A Discord post needs some text.")
	case n > maxPost:
		return herald.Errorf(herald.EINVALID, "Discord posts hold at most %d characters (%d as a message, %d as an embed); this text has %d. Shorten it, or publish it elsewhere.", maxPost, maxContent, maxEmbedDesc, n)
	}
	return nil
}

// postMessage is the message a post makes: the text as content when it
// fits in 2000 characters, else as an embed's description.
func postMessage(text string) message {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) <= maxContent {
		return message{Content: text}
	}
	return message{Embeds: []*discordgo.MessageEmbed{{Description: text}}}
}

// Publish implements publish.Publisher for discord:#channel targets: it
// finds the channel (by id, or by name among the bot's guilds) and posts
// the text with a nonce derived from p.Key and enforce_nonce, so that
// sending the same post again within KeyWindow makes no second message.
// No text can ping anyone (allowed_mentions parses nothing). Failures are
// classified: an unknown or ambiguous channel, a text too long, a missing
// permission are Rejected; 429 and 5xx are Transient; no answer after
// sending is Ambiguous.
func (a *Adapter) Publish(ctx context.Context, p publish.Post) (publish.Receipt, error) {
	if p.Target.Kind != TargetKind {
		return publish.Receipt{}, publish.Rejectedf("The Discord adapter cannot publish to %s.", p.Target)
	}
	if err := a.Validate(p.Account, p.Text); err != nil {
		return publish.Receipt{}, publish.Rejectedf("%s", herald.ErrorMessage(err))
	}
	if p.Key == "" {
		return publish.Receipt{}, publish.Rejectedf("This post has no idempotency key; Herald will not post it to Discord without one.")
	}
	ch, err := a.dir.resolve(ctx, p.Target.Name)
	if err != nil {
		return publish.Receipt{}, err
	}
	msg := postMessage(p.Text)
	msg.Nonce = nonce(p.Key)
	var body []byte
	if len(p.Media) > 0 {
		body, err = a.sendWithMedia(ctx, ch.ID, msg, p.Media)
	} else {
		body, err = a.rest.do(ctx, http.MethodPost, discordgo.EndpointChannelMessages(ch.ID), channelBucket(ch.ID), msg)
	}
	if err != nil {
		return publish.Receipt{}, err
	}
	var m struct {
		ID      string `json:"id"`
		GuildID string `json:"guild_id"`
	}
	if err := json.Unmarshal(body, &m); err != nil || m.ID == "" {
		return publish.Receipt{}, publish.AmbiguousError(fmt.Errorf("Discord accepted the post but its answer has no message id"))
	}
	guild := ch.GuildID
	if guild == "" {
		guild = m.GuildID
	}
	if guild == "" {
		guild = "@me"
	}
	return publish.Receipt{ID: m.ID, URL: "https://discord.com/channels/" + guild + "/" + ch.ID + "/" + m.ID}, nil
}
