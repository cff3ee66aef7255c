package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald/media"
)

// MediaSource reads stored media by SHA-256 (a media.Store does): the
// adapter attaches a card's picture to the card's message when Discord
// has no link to fetch it from.
type MediaSource interface {
	Open(ctx context.Context, sum string) (media.Blob, error)
}

// maxCardImage bounds the picture attached to a card, sent again with
// every update of the card.
const maxCardImage = 8 << 20

// cardFile opens the picture msg should carry as an attachment, and turns
// the embed's image into a reference to it (attachment://NAME). With no
// such picture, no media source or a picture that cannot be read, it
// returns msg as it is and no file: the card lists the media in words.
func (a *Adapter) cardFile(ctx context.Context, msg message) (message, []sendFile) {
	m := msg.cardImage
	if m == nil || a.media == nil || len(msg.Embeds) == 0 {
		return msg, nil
	}
	blob, err := a.media.Open(ctx, m.SHA256)
	if err != nil {
		a.log.WarnContext(ctx, "discord card picture not attached", "sha256", m.SHA256, "error", err)
		return msg, nil
	}
	it := media.Item{SHA256: m.SHA256, Type: m.Type, Size: m.Size, Name: m.Name, Alt: m.Alt}
	first := *msg.Embeds[0] // the embeds are shared with other copies of the card
	first.Image = &discordgo.MessageEmbedImage{URL: "attachment://" + attachmentName(0, it)}
	msg.Embeds = append([]*discordgo.MessageEmbed{&first}, msg.Embeds[1:]...)
	return msg, []sendFile{{Item: it, blob: blob}}
}

// sendCard posts (messageID "") or edits a card's message in a channel,
// with its picture attached when it has one to attach. It returns the
// message's id.
func (a *Adapter) sendCard(ctx context.Context, channelID, messageID string, msg message) (string, error) {
	msg, files := a.cardFile(ctx, msg)
	if len(files) == 0 {
		if messageID != "" {
			return messageID, a.api.edit(ctx, channelID, messageID, msg)
		}
		return a.api.send(ctx, channelID, msg)
	}
	defer files[0].blob.Close()
	method, endpoint, bucket := http.MethodPost, discordgo.EndpointChannelMessages(channelID), channelBucket(channelID)
	if messageID != "" { // the new attachments replace the old picture
		method, endpoint, bucket = http.MethodPatch, discordgo.EndpointChannelMessage(channelID, messageID), channelBucket(channelID)+"/edit"
	}
	body, err := a.sendFiles(ctx, method, endpoint, bucket, msg, files)
	if err != nil || messageID != "" {
		return messageID, err
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.ID == "" {
		return "", fmt.Errorf("discord: the new message's id is missing from the answer")
	}
	return out.ID, nil
}
