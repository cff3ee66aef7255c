package slack

import (
	"context"
	"io"
	"strings"

	slackapi "github.com/slack-go/slack"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/media"
)

// filesHost is where Slack serves files (url_private_download): the only
// host, with the configured API's, that gets the bot token for a download.
const filesHost = "files.slack.com"

// mediaFileTypes are the extensions a file input offers. Slack checks
// them for convenience only: media.Library reads the type from the bytes.
var mediaFileTypes = []string{"jpg", "jpeg", "png", "gif", "webp", "mp4", "mov"}

// maxFormFiles is how many files a form's file input takes (a post holds
// four pictures on most networks).
const maxFormFiles = 4

// downloader fetches files people upload in Slack forms: from Slack's
// files host (or the configured API's host: a proxy or a test fake) only,
// with the bot token.
func downloader(o Options) bot.Downloader {
	if o.MediaClient == nil {
		o.MediaClient = bot.NewDownloadClient()
	}
	d := bot.Downloader{Client: o.MediaClient, Hosts: []string{filesHost}, Auth: "Bearer " + o.BotToken, Max: o.MediaMax}
	if h := bot.HostOf(o.APIURL); h != "" {
		d.Hosts = append(d.Hosts, h)
		d.Plain = []string{h}
	}
	return d
}

// fileInputBlock is the input block of a file field: a file_input taking
// pictures and videos, up to four; one for an Add media form (its field
// is commands.FileInput), as its alt text describes one.
func fileInputBlock(fl commands.FormField) *slackapi.InputBlock {
	max := maxFormFiles
	if fl.Name == commands.FileInput {
		max = 1
	}
	el := slackapi.NewFileInputBlockElement(inputAction).WithFileTypes(mediaFileTypes...).WithMaxFiles(max)
	return slackapi.NewInputBlock(fl.Name, plainText(commands.Cut(fieldLabel(fl), maxInputLabel)), nil, el).WithOptional(fl.Optional)
}

// fileAskModal is the modal an Add media button opens: one file (a
// picture or a video) and its alt text; submitting runs the button's
// command with --alt and the file.
func fileAskModal(btn commands.Button, meta FormMeta) (slackapi.ModalViewRequest, error) {
	fields := []commands.FormField{
		{Name: btn.Input, Label: meta.Lang.T("Picture or video"), File: true},
		{Name: "alt", Label: meta.Lang.T("Alt text (what the picture shows, for people who cannot see it)"), Multiline: true, Optional: true, Flag: true},
	}
	if meta.Command == "" {
		meta.Command = btn.Command
	}
	meta.Fields = fields // the alt text too, whatever the button asked
	return Modal(&commands.Form{Title: btn.Label, Command: btn.Command, Fields: fields}, meta)
}

// SubmittedFiles lists the files of a view_submission's file inputs, in
// the order of the form's fields, then of the files in each.
func SubmittedFiles(meta FormMeta, v slackapi.View) []slackapi.File {
	if v.State == nil {
		return nil
	}
	var out []slackapi.File
	for _, f := range meta.Fields {
		if a, ok := v.State.Values[f.Name][inputAction]; ok && a.Type == slackapi.ActionType(slackapi.METFileInput) {
			out = append(out, a.Files...)
		}
	}
	return out
}

// callFiles turns submitted Slack files into the command's files; each is
// downloaded only when the command reads it; a refusal is worded in l.
func (a *Adapter) callFiles(files []slackapi.File, l i18n.Lang) []commands.File {
	out := make([]commands.File, 0, len(files))
	for _, f := range files {
		out = append(out, commands.File{Name: f.Name, Size: int64(f.Size), Open: func(ctx context.Context) (io.ReadCloser, error) {
			return a.openFile(ctx, f, l)
		}})
	}
	return out
}

// openFile downloads an uploaded file. A submission that names the file
// without its download URL is completed with files.info (files:read).
func (a *Adapter) openFile(ctx context.Context, f slackapi.File, l i18n.Lang) (io.ReadCloser, error) {
	if f.URLPrivateDownload == "" {
		if f.ID == "" {
			return nil, &herald.Error{Code: herald.EINVALID, Message: l.T("Slack sent a file without its id; upload it again.")}
		}
		info, _, _, err := a.client.GetFileInfoContext(ctx, f.ID, 0, 0)
		if err != nil {
			return nil, &herald.Error{Code: herald.EUNAVAILABLE, Message: l.T("Slack did not say where to download the file; try again."), Err: redact(err)}
		}
		f = *info
	}
	return a.files.Open(ctx, f.URLPrivateDownload, int64(f.Size))
}

// mediaBlocks show a card's media: an image block for a picture Slack can
// fetch (its Link), else a context line naming the item, as Slack cannot
// show Herald's stored bytes without a public address. Alt text goes with
// each, "no alt text" when there is none, in l (the card's language).
func mediaBlocks(items []commands.CardMedia, l i18n.Lang) []slackapi.Block {
	var blocks []slackapi.Block
	var lines []string
	for _, m := range items {
		alt := strings.TrimSpace(m.Alt)
		if alt == "" {
			alt = l.T("no alt text")
		}
		if m.Link != "" && strings.HasPrefix(m.Type, "image/") && strings.HasPrefix(m.Link, "https://") {
			blocks = append(blocks, slackapi.NewImageBlock(m.Link, commands.Cut(alt, maxAltText), "", plainText(commands.Cut(oneLine(l.Sizes(describe(m))), maxImageTitle))))
			continue
		}
		lines = append(lines, mediaIcon(m)+" "+l.Sizes(describe(m))+" · "+l.F("alt: %s", alt))
	}
	return append(blocks, contextBlocks(lines)...)
}

// Image block limits.
const (
	maxAltText    = 2000
	maxImageTitle = 2000
)

func mediaIcon(m commands.CardMedia) string {
	if strings.HasPrefix(m.Type, "video/") {
		return "🎬"
	}
	return "🖼"
}

// describe words an item as media.Item.Describe does.
func describe(m commands.CardMedia) string {
	return media.Item{Name: m.Name, Type: m.Type, Size: m.Size, Width: m.Width, Height: m.Height}.Describe()
}
