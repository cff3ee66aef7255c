package x

import (
	"math"
	"unicode/utf16"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// Counting a post as X does: twitter-text's weighted length. Text is
// normalised (NFC); each code point weighs its range's weight (100, one
// character, for Latin, most scripts below U+10FF and some punctuation;
// 200, two characters, for the rest: CJK, emoji…); a URL weighs 23
// characters whatever its length; with emoji parsing (configuration v3,
// X's current one) an emoji sequence (a family, a flag, a skin tone, a
// keycap) weighs 2. A post may weigh 280.

// Range is a range of code points of one weight.
type Range struct{ Start, End, Weight int }

// Config is a twitter-text configuration.
type Config struct {
	MaxWeightedLength int
	Scale             int
	DefaultWeight     int
	URLLength         int // transformedURLLength
	EmojiParsing      bool
	Ranges            []Range
}

var ranges = []Range{{0, 4351, 100}, {8192, 8205, 100}, {8208, 8223, 100}, {8242, 8247, 100}}

// ConfigV3 is twitter-text's configuration v3, X's counting today.
var ConfigV3 = Config{MaxWeightedLength: 280, Scale: 100, DefaultWeight: 200, URLLength: 23, EmojiParsing: true, Ranges: ranges}

// ConfigV2 is configuration v2: v3 without emoji parsing.
var ConfigV2 = Config{MaxWeightedLength: 280, Scale: 100, DefaultWeight: 200, URLLength: 23, Ranges: ranges}

// Result is what twitter-text's parseTweet says of a text. Ranges are
// UTF-16 indices, inclusive.
type Result struct {
	WeightedLength    int
	Valid             bool
	Permillage        int
	ValidRangeStart   int
	ValidRangeEnd     int
	DisplayRangeStart int
	DisplayRangeEnd   int
}

// Count is the weighted length of text under ConfigV3.
func Count(text string) int { return ConfigV3.Parse(text).WeightedLength }

// Parse counts text as twitter-text's parseTweet does.
func (c Config) Parse(text string) Result {
	normal := norm.NFC.String(text)
	rs := []rune(normal)
	urls := extractURLs(rs)
	var emoji map[int]int
	if c.EmojiParsing {
		emoji = extractEmoji(rs)
	}
	weighted, valid, validEnd, u16 := 0, true, 0, 0
	for i := 0; i < len(rs); {
		end := i + 1
		if e, ok := urls[i]; ok {
			weighted, end = weighted+c.URLLength*c.Scale, e
		} else if e, ok := emoji[i]; ok {
			weighted, end = weighted+c.DefaultWeight, e
		} else {
			weighted += c.weight(rs[i])
		}
		last := u16 + units(rs[i:end]) - 1
		if valid {
			valid = !invalidChar(rs[end-1])
		}
		if valid && weighted <= c.MaxWeightedLength*c.Scale {
			validEnd = last
		}
		u16, i = last+1, end
	}
	n := weighted / c.Scale
	textUnits := units([]rune(text))
	r := Result{
		WeightedLength: n,
		Valid:          valid && n > 0 && n <= c.MaxWeightedLength,
		Permillage:     int(math.Floor(float64(n) / float64(c.MaxWeightedLength) * 1000)),
		ValidRangeEnd:  validEnd + textUnits - u16,
	}
	if textUnits > 0 {
		r.DisplayRangeEnd = textUnits - 1
	}
	return r
}

// weight is a code point's weight.
func (c Config) weight(r rune) int {
	for _, rg := range c.Ranges {
		if int(r) >= rg.Start && int(r) <= rg.End {
			return rg.Weight
		}
	}
	return c.DefaultWeight
}

// units is the length of rs in UTF-16 code units.
func units(rs []rune) int {
	n := 0
	for _, r := range rs {
		n += utf16.RuneLen(r)
	}
	return n
}

// invalidChar reports the characters twitter-text refuses in a post.
func invalidChar(r rune) bool { return r == 0xFFFE || r == 0xFEFF || r == 0xFFFF }

// extractEmoji returns the emoji sequences of rs (grapheme clusters that
// are emoji: twemoji's parser, which twitter-text uses, matches whole
// sequences), by start index → end index in runes.
func extractEmoji(rs []rune) map[int]int {
	out := map[int]int{}
	g := uniseg.NewGraphemes(string(rs))
	i := 0
	for g.Next() {
		cl := g.Runes()
		if isEmoji(cl) {
			out[i] = i + len(cl)
		}
		i += len(cl)
	}
	return out
}

// isEmoji reports whether a grapheme cluster is an emoji: a keycap
// (0-9, # or * then U+20E3), a flag (regional indicators), or a cluster
// led by a pictograph; a pictograph that weighs one character (©, ®)
// only with its emoji presentation (U+FE0F) or a sequence.
func isEmoji(cl []rune) bool {
	r := cl[0]
	switch {
	case len(cl) >= 2 && (cl[1] == 0x20E3 || len(cl) >= 3 && cl[1] == 0xFE0F && cl[2] == 0x20E3):
		return r == '#' || r == '*' || r >= '0' && r <= '9'
	case r >= 0x1F000 && r <= 0x1FAFF:
		return true
	case r == 0xA9 || r == 0xAE:
		return len(cl) > 1
	}
	return pictograph(r)
}

// pictograph reports the BMP code points with an emoji form
// (Extended_Pictographic, approximated by its blocks).
func pictograph(r rune) bool {
	switch {
	case r >= 0x2600 && r <= 0x27BF, r >= 0x2300 && r <= 0x23FF, r >= 0x2B00 && r <= 0x2BFF,
		r >= 0x2190 && r <= 0x21FF, r >= 0x25A0 && r <= 0x25FF, r >= 0x2900 && r <= 0x297F:
		return true
	}
	switch r {
	case 0x203C, 0x2049, 0x2122, 0x2139, 0x24C2, 0x3030, 0x303D, 0x3297, 0x3299:
		return true
	}
	return false
}
