// Package assist is Herald's drafting help: a brand's guidelines (the
// "charte") with their deterministic lint, and an LLM reached through any
// OpenAI-compatible endpoint (OpenAI, Azure OpenAI, Ollama, vLLM,
// llama.cpp) that proposes drafts, suggests replies to mentions and
// triages them. The LLM has no tools: what it writes only ever becomes a
// draft that people review.
package assist

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/heraldhq/herald"
)

// EmojiPolicy says how many emoji a brand's posts may carry.
type EmojiPolicy string

// The emoji policies; "" means the brand has none.
const (
	EmojiNone EmojiPolicy = "none" // no emoji at all
	EmojiFew  EmojiPolicy = "few"  // up to FewEmoji
	EmojiAny  EmojiPolicy = "any"  // no limit
)

// FewEmoji is the most emoji a post may carry under EmojiFew.
const FewEmoji = 3

// Requirement is an element every post must carry (a hashtag, a
// disclosure such as #ad): on every target when Kind is "", else only on
// posts to targets of that kind.
type Requirement struct {
	Text string `json:"text"`
	Kind string `json:"kind,omitempty"`
}

// Guidelines are a brand's rules for what it publishes. The zero value has
// no rules.
type Guidelines struct {
	Tone     string        `json:"tone,omitempty"`     // tone and voice, free text for the LLM
	Banned   []string      `json:"banned,omitempty"`   // words and phrases never to use
	Required []Requirement `json:"required,omitempty"` // elements every post carries
	// MaxLength bounds a post, in graphemes, per target kind; the key ""
	// applies to kinds without a limit of their own.
	MaxLength map[string]int `json:"max_length,omitempty"`
	Emoji     EmojiPolicy    `json:"emoji,omitempty"`
	Lang      string         `json:"lang,omitempty"` // language tag, e.g. fr or en-GB
	// Alt is the alt text policy: AltRequired makes a picture or video
	// without alt text a blocking finding; "" has no rule.
	Alt string `json:"alt,omitempty"`
	// Version is the stored revision the guidelines were read at, 0
	// before the first save; Store.SaveGuidelines compares and sets it.
	Version int64 `json:"-"`
}

// IsZero reports whether g has no rule at all (whatever its Version).
func (g Guidelines) IsZero() bool {
	return g.Tone == "" && len(g.Banned) == 0 && len(g.Required) == 0 && len(g.MaxLength) == 0 &&
		g.Emoji == "" && g.Lang == "" && g.Alt == ""
}

// Limit returns the brand's maximum length for posts to targets of kind.
func (g Guidelines) Limit(kind string) (int, bool) {
	if n, ok := g.MaxLength[kind]; ok {
		return n, true
	}
	n, ok := g.MaxLength[""]
	return n, ok
}

// RequiredFor lists the elements a post to targets must carry, without
// duplicates: the general ones, then those of the targets' kinds.
func (g Guidelines) RequiredFor(targets []herald.Target) []Requirement {
	kinds := map[string]bool{}
	for _, t := range targets {
		kinds[t.Kind] = true
	}
	var out []Requirement
	seen := map[string]bool{}
	for _, r := range g.Required {
		if (r.Kind == "" || kinds[r.Kind]) && !seen[fold(r.Text)] {
			seen[fold(r.Text)] = true
			out = append(out, r)
		}
	}
	return out
}

// Rules returns g in the rule syntax of ParseRules, one rule a line, in a
// fixed order: applying them to empty guidelines gives g back.
func (g Guidelines) Rules() []string {
	var out []string
	if g.Tone != "" {
		out = append(out, "tone="+quoteValue(g.Tone))
	}
	if len(g.Banned) > 0 {
		out = append(out, "ban="+quoteValue(strings.Join(g.Banned, ",")))
	}
	byKind := map[string][]string{}
	for _, r := range g.Required {
		byKind[r.Kind] = append(byKind[r.Kind], r.Text)
	}
	for _, k := range slices.Sorted(maps.Keys(byKind)) {
		out = append(out, ruleName("require", k)+"="+quoteValue(strings.Join(byKind[k], ",")))
	}
	for _, k := range slices.Sorted(maps.Keys(g.MaxLength)) {
		out = append(out, ruleName("max", k)+"="+strconv.Itoa(g.MaxLength[k]))
	}
	if g.Emoji != "" {
		out = append(out, "emoji="+string(g.Emoji))
	}
	if g.Lang != "" {
		out = append(out, "lang="+g.Lang)
	}
	if g.Alt != "" {
		out = append(out, "alt="+g.Alt)
	}
	return out
}

func ruleName(name, kind string) string {
	if kind == "" {
		return name
	}
	return name + "." + kind
}

var emojiWords = map[EmojiPolicy]string{
	EmojiNone: "none",
	EmojiFew:  fmt.Sprintf("a few (at most %d)", FewEmoji),
	EmojiAny:  "any",
}

// quoteValue quotes a rule value when it holds spaces, quotes or nothing.
func quoteValue(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\n\r\"\\“”«»„'") {
		return v
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `”`, `\”`)
	return `"` + r.Replace(v) + `"`
}
