package publish

import (
	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
)

// Reasons of the media limits a MediaValidator names (see herald.Error),
// shared by every network so that chat words them alike. Each carries the
// facts below; the draft check adds "target" and "draft".
const (
	// ReasonTooManyMedia: "network", "max", "count".
	ReasonTooManyMedia = "publish.too_many_media"
	// ReasonMixedMedia: "network", "max" (images when there is no video):
	// a video and other items in one post.
	ReasonMixedMedia = "publish.mixed_media"
	// ReasonMediaTooBig: "network", "n" (the item's position, from 1),
	// "name", "size", "max" (bytes).
	ReasonMediaTooBig = "publish.media_too_big"
	// ReasonMediaTooBigTotal: "network", "size", "max" (bytes): the items
	// of one post together.
	ReasonMediaTooBigTotal = "publish.media_too_big_total"
	// ReasonMediaTooManyPx: "network", "n", "name", "width", "height",
	// "max" (pixels).
	ReasonMediaTooManyPx = "publish.media_too_many_px"
	// ReasonMediaType: "network", "n", "name", "type", "why": a type the
	// network does not take from Herald (Bluesky videos).
	ReasonMediaType = "publish.media_type"
	// ReasonAltTooLong: "network", "n", "name", "length", "max"
	// (characters).
	ReasonAltTooLong = "publish.alt_too_long"
)

// AltTooLong is the refusal of item n's alt text of length characters
// where network takes max.
func AltTooLong(network string, n int, it media.Item, length, max int) error {
	return herald.Errorf(herald.EINVALID, "%s takes descriptions of at most %d characters; that of item %d (%s) has %d.", network, max, n, it.Name, length).
		Because(ReasonAltTooLong, herald.Facts{"network": network, "n": n, "name": it.Name, "length": length, "max": max})
}

// TooManyMedia is the refusal of count items where network takes max.
func TooManyMedia(network string, max, count int) error {
	return herald.Errorf(herald.EINVALID, "A %s post takes at most %d pictures or videos; this one has %d.", network, max, count).
		Because(ReasonTooManyMedia, herald.Facts{"network": network, "max": max, "count": count})
}

// MixedMedia is the refusal of a video with other items where network
// takes one video or up to max images.
func MixedMedia(network string, max int) error {
	return herald.Errorf(herald.EINVALID, "A %s post takes one video or up to %d pictures, not both.", network, max).
		Because(ReasonMixedMedia, herald.Facts{"network": network, "max": max})
}

// MediaTooBig is the refusal of item n (from 1), bigger than max bytes.
func MediaTooBig(network string, n int, it media.Item, max int64) error {
	return herald.Errorf(herald.EINVALID, "%s takes files of at most %s; item %d (%s) has %s.", network, media.Bytes(max), n, it.Name, media.Bytes(it.Size)).
		Because(ReasonMediaTooBig, herald.Facts{"network": network, "n": n, "name": it.Name, "size": it.Size, "max": max})
}

// MediaTooBigTotal is the refusal of items adding up to more than max
// bytes in one post.
func MediaTooBigTotal(network string, size, max int64) error {
	return herald.Errorf(herald.EINVALID, "%s takes at most %s of files in one post; these add up to %s.", network, media.Bytes(max), media.Bytes(size)).
		Because(ReasonMediaTooBigTotal, herald.Facts{"network": network, "size": size, "max": max})
}

// MediaTooManyPx is the refusal of item n, larger than max pixels.
func MediaTooManyPx(network string, n int, it media.Item, max int64) error {
	return herald.Errorf(herald.EINVALID, "%s takes pictures of at most %d pixels; item %d (%s) is %d×%d.", network, max, n, it.Name, it.Width, it.Height).
		Because(ReasonMediaTooManyPx, herald.Facts{"network": network, "n": n, "name": it.Name, "width": it.Width, "height": it.Height, "max": max})
}

// MediaType is the refusal of item n's type, for the reason why.
func MediaType(network string, n int, it media.Item, why string) error {
	return herald.Errorf(herald.EINVALID, "%s does not take item %d (%s, %s) from Herald: %s.", network, n, it.Name, it.Type, why).
		Because(ReasonMediaType, herald.Facts{"network": network, "n": n, "name": it.Name, "type": it.Type, "why": why})
}
