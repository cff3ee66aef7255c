package brands

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/secure/precis"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"

	"github.com/heraldhq/herald"
)

// Reasons of the refusals of a new brand's name, besides ReasonBadName
// and ReasonNameTaken. Facts are listed beside each.
const (
	ReasonNameInvisible = "brands.name_invisible" // "char": the first control or format character, as U+XXXX
	ReasonNameChars     = "brands.name_chars"     // "char": a character PRECIS refuses in a nickname, as U+XXXX ("" when no single one)
	ReasonNameLookalike = "brands.name_lookalike" // "brand": the name asked for (the brand it resembles is not told)
)

// NormalName is a brand name as Herald stores a new one: valid UTF-8
// assumed, full-width and half-width forms folded (ＡＣＭＥ → ACME), NFC,
// every space separator a plain space, runs of spaces collapsed, and
// trimmed. Names stored before this rule are kept as they are.
func NormalName(name string) string {
	name = norm.NFC.String(width.Fold.String(name))
	return strings.Join(strings.FieldsFunc(name, func(r rune) bool {
		return r == ' ' || unicode.Is(unicode.Zs, r)
	}), " ")
}

// checkName returns name as a new brand gets it (NormalName), or an
// EINVALID error naming what is wrong: its length, quotes or leading dash
// (ReasonBadName), a control or format character (ReasonNameInvisible),
// or a character the PRECIS Nickname profile (RFC 8266) refuses
// (ReasonNameChars): unassigned, private-use or default-ignorable code
// points, among others.
func checkName(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", herald.Errorf(herald.EINVALID, "A brand name must be valid text (UTF-8).").Because(ReasonBadName, nil)
	}
	name = NormalName(name)
	if err := validName(name); err != nil {
		return "", err
	}
	for _, r := range name {
		if invisible(r) {
			u := codePoint(r)
			return "", herald.Errorf(herald.EINVALID, "A brand name cannot hold control or invisible formatting characters (it has %s); type the name again without it.", u).
				Because(ReasonNameInvisible, herald.Facts{"char": u})
		}
	}
	if _, err := precis.Nickname.String(name); err != nil {
		u := ""
		for _, r := range name {
			if _, err := precis.Nickname.String(string(r)); err != nil && r != ' ' {
				u = codePoint(r)
				break
			}
		}
		if u == "" {
			return "", herald.Errorf(herald.EINVALID, "A brand name cannot be written with these characters; pick plainer ones.").
				Because(ReasonNameChars, herald.Facts{"char": ""})
		}
		return "", herald.Errorf(herald.EINVALID, "A brand name cannot hold the character %s; pick plainer ones.", u).
			Because(ReasonNameChars, herald.Facts{"char": u})
	}
	return name, nil
}

// invisible reports control (Cc) and format (Cf) characters: zero-width
// spaces and joiners (U+200B–U+200D), marks (U+200E, U+200F), bidi
// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
// the byte order mark (U+FEFF), soft hyphens and the like.
func invisible(r rune) bool { return unicode.In(r, unicode.Cc, unicode.Cf) }

func codePoint(r rune) string { return fmt.Sprintf("U+%04X", r) }

// sameName reports whether a and b are one brand name to the store (it
// refuses the second as taken): the same once trimmed and in lower case.
// Unicode case folding (strings.EqualFold) says more names are the same
// (long s and s, final sigma and sigma): those are look-alikes instead.
func sameName(a, b string) bool {
	return strings.ToLower(strings.TrimSpace(a)) == strings.ToLower(strings.TrimSpace(b))
}

// lookalike returns an EINVALID error when name looks like one of
// existing without being the same name (sameName: the store refuses that
// one as taken, ReasonNameTaken).
func lookalike(name string, existing []string) error {
	sk := Skeleton(name)
	for _, x := range existing {
		if sameName(x, name) {
			continue
		}
		if Skeleton(x) == sk {
			return herald.Errorf(herald.EINVALID, "The name %q looks like the name of an existing brand (letters from another alphabet, look-alike digits, other widths or forms); pick a clearly different name.", name).
				Because(ReasonNameLookalike, herald.Facts{"brand": name})
		}
	}
	return nil
}

// Skeleton is what brand names are compared by: two names with the same
// skeleton look alike on a card. It is the PRECIS Nickname profile's
// comparison key (RFC 8266: spaces mapped and collapsed, NFKC, so
// full-width, styled mathematical letters, ligatures and superscripts
// fold to plain ones; lower case), then look-alikes mapped (see
// lookalikes), then Unicode case folding. Control and format characters
// are dropped, so a name stored before they were refused compares as
// the name without them.
func Skeleton(name string) string {
	name = strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	// Capitals are mapped before folding (Cyrillic А, Greek Ν, Latin I
	// against l), small letters after it.
	name = mapLookalikes(NormalName(norm.NFKC.String(name)), true)
	key, err := precis.Nickname.CompareKey(name)
	if err != nil { // characters PRECIS refuses (a name stored before): compare it as it is
		key = name
	}
	key = mapLookalikes(cases.Fold().String(key), false)
	for _, p := range lookalikePairs {
		key = strings.ReplaceAll(key, p[0], p[1])
	}
	return key
}

// mapLookalikes maps each rune of s found in lookalikes (before case
// folding when upper, after it otherwise).
func mapLookalikes(s string, upper bool) string {
	m := lookalikesLower
	if upper {
		m = lookalikesUpper
	}
	return strings.Map(func(r rune) rune {
		if to, ok := m[r]; ok {
			return to
		}
		if !upper && unicode.Is(unicode.Pd, r) {
			return '-'
		}
		return r
	}, s)
}

// lookalikesUpper are characters that look like a Latin letter or digit
// in names as typed: the capitals of Cyrillic and Greek that share a
// Latin capital's shape, and the digits and strokes read as letters. A
// small hand-made subset of Unicode's confusables (UTS #39), not the
// whole table.
var lookalikesUpper = map[rune]rune{
	// Cyrillic capitals
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T',
	'У': 'Y', 'Х': 'X', 'Ѕ': 'S', 'І': 'l', 'Ј': 'J', 'Ԛ': 'Q', 'Ԝ': 'W', 'Ӏ': 'l',
	// Greek capitals
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'l', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O',
	'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
	// digits and strokes read as letters: 0 as O; 1, I and | as l
	'0': 'O', '1': 'l', 'I': 'l', '|': 'l', 'ǀ': 'l',
}

// lookalikesLower are the small letters of other scripts that look like
// a Latin small letter, after case folding.
var lookalikesLower = map[rune]rune{
	// Cyrillic
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'ѕ': 's', 'і': 'i', 'ј': 'j',
	'һ': 'h', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ӏ': 'l', 'ё': 'ë', 'ї': 'ï',
	// Greek
	'α': 'a', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'υ': 'u', 'χ': 'x', 'γ': 'y', 'ϲ': 'c',
	// Latin variants
	'ı': 'i', 'ɩ': 'i', 'ɑ': 'a', 'ɡ': 'g',
}

// lookalikePairs are letter pairs read as one letter at small sizes.
var lookalikePairs = [][2]string{{"rn", "m"}, {"vv", "w"}}
