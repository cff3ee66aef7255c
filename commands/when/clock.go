package when

import (
	"slices"
	"strings"
	"time"
)

// clockWords parses the words giving a time of day: none (the default,
// 09:00), one ("14:30", "9am", "17h", "midi"), a number and "am"/"pm"
// ("9 am"), or a part of the day with or without a time ("soir",
// "soir 8h" is 20:00, "evening 7pm").
func (r whenRequest) clockWords(words []string) (whenClock, error) {
	if len(words) > 0 && slices.Contains(r.words.beforeClock, words[0]) && len(words) > 1 {
		words = words[1:] // "demain à 9h": "à" was kept only when first
	}
	if len(words) > 0 {
		if part, ok := r.words.dayParts[words[0]]; ok {
			return r.partClock(part, words[1:])
		}
	}
	switch {
	case len(words) == 0:
		return r.words.defaultClock, nil
	case len(words) == 2 && isWhenMeridiem(r.words, words[1]):
		return r.parseWhenClock(words[0] + words[1])
	}
	c, err := r.parseWhenClock(words[0])
	if err != nil {
		return whenClock{}, err
	}
	if len(words) > 1 {
		return whenClock{}, unexpectedWhenWords(words[1:])
	}
	return c, nil
}

// partClock reads the time after a part of the day: its own time when
// none, and an hour below part.pmBelow moved to the afternoon.
func (r whenRequest) partClock(part dayPart, rest []string) (whenClock, error) {
	if len(rest) == 0 {
		return part.clock, nil
	}
	if len(rest) == 1 && isHourWord(rest[0]) { // "this evening 7"
		rest = []string{rest[0] + "h"}
	}
	c, err := r.clockWords(rest)
	if err != nil {
		return whenClock{}, err
	}
	if c.hour >= 1 && c.hour < part.pmBelow && !hasMeridiem(r.words, rest) {
		c.hour += 12
	}
	return c, nil
}

// hasMeridiem reports whether the time was written with am or pm.
func hasMeridiem(v *vocabulary, words []string) bool {
	for _, w := range words {
		for suffix := range v.meridiems {
			if strings.HasSuffix(w, suffix) {
				return true
			}
		}
	}
	return false
}

// isWhenMeridiem reports whether w is "am" or "pm".
func isWhenMeridiem(v *vocabulary, w string) bool {
	_, ok := v.meridiems[w]
	return ok
}

// parseWhenClock parses one folded time-of-day word: "14:30",
// "14:30:15", "9am", "9:30pm", "17h", "17h30", "noon", "midi".
func (r whenRequest) parseWhenClock(s string) (whenClock, error) {
	if c, ok := r.words.clocks[s]; ok {
		return c, nil
	}
	for suffix, add := range r.words.meridiems {
		if num, ok := strings.CutSuffix(s, suffix); ok {
			return parseWhenMeridiem(s, num, add)
		}
	}
	if h, m, ok := strings.Cut(s, "h"); ok {
		parts := []string{h}
		if m != "" {
			parts = append(parts, m)
		}
		return checkedWhenClock(s, parts)
	}
	if _, ok := whenDigits(s, 1, 2); ok {
		return whenClock{}, fail(mNeedsMinutes, s, s, s)
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 {
		return whenClock{}, failNear(mNotClock, r.suggest(s, clockNames), s)
	}
	return checkedWhenClock(s, parts)
}

// clockNames are a vocabulary's named times of day, for suggestions.
func clockNames(v *vocabulary) []string {
	return append(sortedKeys(v.clocks), sortedKeys(v.dayParts)...)
}

// parseWhenMeridiem parses the number before "am"/"pm" ("9", "9:30") and
// converts it to a 24-hour clock.
func parseWhenMeridiem(s, num string, add int) (whenClock, error) {
	c, err := splitWhenClock(s, strings.Split(num, ":"))
	if err != nil {
		return whenClock{}, err
	}
	if c.hour < 1 || c.hour > 12 {
		return whenClock{}, fail(mMeridiemRange, c.hour)
	}
	c.hour = c.hour%12 + add
	return c, c.check()
}

// checkedWhenClock parses hour[, minute[, second]] parts and checks ranges.
func checkedWhenClock(s string, parts []string) (whenClock, error) {
	c, err := splitWhenClock(s, parts)
	if err != nil {
		return whenClock{}, err
	}
	return c, c.check()
}

// splitWhenClock reads a 1-2 digit hour and optional 2-digit minute and
// second from parts, without range checks; s is the word, for messages.
func splitWhenClock(s string, parts []string) (whenClock, error) {
	bad := fail(mNotClock, s)
	if len(parts) < 1 || len(parts) > 3 {
		return whenClock{}, bad
	}
	var fields [3]int
	for i, p := range parts {
		minDigits := 2
		if i == 0 {
			minDigits = 1
		}
		n, ok := whenDigits(p, minDigits, 2)
		if !ok {
			return whenClock{}, bad
		}
		fields[i] = n
	}
	return whenClock{hour: fields[0], min: fields[1], sec: fields[2]}, nil
}

// check reports a time-of-day component that is out of range.
func (c whenClock) check() error {
	switch {
	case c.hour > 23:
		return fail(mHourRange, c.hour)
	case c.min > 59:
		return fail(mMinuteRange, c.min)
	case c.sec > 59:
		return fail(mSecondRange, c.sec)
	}
	return nil
}

// parseWhenDuration parses a folded duration with spaces removed, such
// as "2h", "1h30m", "90min", "3days" or "2heures". It must be positive and
// at most maxWhenDuration.
func (r whenRequest) parseWhenDuration(s string) (time.Duration, error) {
	switch {
	case strings.HasPrefix(s, "-"):
		return 0, fail(mDurPositive)
	case strings.ContainsAny(s, ".,"):
		return 0, fail(mDurWhole)
	}
	var total, prev time.Duration
	for rest := s; rest != ""; {
		numEnd := indexWhenNonDigit(rest)
		if numEnd == 0 {
			return 0, fail(mNotDuration, s)
		}
		unitEnd := numEnd + indexWhenDigit(rest[numEnd:])
		num, unit := rest[:numEnd], rest[numEnd:unitEnd]
		rest = rest[unitEnd:]
		if unit == "" && prev == time.Hour && rest == "" {
			unit = "min" // "1h30"
		}
		prev = r.words.units[unit]
		d, err := r.whenDurationPart(num, unit)
		if err != nil {
			return 0, err
		}
		if total += d; total > maxWhenDuration {
			return 0, fail(mDurTooLong)
		}
	}
	if total <= 0 {
		return 0, fail(mDurZero)
	}
	return total, nil
}

// whenDurationPart converts one number and unit, such as "90" and "min".
func (r whenRequest) whenDurationPart(num, unit string) (time.Duration, error) {
	if unit == "" {
		return 0, fail(mMissingUnit, num)
	}
	size, ok := r.words.units[unit]
	if !ok {
		return 0, failNear(mUnknownUnit, r.suggest(unit, (*vocabulary).unitWords), unit)
	}
	num = strings.TrimLeft(num, "0")
	if num == "" {
		return 0, nil
	}
	n, ok := whenDigits(num, 1, 9)
	if !ok || time.Duration(n) > maxWhenDuration/size {
		return 0, fail(mDurTooLong)
	}
	return time.Duration(n) * size, nil
}

// whenDigits parses s as a decimal number of minDigits to maxDigits ASCII
// digits (no sign), reporting whether it could.
func whenDigits(s string, minDigits, maxDigits int) (int, bool) {
	if len(s) < minDigits || len(s) > maxDigits || indexWhenNonDigit(s) != len(s) {
		return 0, false
	}
	n := 0
	for _, b := range []byte(s) {
		n = n*10 + int(b-'0')
	}
	return n, true
}

// indexWhenNonDigit returns the index of the first byte of s that is not an
// ASCII digit, or len(s).
func indexWhenNonDigit(s string) int {
	for i := range len(s) {
		if !isWhenDigit(s[i]) {
			return i
		}
	}
	return len(s)
}

// indexWhenDigit returns the index of the first ASCII digit in s, or len(s).
func indexWhenDigit(s string) int {
	for i := range len(s) {
		if isWhenDigit(s[i]) {
			return i
		}
	}
	return len(s)
}

func isWhenDigit(b byte) bool { return '0' <= b && b <= '9' }

// startsWithWhenDigit reports whether s begins with an ASCII digit.
func startsWithWhenDigit(s string) bool { return s != "" && isWhenDigit(s[0]) }
