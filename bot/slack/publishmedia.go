package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"

	slackapi "github.com/slack-go/slack"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

var _ publish.MediaValidator = (*Adapter)(nil)

// Slack's limits on a message's files: completeUploadExternal shares at
// most ten files at once, and Slack stores files of up to 1 GB.
const (
	maxPostFiles = 10
	maxFileSize  = 1_000_000_000
	maxAltTxt    = 1000 // alt_txt of files.getUploadURLExternal
)

// ValidateMedia implements publish.MediaValidator for Slack channels.
func (a *Adapter) ValidateMedia(_ publish.Account, items []media.Item) error {
	return publish.FileLimits{Network: "Slack", Files: maxPostFiles, Each: maxFileSize}.Check(items)
}

// publishMedia posts p with its media through Slack's external upload
// flow: each item's bytes go to the upload URL Slack gives
// (files.getUploadURLExternal, then a POST streaming the bytes), and one
// files.completeUploadExternal shares them all in the channel with the
// text as their comment. An uploaded file is private to the app until the
// completion shares it, so an upload cut short posts nothing; each is
// recorded on the delivery (publish.Post.RecordUpload) and reused by a
// retry. The completion is the post: an unknown outcome there is
// ambiguous.
func (a *Adapter) publishMedia(ctx context.Context, p publish.Post) (publish.Receipt, error) {
	items := make([]media.Item, len(p.Media))
	for i, m := range p.Media {
		items[i] = m.Item
	}
	if err := a.ValidateMedia(p.Account, items); err != nil {
		return publish.Receipt{}, publish.Rejectedf("%s", herald.ErrorMessage(err))
	}
	channel, err := a.channelID(ctx, p.Target)
	if err != nil {
		return publish.Receipt{}, err
	}
	files := make([]slackapi.FileSummary, 0, len(p.Media))
	for _, m := range p.Media {
		id, err := a.uploaded(ctx, p, m)
		if err != nil {
			return publish.Receipt{}, err
		}
		files = append(files, slackapi.FileSummary{ID: id, Title: fileTitle(m.Item)})
	}
	var wrote func() bool
	err = a.poster.Do(ctx, channel, func(ctx context.Context) error {
		ctx, wrote = httpx.Watch(ctx)
		_, err := a.client.CompleteUploadExternalContext(ctx, slackapi.CompleteUploadExternalParameters{
			Files: files, Channel: channel, InitialComment: escape(p.Text),
		})
		return err
	})
	if err != nil {
		return publish.Receipt{}, classify(err, wrote)
	}
	return publish.Receipt{ID: channel + "/" + files[0].ID}, nil
}

// uploaded returns Slack's id of m's file: the one an earlier attempt
// recorded, or a new upload, recorded before the post.
func (a *Adapter) uploaded(ctx context.Context, p publish.Post, m publish.Media) (string, error) {
	if u, ok := p.Uploaded(m.SHA256); ok && u.ID != "" {
		return u.ID, nil
	}
	id, err := a.upload(ctx, m)
	if err != nil {
		return "", err
	}
	if err := p.RecordUpload(ctx, publish.Upload{SHA256: m.SHA256, ID: id, At: a.clock.Now()}); err != nil {
		return "", publish.TransientError(fmt.Errorf("recording the upload of %s: %w", m.Name, err), 0)
	}
	return id, nil
}

// upload sends one item to Slack and returns its file id. Nothing is
// posted yet, so every failure here is transient or a refusal.
func (a *Adapter) upload(ctx context.Context, m publish.Media) (string, error) {
	var u *slackapi.GetUploadURLExternalResponse
	err := a.poster.Do(ctx, "files", func(ctx context.Context) error {
		var err error
		u, err = a.client.GetUploadURLExternalContext(ctx, slackapi.GetUploadURLExternalParameters{
			FileName: fileName(m.Item), FileSize: int(m.Size), AltTxt: cutRunes(m.Alt, maxAltTxt),
		})
		return err
	})
	if err != nil {
		return "", uploadError(err)
	}
	if !a.files.Allowed(u.UploadURL) {
		return "", publish.Rejectedf("Slack gave an upload address off its files host; Herald sent nothing there.")
	}
	blob, err := m.Blob(ctx) // a file gone from the store is a refusal
	if err != nil {
		return "", err
	}
	defer blob.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.UploadURL, blob)
	if err != nil {
		return "", publish.Rejectedf("Slack's upload address could not be used.")
	}
	req.ContentLength = blob.Size() // streamed, never held whole
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("Authorization", "Bearer "+a.token)    // files.slack.com (Allowed) only
	resp, err := httpx.NoRedirect(a.files.Client).Do(req) // a POST is never resent elsewhere
	if err != nil {
		return "", publish.TransientError(fmt.Errorf("uploading %s to Slack: %w", m.Name, httpx.StripURL(err)), 0)
	}
	if _, err := publish.Read(resp, a.clock.Now()); err != nil {
		return "", uploadError(err)
	}
	return u.FileID, nil
}

// uploadError classifies a failure before the post: Slack's refusals are
// final, anything else may be tried again (nothing was shared).
func uploadError(err error) error {
	var se slackapi.SlackErrorResponse
	var pe *publish.Error
	var rl *slackapi.RateLimitedError
	switch {
	case errors.As(err, &se):
		return publish.Rejectedf("Slack refused the upload: %s", se.Err)
	case errors.As(err, &rl):
		return publish.TransientError(err, rl.RetryAfter)
	case errors.As(err, &pe) && pe.Outcome == publish.Rejected:
		return err
	}
	return publish.TransientError(redact(err), 0)
}

// channelID is the id of a target's channel: completeUploadExternal takes
// ids only, so a name is looked up among the channels the bot can see
// (conversations.list: channels:read, groups:read).
func (a *Adapter) channelID(ctx context.Context, t herald.Target) (string, error) {
	name := strings.TrimPrefix(postChannel(t), "#")
	if slackID.MatchString(name) && (name[0] == 'C' || name[0] == 'G') {
		return name, nil
	}
	params := &slackapi.GetConversationsParameters{Types: []string{"public_channel", "private_channel"}, ExcludeArchived: true, Limit: 1000}
	for {
		chans, next, err := a.client.GetConversationsContext(ctx, params)
		if err != nil {
			return "", uploadError(err)
		}
		for _, c := range chans {
			if strings.EqualFold(c.Name, name) {
				return c.ID, nil
			}
		}
		if next == "" {
			return "", publish.Rejectedf("Slack has no channel #%s that Herald can see; invite Herald to it, or name it by id (slack:#C0123…).", name)
		}
		params.Cursor = next
	}
}

// fileName is the name Slack shows for an item: its own, or one made of
// its type ("photo.jpg" style) when it has none.
func fileName(it media.Item) string {
	if n := strings.TrimSpace(path.Base(strings.ReplaceAll(it.Name, `\`, "/"))); n != "" && n != "." && n != "/" {
		return n
	}
	return "media" + media.Ext(it.Type)
}

// fileTitle is the title Slack shows over a file: its alt text, else its
// name.
func fileTitle(it media.Item) string {
	if alt := strings.TrimSpace(it.Alt); alt != "" {
		return cutRunes(oneLine(alt), 250)
	}
	return fileName(it)
}

func cutRunes(s string, n int) string { return truncateRunes(s, n) }
