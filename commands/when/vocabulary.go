package when

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/textdist"
	"github.com/heraldhq/herald/internal/textfold"
)

// vocabulary holds the words of one language: the grammar (numbers,
// dates, zones) is shared, the words are not. Words are folded (lower
// case, no accents).
type vocabulary struct {
	code string // "en", "fr"
	// dayFirst reads 3/12 as the 3rd of December (else as March 12).
	dayFirst bool
	// defaultClock is used when the user names a day but no time.
	defaultClock whenClock
	// dayOffsets maps relative day words to a number of days from today.
	dayOffsets map[string]int
	// weekdays maps weekday names and abbreviations to weekdays.
	weekdays map[string]time.Weekday
	// months maps month names and abbreviations to months.
	months map[string]time.Month
	// monthNames names the months in sentences.
	monthNames [12]string
	// meridiems maps am/pm suffixes to the hours they add to a 12-hour clock.
	meridiems map[string]int
	// clocks maps words that are a time of day (noon, midi) to it.
	clocks map[string]whenClock
	// dayParts maps parts of the day (evening, soir) to what they mean.
	dayParts map[string]dayPart
	// units maps duration unit words to their length.
	units map[string]time.Duration
	// ones are the words for one in durations ("an hour", "une heure");
	// ands join durations ("1 hour and 30 min").
	ones, ands []string
	// next follows or precedes a weekday: the next such day after today.
	next []string
	// leading are words a date may start with ("le 3 décembre").
	leading []string
	// beforeClock are words a time of day may follow ("at 9am", "à 10h").
	beforeClock []string
	// ordinals are suffixes a day number may carry (1st, 1er).
	ordinals []string
	// keywords maps words that stand for a whole form to their parser.
	keywords map[string]func(whenRequest, []string) (time.Time, error)
	// display gives a folded word its written form, for suggestions.
	display map[string]string
	// msgs are the sentences of errors.
	msgs [mMessages]string
}

// dayPart is a part of the day: the time it means alone, and the hours
// below pmBelow that mean the afternoon in it ("ce soir 8h" is 20:00).
type dayPart struct {
	clock   whenClock
	pmBelow int
}

// vocabularies are the languages Parse reads, English first.
var vocabularies = []*vocabulary{english, french}

// reading is every vocabulary's words together: what Parse reads.
var reading *vocabulary

// The keywords name parsers, which read the vocabularies: they are set
// here, after the words, to keep initialisation acyclic.
func init() {
	english.keywords = map[string]func(whenRequest, []string) (time.Time, error){
		"now":     whenRequest.parseNow,
		"in":      whenRequest.parseIn,
		"next":    whenRequest.parseNext,
		"this":    whenRequest.parseThis,
		"tonight": whenRequest.parseTonight,
	}
	french.keywords = map[string]func(whenRequest, []string) (time.Time, error){
		"maintenant": whenRequest.parseNow,
		"dans":       whenRequest.parseIn,
		"ce":         whenRequest.parseThis,
		"cet":        whenRequest.parseThis,
		"cette":      whenRequest.parseThis,
	}
	reading = merge(vocabularies)
}

// readerOf returns the vocabulary of a reader's language: French for "fr"
// (and fr-FR, fr_FR...), English for anything else.
func readerOf(lang string) *vocabulary {
	if l := strings.ToLower(lang); l == "fr" || strings.HasPrefix(l, "fr-") || strings.HasPrefix(l, "fr_") {
		return french
	}
	return english
}

// merge returns one vocabulary with the words of all; defaults and
// sentences are the first's. A word meaning two things in one kind would
// make the text ambiguous: merge panics then (tests catch it).
func merge(vs []*vocabulary) *vocabulary {
	m := *vs[0]
	m.dayOffsets, m.weekdays, m.months = map[string]int{}, map[string]time.Weekday{}, map[string]time.Month{}
	m.meridiems, m.clocks, m.dayParts = map[string]int{}, map[string]whenClock{}, map[string]dayPart{}
	m.units, m.display = map[string]time.Duration{}, map[string]string{}
	m.keywords = map[string]func(whenRequest, []string) (time.Time, error){}
	m.ones, m.ands, m.next, m.leading, m.beforeClock, m.ordinals = nil, nil, nil, nil, nil, nil
	for _, v := range vs {
		union(m.dayOffsets, v.dayOffsets)
		union(m.weekdays, v.weekdays)
		union(m.months, v.months)
		union(m.meridiems, v.meridiems)
		union(m.clocks, v.clocks)
		union(m.dayParts, v.dayParts)
		union(m.units, v.units)
		maps.Copy(m.display, v.display)
		for k, f := range v.keywords {
			if _, dup := m.keywords[k]; dup {
				panic("when: keyword " + k + " in two vocabularies")
			}
			m.keywords[k] = f
		}
		m.ones, m.ands = append(m.ones, v.ones...), append(m.ands, v.ands...)
		m.next, m.leading = append(m.next, v.next...), append(m.leading, v.leading...)
		m.beforeClock, m.ordinals = append(m.beforeClock, v.beforeClock...), append(m.ordinals, v.ordinals...)
	}
	return &m
}

// union adds src to dst; a word with two meanings panics.
func union[V comparable](dst, src map[string]V) {
	for k, v := range src {
		if old, ok := dst[k]; ok && old != v {
			panic("when: word " + k + " means two things")
		}
		dst[k] = v
	}
}

// fold lower-cases w and takes its accents off ("Décembre" → decembre,
// "aujourd’hui" → aujourd'hui).
func fold(w string) string { return textfold.Fold(w) }

// startWords are the words a text may start with, for suggestions.
func (v *vocabulary) startWords() []string {
	var out []string
	for _, m := range []map[string]bool{keysOf(v.keywords), keysOf(v.dayOffsets), keysOf(v.weekdays),
		keysOf(v.months), keysOf(v.clocks)} {
		out = append(out, slices.Sorted(maps.Keys(m))...)
	}
	return out
}

func keysOf[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// suggest returns the word of the reader's language, else of another,
// nearest to w, written with its accents; "" when none is close.
func (r whenRequest) suggest(w string, words func(*vocabulary) []string) string {
	var cands []string
	cands = append(cands, words(r.reader)...)
	for _, v := range vocabularies {
		if v != r.reader {
			cands = append(cands, words(v)...)
		}
	}
	near, ok := textdist.Nearest(w, cands, textdist.Budget(w))
	if !ok {
		return ""
	}
	if d, ok := reading.display[near]; ok {
		return d
	}
	return near
}

// unitWords are a vocabulary's duration units, for suggestions.
func (v *vocabulary) unitWords() []string { return slices.Sorted(maps.Keys(v.units)) }

// normalise folds words and makes the shapes people type alike: "après
// demain" → après-demain, "9 h 30" and "9 heures 30" → 9h30; it drops
// "le" at the start and "à"/"at" before a time of day.
func normalise(words []string) []string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		if f := strings.TrimSuffix(fold(w), "."); f != "" { // "déc." is déc
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil
	}
	out = joinWords(out)
	if len(out) > 1 && slices.Contains(reading.leading, out[0]) {
		out = out[1:]
	}
	kept := out[:0]
	for i, w := range out {
		if i+1 < len(out) && slices.Contains(reading.beforeClock, w) && isClockWord(out[i+1]) {
			continue
		}
		kept = append(kept, w)
	}
	return kept
}

// joinWords glues the pieces of one word typed apart: "apres demain",
// "9 h 30", "9 h".
func joinWords(words []string) []string {
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		next := ""
		if i+1 < len(words) {
			next = words[i+1]
		}
		switch {
		case w == "apres" && (next == "demain" || next == "midi"):
			w, i = w+"-"+next, i+1
		case isHourWord(w) && (next == "h" || next == "heure" || next == "heures"):
			w, i = w+"h", i+1
		}
		if strings.HasSuffix(w, "h") && isHourWord(strings.TrimSuffix(w, "h")) && i+1 < len(words) && isMinuteWord(words[i+1]) {
			w, i = w+words[i+1], i+1
		}
		out = append(out, w)
	}
	return out
}

// isHourWord reports whether w is a one- or two-digit number.
func isHourWord(w string) bool { _, ok := whenDigits(w, 1, 2); return ok }

// isMinuteWord reports whether w is a two-digit number.
func isMinuteWord(w string) bool { _, ok := whenDigits(w, 2, 2); return ok }

// isClockWord reports whether w may be a time of day.
func isClockWord(w string) bool {
	_, named := reading.clocks[w]
	return named || startsWithWhenDigit(w)
}
