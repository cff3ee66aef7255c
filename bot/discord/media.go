package discord

import (
	"context"
	"io"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
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
func (a *Adapter) attachment(o *discordgo.ApplicationCommandInteractionDataOption, res *discordgo.ApplicationCommandInteractionDataResolved) (commands.File, error) {
	id, _ := o.Value.(string)
	var att *discordgo.MessageAttachment
	if res != nil {
		att = res.Attachments[id]
	}
	if att == nil || att.URL == "" {
		return commands.File{}, herald.Errorf(herald.EINVALID, "The file of option %q did not come with the command; attach it again.", o.Name)
	}
	if !a.files.Allowed(att.URL) {
		return commands.File{}, herald.Errorf(herald.EINVALID, "The file of option %q is not on Discord's servers; Herald does not fetch it.", o.Name)
	}
	url, size := att.URL, int64(att.Size)
	return commands.File{Name: att.Filename, Size: size, Param: o.Name, Open: func(ctx context.Context) (io.ReadCloser, error) {
		return a.files.Open(ctx, url, size)
	}}, nil
}
