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
	// ReasonMediaRequired: "network": a post without picture or video
	// where the network needs one (Instagram).
	ReasonMediaRequired = "publish.media_required"
	// ReasonAspectRatio: "network", "n", "name", "width", "height",
	// "range" ("4:5 to 1.91:1"): a picture outside the network's range.
	ReasonAspectRatio = "publish.aspect_ratio"
	// ReasonNoPublicMedia: "network": media for a network that fetches
	// them by URL, and Herald has no public address (HERALD_PUBLIC_URL).
	ReasonNoPublicMedia = "publish.no_public_media"
)

// MediaRequired is the refusal of a post without media where network
// needs a picture or a video.
func MediaRequired(network string) error {
	return herald.Errorf(herald.EINVALID, "A %s post needs a picture or a video.", network).
		Because(ReasonMediaRequired, herald.Facts{"network": network})
}

// AspectRatio is the refusal of item n, a picture whose shape network
// does not take (span: "4:5 (portrait) to 1.91:1 (landscape)").
func AspectRatio(network string, n int, it media.Item, span string) error {
	return herald.Errorf(herald.EINVALID, "%s takes pictures from %s; item %d (%s) is %d×%d.", network, span, n, it.Name, it.Width, it.Height).
		Because(ReasonAspectRatio, herald.Facts{"network": network, "n": n, "name": it.Name, "width": it.Width, "height": it.Height, "range": span})
}

// NoPublicMedia is the refusal of media for network, which fetches them
// from Herald's public address, when Herald has none.
func NoPublicMedia(network string) error {
	return herald.Errorf(herald.EUNAVAILABLE, "%s fetches pictures and videos from Herald's public address, and Herald has none: its operator sets HERALD_PUBLIC_URL.", network).
		Because(ReasonNoPublicMedia, herald.Facts{"network": network})
}

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
