package kit

import (
	"fmt"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
)

// hints words, in chat, the domain errors whose plain message lacks what to
// type next: herald.Error.Reason → the sentence a user sees, from the
// error's Facts. A reason without an entry shows the error's Message. This
// is the one place where errors quote commands.
var hints = map[string]func(f herald.Facts) string{
	brands.ReasonNotVisible: func(f herald.Facts) string {
		if near, _ := f["suggestion"].(string); near != "" {
			return fmt.Sprintf("There is no brand named %q that you belong to. Did you mean %s? `brand list` shows yours.", f["brand"], near)
		}
		return fmt.Sprintf("There is no brand named %q that you belong to; `brand list` shows yours.", f["brand"])
	},
	brands.ReasonNotInChannel:  fixed("You do not belong to this channel's brand; add `--brand NAME` for one of yours (`brand list`)."),
	brands.ReasonNoBrand:       fixed("You do not belong to any brand yet: create one with `brand add NAME`, or ask a brand's admin to give you a role."),
	brands.ReasonWhichBrand:    fixed("Which brand? This channel has no default brand: add `--brand NAME`, or set one here with `brand use NAME`."),
	brands.ReasonNoGrantee:     fixed("Name the person with @, e.g. `role @sam editor`."),
	brands.ReasonRemindTooSoon: fixed("Remind after an hour at least (e.g. 4h, 24h, 72h), or `off`."),
	brands.ReasonUnknownZone: func(f herald.Facts) string {
		if near, _ := f["suggestion"].(string); near != "" {
			return fmt.Sprintf("There is no time zone %q. Did you mean `brand zone %s`?", f["zone"], near)
		}
		return fmt.Sprintf("There is no time zone %q: give an IANA name, e.g. `brand zone Europe/Paris`.", f["zone"])
	},

	approvals.ReasonNoText: fixed("A draft needs some text, e.g. `draft \"Our new store opens Monday\"`."),
	approvals.ReasonDraftNotVisible: func(f herald.Facts) string {
		return fmt.Sprintf("There is no draft #%v that you can see; `drafts` lists yours.", f["draft"])
	},
	approvals.ReasonNoChanges: fixed("Say what should change, e.g. `changes 12 \"shorter, and add the link\"`."),
	approvals.ReasonNoReason:  fixed("Give a reason, e.g. `reject 12 \"off-brand\"`."),
	approvals.ReasonStaleRevision: func(f herald.Facts) string {
		return fmt.Sprintf("Draft #%v changed since you saw it: revision %v is now %v. Read it again with `show %v`, then decide.", f["draft"], f["seen"], f["rev"], f["draft"])
	},
	approvals.ReasonChangedMeanwhile: func(f herald.Facts) string {
		return fmt.Sprintf("Draft #%v changed at the same moment (someone else acted, or a second click); look at it again with `show %v`.", f["draft"], f["draft"])
	},

	// Issue 15: a draft's pictures and videos.
	approvals.ReasonTooManyMedia: func(f herald.Facts) string {
		if f["draft"] == int64(0) {
			return fmt.Sprintf("A draft takes at most %v pictures and videos; give fewer.", f["max"])
		}
		have, _ := f["have"].(int)
		adding, _ := f["adding"].(int)
		switch {
		case have == 0:
			return fmt.Sprintf("A draft takes at most %v pictures and videos, and these are %d; add fewer.", f["max"], adding)
		case f["have"] == f["max"]:
			return fmt.Sprintf("Draft #%v already has %v pictures and videos, the most a draft takes; remove some first with `media rm %v N` (`media list %v` numbers them).", f["draft"], f["have"], f["draft"], f["draft"])
		}
		return fmt.Sprintf("Draft #%v has %d of at most %v pictures and videos, and these %d would make %d; remove some first with `media rm %v N` (`media list %v` numbers them).", f["draft"], have, f["max"], adding, have+adding, f["draft"], f["draft"])
	},
	approvals.ReasonNoSuchMedia: func(f herald.Facts) string {
		if f["count"] == 0 {
			return fmt.Sprintf("Draft #%v has no pictures or videos yet; add one with `media add %v FILE_OR_URL`.", f["draft"], f["draft"])
		}
		return fmt.Sprintf("Draft #%v has no item %v: its items are numbered 1 to %v (`media list %v`).", f["draft"], f["n"], f["count"], f["draft"])
	},
	approvals.ReasonAltTooLong: func(f herald.Facts) string {
		return fmt.Sprintf("Alt text has at most %v characters (Mastodon's limit); this one has %v. Keep what someone who cannot see the picture needs.", f["max"], f["length"])
	},
	assist.ReasonAltMissing: func(f herald.Facts) string {
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
			return fmt.Sprintf("The brand's guidelines require alt text on every picture and video, and item %s has none: describe it with `media alt %s %d TEXT` (or `media alt %s %d --suggest`).", words[0], id, first, id, first)
		}
		return fmt.Sprintf("The brand's guidelines require alt text on every picture and video, and items %s have none: describe each with `media alt %s %d TEXT` (or `media alt %s %d --suggest`).", JoinAnd(words), id, first, id, first)
	},
	assist.ReasonNoVision: func(f herald.Facts) string {
		return fmt.Sprintf("The LLM (%v) does not read pictures here, so Herald cannot suggest alt text; write it with `media alt ID N TEXT`. (Operators: HERALD_LLM_VISION=true when the model reads images.)", f["model"])
	},
	media.ReasonTooLarge: func(f herald.Facts) string {
		return fmt.Sprintf("%v is larger than %s, the most Herald takes; send a smaller file.", f["name"], factBytes(f["max"]))
	},
	media.ReasonUnsupported: func(f herald.Facts) string {
		what := "a file Herald does not recognise"
		if t, _ := f["type"].(string); t != "" {
			what = t
		}
		return fmt.Sprintf("%v is %s: Herald takes JPEG, PNG, GIF and WebP pictures, and MP4 or MOV videos (H.264/AAC).", f["name"], what)
	},
	media.ReasonUnreadable: func(f herald.Facts) string {
		return fmt.Sprintf("%v cannot be read as a picture or video (damaged, or not what its name says); export it again and send the new file.", f["name"])
	},
	media.ReasonTooManyPx: func(f herald.Facts) string {
		return fmt.Sprintf("%v is %v×%v pixels, more than Herald takes (%v pixels); send a smaller picture.", f["name"], f["width"], f["height"], f["max"])
	},

	publish.ReasonNoTargets: func(f herald.Facts) string {
		return fmt.Sprintf("Draft #%v has no targets: it was drafted without `--to`, so there is nowhere to publish it. Give it some with `edit %v --to TARGETS`.", f["draft"], f["draft"])
	},
	publish.ReasonNoReplyTarget: func(f herald.Facts) string {
		if f["network"] == "" {
			return fmt.Sprintf("Herald cannot post where mention #%v was found: once draft #%v is approved, its card holds the text to copy, Open the conversation, and Mark as answered (`mention answered %v`).", f["mention"], f["draft"], f["mention"])
		}
		return fmt.Sprintf("Draft #%v has no target: %v has no %v account. An admin adds one with `target add %v:NAME URL`; then `edit %v --to %v:NAME`.", f["draft"], f["brand"], f["network"], f["network"], f["draft"], f["network"])
	},
	publish.ReasonTimePassed: func(f herald.Facts) string {
		return fmt.Sprintf("That time has passed; to publish draft #%v now, use `publish %v`.", f["draft"], f["draft"])
	},
	publish.ReasonNoSetUp: func(f herald.Facts) string {
		return fmt.Sprintf("%v targets need no setting up: use them as `--to %v`.", f["kind"], f["target"])
	},
	publish.ReasonNotConfigured: func(f herald.Facts) string {
		if f["connect"] == true {
			return fmt.Sprintf("%v is not connected for %v; an admin connects it with `target connect %v`.", f["target"], f["brand"], f["target"])
		}
		return fmt.Sprintf("%v is not set up for %v; an admin adds it with `target add %v URL`.", f["target"], f["brand"], f["target"])
	},
	publish.ReasonNoTarget: func(f herald.Facts) string {
		return fmt.Sprintf("%v has no target %v; `target list` shows them.", f["brand"], f["target"])
	},

	publish.ReasonConnectUnsupported: func(f herald.Facts) string {
		return fmt.Sprintf("Herald cannot connect %v targets through their network's page; set them up with `target add %v URL --secret TOKEN`.", f["kind"], f["target"])
	},
	publish.ReasonNoPublicURL: twiceTarget("Connecting %v needs HERALD_PUBLIC_URL: Herald's public address, where the network sends you back (to HERALD_PUBLIC_URL/oauth/callback). Ask Herald's operator to set it, then run `target connect %v` again."),
	publish.ReasonNoApp: func(f herald.Facts) string {
		return fmt.Sprintf("Herald has no %v app yet: its operator creates one and sets %v (see docs/connect.md).", f["kind"], f["settings"])
	},
	publish.ReasonStateUsed:    twiceTarget("This link to connect %v was used already; each works once. Run `target connect %v` for a new one."),
	publish.ReasonStateExpired: twiceTarget("This link to connect %v expired (links work for 15 minutes). Run `target connect %v` for a new one."),
	publish.ReasonConnectDenied: func(f herald.Facts) string {
		return fmt.Sprintf("%v was not connected: the sign-in was cancelled or refused at the network (%v). Run `target connect %v` to try again.", f["target"], f["error"], f["target"])
	},
	publish.ReasonNoChoice: func(f herald.Facts) string {
		return fmt.Sprintf("You have no choice of account to make for %v of %v: it was made, it expired (15 minutes), or someone else connected it. `target list` shows it; `target connect %v` starts again.", f["target"], f["brand"], f["target"])
	},
	publish.ReasonBadChoice: func(f herald.Facts) string {
		return fmt.Sprintf("%q is not one of the accounts offered for %v; press one of the buttons, or run `target connect %v` again.", f["choice"], f["target"], f["target"])
	},
	publish.ReasonConnectOnly: func(f herald.Facts) string {
		return fmt.Sprintf("%v accounts are connected by signing in on the network's own page: run `target connect %v`.", f["kind"], f["target"])
	},

	// Telegram (publish/targets/telegram, an edge kit does not import:
	// its reasons by name).
	"telegram.bad_chat": func(f herald.Facts) string {
		return fmt.Sprintf("%v needs the chat it posts to: `target add %v @channelname`, or a numeric chat id such as -1001234567890 (docs/connect-x-telegram.md says how to find it); %q is neither.", f["target"], f["target"], f["chat"])
	},
	"telegram.no_token": func(f herald.Facts) string {
		return fmt.Sprintf("%v needs a bot token: give the target its own with `target add %v @channel --secret BOT_TOKEN`, or ask Herald's operator to set TELEGRAM_BOT_TOKEN.", f["target"], f["target"])
	},
	"telegram.cannot_post": func(f herald.Facts) string {
		return fmt.Sprintf("The bot cannot post to %v: %v. Fix it in Telegram, then run `target add %v %v` again.", f["chat"], f["why"], f["target"], f["chat"])
	},

	publish.ReasonPaused: func(f herald.Facts) string {
		return fmt.Sprintf("Publishing for %v is paused, so scheduled posts are held. To send draft #%v anyway (a crisis answer), use `publish %v --during-pause`; `resume` lifts the pause.", f["brand"], f["draft"], f["draft"])
	},
	publish.ReasonAlreadyPaused: func(f herald.Facts) string {
		return fmt.Sprintf("Publishing for %v is already paused; `resume --brand %v` lifts it.", f["brand"], f["brand"])
	},
	publish.ReasonNotPaused: func(f herald.Facts) string {
		return fmt.Sprintf("Publishing for %v is not paused; `pause REASON` stops it.", f["brand"])
	},

	publish.ReasonTooManyMedia: func(f herald.Facts) string {
		return fmt.Sprintf("%v takes at most %v pictures or videos in a post; draft #%v has %v. Remove some with `media rm %v N` (`media list %v` numbers them).", f["target"], f["max"], f["draft"], f["count"], f["draft"], f["draft"])
	},
	publish.ReasonMixedMedia: func(f herald.Facts) string {
		return fmt.Sprintf("%v takes one video or up to %v pictures, not both; remove the video or the pictures from draft #%v with `media rm %v N`, or publish them as two drafts.", f["target"], f["max"], f["draft"], f["draft"])
	},
	publish.ReasonMediaTooBig: func(f herald.Facts) string {
		return fmt.Sprintf("%v takes files of at most %s; item %v of draft #%v (%v) has %s. Replace it with a smaller file (`media rm %v %v`, then `media add %v FILE`).", f["target"], factBytes(f["max"]), f["n"], f["draft"], f["name"], factBytes(f["size"]), f["draft"], f["n"], f["draft"])
	},
	publish.ReasonMediaTooBigTotal: func(f herald.Facts) string {
		return fmt.Sprintf("%v takes at most %s of files in one post; the media of draft #%v add up to %s. Remove some with `media rm %v N`.", f["target"], factBytes(f["max"]), f["draft"], factBytes(f["size"]), f["draft"])
	},
	publish.ReasonMediaTooManyPx: func(f herald.Facts) string {
		return fmt.Sprintf("%v takes pictures of at most %v pixels; item %v of draft #%v (%v) is %v×%v. Replace it with a smaller picture (`media rm %v %v`, then `media add %v FILE`).", f["target"], f["max"], f["n"], f["draft"], f["name"], f["width"], f["height"], f["draft"], f["n"], f["draft"])
	},
	publish.ReasonMediaType: func(f herald.Facts) string {
		return fmt.Sprintf("%v does not take item %v of draft #%v (%v, %v): %v. Remove it with `media rm %v %v`, or take %v off the targets with `edit %v --to TARGETS`.", f["target"], f["n"], f["draft"], f["name"], f["type"], f["why"], f["draft"], f["n"], f["target"], f["draft"])
	},
	publish.ReasonAltTooLong: func(f herald.Facts) string {
		return fmt.Sprintf("%v takes alt text of at most %v characters; that of item %v of draft #%v (%v) has %v. Shorten it with `media alt %v %v TEXT`.", f["target"], f["max"], f["n"], f["draft"], f["name"], f["length"], f["draft"], f["n"])
	},

	publish.ReasonMediaRequired: func(f herald.Facts) string {
		return fmt.Sprintf("%v needs a picture or a video: add one to draft #%v with `media add %v FILE`, or take %v off the targets with `edit %v --to TARGETS`.", f["target"], f["draft"], f["draft"], f["target"], f["draft"])
	},
	publish.ReasonAspectRatio: func(f herald.Facts) string {
		return fmt.Sprintf("%v takes pictures from %v; item %v of draft #%v (%v) is %v×%v. Crop it, then replace it (`media rm %v %v`, then `media add %v FILE`).", f["target"], f["range"], f["n"], f["draft"], f["name"], f["width"], f["height"], f["draft"], f["n"], f["draft"])
	},
	publish.ReasonNoPublicMedia: func(f herald.Facts) string {
		return fmt.Sprintf("%v fetches pictures and videos from Herald's public address, and Herald has none: the operator sets HERALD_PUBLIC_URL. Until then, take %v off the targets of draft #%v with `edit %v --to TARGETS`, or remove its media with `media rm %v N`.", f["target"], f["target"], f["draft"], f["draft"], f["draft"])
	},

	mentions.ReasonNoChannel: fixed("A watch needs a channel to post its mentions in; add it from a channel or give --channel."),
	mentions.ReasonNoQuery:   fixed("Give the watch a query, e.g. `acme OR \"acme corp\" -job`."),
	mentions.ReasonBadKeep: func(f herald.Facts) string {
		return fmt.Sprintf("%q is not a retention: say `listen keep 90d` (days, 7 to 3650) or `listen keep forever`.", f["value"])
	},

	assist.ReasonNoBrief:     fixed("Give a brief: what the post is about, e.g. `ai \"our new store opens Monday, 20% off\"`."),
	assist.ReasonClearValues: fixed("Name the rules to clear without values, e.g. `guidelines clear ban max.bluesky`."),
}

func fixed(s string) func(herald.Facts) string { return func(herald.Facts) string { return s } }

// factBytes words a size among an error's facts as people read it.
func factBytes(v any) string {
	switch n := v.(type) {
	case int64:
		return media.Bytes(n)
	case int:
		return media.Bytes(int64(n))
	}
	return fmt.Sprint(v)
}

// ErrorText is what a chat user is told of err: the hint of its reason
// when there is one, else herald.ErrorMessage(err) (generic for internal
// errors).
func ErrorText(err error) string {
	if e := herald.AsError(err); e != nil && e.Code != herald.EINTERNAL {
		if fs, ok := e.Facts["findings"].([]approvals.Finding); ok && e.Reason == approvals.ReasonBlocked {
			msgs := make([]string, len(fs))
			for i, f := range fs {
				msgs[i] = FindingText(f)
			}
			return fmt.Sprintf("%v: %s", e.Facts["what"], strings.Join(msgs, " "))
		}
		if h, ok := hints[e.Reason]; ok {
			return h(e.Facts)
		}
	}
	return herald.ErrorMessage(err)
}

// FindingText is what a chat user is told of a draft check's finding: the
// hint of its reason when there is one, else its Message.
func FindingText(f approvals.Finding) string {
	if h, ok := hints[f.Reason]; ok {
		return h(f.Facts)
	}
	return f.Message
}

// twiceTarget words a hint whose format names the "target" fact twice.
func twiceTarget(format string) func(herald.Facts) string {
	return func(f herald.Facts) string { return fmt.Sprintf(format, f["target"], f["target"]) }
}
