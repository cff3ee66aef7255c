package kit

import (
	"fmt"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

// mediaHints are the hints (see hints) of the reasons about a draft's
// pictures and videos (issue 15).
var mediaHints = map[string]func(l i18n.Lang, f herald.Facts) string{
	approvals.ReasonTooManyMedia: func(l i18n.Lang, f herald.Facts) string {
		if f["draft"] == int64(0) {
			return l.F("A draft takes at most %v pictures and videos; give fewer.", f["max"])
		}
		have, _ := f["have"].(int)
		adding, _ := f["adding"].(int)
		switch {
		case have == 0:
			return l.F("A draft takes at most %v pictures and videos, and these are %d; add fewer.", f["max"], adding)
		case f["have"] == f["max"]:
			return l.F("Draft #%v already has %v pictures and videos, the most a draft takes; remove some first with `media rm %v N` (`media list %v` numbers them).", f["draft"], f["have"], f["draft"], f["draft"])
		}
		return l.F("Draft #%v has %d of at most %v pictures and videos, and these %d would make %d; remove some first with `media rm %v N` (`media list %v` numbers them).", f["draft"], have, f["max"], adding, have+adding, f["draft"], f["draft"])
	},
	approvals.ReasonNoSuchMedia: func(l i18n.Lang, f herald.Facts) string {
		if f["count"] == 0 {
			return l.F("Draft #%v has no pictures or videos yet; add one with `media add %v FILE_OR_URL`.", f["draft"], f["draft"])
		}
		return l.F("Draft #%v has no item %v: its items are numbered 1 to %v (`media list %v`).", f["draft"], f["n"], f["count"], f["draft"])
	},
	approvals.ReasonAltTooLong: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Alt text has at most %v characters (Mastodon's limit); this one has %v. Keep what someone who cannot see the picture needs.", f["max"], f["length"])
	},
	assist.ReasonAltMissing: func(l i18n.Lang, f herald.Facts) string {
		nums, _ := f["items"].([]int)
		names, _ := f["names"].([]string)
		words := make([]string, len(nums))
		for i, n := range nums {
			words[i] = fmt.Sprintf("%d (%s)", n, names[min(i, len(names)-1)])
		}
		id, first := "ID", 1
		if d, ok := f["draft"].(int64); ok && d != 0 {
			id = fmt.Sprint(d)
		}
		if len(nums) > 0 {
			first = nums[0]
		}
		if len(words) == 1 {
			return l.F("The brand's guidelines require alt text on every picture and video, and item %s has none: describe it with `media alt %s %d TEXT` (or `media alt %s %d --suggest`).", words[0], id, first, id, first)
		}
		return l.F("The brand's guidelines require alt text on every picture and video, and items %s have none: describe each with `media alt %s %d TEXT` (or `media alt %s %d --suggest`).", JoinAnd(l, words), id, first, id, first)
	},
	publish.ReasonMediaRequired: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v needs a picture or a video: add one to draft #%v with `media add %v FILE`, or take %v off the targets with `edit %v --to TARGETS`.", f["target"], f["draft"], f["draft"], f["target"], f["draft"])
	},
	publish.ReasonAspectRatio: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v takes pictures from %v; item %v of draft #%v (%v) is %v×%v. Crop it, then replace it (`media rm %v %v`, then `media add %v FILE`).", f["target"], f["range"], f["n"], f["draft"], f["name"], f["width"], f["height"], f["draft"], f["n"], f["draft"])
	},
	publish.ReasonNoPublicMedia: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v fetches pictures and videos from Herald's public address, and Herald has none: the operator sets HERALD_PUBLIC_URL. Until then, take %v off the targets of draft #%v with `edit %v --to TARGETS`, or remove its media with `media rm %v N`.", f["target"], f["target"], f["draft"], f["draft"], f["draft"])
	},
	// Telegram (an edge kit does not import: its reason by name).
	"telegram.caption_too_long": func(l i18n.Lang, f herald.Facts) string {
		if f["draft"] == nil {
			return l.F("Telegram takes at most %v characters under a picture or video; this text has %v.", f["max"], f["length"])
		}
		return l.F("%v takes at most %v characters under a picture or video, and the text of draft #%v has %v: shorten it with `edit %v TEXT`, or remove the media with `media rm %v N`.", f["target"], f["max"], f["draft"], f["length"], f["draft"], f["draft"])
	},
	assist.ReasonNoVision: func(l i18n.Lang, f herald.Facts) string {
		return l.F("The LLM (%v) does not read pictures here, so Herald cannot suggest alt text; write it with `media alt ID N TEXT`. (Operators: HERALD_LLM_VISION=true when the model reads images.)", f["model"])
	},
	media.ReasonTooLarge: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v is larger than %s, the most Herald takes; send a smaller file.", f["name"], factBytes(l, f["max"]))
	},
	media.ReasonUnsupported: func(l i18n.Lang, f herald.Facts) string {
		what := l.T("a file Herald does not recognise")
		if t, _ := f["type"].(string); t != "" {
			what = t
		}
		return l.F("%v is %s: Herald takes JPEG, PNG, GIF and WebP pictures, and MP4 or MOV videos (H.264/AAC).", f["name"], what)
	},
	media.ReasonUnreadable: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v cannot be read as a picture or video (damaged, or not what its name says); export it again and send the new file.", f["name"])
	},
	media.ReasonTooManyPx: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v is %v×%v pixels, more than Herald takes (%v pixels); send a smaller picture.", f["name"], f["width"], f["height"], f["max"])
	},

	publish.ReasonTooManyMedia: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v takes at most %v pictures or videos in a post; draft #%v has %v. Remove some with `media rm %v N` (`media list %v` numbers them).", f["target"], f["max"], f["draft"], f["count"], f["draft"], f["draft"])
	},
	publish.ReasonMixedMedia: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v takes one video or up to %v pictures, not both; remove the video or the pictures from draft #%v with `media rm %v N`, or publish them as two drafts.", f["target"], f["max"], f["draft"], f["draft"])
	},
	publish.ReasonMediaTooBig: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v takes files of at most %s; item %v of draft #%v (%v) has %s. Replace it with a smaller file (`media rm %v %v`, then `media add %v FILE`).", f["target"], factBytes(l, f["max"]), f["n"], f["draft"], f["name"], factBytes(l, f["size"]), f["draft"], f["n"], f["draft"])
	},
	publish.ReasonMediaTooBigTotal: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v takes at most %s of files in one post; the media of draft #%v add up to %s. Remove some with `media rm %v N`.", f["target"], factBytes(l, f["max"]), f["draft"], factBytes(l, f["size"]), f["draft"])
	},
	publish.ReasonMediaTooManyPx: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v takes pictures of at most %v pixels; item %v of draft #%v (%v) is %v×%v. Replace it with a smaller picture (`media rm %v %v`, then `media add %v FILE`).", f["target"], f["max"], f["n"], f["draft"], f["name"], f["width"], f["height"], f["draft"], f["n"], f["draft"])
	},
	publish.ReasonMediaType: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v does not take item %v of draft #%v (%v, %v): %v. Remove it with `media rm %v %v`, or take %v off the targets with `edit %v --to TARGETS`.", f["target"], f["n"], f["draft"], f["name"], f["type"], mediaWhy(l, f["why"]), f["draft"], f["n"], f["target"], f["draft"])
	},
	publish.ReasonAltTooLong: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v takes alt text of at most %v characters; that of item %v of draft #%v (%v) has %v. Shorten it with `media alt %v %v TEXT`.", f["target"], f["max"], f["n"], f["draft"], f["name"], f["length"], f["draft"], f["n"])
	},
}

// hint is the wording of reason, from hints or mediaHints.
func hint(reason string) (func(l i18n.Lang, f herald.Facts) string, bool) {
	if h, ok := hints[reason]; ok {
		return h, true
	}
	h, ok := mediaHints[reason]
	return h, ok
}

// factBytes words a size among an error's facts as people read it, in l.
func factBytes(l i18n.Lang, v any) string {
	switch n := v.(type) {
	case int64:
		return l.Sizes(media.Bytes(n))
	case int:
		return l.Sizes(media.Bytes(int64(n)))
	}
	return fmt.Sprint(v)
}
