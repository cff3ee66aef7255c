package assist

import (
	"fmt"
	"strings"

	"github.com/heraldhq/herald"
)

// stopwords are frequent, distinctive words of the languages the lint can
// tell apart cheaply (folded: lower case, no accents).
var stopwords = map[string]map[string]bool{
	"en": set("the and is are with for this that you our your we have will from not it's what new"),
	"fr": set("le la les et est avec pour une des du nous vous notre votre sont pas dans sur ce cette qui plus"),
	"es": set("el los las y es con para una del nosotros vuestro nuestro nuestra esta este son que mas por muy"),
	"de": set("der die das und ist mit fur eine ein wir ihr unser unsere nicht sind auf dem den zu auch"),
	"it": set("il gli e con per una della nostro nostra siamo sono che del questo questa non anche alla"),
	"pt": set("o os as e com para uma do da nosso nossa somos sao que nao mais em este esta voce"),
	"nl": set("de het en is met voor een wij jullie onze ons niet zijn op van dit deze ook"),
}

var languageNames = map[string]string{
	"en": "English", "fr": "French", "es": "Spanish", "de": "German", "it": "Italian", "pt": "Portuguese", "nl": "Dutch",
}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// Detection thresholds: enough words to judge, and a clear winner.
const (
	minLangWords = 6
	minLangHits  = 3
)

// guessLanguage returns the language the folded text most likely is in,
// with its score and the score of want, or "" when it cannot tell.
func guessLanguage(folded, want string) (best string, bestHits, wantHits int) {
	words := strings.FieldsFunc(folded, func(r rune) bool { return !isWord(r) && r != '\'' })
	if len(words) < minLangWords {
		return "", 0, 0
	}
	hits := map[string]int{}
	for _, w := range words {
		for lang, sw := range stopwords {
			if sw[w] {
				hits[lang]++
			}
		}
	}
	for lang, n := range hits {
		if n > bestHits || (n == bestHits && lang < best) {
			best, bestHits = lang, n
		}
	}
	return best, bestHits, hits[want]
}

func lintLanguage(g Guidelines, _ []herald.Target, _, folded string) []Finding {
	want, _, _ := strings.Cut(strings.ToLower(g.Lang), "-")
	if _, known := stopwords[want]; !known {
		return nil
	}
	best, bestHits, wantHits := guessLanguage(folded, want)
	if best == "" || best == want || bestHits < minLangHits || wantHits*2 >= bestHits {
		return nil
	}
	return []Finding{{Rule: "lang", Message: fmt.Sprintf("This reads as %s; the brand writes in %s (lang=%s).", languageNames[best], languageNames[want], g.Lang)}}
}
