package assist

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/rivo/uniseg"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/textfold"
)

// Finding is one remark of the lint on a text. Blocking findings prevent a
// draft from going to review; the others are advice shown on its card.
type Finding struct {
	Message  string // one sentence for people
	Blocking bool
	Rule     string       // the rule it comes from, as typed: ban, max.bluesky, tone
	Reason   string       // one of the Reason constants below, for the edges to word it
	Facts    herald.Facts // the values Message speaks of
}

// Reasons of the lint's findings, with their facts.
const (
	ReasonBanned    = "assist.banned"     // "words" ([]string): the banned words found
	ReasonTooLong   = "assist.too_long"   // "target", "length", "limit", "rule", "cut"
	ReasonMissing   = "assist.missing"    // "text": what is required; "kind": the target kind ("" for every post)
	ReasonEmojiNone = "assist.emoji_none" // "count": emoji in the text
	ReasonEmojiFew  = "assist.emoji_few"  // "count", "max"
	ReasonShouting  = "assist.shouting"   // "count": words in capitals
	ReasonBangs     = "assist.bangs"      // "count": exclamation marks
)

// Lint checks text, bound for targets, against the brand's guidelines. It
// is deterministic and does no I/O.
//
// Blocking: a banned word or phrase (case and accents ignored, on word
// boundaries), a length over a target kind's limit (in graphemes, as
// people count characters), a required element missing. Advisory: the
// emoji policy, shouting (words in capitals, many exclamation marks), a
// text that reads as another language than the brand's.
func Lint(g Guidelines, targets []herald.Target, text string) []Finding {
	var out []Finding
	folded := fold(text)
	for _, check := range lintChecks {
		out = append(out, check(g, targets, text, folded)...)
	}
	return out
}

type lintCheck func(g Guidelines, targets []herald.Target, text, folded string) []Finding

var lintChecks = []lintCheck{lintBanned, lintLength, lintRequired, lintEmoji, lintShouting, lintLanguage}

func lintBanned(g Guidelines, _ []herald.Target, _, folded string) []Finding {
	var found, words []string
	for _, w := range g.Banned {
		if textfold.ContainsWord(folded, fold(w)) {
			found = append(found, "“"+w+"”")
			words = append(words, w)
		}
	}
	if len(found) == 0 {
		return nil
	}
	return []Finding{{Rule: "ban", Blocking: true, Reason: ReasonBanned, Facts: herald.Facts{"words": words},
		Message: fmt.Sprintf("The brand's guidelines ban %s; rephrase without it.", joinAnd(found))}}
}

func lintLength(g Guidelines, targets []herald.Target, text, _ string) []Finding {
	var out []Finding
	n := -1
	seen := map[string]bool{}
	for _, t := range targets {
		limit, ok := g.Limit(t.Kind)
		if !ok || seen[t.Kind] {
			continue
		}
		seen[t.Kind] = true
		if n < 0 {
			n = uniseg.GraphemeClusterCount(text)
		}
		if n > limit {
			rule := "max"
			if _, own := g.MaxLength[t.Kind]; own {
				rule = "max." + t.Kind
			}
			out = append(out, Finding{Rule: rule, Blocking: true, Reason: ReasonTooLong,
				Facts:   herald.Facts{"target": t.String(), "length": n, "limit": limit, "rule": rule, "cut": n - limit},
				Message: fmt.Sprintf("Too long for %s: %d characters, the brand's limit is %d (%s); cut %d.", t, n, limit, rule, n-limit)})
		}
	}
	return out
}

func lintRequired(g Guidelines, targets []herald.Target, _, folded string) []Finding {
	var out []Finding
	for _, r := range g.RequiredFor(targets) {
		if textfold.ContainsWord(folded, fold(r.Text)) {
			continue
		}
		f := Finding{Rule: ruleName("require", r.Kind), Blocking: true, Reason: ReasonMissing,
			Facts:   herald.Facts{"text": r.Text, "kind": r.Kind},
			Message: fmt.Sprintf("The brand requires %s in every post; add it.", r.Text)}
		if r.Kind != "" {
			f.Message = fmt.Sprintf("The brand requires %s in posts to %s; add it.", r.Text, r.Kind)
		}
		out = append(out, f)
	}
	return out
}

func lintEmoji(g Guidelines, _ []herald.Target, text, _ string) []Finding {
	if g.Emoji == "" || g.Emoji == EmojiAny {
		return nil
	}
	n := countEmoji(text)
	switch {
	case g.Emoji == EmojiNone && n > 0:
		return []Finding{{Rule: "emoji", Reason: ReasonEmojiNone, Facts: herald.Facts{"count": n},
			Message: fmt.Sprintf("The brand uses no emoji; this text has %d.", n)}}
	case g.Emoji == EmojiFew && n > FewEmoji:
		return []Finding{{Rule: "emoji", Reason: ReasonEmojiFew, Facts: herald.Facts{"count": n, "max": FewEmoji},
			Message: fmt.Sprintf("The brand uses a few emoji (at most %d); this text has %d.", FewEmoji, n)}}
	}
	return nil
}

// countEmoji counts the grapheme clusters that are emoji pictographs
// (👍🏽 and 🇫🇷 count once).
func countEmoji(text string) int {
	if !strings.ContainsFunc(text, isEmoji) {
		return 0
	}
	n, state := 0, -1
	for text != "" {
		var cluster string
		cluster, text, _, state = uniseg.FirstGraphemeClusterInString(text, state)
		if strings.ContainsFunc(cluster, isEmoji) {
			n++
		}
	}
	return n
}

// isEmoji reports whether r lies in the emoji pictograph blocks (flags,
// symbols and pictographs, dingbats, miscellaneous symbols).
func isEmoji(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF, // mahjong to symbols and pictographs extended-A, flags
		r >= 0x2600 && r <= 0x27BF, // miscellaneous symbols, dingbats
		r >= 0x2B05 && r <= 0x2B55, // arrows, stars, circles used as emoji
		r == 0x231A || r == 0x231B || r == 0x23F0 || r == 0x23F3:
		return true
	}
	return false
}

// Shouting thresholds.
const (
	maxCapsWords = 2 // words of 4+ letters all in capitals
	maxBangs     = 2 // exclamation marks
)

func lintShouting(_ Guidelines, _ []herald.Target, text, _ string) []Finding {
	var out []Finding
	caps := 0
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len([]rune(w)) >= 4 && strings.ToUpper(w) == w && strings.ToLower(w) != w {
			caps++
		}
	}
	if caps > maxCapsWords {
		out = append(out, Finding{Rule: "tone", Reason: ReasonShouting, Facts: herald.Facts{"count": caps},
			Message: fmt.Sprintf("%d words in capitals read as shouting; keep capitals for names.", caps)})
	}
	if n := strings.Count(text, "!") + strings.Count(text, "！"); n > maxBangs {
		out = append(out, Finding{Rule: "tone", Reason: ReasonBangs, Facts: herald.Facts{"count": n},
			Message: fmt.Sprintf("%d exclamation marks are a lot; one is usually enough.", n)})
	}
	return out
}

func joinAnd(xs []string) string {
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
