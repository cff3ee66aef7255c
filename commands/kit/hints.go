package kit

import (
	"fmt"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
)

// hints words, in chat, the domain errors whose plain message lacks what to
// type next: herald.Error.Reason → the sentence a user sees, from the
// error's Facts. A reason without an entry shows the error's Message. This
// is the one place where errors quote commands.
var hints = map[string]func(f herald.Facts) string{
	brands.ReasonNotVisible: func(f herald.Facts) string {
		return fmt.Sprintf("There is no brand named %q that you belong to; `brand list` shows yours.", f["brand"])
	},
	brands.ReasonNotInChannel:  fixed("You do not belong to this channel's brand; add `--brand NAME` for one of yours (`brand list`)."),
	brands.ReasonNoBrand:       fixed("You do not belong to any brand yet: create one with `brand add NAME`, or ask a brand's admin to give you a role."),
	brands.ReasonWhichBrand:    fixed("Which brand? This channel has no default brand: add `--brand NAME`, or set one here with `brand use NAME`."),
	brands.ReasonNoGrantee:     fixed("Name the person with @, e.g. `role @sam editor`."),
	brands.ReasonRemindTooSoon: fixed("Remind after an hour at least (e.g. 4h, 24h, 72h), or `off`."),

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

	mentions.ReasonNoChannel: fixed("A watch needs a channel to post its mentions in; add it from a channel or give --channel."),
	mentions.ReasonNoQuery:   fixed("Give the watch a query, e.g. `acme OR \"acme corp\" -job`."),
	mentions.ReasonBadKeep: func(f herald.Facts) string {
		return fmt.Sprintf("%q is not a retention: say `listen keep 90d` (days, 7 to 3650) or `listen keep forever`.", f["value"])
	},

	assist.ReasonNoBrief:     fixed("Give a brief: what the post is about, e.g. `ai \"our new store opens Monday, 20% off\"`."),
	assist.ReasonClearValues: fixed("Name the rules to clear without values, e.g. `guidelines clear ban max.bluesky`."),
}

func fixed(s string) func(herald.Facts) string { return func(herald.Facts) string { return s } }

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
