package kit

import (
	"fmt"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/mentions/query"
)

// translatedListen words, in languages other than English, the errors of
// listening (mentions) whose English Message says all there is.
var translatedListen = map[string]func(l i18n.Lang, f herald.Facts) string{
	mentions.ReasonBadAction: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%q is not something one does to a mention; use claim, done, ignore or reopen.", f["value"])
	},
	mentions.ReasonNoWebhook: func(l i18n.Lang, _ herald.Facts) string { return l.T("There is no such webhook.") },
	mentions.ReasonTooManyItems: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Send at most %v items at once.", f["max"])
	},
	mentions.ReasonAnswered: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Mention #%v was answered already, by %v.", f["mention"], f["by"])
	},
	mentions.ReasonChanged: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Mention #%v changed meanwhile; look at it again.", f["mention"])
	},
	mentions.ReasonNotFound: func(l i18n.Lang, f herald.Facts) string {
		switch f["what"] {
		case "watch":
			return l.F("There is no watch #%v.", f["id"])
		case "source":
			return l.F("There is no source #%v.", f["id"])
		}
		return l.F("There is no mention #%v.", f["id"])
	},
	mentions.ReasonClaimed: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Mention #%v is claimed by %v already.", f["mention"], f["by"])
	},
	mentions.ReasonOpenAlready: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Mention #%v is open already.", f["mention"])
	},
	mentions.ReasonWrongState: func(l i18n.Lang, f herald.Facts) string {
		st, _ := f["state"].(mentions.State)
		a, _ := f["action"].(mentions.Action)
		return l.F("Mention #%v is %s already; it cannot be %s now.", f["mention"], MentionStateWord(st, l), mentionActionDone(l, a))
	},
	mentions.ReasonNoDraftNumber: func(l i18n.Lang, _ herald.Facts) string { return l.T("Give the reply draft's number.") },
	mentions.ReasonHasDraft: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Mention #%v has reply draft #%v already.", f["mention"], f["draft"])
	},
	mentions.ReasonLinked: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Mention #%v is linked to draft #%v already.", f["mention"], f["draft"])
	},
	mentions.ReasonMuted: func(l i18n.Lang, f herald.Facts) string {
		if f["kind"] == mentions.MuteDomain {
			return l.F("The domain %v is muted already.", f["value"])
		}
		return l.F("The author %v is muted already.", f["value"])
	},
	mentions.ReasonNotMuted: func(l i18n.Lang, f herald.Facts) string {
		if f["kind"] == mentions.MuteDomain {
			return l.F("The domain %v is not muted.", f["value"])
		}
		return l.F("The author %v is not muted.", f["value"])
	},
	mentions.ReasonBadMuteKind: func(l i18n.Lang, f herald.Facts) string {
		return l.F("One mutes an author or a domain, not %q.", fmt.Sprint(f["kind"]))
	},
	mentions.ReasonBadMute: func(l i18n.Lang, f herald.Facts) string {
		if f["kind"] == mentions.MuteDomain {
			return l.F("%q is not a usable domain to mute.", f["value"])
		}
		return l.F("%q is not a usable author to mute.", f["value"])
	},
	mentions.ReasonBadLang: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%q is not a language code; use two-letter codes such as fr, en.", f["value"])
	},
	mentions.ReasonBadDigest: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("Give the digest time as HH:MM (e.g. 09:00), or off.")
	},
	mentions.ReasonBadKind: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%q is not a source kind; use one of %s.", f["kind"], factList(f["kinds"]))
	},
	mentions.ReasonKindOff: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v sources are not set up on this Herald; available here: %s.", f["kind"], factList(f["kinds"]))
	},
	mentions.ReasonSourceTaken: func(l i18n.Lang, f herald.Facts) string {
		return l.F("This brand has the source %v already.", f["source"])
	},
	mentions.ReasonURLUnwanted: func(l i18n.Lang, f herald.Facts) string { return l.F("A %v source takes no URL.", f["kind"]) },
	mentions.ReasonNeedsURL:    func(l i18n.Lang, f herald.Facts) string { return l.F("A %v source needs a URL.", f["kind"]) },
	mentions.ReasonBadURL: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%q is not an http or https URL.", f["url"])
	},
	mentions.ReasonURLUser: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("Give the URL without a user name or password.")
	},
	mentions.ReasonURLRefused: func(l i18n.Lang, f herald.Facts) string {
		return l.F("The URL %v cannot be used as a source: %v.", f["url"], f["error"])
	},
	mentions.ReasonTagUnwanted: func(l i18n.Lang, f herald.Facts) string { return l.F("A %v source takes no tag.", f["kind"]) },
	mentions.ReasonNeedsTag:    func(l i18n.Lang, f herald.Facts) string { return l.F("A %v source needs a #tag.", f["kind"]) },
	mentions.ReasonTagLong: func(l i18n.Lang, f herald.Facts) string {
		return l.F("The tag is too long (at most %v characters).", f["max"])
	},
	mentions.ReasonTagChars: func(l i18n.Lang, f herald.Facts) string {
		return l.F("A tag has letters, digits and '_' only; %q has %q.", f["tag"], f["char"])
	},
	mentions.ReasonQueryLong: func(l i18n.Lang, f herald.Facts) string {
		return l.F("A query has at most %v characters.", f["max"])
	},
	query.ReasonBad: queryText,
	brands.ReasonGroupActs: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v is a group, not a member who acts.", f["group"])
	},
}

// mentionActionDone says in l what a mention action does, as in "it
// cannot be claimed now".
func mentionActionDone(l i18n.Lang, a mentions.Action) string {
	switch a {
	case mentions.ActClaim:
		return l.T("claimed")
	case mentions.ActDone:
		return l.T("marked done")
	case mentions.ActIgnore:
		return l.T("ignored")
	case mentions.ActReopen:
		return l.T("reopened")
	}
	return a.Done()
}

// factList joins a fact holding a list of names.
func factList(v any) string {
	if xs, ok := v.([]string); ok {
		return strings.Join(xs, ", ")
	}
	return fmt.Sprint(v)
}

// translatedAssist words, in languages other than English, the errors of
// drafting help: the guidelines' syntax and the LLM's unusable answers.
var translatedAssist = map[string]func(l i18n.Lang, f herald.Facts) string{
	assist.ReasonRulesLong: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Guidelines are at most %v bytes at a time; set them in parts.", f["max"])
	},
	assist.ReasonRulesUTF8: func(l i18n.Lang, _ herald.Facts) string { return l.T("The rules are not valid UTF-8.") },
	assist.ReasonRuleTwice: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v is given twice (columns %v and %v); keep one.", f["rule"], f["col"], f["col2"])
	},
	assist.ReasonNoRule: func(l i18n.Lang, _ herald.Facts) string { return l.F("No rule given; %s.", rulesExample(l)) },
	assist.ReasonNotARule: func(l i18n.Lang, f herald.Facts) string {
		if f["equals"] == false {
			return l.F("%q at column %v is not a rule: write NAME=VALUE; %s.", f["rule"], f["col"], rulesExample(l))
		}
		return l.F("%q at column %v is not a rule; the rules are tone, ban, require, require.KIND, max, max.KIND, emoji, lang and alt.", f["rule"], f["col"])
	},
	assist.ReasonNoKindTaken: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v at column %v takes no target kind; write %v=VALUE.", f["rule"], f["col"], f["name"])
	},
	assist.ReasonBadRuleKind: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%q at column %v names no target kind; use one of slack, discord, discord-webhook, mastodon, bluesky or webhook.", f["kind"], f["col"])
	},
	assist.ReasonOpenQuote: func(l i18n.Lang, f herald.Facts) string {
		return l.F("The quote opened at column %v is never closed; add the closing quote.", f["col"])
	},
	assist.ReasonToneLong: func(l i18n.Lang, f herald.Facts) string {
		return l.F("the tone has %v characters; keep it under %v.", f["length"], f["max"])
	},
	assist.ReasonItemLong: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%q is %v characters long; an item has at most %v.", f["item"], f["length"], f["max"])
	},
	assist.ReasonItemEmpty: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%q has nothing to look for.", f["item"])
	},
	assist.ReasonTooManyItems: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v items is too many; at most %v.", f["count"], f["max"])
	},
	assist.ReasonNoItems: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("give items separated by commas, e.g. ban=\"cheap,free money\"; or nothing after = to clear it.")
	},
	assist.ReasonBadLength: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%q is not a length; give a number of characters from 1 to %v, e.g. max.bluesky=280.", f["value"], f["max"])
	},
	assist.ReasonBadEmoji: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%q is not an emoji policy; use none, few or any.", f["value"])
	},
	assist.ReasonBadAlt: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%q is not an alt text policy; write alt=required, or alt= to clear it.", f["value"])
	},
	assist.ReasonBadLangTag: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%q is not a language tag; use one such as fr, en or pt-BR.", f["value"])
	},
	assist.ReasonNothingToClear: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("There are no guidelines to clear.")
	},
	assist.ReasonNoVariant: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("The LLM's answer held no usable text; try again, or rephrase the brief.")
	},
	assist.ReasonBriefLong: func(l i18n.Lang, f herald.Facts) string {
		return l.F("A brief has at most %v characters; this one has %v.", f["max"], f["length"])
	},
	assist.ReasonNoReply: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("The LLM's answer held no usable reply; try again.")
	},
	assist.ReasonBadTriage: func(l i18n.Lang, _ herald.Facts) string { return l.T("The LLM's triage could not be read.") },
}

// init adds the wording of a rule's bad value, which words the value's
// own error through ErrorText (a map entry would make an initialization
// cycle).
func init() {
	translatedAssist[assist.ReasonBadValue] = func(l i18n.Lang, f herald.Facts) string {
		inner, _ := f["error"].(error)
		return l.F("%v at column %v: %s", f["rule"], f["col"], ErrorText(l, inner))
	}
}

// rulesExample shows, in l, what guidelines look like.
func rulesExample(l i18n.Lang) string {
	return l.T("rules look like tone=\"friendly, no jargon\" ban=\"cheap,free money\" require=#ad max.bluesky=280 emoji=few lang=fr")
}

// mediaWhy words, in l, why a network refuses a picture or video type
// (the "why" of publish.ReasonMediaType, written by the target packages).
func mediaWhy(l i18n.Lang, why any) string {
	switch why {
	case "Herald sends pictures to LinkedIn, not videos yet":
		return l.T("Herald sends pictures to LinkedIn, not videos yet")
	case "LinkedIn takes JPEG, PNG and GIF pictures":
		return l.T("LinkedIn takes JPEG, PNG and GIF pictures")
	case "Threads takes JPEG and PNG pictures":
		return l.T("Threads takes JPEG and PNG pictures")
	case "Herald posts pictures to Bluesky, not videos":
		return l.T("Herald posts pictures to Bluesky, not videos")
	case "Instagram takes JPEG pictures only":
		return l.T("Instagram takes JPEG pictures only")
	}
	return fmt.Sprint(why)
}
