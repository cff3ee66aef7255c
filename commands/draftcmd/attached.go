package draftcmd

import (
	"context"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/media"
)

// attachedParams are the files a draft takes where the platform attaches
// them to a command (Discord's attachment options).
var attachedParams = []commands.Param{
	{Name: "media1", Kind: commands.Attachment, Help: "a picture or video for the post"},
	{Name: "media2", Kind: commands.Attachment, Help: "a second picture or video"},
	{Name: "media3", Kind: commands.Attachment, Help: "a third picture or video"},
	{Name: "media4", Kind: commands.Attachment, Help: "a fourth picture or video"},
}

// maxDraftFiles is how many files a new draft takes (Discord's media1 to
// media4, a Slack form's file input).
const maxDraftFiles = 4

// attached reads the files that came with a draft command (Slack's form,
// Discord's attachment options) into the media library, in order. Nothing
// is read for someone who may not change a draft's media, or when this
// Herald keeps no media.
func (h *handlers) attached(ctx context.Context, r *commands.Request, m brands.Member) ([]media.Item, error) {
	if len(r.Files) == 0 {
		return nil, nil
	}
	if err := brands.Need(m, brands.EditMedia); err != nil {
		return nil, err
	}
	if h.Media == nil {
		return nil, &herald.Error{Code: herald.EUNAVAILABLE, Message: r.Lang.T("This Herald keeps no pictures or videos; send the draft without them.")}
	}
	if len(r.Files) > maxDraftFiles {
		return nil, &herald.Error{Code: herald.EINVALID, Message: r.Lang.F("A new draft takes at most %d pictures or videos; %d came with it.", maxDraftFiles, len(r.Files))}
	}
	items := make([]media.Item, 0, len(r.Files))
	for _, f := range r.Files {
		it, err := h.ReadMedia(ctx, f.Name, f.Open)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, nil
}
