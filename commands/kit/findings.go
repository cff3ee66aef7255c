package kit

import (
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/publish"
)

// findingWords word, in languages other than English, the findings of
// the guidelines' lint (assist), from their facts; in English the lint's
// Message is shown as written.
var findingWords = map[string]func(l i18n.Lang, f herald.Facts) string{
	assist.ReasonBanned: func(l i18n.Lang, f herald.Facts) string {
		words, _ := f["words"].([]string)
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = l.F("“%s”", w)
		}
		return l.F("The brand's guidelines ban %s; rephrase without it.", andList(l, quoted))
	},
	assist.ReasonTooLong: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Too long for %v: %v characters, the brand's limit is %v (%v); cut %v.", f["target"], f["length"], f["limit"], f["rule"], f["cut"])
	},
	assist.ReasonMissing: func(l i18n.Lang, f herald.Facts) string {
		if kind, _ := f["kind"].(string); kind != "" {
			return l.F("The brand requires %v in posts to %v; add it.", f["text"], kind)
		}
		return l.F("The brand requires %v in every post; add it.", f["text"])
	},
	assist.ReasonEmojiNone: func(l i18n.Lang, f herald.Facts) string {
		return l.F("The brand uses no emoji; this text has %v.", f["count"])
	},
	assist.ReasonEmojiFew: func(l i18n.Lang, f herald.Facts) string {
		return l.F("The brand uses a few emoji (at most %v); this text has %v.", f["max"], f["count"])
	},
	assist.ReasonShouting: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v words in capitals read as shouting; keep capitals for names.", f["count"])
	},
	publish.ReasonNotConnected: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Herald cannot publish to %v targets here (%v is not connected).", f["kind"], f["kind"])
	},
	publish.ReasonNotAReply: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v: this draft answers mention #%v, but there it goes out as a new post of its own, not as a reply.", f["target"], f["mention"])
	},
	assist.ReasonBangs: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v exclamation marks are a lot; one is usually enough.", f["count"])
	},
}

// andList joins xs in l: "a", "a and b", "a, b and c".
func andList(l i18n.Lang, xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return l.F("%s and %s", strings.Join(xs[:len(xs)-1], ", "), xs[len(xs)-1])
}
