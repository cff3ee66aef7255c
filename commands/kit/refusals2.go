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

// translatedMore words, like translated, the domain errors whose English
// Message says all there is: those of media (issue 15) and the ones that
// had no reason before the merge of issue 18.
var translatedMore = map[string]func(l i18n.Lang, f herald.Facts) string{
	approvals.ReasonBadUTF8: func(l i18n.Lang, f herald.Facts) string {
		if f["what"] == "alt" {
			return l.T("The alt text is not valid UTF-8.")
		}
		return l.T("The text is not valid UTF-8.")
	},
	approvals.ReasonTextTooLong: func(l i18n.Lang, f herald.Facts) string {
		return l.F("A draft has at most %v characters; this one has %v.", f["max"], f["length"])
	},
	approvals.ReasonNoMediaGiven: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Nothing to add to draft #%v.", f["draft"])
	},
	approvals.ReasonNotStored: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Item %q is not a stored picture or video.", f["name"])
	},
	approvals.ReasonSameMedia: func(l i18n.Lang, f herald.Facts) string {
		switch f["what"] {
		case "alt":
			return l.F("Item %v of draft #%v already has that alt text; nothing changed.", f["n"], f["draft"])
		case "no_alt":
			return l.F("Item %v of draft #%v has no alt text to remove; nothing changed.", f["n"], f["draft"])
		}
		return l.F("Item %v of draft #%v is already there; nothing changed.", f["n"], f["draft"])
	},
	publish.ReasonNothingToDo: func(l i18n.Lang, f herald.Facts) string {
		if t, _ := f["target"].(string); t != "" {
			return l.F("Draft #%v has nothing to %s on %v.", f["draft"], actionVerb(l, f["action"]), t)
		}
		st, _ := f["state"].(approvals.State)
		return l.F("Draft #%v is %s: there is nothing to %s.", f["draft"], StateLabel(l, st), actionVerb(l, f["action"]))
	},
	publish.ReasonNoPublisher: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Herald cannot publish to %v targets here (%v is not connected).", f["kind"], f["kind"])
	},
	publish.ReasonPauseInPast: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("That time has passed; a pause must end later than now.")
	},
	assist.ReasonNotAPicture: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v is not a picture: Herald suggests alt text for pictures only; describe a video yourself.", f["name"])
	},
	assist.ReasonPictureLarge: func(l i18n.Lang, f herald.Facts) string {
		return l.F("%v is too large for Herald to describe; describe it yourself.", f["name"])
	},
	assist.ReasonNoAltAnswer: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("The LLM answered with no description; try again, or describe the picture yourself.")
	},
	assist.ReasonNotReadable: func(l i18n.Lang, f herald.Facts) string {
		return l.F("Herald could not read %v as a picture; describe it yourself.", f["name"])
	},
	assist.ReasonNoLLM: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("Drafting help needs an LLM: set OPENAI_BASE_URL (and OPENAI_API_KEY, HERALD_LLM_MODEL) to any OpenAI-compatible endpoint — OpenAI, Azure OpenAI, Ollama, vLLM or llama.cpp; docs/drafting.md shows how.")
	},
	media.ReasonCutShort: func(l i18n.Lang, _ herald.Facts) string {
		return l.T("The file stopped coming before its end; send it again.")
	},
}

// actionVerb says, in l, what the publishing service was asked to do
// ("retry", "mark as published").
func actionVerb(l i18n.Lang, action any) string {
	switch action {
	case "retry":
		return l.T("retry")
	case "mark as published":
		return l.T("mark as published")
	}
	return fmt.Sprint(action)
}

// refusalTables are the tables that word, in languages other than
// English, the reasons whose English Message says all there is; a reason
// sits in one of them only (TestRefusalTablesDisjoint).
var refusalTables = []map[string]func(l i18n.Lang, f herald.Facts) string{
	translated, translatedMore, translatedListen, translatedAssist,
}

// translation is the wording of reason in languages other than English,
// from refusalTables.
func translation(reason string) (func(l i18n.Lang, f herald.Facts) string, bool) {
	for _, t := range refusalTables {
		if h, ok := t[reason]; ok {
			return h, true
		}
	}
	return nil, false
}
