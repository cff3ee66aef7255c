package assistcmd

import (
	"maps"
	"slices"
	"strings"

	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/commands/i18n"
)

// describe shows guidelines to people in l: one line per rule, in words.
func describe(l i18n.Lang, g assist.Guidelines) string {
	if g.IsZero() {
		return l.T("No guidelines yet.")
	}
	var lines []string
	if g.Tone != "" {
		lines = append(lines, l.F("Tone and voice: %s", g.Tone))
	}
	if len(g.Banned) > 0 {
		lines = append(lines, l.F("Banned words and phrases: %s", strings.Join(g.Banned, ", ")))
	}
	for _, r := range g.Required {
		if r.Kind == "" {
			lines = append(lines, l.F("Every post carries: %s", r.Text))
		} else {
			lines = append(lines, l.F("Posts to %s carry: %s", r.Kind, r.Text))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(g.MaxLength)) {
		if k == "" {
			lines = append(lines, l.F("At most %d characters (any target)", g.MaxLength[k]))
		} else {
			lines = append(lines, l.F("At most %d characters on %s", g.MaxLength[k], k))
		}
	}
	if g.Emoji != "" {
		lines = append(lines, l.F("Emoji: %s", emojiWords(l, g.Emoji)))
	}
	if g.Lang != "" {
		lines = append(lines, l.F("Language: %s", g.Lang))
	}
	if g.Alt == assist.AltRequired {
		lines = append(lines, l.T("Every picture and video has alt text"))
	}
	return strings.Join(lines, "\n")
}

// emojiWords says an emoji policy in l.
func emojiWords(l i18n.Lang, p assist.EmojiPolicy) string {
	switch p {
	case assist.EmojiNone:
		return l.T("none")
	case assist.EmojiFew:
		return l.F("a few (at most %d)", assist.FewEmoji)
	case assist.EmojiAny:
		return l.T("any")
	}
	return string(p)
}
