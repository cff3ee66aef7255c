package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald"
)

// api is the part of Discord's REST API the adapter uses: the seam between
// translation (tested without a network) and the wire.
type api interface {
	// respond gives an interaction its initial answer (within 3 s).
	respond(ctx context.Context, it interactionRef, cb callback) error
	// editOriginal replaces the interaction's answer (after a deferral).
	editOriginal(ctx context.Context, it interactionRef, m message) error
	deleteOriginal(ctx context.Context, it interactionRef) error
	// followup sends one more message under the interaction.
	followup(ctx context.Context, it interactionRef, m message) error
	// send posts a message to a channel and returns its id.
	send(ctx context.Context, channelID string, m message) (string, error)
	// edit replaces a message Herald posted.
	edit(ctx context.Context, channelID, messageID string, m message) error
	channel(ctx context.Context, id string) (channelInfo, error)
	guilds(ctx context.Context) ([]guildInfo, error)
	guildChannels(ctx context.Context, guildID string) ([]channelInfo, error)
	// dm opens (or finds) the direct message channel with a user.
	dm(ctx context.Context, userID string) (string, error)
	// putCommands replaces every application command of the app, globally
	// (guildID "") or in one guild, and returns how many Discord holds.
	putCommands(ctx context.Context, appID, guildID string, cmds []appCommand) (int, error)
}

// interactionRef is what answering an interaction takes. The token is a
// credential for 15 minutes: it is never logged.
type interactionRef struct {
	ID, AppID, Token string
}

// channelInfo is the part of a Discord channel Herald reads.
type channelInfo struct {
	ID      string `json:"id"`
	GuildID string `json:"guild_id"`
	Name    string `json:"name"`
	Type    int    `json:"type"`
}

// guildInfo is the part of a Discord guild Herald reads.
type guildInfo struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// restAPI is api over Discord's REST API.
type restAPI struct{ r *rest }

var _ api = restAPI{}

func (a restAPI) respond(ctx context.Context, it interactionRef, cb callback) error {
	_, err := a.r.do(ctx, http.MethodPost, discordgo.EndpointInteractionResponse(it.ID, it.Token), "", cb)
	return err
}

func (a restAPI) editOriginal(ctx context.Context, it interactionRef, m message) error {
	_, err := a.r.do(ctx, http.MethodPatch, discordgo.EndpointWebhookMessage(it.AppID, it.Token, "@original"), "", m)
	return err
}

func (a restAPI) deleteOriginal(ctx context.Context, it interactionRef) error {
	_, err := a.r.do(ctx, http.MethodDelete, discordgo.EndpointWebhookMessage(it.AppID, it.Token, "@original"), "", nil)
	return err
}

func (a restAPI) followup(ctx context.Context, it interactionRef, m message) error {
	_, err := a.r.do(ctx, http.MethodPost, discordgo.EndpointFollowupMessage(it.AppID, it.Token), "", m)
	return err
}

func (a restAPI) send(ctx context.Context, channelID string, m message) (string, error) {
	body, err := a.r.do(ctx, http.MethodPost, discordgo.EndpointChannelMessages(channelID), channelBucket(channelID), m)
	if err != nil {
		return "", err
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.ID == "" {
		return "", fmt.Errorf("discord: the new message's id is missing from the answer")
	}
	return out.ID, nil
}

func (a restAPI) edit(ctx context.Context, channelID, messageID string, m message) error {
	_, err := a.r.do(ctx, http.MethodPatch, discordgo.EndpointChannelMessage(channelID, messageID), channelBucket(channelID)+"/edit", m)
	return err
}

func (a restAPI) dm(ctx context.Context, userID string) (string, error) {
	body, err := a.r.do(ctx, http.MethodPost, discordgo.EndpointUserChannels("@me"), "users/@me/channels", map[string]string{"recipient_id": userID})
	if err != nil {
		return "", err
	}
	var ch channelInfo
	if err := json.Unmarshal(body, &ch); err != nil || ch.ID == "" {
		return "", fmt.Errorf("discord: the direct message channel's id is missing from the answer")
	}
	return ch.ID, nil
}

func (a restAPI) channel(ctx context.Context, id string) (channelInfo, error) {
	var c channelInfo
	return c, a.get(ctx, discordgo.EndpointChannel(id), "channels/"+id, &c)
}

func (a restAPI) guilds(ctx context.Context) ([]guildInfo, error) {
	var gs []guildInfo
	return gs, a.get(ctx, discordgo.EndpointUserGuilds("@me"), "users/@me/guilds", &gs)
}

func (a restAPI) guildChannels(ctx context.Context, guildID string) ([]channelInfo, error) {
	var cs []channelInfo
	return cs, a.get(ctx, discordgo.EndpointGuildChannels(guildID), guildBucket(guildID)+"/channels", &cs)
}

func (a restAPI) get(ctx context.Context, endpoint, bucket string, v any) error {
	body, err := a.r.do(ctx, http.MethodGet, endpoint, bucket, nil)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return herald.Internal(fmt.Errorf("discord: reading %s: %w", bucket, err))
	}
	return nil
}

func (a restAPI) putCommands(ctx context.Context, appID, guildID string, cmds []appCommand) (int, error) {
	endpoint := discordgo.EndpointApplicationGlobalCommands(appID)
	if guildID != "" {
		endpoint = discordgo.EndpointApplicationGuildCommands(appID, guildID)
	}
	body, err := a.r.do(ctx, http.MethodPut, endpoint, endpoint, cmds)
	if err != nil {
		return 0, err
	}
	var out []json.RawMessage
	if err := json.Unmarshal(body, &out); err != nil {
		return 0, fmt.Errorf("discord: the registered commands could not be read: %w", err)
	}
	return len(out), nil
}
