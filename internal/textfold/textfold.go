// Package textfold folds text so that people's spellings compare alike:
// lower case, accents and other diacritics removed (Crédit → credit, ÉTÉ →
// ete), ligatures and sharp s expanded (œ → oe, æ → ae, ß → ss, ﬁ → fi),
// fullwidth Latin letters and digits made ASCII. Watch terms (mentions)
// and banned or required words (assist's lint) fold through it alike.
//
// The tables cover Latin-1, Latin Extended-A and -B and Latin Extended
// Additional (Vietnamese): they were generated once from
// golang.org/x/text/unicode/norm (NFKD, combining marks dropped, lower
// cased) plus hand-written entries for letters NFKD leaves alone (ø, ł, đ,
// þ, ð, ħ, ŧ, ı, ŋ...). Letters outside them are lower cased with
// unicode.ToLower; combining marks are dropped wherever they are, so text
// already in NFD folds the same as NFC text. A table lookup per rune is
// what makes folding run at memory speed; see docs/PERFORMANCE.md.
//
// It imports only the standard library, so every package may use it.
package textfold

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ASCII maps an ASCII byte to its folded letter or digit, or to a
// space for a separator.
const ASCII = "" +
	"                " +
	"                " +
	"                " +
	"0123456789      " +
	" abcdefghijklmnopqrstuvwxyz     " +
	" abcdefghijklmnopqrstuvwxyz     "

// foldLatin holds two bytes per rune from U+00C0 to U+024F: the folded
// letters, padded with a space; "**" means "not in the table".
const foldLatin = "" +
	"a a a a a a aec e e e e i i i i d n o o o o o * o u u u u y thss" +
	"a a a a a a aec e e e e i i i i d n o o o o o * o u u u u y thy " +
	"a a a a a a c c c c c c c c d d d d e e e e e e e e e e g g g g " +
	"g g g g h h h h i i i i i i i i i i ijijj j k k k l l l l l l l " +
	"l l l n n n n n n n n n o o o o o o oeoer r r r r r s s s s s s " +
	"s s t t t t t t u u u u u u u u u u u u w w y y y z z z z z z s " +
	"b b * * * * * c c * d * * * * * * f f * * * * i k k l * * * * * " +
	"o o * * p p * * * * * * t t t u u * v y y z z * * * * * * * * * " +
	"* * * * dzdzdzljljljnjnjnja a i i o o u u u u u u u u u u * a a " +
	"a a aeaeg g g g k k o o o o * * j dzdzdzg g * * n n a a aeaeo o " +
	"a a a a e e e e i i i i o o o o r r r r u u u u s s t t * * h h " +
	"* d * * z z a a e e o o o o o o o o y y l n t j * * a c c l t s " +
	"z * * b u * e e j j * * r r y y "

// foldLatinAdditional is the same for U+1E00 to U+1EFF.
const foldLatinAdditional = "" +
	"a a b b b b b b c c d d d d d d d d d d e e e e e e e e e e f f " +
	"g g h h h h h h h h h h i i i i k k k k k k l l l l l l l l m m " +
	"m m m m n n n n n n n n o o o o o o o o p p p p r r r r r r r r " +
	"s s s s s s s s s s t t t t t t t t u u u u u u u u u u v v v v " +
	"w w w w w w w w w w x x x x y y z z z z z z h t w y a s * * ss* " +
	"a a a a a a a a a a a a a a a a a a a a a a a a e e e e e e e e " +
	"e e e e e e e e i i i i o o o o o o o o o o o o o o o o o o o o " +
	"o o o o u u u u u u u u u u u u u u y y y y y y y y * * * * * * "

// Fold returns s lower cased, without accents, ligatures written out,
// every run of white space as one space, trimmed; other characters are
// kept (curly apostrophes and the modifier letter ʼ become straight ones;
// soft hyphens vanish): "GRATUÏT  Œuvre #Ad" folds to "gratuit oeuvre #ad". Matching whole words in it is ContainsWord.
// (mentions/query.Fold goes further for queries: punctuation separates words.)
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r < utf8.RuneSelf {
			c := byte(r)
			if v := ASCII[c]; v != ' ' {
				c = v
			} else if isSpaceByte(c) {
				space = b.Len() > 0
				continue
			}
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteByte(c)
			continue
		}
		m, lr := Rune(r)
		if lr == Mark {
			continue
		}
		if lr == Sep && unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		switch {
		case m != "":
			b.WriteString(m)
		case lr > 0:
			b.WriteRune(lr)
		case r == '’' || r == '‘' || r == 'ʼ':
			b.WriteByte('\'')
		default: // Sep, Alone: kept as they are
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

// ContainsWord reports whether the folded text holds the folded phrase on
// word boundaries: "free" is in "it's free!" but not in "freedom"; a
// phrase that starts or ends with a symbol ("#ad") needs a boundary only
// on its word side. A Han, Hiragana or Katakana character is a word of its
// own, as in mentions' queries.
func ContainsWord(text, phrase string) bool {
	if phrase == "" {
		return false
	}
	first, _ := utf8.DecodeRuneInString(phrase)
	last, _ := utf8.DecodeLastRuneInString(phrase)
	for from := 0; from <= len(text); {
		i := strings.Index(text[from:], phrase)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(phrase)
		prev, _ := utf8.DecodeLastRuneInString(text[:i])
		next, _ := utf8.DecodeRuneInString(text[end:])
		if (i == 0 || boundary(prev, first)) && (end == len(text) || boundary(last, next)) {
			return true
		}
		_, w := utf8.DecodeRuneInString(text[i:])
		from = i + w
	}
	return false
}

// boundary reports whether a word ends or starts between a and b.
func boundary(a, b rune) bool {
	return !IsWord(a) || !IsWord(b) || isAlone(a) || isAlone(b)
}

// IsWord reports whether r is part of a word (for ContainsWord).
func IsWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

func isAlone(r rune) bool {
	return r >= 0x3040 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// softHyphen is U+00AD, which news sites put inside long words.
const softHyphen = 0x00AD

// What Rune says of a rune that is not a letter to append.
const (
	Sep   rune = -1 // separates words
	Mark  rune = -2 // a combining mark: dropped, inside a word or not
	Alone rune = -3 // a word of its own (Han, Hiragana, Katakana)
)

// Rune folds one non-ASCII rune (ASCII folds through the ASCII table):
// either the ASCII letters m, or the lower-cased letter or digit lr, or (m
// empty) lr is Sep, Mark or Alone.
func Rune(r rune) (m string, lr rune) {
	switch {
	case r >= 0xC0 && r <= 0x24F:
		m = foldLatin[2*(r-0xC0) : 2*(r-0xC0)+2]
	case r >= 0x1E00 && r <= 0x1EFF:
		m = foldLatinAdditional[2*(r-0x1E00) : 2*(r-0x1E00)+2]
	case r >= 0x300 && r <= 0x36F, r == softHyphen:
		// A soft hyphen (&shy;) only says where a word may break: it
		// vanishes like a combining mark and never splits the word.
		return "", Mark
	case r == 0x02BC:
		// The modifier letter apostrophe ʼ is a letter to Unicode but an
		// apostrophe to readers (lʼacme): it separates like ' and ’.
		return "", Sep
	case r >= 0xFF10 && r <= 0xFF19 || r >= 0xFF21 && r <= 0xFF3A || r >= 0xFF41 && r <= 0xFF5A:
		// Fullwidth digits and Latin letters: their ASCII twins.
		k := r - 0xFF00 + 0x20
		return ASCII[k : k+1], 0
	case r >= 0xFB00 && r <= 0xFB06:
		return ligature(r), 0
	}
	if m != "" && m[0] != '*' {
		if m[1] == ' ' {
			m = m[:1]
		}
		return m, 0
	}
	switch {
	case unicode.IsLetter(r):
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			return "", Alone
		}
		lr := unicode.ToLower(r)
		if lr != r && lr >= 0xC0 {
			// The Angstrom sign Å lowers to å, which the tables fold.
			if m, l2 := Rune(lr); m != "" {
				return m, l2
			}
		}
		return "", lr
	case unicode.IsDigit(r):
		return "", r
	case unicode.Is(unicode.Mn, r):
		return "", Mark
	}
	return "", Sep
}

// ligature expands the Latin ligatures U+FB00 to U+FB06.
func ligature(r rune) string {
	switch r {
	case 0xFB00:
		return "ff"
	case 0xFB01:
		return "fi"
	case 0xFB02:
		return "fl"
	case 0xFB03:
		return "ffi"
	case 0xFB04:
		return "ffl"
	}
	return "st" // ﬅ ﬆ
}
