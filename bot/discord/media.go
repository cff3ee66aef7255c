package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

// cdnHosts are where Discord serves attachments: their URLs are signed
// (ex, is, hm parameters), so no token goes with a download.
var cdnHosts = []string{"cdn.discordapp.com", "media.discordapp.net"}

// downloader fetches attachments from Discord's CDN only (and from the
// configured API host, a proxy or a test fake), without the bot token.
func downloader(o Options) bot.Downloader {
	if o.MediaClient == nil {
		o.MediaClient = bot.NewDownloadClient()
	}
	d := bot.Downloader{Client: o.MediaClient, Hosts: append([]string(nil), cdnHosts...), Max: o.MediaMax}
	if h := bot.HostOf(o.APIURL); h != "" {
		d.Hosts = append(d.Hosts, h)
		d.Plain = []string{h}
	}
	return d
}

// attachment reads an ATTACHMENT option: the option's value is the id of
// an attachment in the interaction's resolved data, which Discord has
// already stored on its CDN. The file is fetched only when the command
// reads it.
func (a *Adapter) attachment(o *discordgo.ApplicationCommandInteractionDataOption, res *discordgo.ApplicationCommandInteractionDataResolved, l i18n.Lang) (commands.File, error) {
	id, _ := o.Value.(string)
	var att *discordgo.MessageAttachment
	if res != nil {
		att = res.Attachments[id]
	}
	if att == nil || att.URL == "" {
		return commands.File{}, &herald.Error{Code: herald.EINVALID, Message: l.F("The file of option %q did not come with the command; attach it again.", o.Name)}
	}
	if !a.files.Allowed(att.URL) {
		return commands.File{}, &herald.Error{Code: herald.EINVALID, Message: l.F("The file of option %q is not on Discord's servers; Herald does not fetch it.", o.Name)}
	}
	url, size := att.URL, int64(att.Size)
	return commands.File{Name: att.Filename, Size: size, Param: o.Name, Open: func(ctx context.Context) (io.ReadCloser, error) {
		return a.files.Open(ctx, url, size)
	}}, nil
}

var _ publish.MediaValidator = (*Adapter)(nil)

// Discord's limits on a bot message's files: ten attachments, and a
// request of at most 10 MiB in a server without boosts (Discord's
// default upload limit), files together.
const (
	maxPostFiles     = 10
	maxPostBytes     = 10 << 20
	maxAttachmentAlt = 1024 // an attachment's description
)

// ValidateMedia implements publish.MediaValidator for Discord channels.
func (a *Adapter) ValidateMedia(_ publish.Account, items []media.Item) error {
	return publish.FileLimits{Network: "Discord", Files: maxPostFiles, Total: maxPostBytes, Alt: maxAttachmentAlt}.Check(items)
}

// sendWithMedia creates msg in a channel with the post's media attached
// (see sendFiles). The nonce travels in payload_json, so Discord's
// deduplication covers posts with media too.
func (a *Adapter) sendWithMedia(ctx context.Context, channelID string, msg message, items []publish.Media) ([]byte, error) {
	if err := a.ValidateMedia(publish.Account{}, mediaItems(items)); err != nil {
		return nil, publish.Rejectedf("%s", herald.ErrorMessage(err))
	}
	files := make([]sendFile, 0, len(items))
	for _, m := range items {
		blob, err := m.Blob(ctx) // a file gone from the store is a refusal
		if err != nil {
			return nil, err
		}
		defer blob.Close()
		files = append(files, sendFile{Item: m.Item, blob: blob})
	}
	return a.sendFiles(ctx, http.MethodPost, discordgo.EndpointChannelMessages(channelID), channelBucket(channelID), msg, files)
}

// sendFile is a file going out with a message.
type sendFile struct {
	media.Item
	blob media.Blob
}

// sendFiles sends msg with files as Discord takes them: a
// multipart/form-data body of payload_json (the message, with an
// attachments entry per file: id n, its name and its alt text as
// description) then files[n], streamed as the request goes out.
func (a *Adapter) sendFiles(ctx context.Context, method, endpoint, bucket string, msg message, files []sendFile) ([]byte, error) {
	msg.Attachments = nil
	var parts []publish.Part
	for i, f := range files {
		name := attachmentName(i, f.Item)
		msg.Attachments = append(msg.Attachments, attachmentMeta{ID: strconv.Itoa(i), Filename: name, Description: commands.Cut(oneLine(f.Alt), maxAttachmentAlt)})
		parts = append(parts, publish.Part{Field: fmt.Sprintf("files[%d]", i), FileName: name, Type: f.Type, File: f.blob, Size: f.blob.Size()})
	}
	payload, err := json.Marshal(msg)
	if err != nil {
		return nil, herald.Internal(fmt.Errorf("discord: encoding a message: %w", err))
	}
	parts = append([]publish.Part{{Field: "payload_json", Value: string(payload), Type: "application/json"}}, parts...)
	body, err := publish.NewMultipart(parts)
	if err != nil {
		return nil, herald.Internal(fmt.Errorf("discord: laying out a multipart message: %w", err))
	}
	return a.rest.send(ctx, method, endpoint, bucket, body.Body, body.Length, body.ContentType)
}

func mediaItems(ms []publish.Media) []media.Item {
	out := make([]media.Item, len(ms))
	for i, m := range ms {
		out[i] = m.Item
	}
	return out
}

// attachmentName is the file name an item is sent under: its own name
// made safe for a URL path (attachment://NAME), else one made of its
// position and type.
func attachmentName(i int, it media.Item) string {
	var b strings.Builder
	for _, r := range path.Base(strings.ReplaceAll(it.Name, `\`, "/")) {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('_')
		}
	}
	name := strings.Trim(b.String(), ".")
	if name == "" || !strings.Contains(name, ".") {
		name = fmt.Sprintf("media%d%s", i+1, media.Ext(it.Type))
	}
	return name
}

// mediaText lists a card's media under its text, one line each: what it
// is and its alt text ("no alt text" when there is none). Names and alt
// texts are people's words: escaped. l is the card's language.
func mediaText(items []commands.CardMedia, l i18n.Lang) string {
	var b strings.Builder
	for i, m := range items {
		if i == 0 {
			b.WriteString("\n")
		}
		icon := "🖼"
		if strings.HasPrefix(m.Type, "video/") {
			icon = "🎬"
		}
		alt := strings.TrimSpace(m.Alt)
		if alt == "" {
			alt = l.T("no alt text")
		}
		it := media.Item{Name: m.Name, Type: m.Type, Size: m.Size, Width: m.Width, Height: m.Height}
		fmt.Fprintf(&b, "\n%s %s · %s", icon, escapeMarkdown(l.Sizes(it.Describe())), l.F("alt: %s", escapeMarkdown(oneLine(alt))))
	}
	return b.String()
}

// mediaImage is the embed image of a card: its first picture with a link
// Discord can fetch (Herald's signed, expiring media link); nil when none
// has one.
func mediaImage(items []commands.CardMedia) *discordgo.MessageEmbedImage {
	for _, m := range items {
		if strings.HasPrefix(m.Type, "image/") && strings.HasPrefix(m.Link, "https://") {
			return &discordgo.MessageEmbedImage{URL: m.Link}
		}
	}
	return nil
}

// pictureToAttach is the first picture of a card small enough to attach
// to the card's message; nil when there is none.
func pictureToAttach(items []commands.CardMedia) *commands.CardMedia {
	for i, m := range items {
		if strings.HasPrefix(m.Type, "image/") && m.SHA256 != "" && m.Size > 0 && m.Size <= maxCardImage {
			return &items[i]
		}
	}
	return nil
}
