package when

import (
	"strings"
	"time"
)

// parseNumericDate handles "3/12 [time]" and "3/12/2026 [time]": day
// first for a French reader, month first for an English one. Without a
// year, the next such day.
func (r whenRequest) parseNumericDate(first string, rest []string) (time.Time, error) {
	parts := strings.Split(first, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return time.Time{}, fail(mNotDate, first)
	}
	a, okA := whenDigits(parts[0], 1, 2)
	b, okB := whenDigits(parts[1], 1, 2)
	if !okA || !okB {
		return time.Time{}, fail(mNotDate, first)
	}
	day, month := a, b
	if !r.reader.dayFirst {
		day, month = b, a
	}
	year := 0
	if len(parts) == 3 {
		y, ok := parseYear(parts[2])
		if !ok {
			return time.Time{}, fail(mNotDate, first)
		}
		year = y
	}
	if month < 1 || month > 12 {
		return time.Time{}, fail(mMonthRange, month)
	}
	return r.onDate(year, time.Month(month), day, rest)
}

// parseYear reads a year of four digits, or two (20xx).
func parseYear(s string) (int, bool) {
	if y, ok := whenDigits(s, 4, 4); ok {
		return y, true
	}
	if y, ok := whenDigits(s, 2, 2); ok {
		return 2000 + y, true
	}
	return 0, false
}

// parseDayFirst handles "3 décembre [2026] [time]", "1er mai", "3 dec".
func (r whenRequest) parseDayFirst(first string, rest []string) (time.Time, error) {
	day, _ := r.dayNumber(first)
	return r.onNamedMonth(r.words.months[rest[0]], day, rest[1:])
}

// parseMonthFirst handles "dec 3 [2026] [time]", "december 3rd".
func (r whenRequest) parseMonthFirst(m time.Month, rest []string) (time.Time, error) {
	if len(rest) == 0 || !r.isDayNumber(rest[0]) {
		word := ""
		if len(rest) > 0 {
			word = rest[0]
		}
		return time.Time{}, fail(mNotDate, strings.TrimSpace(r.reader.monthNames[m-1]+" "+word))
	}
	day, _ := r.dayNumber(rest[0])
	return r.onNamedMonth(m, day, rest[1:])
}

// onNamedMonth reads an optional year and the time of day after a day and
// a month written in words.
func (r whenRequest) onNamedMonth(m time.Month, day int, rest []string) (time.Time, error) {
	year := 0
	if len(rest) > 0 {
		if y, ok := whenDigits(rest[0], 4, 4); ok {
			year, rest = y, rest[1:]
		}
	}
	if len(rest) > 1 && (rest[0] == "a" || rest[0] == "at") { // "à 10h" after a year
		rest = rest[1:]
	}
	return r.onDate(year, m, day, rest)
}

// onDate returns the time of day in rest on the given day; year 0 means
// the next such day (this year, or next year once it has passed).
func (r whenRequest) onDate(year int, m time.Month, day int, rest []string) (time.Time, error) {
	c, err := r.clockWords(rest)
	if err != nil {
		return time.Time{}, err
	}
	if year != 0 {
		if err := checkDay(year, m, day); err != nil {
			return time.Time{}, err
		}
		return whenWallTime(year, m, day, c, r.loc), nil
	}
	first := r.now.In(r.loc).Year()
	for y := first; y <= first+8; y++ { // 29 February waits for a leap year
		if checkDay(y, m, day) != nil {
			continue
		}
		if t := whenWallTime(y, m, day, c, r.loc); !t.Before(r.now) {
			return t, nil
		}
	}
	return time.Time{}, checkDay(first, m, day)
}

// checkDay reports a day that the month of that year does not have.
func checkDay(y int, m time.Month, d int) error {
	if last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); d < 1 || d > last {
		return fail(mDayRange, d, m, y, last)
	}
	return nil
}

// parseWhenDate parses YYYY-MM-DD and checks the month and day exist.
func parseWhenDate(s string) (int, time.Month, int, error) {
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return 0, 0, 0, fail(mNotDate, s)
	}
	y, okY := whenDigits(parts[0], 4, 4)
	m, okM := whenDigits(parts[1], 1, 2)
	d, okD := whenDigits(parts[2], 1, 2)
	if !okY || !okM || !okD {
		return 0, 0, 0, fail(mNotDate, s)
	}
	if m < 1 || m > 12 {
		return 0, 0, 0, fail(mMonthRange, m)
	}
	if err := checkDay(y, time.Month(m), d); err != nil {
		return 0, 0, 0, err
	}
	return y, time.Month(m), d, nil
}
