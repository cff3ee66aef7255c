package assist

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// ligatures are letters that do not decompose but that people write out.
var ligatures = map[rune]string{
	'œ': "oe", 'æ': "ae", 'ß': "ss", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i",
	'’': "'", 'ʼ': "'", '‘': "'",
}

// fold returns s in lower case, without accents, ligatures written out,
// every run of white space as one space, trimmed: "GRATUÏT  Œuvre" and
// "gratuit oeuvre" fold alike.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	if !isASCII(s) {
		s = norm.NFD.String(s)
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		r = unicode.ToLower(r)
		if l, ok := ligatures[r]; ok {
			b.WriteString(l)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isWord reports whether r is part of a word.
func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// containsWord reports whether the folded text holds the folded phrase on
// word boundaries: "free" is in "it's free!" but not in "freedom"; a
// phrase that starts or ends with a symbol ("#ad") needs a boundary only
// on its word side.
func containsWord(text, phrase string) bool {
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
		before := i == 0 || !isWord(first) || !isWord(prev)
		after := end == len(text) || !isWord(last) || !isWord(next)
		if before && after {
			return true
		}
		_, w := utf8.DecodeRuneInString(text[i:])
		from = i + w
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
