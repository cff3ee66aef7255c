package kit

import (
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
)

// hints words, in chat, the domain errors whose plain message lacks what to
// type next: herald.Error.Reason → the sentence a user sees, from the
// error's Facts. A reason without an entry shows the error's Message. This
// is the one place where errors quote commands.
var hints = map[string]func(l i18n.Lang, f herald.Facts) string{
	brands.ReasonNotVisible: func(l i18n.Lang, f herald.Facts) string {
		if near, _ := f["suggestion"].(string); near != "" {
			return l.F("There is no brand named %q that you belong to. Did you mean %s? `brand list` shows yours.", f["brand"], near)
		}
		return l.F("There is no brand named %q that you belong to; `brand list` shows yours.", f["brand"])
	},
	brands.ReasonUnknownZone: func(l i18n.Lang, f herald.Facts) string {
		if near, _ := f["suggestion"].(string); near != "" {
			return l.F("There is no time zone %q. Did you mean `brand zone %s`?", f["zone"], near)
		}
		return l.F("There is no time zone %q: give an IANA name, e.g. `brand zone Europe/Paris`.", f["zone"])
	},
	brands.ReasonNotInChannel: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("You do not belong to this channel's brand; add `--brand NAME` for one of yours (`brand list`).")
	},
	brands.ReasonNoBrand: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("You do not belong to any brand yet: create one with `brand add NAME`, or ask a brand's admin to give you a role.")
	},
	brands.ReasonWhichBrand: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("Which brand? This channel has no default brand: add `--brand NAME`, or set one here with `brand use NAME`.")
	},
	brands.ReasonNoGrantee: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("Name the person with @, e.g. `role @sam editor`.")
	},
	brands.ReasonRemindTooSoon: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("Remind after an hour at least (e.g. 4h, 24h, 72h), or `off`.")
	},

	approvals.ReasonNoText: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("A draft needs some text, e.g. `draft \"Our new store opens Monday\"`.")
	},
	approvals.ReasonDraftNotVisible: func(l i18n.Lang, f herald.Facts) string {
		return l.F("There is no draft #%v that you can see; `drafts` lists yours.", f["draft"])
	},
	approvals.ReasonNoChanges: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("Say what should change, e.g. `changes 12 \"shorter, and add the link\"`.")
	},
	approvals.ReasonNoReason: func(l i18n.Lang, _ herald.Facts) string { return l.T("Give a reason, e.g. `reject 12 \"off-brand\"`.") },
	approvals.ReasonStaleRevision: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Draft #%v changed since you saw it: revision %v is now %v. Read it again with `show %v`, then decide.", f["draft"], f["seen"], f["rev"], f["draft"])
	},
	approvals.ReasonChangedMeanwhile: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Draft #%v changed at the same moment (someone else acted, or a second click); look at it again with `show %v`.", f["draft"], f["draft"])
	},

	publish.ReasonNoTargets: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Draft #%v has no targets: it was drafted without `--to`, so there is nowhere to publish it. Give it some with `edit %v --to TARGETS`.", f["draft"], f["draft"])
	},
	publish.ReasonNoReplyTarget: func(l i18n.Lang, f herald.Facts) string {
		if f["network"] == "" {
			return l.F("Herald cannot post where mention #%v was found: once draft #%v is approved, its card holds the text to copy, Open the conversation, and Mark as answered (`mention answered %v`).", f["mention"], f["draft"], f["mention"])
		}
		return l.F("Draft #%v has no target: %v has no %v account. An admin adds one with `target add %v:NAME URL`; then `edit %v --to %v:NAME`.", f["draft"], f["brand"], f["network"], f["network"], f["draft"], f["network"])
	},
	publish.ReasonTimePassed: func(l i18n.Lang, f herald.Facts) string {
		return l.F("That time has passed; to publish draft #%v now, use `publish %v`.", f["draft"], f["draft"])
	},
	publish.ReasonNoSetUp: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v targets need no setting up: use them as `--to %v`.", f["kind"], f["target"])
	},
	publish.ReasonNotConfigured: func(l i18n.Lang, f herald.Facts) string {
		if f["connect"] == true {
			return l.F("%v is not connected for %v; an admin connects it with `target connect %v`.", f["target"], f["brand"], f["target"])
		}
		return l.F("%v is not set up for %v; an admin adds it with `target add %v URL`.", f["target"], f["brand"], f["target"])
	},
	publish.ReasonConnectUnsupported: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Herald cannot connect %v targets through their network's page; set them up with `target add %v URL --secret TOKEN`.", f["kind"], f["target"])
	},
	publish.ReasonNoPublicURL: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Connecting %v needs HERALD_PUBLIC_URL: Herald's public address, where the network sends you back (to HERALD_PUBLIC_URL/oauth/callback). Ask Herald's operator to set it, then run `target connect %v` again.", f["target"], f["target"])
	},
	publish.ReasonNoApp: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Herald has no %v app yet: its operator creates one and sets %v (see docs/connect.md).", f["kind"], f["settings"])
	},
	publish.ReasonStateUsed: func(l i18n.Lang, f herald.Facts) string {
		return l.F("This link to connect %v was used already; each works once. Run `target connect %v` for a new one.", f["target"], f["target"])
	},
	publish.ReasonStateExpired: func(l i18n.Lang, f herald.Facts) string {
		return l.F("This link to connect %v expired (links work for 15 minutes). Run `target connect %v` for a new one.", f["target"], f["target"])
	},
	publish.ReasonConnectDenied: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v was not connected: the sign-in was cancelled or refused at the network (%v). Run `target connect %v` to try again.", f["target"], f["error"], f["target"])
	},
	publish.ReasonNoChoice: func(l i18n.Lang, f herald.Facts) string {
		return l.F("You have no choice of account to make for %v of %v: it was made, it expired (15 minutes), or someone else connected it. `target list` shows it; `target connect %v` starts again.", f["target"], f["brand"], f["target"])
	},
	publish.ReasonBadChoice: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%q is not one of the accounts offered for %v; press one of the buttons, or run `target connect %v` again.", f["choice"], f["target"], f["target"])
	},
	publish.ReasonConnectOnly: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v accounts are connected by signing in on the network's own page: run `target connect %v`.", f["kind"], f["target"])
	},

	// Telegram (publish/targets/telegram, an edge kit does not import:
	// its reasons by name).
	"telegram.bad_chat": func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v needs the chat it posts to: `target add %v @channelname`, or a numeric chat id such as -1001234567890 (docs/connect-x-telegram.md says how to find it); %q is neither.", f["target"], f["target"], f["chat"])
	},
	"telegram.no_token": func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v needs a bot token: give the target its own with `target add %v @channel --secret BOT_TOKEN`, or ask Herald's operator to set TELEGRAM_BOT_TOKEN.", f["target"], f["target"])
	},
	"telegram.cannot_post": func(l i18n.Lang, f herald.Facts) string {
		return l.F("The bot cannot post to %v: %v. Fix it in Telegram, then run `target add %v %v` again.", f["chat"], f["why"], f["target"], f["chat"])
	},
	publish.ReasonNoTarget: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v has no target %v; `target list` shows them.", f["brand"], f["target"])
	},

	publish.ReasonPaused: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Publishing for %v is paused, so scheduled posts are held. To send draft #%v anyway (a crisis answer), use `publish %v --during-pause`; `resume` lifts the pause.", f["brand"], f["draft"], f["draft"])
	},
	publish.ReasonAlreadyPaused: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Publishing for %v is already paused; `resume --brand %v` lifts it.", f["brand"], f["brand"])
	},
	publish.ReasonNotPaused: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Publishing for %v is not paused; `pause REASON` stops it.", f["brand"])
	},

	mentions.ReasonNoChannel: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("A watch needs a channel to post its mentions in; add it from a channel or give --channel.")
	},
	mentions.ReasonNoQuery: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("Give the watch a query, e.g. `acme OR \"acme corp\" -job`.")
	},
	mentions.ReasonBadKeep: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%q is not a retention: say `listen keep 90d` (days, 7 to 3650) or `listen keep forever`.", f["value"])
	},

	assist.ReasonNoBrief: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("Give a brief: what the post is about, e.g. `ai \"our new store opens Monday, 20% off\"`.")
	},
	assist.ReasonClearValues: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("Name the rules to clear without values, e.g. `guidelines clear ban max.bluesky`.")
	},
}

// ErrorText is what a chat user is told of err: the hint of its reason
// when there is one, else herald.ErrorMessage(err) (generic for internal
// errors).
func ErrorText(l i18n.Lang, err error) string {
	if e := herald.AsError(err); e != nil && e.Code != herald.EINTERNAL {
		if fs, ok := e.Facts["findings"].([]approvals.Finding); ok && e.Reason == approvals.ReasonBlocked {
			msgs := make([]string, len(fs))
			for i, f := range fs {
				msgs[i] = FindingText(l, f)
			}
			what, _ := e.Facts["what"].(string)
			return l.F("%v: %s", BlockedWhat(l, what), strings.Join(msgs, " "))
		}
		if h, ok := hint(e.Reason); ok {
			return h(l, e.Facts)
		}
		if h, ok := translation(e.Reason); ok && l != i18n.English {
			return h(l, e.Facts)
		}
	}
	if herald.ErrorCode(err) == herald.EINTERNAL {
		return l.T("Something went wrong on Herald's side; the team running it can find the details in its logs.")
	}
	return herald.ErrorMessage(err)
}

// FindingText is what a chat user is told of a draft check's finding: the
// hint of its reason when there is one, else its Message.
func FindingText(l i18n.Lang, f approvals.Finding) string {
	if h, ok := hint(f.Reason); ok {
		return h(l, f.Facts)
	}
	if h, ok := findingWords[f.Reason]; ok && l != i18n.English {
		return h(l, f.Facts)
	}
	if err, ok := f.Facts["error"].(error); ok && f.Reason == publish.ReasonRefusedText && l != i18n.English {
		return l.F("%v: %s", f.Facts["target"], ErrorText(l, err))
	}
	return f.Message
}
