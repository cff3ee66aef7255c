package when

import (
	"slices"
	"strings"
	"time"
)

// whenRequest holds what every form is resolved against.
type whenRequest struct {
	words  *vocabulary    // the words read: every language's
	reader *vocabulary    // the reader's language: d/m order, suggestions
	now    time.Time      // the reference instant
	loc    *time.Location // the zone whose wall clock the text uses
}

// parse dispatches on the first of the folded, zone-free words.
func (r whenRequest) parse(words []string) (time.Time, error) {
	first, rest := words[0], words[1:]
	if parse, ok := r.words.keywords[first]; ok {
		return parse(r, rest)
	}
	if days, ok := r.words.dayOffsets[first]; ok {
		return r.parseDay(days, rest)
	}
	if m, ok := r.words.months[first]; ok && (len(rest) > 0 && r.isDayNumber(rest[0]) || !r.isWeekday(first)) {
		return r.parseMonthFirst(m, rest)
	}
	if wd, ok := r.words.weekdays[first]; ok {
		return r.parseWeekday(wd, rest)
	}
	switch {
	case startsWithWhenDigit(first) && strings.Contains(first, "-"):
		return r.parseDate(first, rest)
	case startsWithWhenDigit(first) && strings.Contains(first, "/"):
		return r.parseNumericDate(first, rest)
	case r.isDayNumber(first) && len(rest) > 0 && r.isMonth(rest[0]):
		return r.parseDayFirst(first, rest)
	case startsWithWhenDigit(first) || r.isNamedClock(first):
		return r.parseTimeOnly(words)
	}
	return time.Time{}, failNear(mUnknownWord, r.suggest(first, (*vocabulary).startWords), first)
}

func (r whenRequest) isWeekday(w string) bool    { _, ok := r.words.weekdays[w]; return ok }
func (r whenRequest) isMonth(w string) bool      { _, ok := r.words.months[w]; return ok }
func (r whenRequest) isNamedClock(w string) bool { _, ok := r.words.clocks[w]; return ok }

// isDayNumber reports whether w is a day of the month: 1 to 31, with an
// ordinal suffix or not (1er, 3rd).
func (r whenRequest) isDayNumber(w string) bool {
	_, ok := r.dayNumber(w)
	return ok
}

// dayNumber reads a day of the month.
func (r whenRequest) dayNumber(w string) (int, bool) {
	for _, suffix := range r.words.ordinals {
		if num, ok := strings.CutSuffix(w, suffix); ok {
			w = num
			break
		}
	}
	d, ok := whenDigits(w, 1, 2)
	return d, ok && d >= 1 && d <= 31
}

// parseNow handles "now".
func (r whenRequest) parseNow(rest []string) (time.Time, error) {
	if len(rest) > 0 {
		return time.Time{}, unexpectedWhenWords(rest)
	}
	return r.now.In(r.loc), nil
}

// parseIn handles "in <duration>" ("dans 2 heures", "in an hour").
func (r whenRequest) parseIn(rest []string) (time.Time, error) {
	if len(rest) == 0 {
		return time.Time{}, fail(mNeedsDuration, r.keyword("in"))
	}
	var parts []string
	for i, w := range rest {
		switch {
		case i > 0 && slices.Contains(r.words.ands, w):
			continue
		case slices.Contains(r.words.ones, w):
			w = "1"
		}
		parts = append(parts, w)
	}
	d, err := r.parseWhenDuration(strings.Join(parts, ""))
	if err != nil {
		return time.Time{}, err
	}
	return r.now.Add(d).In(r.loc), nil
}

// keyword names a keyword in the reader's language, for messages.
func (r whenRequest) keyword(english string) string {
	if r.reader == french {
		return map[string]string{"in": "dans", "this": "ce", "next": "prochain"}[english]
	}
	return english
}

// parseDay handles "today [time]", "demain 9h", "après-demain soir".
func (r whenRequest) parseDay(days int, rest []string) (time.Time, error) {
	c, err := r.clockWords(rest)
	if err != nil {
		return time.Time{}, err
	}
	y, m, d := r.now.In(r.loc).Date()
	return whenWallTime(y, m, d+days, c, r.loc), nil
}

// parseThis handles "ce soir [time]", "cet après-midi", "this morning".
func (r whenRequest) parseThis(rest []string) (time.Time, error) {
	if len(rest) == 0 {
		return time.Time{}, fail(mNeedsDayPart, r.keyword("this"))
	}
	if _, ok := r.words.dayParts[rest[0]]; !ok {
		return time.Time{}, failNear(mNeedsDayPart, r.suggest(rest[0], partWords), r.keyword("this"))
	}
	return r.parseDay(0, rest)
}

// partWords are a vocabulary's parts of the day, for suggestions.
func partWords(v *vocabulary) []string { return sortedKeys(v.dayParts) }

// parseTonight handles "tonight [time]".
func (r whenRequest) parseTonight(rest []string) (time.Time, error) {
	return r.parseDay(0, append([]string{"night"}, rest...))
}

// parseWeekday handles "<weekday> [next] [time]": without next, the first
// such day and time strictly after now; with it, the first such day after
// today ("lundi prochain 10h").
func (r whenRequest) parseWeekday(wd time.Weekday, rest []string) (time.Time, error) {
	if len(rest) > 1 && r.isDayNumber(rest[0]) && r.isMonth(rest[1]) { // "jeudi 3 décembre": the date says it
		return r.parseDayFirst(rest[0], rest[1:])
	}
	if len(rest) > 1 && r.isMonth(rest[0]) && r.isDayNumber(rest[1]) { // "thursday dec 3"
		return r.parseMonthFirst(r.words.months[rest[0]], rest[1:])
	}
	next := len(rest) > 0 && slices.Contains(r.words.next, rest[0])
	if next {
		rest = rest[1:]
	}
	c, err := r.clockWords(rest)
	if err != nil {
		return time.Time{}, err
	}
	ahead := (int(wd) - int(r.now.In(r.loc).Weekday()) + 7) % 7
	if next {
		if ahead == 0 {
			ahead = 7
		}
		y, m, d := r.now.In(r.loc).Date()
		return whenWallTime(y, m, d+ahead, c, r.loc), nil
	}
	return r.upcoming(ahead, 7, c), nil
}

// parseNext handles "next <weekday> [time]".
func (r whenRequest) parseNext(rest []string) (time.Time, error) {
	if len(rest) == 0 || !r.isWeekday(rest[0]) {
		return time.Time{}, fail(mNeedsWeekday, r.keyword("next"))
	}
	return r.parseWeekday(r.words.weekdays[rest[0]], append([]string{"next"}, rest[1:]...))
}

// parseTimeOnly handles a time of day alone: today if still ahead, else
// tomorrow.
func (r whenRequest) parseTimeOnly(words []string) (time.Time, error) {
	c, err := r.clockWords(words)
	if err != nil {
		return time.Time{}, err
	}
	return r.upcoming(0, 1, c), nil
}

// parseDate handles "YYYY-MM-DD[Thh:mm[:ss]] [time]".
func (r whenRequest) parseDate(first string, rest []string) (time.Time, error) {
	date, clock, hasT := strings.Cut(first, "t")
	y, m, d, err := parseWhenDate(date)
	if err != nil {
		return time.Time{}, err
	}
	if hasT {
		rest = append([]string{clock}, rest...)
	}
	c, err := r.clockWords(rest)
	if err != nil {
		return time.Time{}, err
	}
	return whenWallTime(y, m, d, c, r.loc), nil
}

// upcoming returns c on the day ahead days from today, or step days later
// if that is not strictly after now.
func (r whenRequest) upcoming(ahead, step int, c whenClock) time.Time {
	y, m, d := r.now.In(r.loc).Date()
	t := whenWallTime(y, m, d+ahead, c, r.loc)
	if !t.After(r.now) {
		t = whenWallTime(y, m, d+ahead+step, c, r.loc)
	}
	return t
}

// unexpectedWhenWords reports words left over after a complete form.
func unexpectedWhenWords(words []string) error {
	return fail(mExtraWords, strings.Join(words, " "))
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
