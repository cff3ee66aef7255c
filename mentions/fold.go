package mentions

import (
	"unicode"
	"unicode/utf8"
)

// Folding turns text into the form queries are matched against: lower
// case, accents and other diacritics removed (Crédit → credit, ÉTÉ → ete),
// ligatures and sharp s expanded (œ → oe, æ → ae, ß → ss, ﬁ → fi),
// fullwidth Latin letters and digits made ASCII. Words are runs of letters
// and digits; everything else separates words: spaces and punctuation,
// apostrophes straight or curly (l'acme and d’acme are "l acme", "d acme"),
// hyphens (acme-corp is "acme corp"), '#' and '@' (#acme and @acme are
// "acme"), and the dots and slashes of URLs (https://www.acme.fr/x is
// "https www acme fr x", so a URL's host words are words). Han, Hiragana and
// Katakana characters are each a word of their own, since those scripts do
// not separate words with spaces.
//
// The table below covers Latin-1, Latin Extended-A and -B and Latin
// Extended Additional (Vietnamese): it was generated once from
// golang.org/x/text/unicode/norm (NFKD, combining marks dropped, lower
// cased) plus hand-written entries for letters NFKD leaves alone (ø, ł, đ,
// þ, ð, ħ, ŧ, ı, ŋ...). Letters outside it are lower cased with
// unicode.ToLower; combining marks are dropped wherever they are, so text
// already in NFD folds the same as NFC text. A table lookup per rune is
// what makes folding run at memory speed; see docs/PERFORMANCE.md.

// asciiFold maps an ASCII byte to its folded letter or digit, or 0 for a
// separator.
const asciiFold = "" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"0123456789\x00\x00\x00\x00\x00\x00" +
	"\x00abcdefghijklmnopqrstuvwxyz\x00\x00\x00\x00\x00" +
	"\x00abcdefghijklmnopqrstuvwxyz\x00\x00\x00\x00\x00"

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

// Fold returns s folded for matching: its words lower cased, without
// accents, separated by one space, with nothing else (see the rules above).
// Fold("L’Été de Crédit-Acme #promo") is "l ete de credit acme promo".
func Fold(s string) string {
	var f folded
	f.add(s)
	if len(f.toks) == 0 {
		return ""
	}
	return string(f.buf[1 : len(f.buf)-1])
}

// folded is text after folding, laid out for matching by substring: each
// word is preceded and followed by a space (" credit acme "), so a word or
// phrase pattern " w1 w2 " occurs exactly where those words occur in a
// row. Segments (an item's title, then its text) are separated by "\n ",
// so that no phrase runs from one into the other. toks records where each
// word is, in buf and in the original text of its segment.
type folded struct {
	buf  []byte
	toks []ftok
}

// ftok is one word: buf[fs:fe] is its folded form; orig[os:oe] the text
// it came from (combining marks that follow it included).
type ftok struct {
	fs, fe int32
	os, oe int32
}

func (f *folded) reset() {
	f.buf = f.buf[:0]
	f.toks = f.toks[:0]
}

// add appends the words of s as a new segment.
func (f *folded) add(s string) {
	// Grow once: a byte of s folds into at most two bytes of buf (a
	// one-byte letter and the space after it; ß, æ, œ and the ligatures
	// fold into no more bytes than they take, plus that space), and there
	// is at most one word per byte.
	n := len(f.buf)
	need := n + 2 + 2*len(s)
	if cap(f.buf) < need {
		nb := make([]byte, n, max(need, 2*cap(f.buf)))
		copy(nb, f.buf)
		f.buf = nb
	}
	if cap(f.toks)-len(f.toks) < len(s)/2+1 {
		nt := make([]ftok, len(f.toks), max(len(f.toks)+len(s)/2+1, 2*cap(f.toks)))
		copy(nt, f.toks)
		f.toks = nt
	}
	buf := f.buf[:need]
	if n == 0 {
		buf[n] = ' '
		n++
	} else {
		buf[n], buf[n+1] = '\n', ' '
		n += 2
	}
	toks := f.toks
	in := false    // inside a word
	var ws, os int // where the current word starts in buf and in s
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if m := asciiFold[c]; m != 0 {
				if !in {
					in, ws, os = true, n, i
				}
				buf[n] = m
				n++
				i++
				// The rest of an ASCII word, in a tight loop.
				for i < len(s) {
					c = s[i]
					if c >= utf8.RuneSelf {
						break
					}
					if m = asciiFold[c]; m == 0 {
						break
					}
					buf[n] = m
					n++
					i++
				}
				continue
			} else if in {
				toks = append(toks, ftok{int32(ws), int32(n), int32(os), int32(i)})
				buf[n] = ' '
				n++
				in = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		start := i
		i += size
		if room := utf8.UTFMax + 2 + 2*(len(s)-i); len(buf)-n < room {
			// Cannot happen with today's tables (no folding grows a rune
			// by more than the bound above), but stay safe if one does.
			buf = append(buf[:n], make([]byte, room)...)
			buf = buf[:cap(buf)]
		}
		m, lr := foldRune(r)
		switch {
		case lr == mark:
			// Part of the word it follows (which then ends after it), or
			// nothing.
			continue
		case lr == alone:
			if in {
				toks = append(toks, ftok{int32(ws), int32(n), int32(os), int32(start)})
				buf[n] = ' '
				n++
				in = false
			}
			ws = n
			n += utf8.EncodeRune(buf[n:], r)
			toks = append(toks, ftok{int32(ws), int32(n), int32(start), int32(i)})
			buf[n] = ' '
			n++
			continue
		case m == "" && lr == sep:
			if in {
				toks = append(toks, ftok{int32(ws), int32(n), int32(os), int32(start)})
				buf[n] = ' '
				n++
				in = false
			}
			continue
		}
		if !in {
			in, ws, os = true, n, start
		}
		if m != "" {
			n += copy(buf[n:], m)
		} else {
			n += utf8.EncodeRune(buf[n:], lr)
		}
	}
	if in {
		toks = append(toks, ftok{int32(ws), int32(n), int32(os), int32(len(s))})
		buf[n] = ' '
		n++
	}
	f.buf, f.toks = buf[:n], toks
}

// What foldRune says of a rune that is not a letter to append.
const (
	sep   rune = -1 // separates words
	mark  rune = -2 // a combining mark: dropped, inside a word or not
	alone rune = -3 // a word of its own (Han, Hiragana, Katakana)
)

// foldRune folds one non-ASCII rune: either the ASCII letters m, or the
// lower-cased letter or digit lr, or (m empty) lr is sep, mark or alone.
func foldRune(r rune) (m string, lr rune) {
	switch {
	case r >= 0xC0 && r <= 0x24F:
		m = foldLatin[2*(r-0xC0) : 2*(r-0xC0)+2]
	case r >= 0x1E00 && r <= 0x1EFF:
		m = foldLatinAdditional[2*(r-0x1E00) : 2*(r-0x1E00)+2]
	case r >= 0x300 && r <= 0x36F:
		return "", mark
	case r >= 0xFF10 && r <= 0xFF19 || r >= 0xFF21 && r <= 0xFF3A || r >= 0xFF41 && r <= 0xFF5A:
		// Fullwidth digits and Latin letters: their ASCII twins.
		k := r - 0xFF00 + 0x20
		return asciiFold[k : k+1], 0
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
			return "", alone
		}
		lr := unicode.ToLower(r)
		if lr != r && lr >= 0xC0 {
			// The Angstrom sign Å lowers to å, which the tables fold.
			if m, l2 := foldRune(lr); m != "" {
				return m, l2
			}
		}
		return "", lr
	case unicode.IsDigit(r):
		return "", r
	case unicode.Is(unicode.Mn, r):
		return "", mark
	}
	return "", sep
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
