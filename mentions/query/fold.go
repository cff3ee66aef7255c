package query

import (
	"unicode/utf8"

	"github.com/heraldhq/herald/internal/textfold"
)

// Folding turns text into the form queries are matched against: lower
// case, accents and other diacritics removed (Crédit → credit, ÉTÉ → ete),
// ligatures and sharp s expanded (œ → oe, æ → ae, ß → ss, ﬁ → fi),
// fullwidth Latin letters and digits made ASCII. Words are runs of letters
// and digits; everything else separates words: spaces and punctuation,
// apostrophes straight or curly or the modifier letter ʼ (l'acme, d’acme and
// lʼacme are "l acme", "d acme", "l acme"), hyphens (acme-corp is "acme
// corp"; a soft hyphen, U+00AD, is not a separator: it vanishes, so
// Ac\u00ADme is "acme"), '#' and '@' (#acme and @acme are
// "acme"), and the dots and slashes of URLs (https://www.acme.fr/x is
// "https www acme fr x", so a URL's host words are words). Han, Hiragana and
// Katakana characters are each a word of their own, since those scripts do
// not separate words with spaces.
//
// Letters fold through internal/textfold, as banned and required words do
// in assist's lint; see there for the tables.

// Fold returns s folded for matching: its words lower cased, without
// accents, separated by one space, with nothing else (see the rules above).
// Fold("L’Été de Crédit-Acme #promo") is "l ete de credit acme promo".
func Fold(s string) string {
	var f folded
	f.add(s)
	if f.words() == 0 {
		return ""
	}
	return string(f.buf[1 : len(f.buf)-1])
}

// folded is text after folding, laid out for matching by substring: each
// word is preceded and followed by a space (" credit acme "), so a word or
// phrase pattern " w1 w2 " occurs exactly where those words occur in a
// row. Segments (an item's title, then its text) are separated by "\n ",
// so that no phrase runs from one into the other.
//
// fb and ob record where words start and end, in buf and in the original
// text of their segment: word k is buf[fb[2k]:fb[2k+1]], folded from
// orig[ob[2k]:ob[2k+1]] (combining marks that follow it included).
type folded struct {
	buf []byte
	fb  []int32
	ob  []int32
}

// ftok is one word, as tok returns it.
type ftok struct {
	fs, fe int32 // buf[fs:fe]
	os, oe int32 // orig[os:oe]
}

// words returns how many words f holds.
func (f *folded) words() int { return len(f.fb) / 2 }

// tok returns word k.
func (f *folded) tok(k int) ftok {
	return ftok{f.fb[2*k], f.fb[2*k+1], f.ob[2*k], f.ob[2*k+1]}
}

func (f *folded) reset() {
	f.buf = f.buf[:0]
	f.fb = f.fb[:0]
	f.ob = f.ob[:0]
}

// grow makes room for n more bytes and b more word bounds, keeping what is
// there.
func (f *folded) grow(n, b int) {
	if cap(f.buf)-len(f.buf) < n {
		nb := make([]byte, len(f.buf), max(len(f.buf)+n, 2*cap(f.buf)))
		copy(nb, f.buf)
		f.buf = nb
	}
	if cap(f.fb)-len(f.fb) < b {
		c := max(len(f.fb)+b, 2*cap(f.fb))
		fb, ob := make([]int32, len(f.fb), c), make([]int32, len(f.ob), c)
		copy(fb, f.fb)
		copy(ob, f.ob)
		f.fb, f.ob = fb, ob
	}
}

// open starts a segment for s: it makes room for all of it at once, writes
// the separator, and returns buf at its full capacity with the write
// position. A byte of s folds into at most two bytes (a one-byte letter and
// the space after it; no other folding grows, see the check in add). Each
// byte adds at most one word bound (words are separated by a byte at least;
// a CJK character, three bytes, adds at most three), then there are the
// last bound and the one written ahead. Checking for room per byte instead
// would cost a quarter of the speed.
func (f *folded) open(s string) (buf []byte, n int) {
	f.grow(2+2*len(s), len(s)+4)
	n = len(f.buf)
	buf = f.buf[:cap(f.buf)]
	if n == 0 {
		buf[n] = ' '
		return buf, n + 1
	}
	buf[n], buf[n+1] = '\n', ' '
	return buf, n + 2
}

// add appends the words of s as a new segment.
//
// ASCII, most of most texts, takes a branch-free path: each byte is
// written (its folded letter, or a space), the write position advances
// unless the byte is a second separator in a row, and a word bound is
// recorded at every position but kept only where a word starts or ends.
// Word boundaries are where a branch would be mispredicted, every few
// bytes.
func (f *folded) add(s string) {
	buf, n := f.open(s)
	nb := len(f.fb)
	fb, ob := f.fb[:cap(f.fb)], f.ob[:cap(f.ob)]
	in := 0 // 1 inside a word
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			v := textfold.ASCII[c]
			w := 0
			if v != ' ' {
				w = 1
			}
			fb[nb], ob[nb] = int32(n), int32(i)
			nb += w ^ in
			buf[n] = v
			n += w | in
			in = w
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
		m, lr := textfold.Rune(r)
		switch {
		case lr == textfold.Mark:
			// Part of the word it follows (which then ends after it), or
			// nothing.
			continue
		case lr == textfold.Alone || m == "" && lr == textfold.Sep:
			if in == 1 {
				fb[nb], ob[nb] = int32(n), int32(start)
				nb++
				buf[n] = ' '
				n++
				in = 0
			}
			if lr == textfold.Alone {
				fb[nb], ob[nb] = int32(n), int32(start)
				n += utf8.EncodeRune(buf[n:], r)
				fb[nb+1], ob[nb+1] = int32(n), int32(i)
				nb += 2
				buf[n] = ' '
				n++
			}
			continue
		}
		if in == 0 {
			fb[nb], ob[nb] = int32(n), int32(start)
			nb++
			in = 1
		}
		if m != "" {
			n += copy(buf[n:], m)
		} else {
			n += utf8.EncodeRune(buf[n:], lr)
		}
	}
	if in == 1 {
		fb[nb], ob[nb] = int32(n), int32(len(s))
		nb++
		buf[n] = ' '
		n++
	}
	f.buf, f.fb, f.ob = buf[:n], fb[:nb], ob[:nb]
}
