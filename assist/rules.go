package assist

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
)

// Limits on what guidelines may hold.
const (
	MaxRulesInput = 8 << 10 // bytes of one `guidelines set`
	MaxTone       = 500     // characters of the tone
	MaxListItems  = 100     // banned words, required elements
	MaxItemLength = 100     // characters of one banned word or required element
	MaxPostLength = 100000  // the largest max.KIND
)

// Rule is one `NAME=VALUE` of the rule syntax, checked. An empty value
// clears the rule.
//
// The syntax, rules separated by spaces, a value quoted ("…", “…”, «…»)
// when it holds spaces, a backslash escaping the next character inside
// quotes:
//
//	tone="friendly, no jargon"      tone and voice, free text
//	ban="cheap,free money"          banned words and phrases, comma-separated
//	require=#ad  require.mastodon=#acme   elements every post (to a kind) carries
//	max=1000  max.bluesky=280       maximum length in characters, per target kind
//	emoji=none|few|any              emoji policy
//	lang=fr                         the language posts are written in
//	alt=required                    every picture and video has alt text
//
// `ban=` (nothing after =) clears a rule.
type Rule struct {
	Name  string // tone, ban, require, max, emoji, lang
	Kind  string // the target kind of require.KIND and max.KIND
	Value string // as given, unquoted
	Col   int    // 1-based column of the rule in the input, in characters

	list []string // ban, require
	n    int      // max
}

// Clear reports whether the rule removes its setting.
func (r Rule) Clear() bool { return r.Value == "" }

// Key is the rule's name as typed: name or name.kind.
func (r Rule) Key() string { return ruleName(r.Name, r.Kind) }

// String returns the rule in the syntax ParseRules reads.
func (r Rule) String() string { return r.Key() + "=" + quoteValueOrEmpty(r.Value) }

func quoteValueOrEmpty(v string) string {
	if v == "" {
		return ""
	}
	return quoteValue(v)
}

const rulesHelp = "rules look like tone=\"friendly, no jargon\" ban=\"cheap,free money\" require=#ad max.bluesky=280 emoji=few lang=fr"

// ruleCheckers reads and checks the value of each rule name.
var ruleCheckers = map[string]func(r *Rule) error{
	"tone":    checkTone,
	"ban":     checkList,
	"require": checkList,
	"max":     checkMax,
	"emoji":   checkEmoji,
	"lang":    checkLang,
	"alt":     checkAlt,
}

// kinded are the rules that take a .KIND.
var kinded = map[string]bool{"require": true, "max": true}

// ParseRules reads rules in the syntax of Rule. Every error is EINVALID
// and names the rule and its column.
func ParseRules(s string) ([]Rule, error) {
	if len(s) > MaxRulesInput {
		return nil, herald.Errorf(herald.EINVALID, "Guidelines are at most %d bytes at a time; set them in parts.", MaxRulesInput).
			Because(ReasonRulesLong, herald.Facts{"max": MaxRulesInput})
	}
	if !utf8.ValidString(s) {
		return nil, herald.Errorf(herald.EINVALID, "The rules are not valid UTF-8.").Because(ReasonRulesUTF8, nil)
	}
	var out []Rule
	seen := map[string]int{}
	i := 0
	for {
		i = skipSpace(s, i)
		if i >= len(s) {
			break
		}
		r, next, err := readRule(s, i)
		if err != nil {
			return nil, err
		}
		if col, dup := seen[r.Key()]; dup {
			return nil, herald.Errorf(herald.EINVALID, "%s is given twice (columns %d and %d); keep one.", r.Key(), col, r.Col).
				Because(ReasonRuleTwice, herald.Facts{"rule": r.Key(), "col": col, "col2": r.Col})
		}
		seen[r.Key()] = r.Col
		out = append(out, r)
		i = next
	}
	if len(out) == 0 {
		return nil, herald.Errorf(herald.EINVALID, "No rule given; %s.", rulesHelp).Because(ReasonNoRule, nil)
	}
	return out, nil
}

func skipSpace(s string, i int) int {
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += w
	}
	return i
}

func column(s string, i int) int { return utf8.RuneCountInString(s[:i]) + 1 }

// maxQuoted is how many characters of the input an error quotes back.
const maxQuoted = 40

// readRule reads NAME=VALUE at i and returns it with the offset after it.
func readRule(s string, i int) (Rule, int, error) {
	start := i
	col := column(s, start)
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == '=' || unicode.IsSpace(r) {
			break
		}
		i += w
	}
	key := strings.ToLower(s[start:i])
	if i >= len(s) || s[i] != '=' {
		return Rule{}, 0, herald.Errorf(herald.EINVALID, "%q at column %d is not a rule: write NAME=VALUE; %s.", cut(key, maxQuoted), col, rulesHelp).
			Because(ReasonNotARule, herald.Facts{"rule": cut(key, maxQuoted), "col": col, "equals": false})
	}
	name, kind, hasKind := strings.Cut(key, ".")
	check, known := ruleCheckers[name]
	if !known {
		return Rule{}, 0, herald.Errorf(herald.EINVALID, "%q at column %d is not a rule; the rules are tone, ban, require, require.KIND, max, max.KIND, emoji, lang and alt.", cut(key, maxQuoted), col).
			Because(ReasonNotARule, herald.Facts{"rule": cut(key, maxQuoted), "col": col, "equals": true})
	}
	if hasKind {
		if !kinded[name] {
			return Rule{}, 0, herald.Errorf(herald.EINVALID, "%s at column %d takes no target kind; write %s=VALUE.", cut(key, maxQuoted), col, name).
				Because(ReasonNoKindTaken, herald.Facts{"rule": cut(key, maxQuoted), "col": col, "name": name})
		}
		if !knownKind(kind) {
			return Rule{}, 0, herald.Errorf(herald.EINVALID, "%q at column %d names no target kind; use one of slack, discord, discord-webhook, mastodon, bluesky or webhook.", cut(kind, maxQuoted), col).
				Because(ReasonBadRuleKind, herald.Facts{"kind": cut(kind, maxQuoted), "col": col})
		}
	}
	i++ // '='
	value, next, err := readValue(s, i)
	if err != nil {
		return Rule{}, 0, err
	}
	r := Rule{Name: name, Kind: kind, Value: strings.TrimSpace(value), Col: col}
	if r.Value != "" {
		if err := check(&r); err != nil {
			return Rule{}, 0, herald.Errorf(herald.EINVALID, "%s at column %d: %s", r.Key(), col, herald.ErrorMessage(err)).
				Because(ReasonBadValue, herald.Facts{"rule": r.Key(), "col": col, "error": err})
		}
	}
	return r, next, nil
}

// knownKind reports whether kind is a target kind, as herald.ParseTarget
// knows them.
func knownKind(kind string) bool {
	if kind == "" || strings.ContainsAny(kind, ":#") {
		return false
	}
	t, err := herald.ParseTarget(kind + ":#x")
	return err == nil && t.Kind == kind
}

// closers maps each opening quote to the characters that close it.
var closers = map[rune]string{'"': `"”`, '“': `”"`, '«': `»`, '„': `“”"`}

// readValue reads a value at i: quoted, or up to the next space.
func readValue(s string, i int) (string, int, error) {
	if i >= len(s) {
		return "", i, nil
	}
	open, w := utf8.DecodeRuneInString(s[i:])
	cl, quoted := closers[open]
	if !quoted {
		start := i
		for i < len(s) {
			r, w := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				break
			}
			i += w
		}
		return s[start:i], i, nil
	}
	startCol := column(s, i)
	var b strings.Builder
	i += w
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\\' && i+w < len(s):
			r2, w2 := utf8.DecodeRuneInString(s[i+w:])
			b.WriteRune(r2)
			i += w + w2
			continue
		case strings.ContainsRune(cl, r):
			return b.String(), i + w, nil
		}
		b.WriteRune(r)
		i += w
	}
	return "", 0, herald.Errorf(herald.EINVALID, "The quote opened at column %d is never closed; add the closing quote.", startCol).
		Because(ReasonOpenQuote, herald.Facts{"col": startCol})
}

func checkTone(r *Rule) error {
	if n := utf8.RuneCountInString(r.Value); n > MaxTone {
		return herald.Errorf(herald.EINVALID, "the tone has %d characters; keep it under %d.", n, MaxTone).
			Because(ReasonToneLong, herald.Facts{"length": n, "max": MaxTone})
	}
	return nil
}

// checkList reads a comma-separated list, dropping empty items and
// duplicates (case and accents ignored).
func checkList(r *Rule) error {
	seen := map[string]bool{}
	for _, item := range strings.Split(r.Value, ",") {
		item = strings.Join(strings.Fields(item), " ")
		if item == "" || seen[fold(item)] {
			continue
		}
		if n := utf8.RuneCountInString(item); n > MaxItemLength {
			return herald.Errorf(herald.EINVALID, "%q is %d characters long; an item has at most %d.", cut(item, maxQuoted), n, MaxItemLength).
				Because(ReasonItemLong, herald.Facts{"item": cut(item, maxQuoted), "length": n, "max": MaxItemLength})
		}
		if fold(item) == "" || !hasWordOrSymbol(item) {
			return herald.Errorf(herald.EINVALID, "%q has nothing to look for.", cut(item, maxQuoted)).
				Because(ReasonItemEmpty, herald.Facts{"item": cut(item, maxQuoted)})
		}
		seen[fold(item)] = true
		r.list = append(r.list, item)
	}
	if len(r.list) > MaxListItems {
		return herald.Errorf(herald.EINVALID, "%d items is too many; at most %d.", len(r.list), MaxListItems).
			Because(ReasonTooManyItems, herald.Facts{"count": len(r.list), "max": MaxListItems})
	}
	if len(r.list) == 0 {
		return herald.Errorf(herald.EINVALID, "give items separated by commas, e.g. ban=\"cheap,free money\"; or nothing after = to clear it.").
			Because(ReasonNoItems, nil)
	}
	return nil
}

func hasWordOrSymbol(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.IsControl(r) {
			return true
		}
	}
	return false
}

func checkMax(r *Rule) error {
	n, err := strconv.Atoi(r.Value)
	if err != nil || n < 1 || n > MaxPostLength {
		return herald.Errorf(herald.EINVALID, "%q is not a length; give a number of characters from 1 to %d, e.g. max.bluesky=280.", cut(r.Value, maxQuoted), MaxPostLength).
			Because(ReasonBadLength, herald.Facts{"value": cut(r.Value, maxQuoted), "max": MaxPostLength})
	}
	r.n = n
	return nil
}

func checkEmoji(r *Rule) error {
	v := EmojiPolicy(strings.ToLower(r.Value))
	if _, ok := emojiWords[v]; !ok {
		return herald.Errorf(herald.EINVALID, "%q is not an emoji policy; use none, few or any.", cut(r.Value, maxQuoted)).
			Because(ReasonBadEmoji, herald.Facts{"value": cut(r.Value, maxQuoted)})
	}
	r.Value = string(v)
	return nil
}

// checkAlt accepts the one alt text policy, required.
func checkAlt(r *Rule) error {
	if v := strings.ToLower(r.Value); v != AltRequired {
		return herald.Errorf(herald.EINVALID, "%q is not an alt text policy; write alt=required, or alt= to clear it.", cut(r.Value, maxQuoted)).
			Because(ReasonBadAlt, herald.Facts{"value": cut(r.Value, maxQuoted)})
	}
	r.Value = AltRequired
	return nil
}

// checkLang accepts a language tag: two or three letters, and an optional
// region or script (fr, en-GB, pt-BR, zh-Hant).
func checkLang(r *Rule) error {
	bad := herald.Errorf(herald.EINVALID, "%q is not a language tag; use one such as fr, en or pt-BR.", cut(r.Value, maxQuoted)).
		Because(ReasonBadLangTag, herald.Facts{"value": cut(r.Value, maxQuoted)})
	lang, region, hasRegion := strings.Cut(r.Value, "-")
	if !asciiLetters(lang, 2, 3) || (hasRegion && !asciiLetters(region, 2, 4)) {
		return bad
	}
	r.Value = strings.ToLower(lang)
	if hasRegion {
		r.Value += "-" + region
	}
	return nil
}

func asciiLetters(s string, lo, hi int) bool {
	if len(s) < lo || len(s) > hi {
		return false
	}
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// Apply returns g with rules applied in order: each rule replaces its
// setting, an empty value clears it. g is not changed.
func (g Guidelines) Apply(rules []Rule) Guidelines {
	out := g.clone()
	for _, r := range rules {
		switch r.Name {
		case "tone":
			out.Tone = r.Value
		case "ban":
			out.Banned = slices.Clone(r.list)
		case "require":
			out.Required = slices.DeleteFunc(out.Required, func(q Requirement) bool { return q.Kind == r.Kind })
			for _, item := range r.list {
				out.Required = append(out.Required, Requirement{Text: item, Kind: r.Kind})
			}
		case "max":
			if r.Clear() {
				delete(out.MaxLength, r.Kind)
				continue
			}
			if out.MaxLength == nil {
				out.MaxLength = map[string]int{}
			}
			out.MaxLength[r.Kind] = r.n
		case "emoji":
			out.Emoji = EmojiPolicy(r.Value)
		case "lang":
			out.Lang = r.Value
		case "alt":
			out.Alt = r.Value
		}
	}
	if len(out.MaxLength) == 0 {
		out.MaxLength = nil
	}
	if len(out.Required) == 0 {
		out.Required = nil
	}
	if len(out.Banned) == 0 {
		out.Banned = nil
	}
	return out
}

func (g Guidelines) clone() Guidelines {
	g.Banned = slices.Clone(g.Banned)
	g.Required = slices.Clone(g.Required)
	g.MaxLength = maps.Clone(g.MaxLength)
	return g
}

// ClearRules returns the rules that clear each named setting: `ban`,
// `max.bluesky`, or `all` for every setting g has.
func ClearRules(g Guidelines, names string) ([]Rule, error) {
	fields := strings.Fields(names)
	if len(fields) == 1 && strings.EqualFold(fields[0], "all") {
		fields = nil
		for _, line := range g.Rules() {
			k, _, _ := strings.Cut(line, "=")
			fields = append(fields, k)
		}
		if len(fields) == 0 {
			return nil, herald.Errorf(herald.EINVALID, "There are no guidelines to clear.").Because(ReasonNothingToClear, nil)
		}
	}
	var b strings.Builder
	for _, f := range fields {
		if strings.Contains(f, "=") {
			return nil, herald.Errorf(herald.EINVALID, "Name the rules to clear without values.").Because(ReasonClearValues, nil)
		}
		fmt.Fprintf(&b, "%s= ", f)
	}
	return ParseRules(b.String())
}
