package main

import (
	"context"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

// mediaLinkTTL is how long a link given to a network that fetches media
// (a webhook's receiver) stays valid.
const mediaLinkTTL = 24 * time.Hour

// publishMedia is publish.MediaSource over the media parts: bytes from the
// store, links signed by Links ("" without HERALD_PUBLIC_URL).
type publishMedia struct {
	parts mediaParts
	clock herald.Clock // the Links' clock
}

var _ publish.MediaSource = publishMedia{}

func (p publishMedia) Open(ctx context.Context, sum string) (media.Blob, error) {
	return p.parts.Store.Open(ctx, sum)
}

func (p publishMedia) Link(it media.Item) (string, time.Time) {
	if p.parts.Links == nil {
		return "", time.Time{}
	}
	expires := p.clock.Now().Add(mediaLinkTTL).Truncate(time.Second) // a token holds whole seconds
	return p.parts.Links.Link(it, mediaLinkTTL), expires
}

// source is the scheduler's media source; nil without a store.
func (p publishMedia) source() publish.MediaSource {
	if p.parts.Store == nil {
		return nil
	}
	return p
}
