package kit

import (
	"context"
	"io"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
)

// ReadMedia reads one picture or video into the media library (Deps.Media:
// its type read from the bytes, its size bounded, its metadata stripped)
// and returns the stored item under the name people gave it.
func (h *Base) ReadMedia(ctx context.Context, name string, open func(ctx context.Context) (io.ReadCloser, error)) (media.Item, error) {
	rc, err := open(ctx)
	if e := herald.AsError(err); e != nil && e.Reason == media.ReasonTooLarge {
		// Refused from the size its platform announced: say which file.
		if max, ok := e.Facts["max"].(int64); ok {
			err = media.TooLarge(name, max)
		}
	}
	if err != nil {
		return media.Item{}, err
	}
	defer rc.Close()
	it, err := h.Media.Add(ctx, name, rc)
	if err != nil {
		return media.Item{}, err
	}
	it.Name = name
	return it, nil
}
