// Package when reads and shows the times people type for a publication
// ("tomorrow 9:00", "in 2h", "mon 14:30 Europe/Paris"). The words it
// knows come from a vocabulary (english.go): another language is another
// vocabulary, not another parser.
package when

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// maxWhenLen is the longest input, in bytes, that Parse will read.
const maxWhenLen = 100

// maxWhenDuration is the longest "in ..." duration Parse accepts.
const maxWhenDuration = 366 * 24 * time.Hour

// whenHint lists accepted forms; every Error ends with it.
const whenHint = `"2026-12-01 09:00", "tomorrow 9:00", "in 2h", "mon 14:30", ` +
	`optionally followed by a zone such as Europe/Paris`

// Error reports input that Parse could not turn into a publication
// time. Input is the text as typed; Msg says what was wrong with it.
type Error struct {
	Input string
	Msg   string
}

// Error returns one sentence naming the input, the problem and the
// accepted forms.
func (e *Error) Error() string {
	return fmt.Sprintf("Cannot read %q as a time: %s. Try %s.", shortenWhen(e.Input), e.Msg, whenHint)
}

// shortenWhen keeps error messages readable when the input is huge.
func shortenWhen(s string) string {
	const keep = 40
	if len(s) <= keep {
		return s
	}
	return s[:keep] + "..."
}

// whenClock is a time of day.
type whenClock struct{ hour, min, sec int }

// Parse parses a user-typed publication time relative to now, in loc
// unless the text names a zone. A nil loc means UTC.
//
// Accepted forms (case-insensitive, any whitespace between words):
// "2026-12-01 09:00" (also "T" between date and time, seconds, or the date
// alone meaning 09:00), "today 17:00", "tomorrow [time]", a weekday such as
// "mon 14:30" (the next such day and time strictly after now), a time alone
// such as "14:30", "9am", "17h30" (today if still ahead of now, else
// tomorrow), "in 1h30m" / "in 2 days" (elapsed time, at most 366 days) and
// "now". A last word containing "/" or equal to "UTC" (any case) names the
// zone in which the text is read; IANA names are looked up as typed.
//
// The result is never before now and its Location is the zone used.
// Wall-clock forms are computed in that zone, so "tomorrow 9:00" is 09:00
// local time even across a daylight-saving change. A wall time that occurs
// twice (clocks going back) gives the earlier instant; a wall time that does
// not exist (clocks going forward) is moved forward by the size of the gap,
// so 02:30 in a 02:00→03:00 gap gives 03:30.
//
// Every error is a *Error. Parse does not panic, and rejects input
// longer than 100 bytes without further work.
func Parse(s string, now time.Time, loc *time.Location) (time.Time, error) {
	t, err := parseWhen(english, s, now, loc)
	if err != nil {
		return time.Time{}, &Error{Input: s, Msg: err.Error()}
	}
	return t, nil
}

// Format shows t to a user in loc (UTC if nil), for example
// "Tue 1 Dec 2026 09:00 CET". Seconds are shown only when non-zero.
func Format(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	if t.Second() != 0 {
		return t.Format("Mon 2 Jan 2006 15:04:05 MST")
	}
	return t.Format("Mon 2 Jan 2006 15:04 MST")
}

// parseWhen does the work of Parse with the words of v, returning bare
// reasons as errors.
func parseWhen(v *vocabulary, s string, now time.Time, loc *time.Location) (time.Time, error) {
	if len(s) > maxWhenLen {
		return time.Time{}, fmt.Errorf("it is %d bytes long, more than the %d allowed", len(s), maxWhenLen)
	}
	if loc == nil {
		loc = time.UTC
	}
	words := strings.Fields(s)
	if len(words) == 0 {
		return time.Time{}, errors.New("it is empty")
	}
	words, loc, err := takeWhenZone(words, loc)
	if err != nil {
		return time.Time{}, err
	}
	if len(words) == 0 {
		return time.Time{}, errors.New("it names only a zone; put a date or time before it")
	}
	for i, w := range words {
		words[i] = strings.ToLower(w)
	}
	t, err := whenRequest{words: v, now: now, loc: loc}.parse(words)
	if err != nil {
		return time.Time{}, err
	}
	if t.Before(now) {
		return time.Time{}, fmt.Errorf("it means %s, which is in the past (now is %s)",
			Format(t, loc), Format(now, loc))
	}
	return t, nil
}

// takeWhenZone removes a trailing zone word from words and returns the zone
// it names, or loc when there is none.
func takeWhenZone(words []string, loc *time.Location) ([]string, *time.Location, error) {
	last := words[len(words)-1]
	rest := words[:len(words)-1]
	if strings.EqualFold(last, "UTC") {
		return rest, time.UTC, nil
	}
	if !strings.Contains(last, "/") {
		return words, loc, nil
	}
	zone, err := time.LoadLocation(last)
	if err != nil {
		if startsWithWhenDigit(last) {
			return nil, nil, fmt.Errorf("unknown time zone %q (write dates as 2026-12-01)", last)
		}
		return nil, nil, fmt.Errorf("unknown time zone %q", last)
	}
	return rest, zone, nil
}

// whenRequest holds what every form is resolved against.
type whenRequest struct {
	words *vocabulary    // the language the text is in
	now   time.Time      // the reference instant
	loc   *time.Location // the zone whose wall clock the text uses
}

// parse dispatches on the first of the lowercased, zone-free words.
func (r whenRequest) parse(words []string) (time.Time, error) {
	first, rest := words[0], words[1:]
	if parse, ok := r.words.keywords[first]; ok {
		return parse(r, rest)
	}
	if days, ok := r.words.dayOffsets[first]; ok {
		return r.parseDay(days, rest)
	}
	if wd, ok := r.words.weekdays[first]; ok {
		return r.parseWeekday(wd, rest)
	}
	if startsWithWhenDigit(first) && strings.Contains(first, "-") {
		return r.parseDate(first, rest)
	}
	if startsWithWhenDigit(first) {
		return r.parseTimeOnly(words)
	}
	return time.Time{}, fmt.Errorf("unknown word %q", first)
}

// parseNow handles "now".
func (r whenRequest) parseNow(rest []string) (time.Time, error) {
	if len(rest) > 0 {
		return time.Time{}, unexpectedWhenWords(rest)
	}
	return r.now.In(r.loc), nil
}

// parseIn handles "in <duration>".
func (r whenRequest) parseIn(rest []string) (time.Time, error) {
	if len(rest) == 0 {
		return time.Time{}, errors.New(`"in" needs a duration such as 2h, 90 min or 3 days`)
	}
	d, err := parseWhenDuration(r.words, strings.Join(rest, ""))
	if err != nil {
		return time.Time{}, err
	}
	return r.now.Add(d).In(r.loc), nil
}

// parseDay handles "today [time]" and "tomorrow [time]".
func (r whenRequest) parseDay(days int, rest []string) (time.Time, error) {
	c, err := parseWhenClockWords(r.words, rest)
	if err != nil {
		return time.Time{}, err
	}
	y, m, d := r.now.In(r.loc).Date()
	return whenWallTime(y, m, d+days, c, r.loc), nil
}

// parseWeekday handles "<weekday> [time]": the first such day and time
// strictly after now.
func (r whenRequest) parseWeekday(wd time.Weekday, rest []string) (time.Time, error) {
	c, err := parseWhenClockWords(r.words, rest)
	if err != nil {
		return time.Time{}, err
	}
	ahead := (int(wd) - int(r.now.In(r.loc).Weekday()) + 7) % 7
	return r.upcoming(ahead, 7, c), nil
}

// parseTimeOnly handles a time of day alone: today if still ahead, else
// tomorrow.
func (r whenRequest) parseTimeOnly(words []string) (time.Time, error) {
	c, err := parseWhenClockWords(r.words, words)
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
	c, err := parseWhenClockWords(r.words, rest)
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

// whenWallTime returns the instant at which clocks in loc show the given
// date (normalised as by time.Date) and time of day. A wall time that occurs
// twice gives the earlier instant; one that falls in a gap is moved forward
// by the size of the gap.
func whenWallTime(y int, m time.Month, d int, c whenClock, loc *time.Location) time.Time {
	want := time.Date(y, m, d, c.hour, c.min, c.sec, 0, time.UTC)
	t := time.Date(y, m, d, c.hour, c.min, c.sec, 0, loc)
	switch shown := whenWallOf(t); {
	case shown.Before(want):
		// In a gap, and time.Date used the offset from after it: t is in
		// the zone before the gap, whose offset moves the time forward.
		_, off := t.Zone()
		return want.Add(-time.Duration(off) * time.Second).In(loc)
	case shown.After(want):
		return t // in a gap, already moved forward
	}
	return whenEarliest(t, want, loc)
}

// whenEarliest returns the earlier instant showing wall time want when t,
// which shows want, is the later of two such instants; otherwise t.
func whenEarliest(t, want time.Time, loc *time.Location) time.Time {
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return t
	}
	_, off := t.Zone()
	_, prevOff := start.Add(-time.Second).Zone()
	if prevOff <= off {
		return t
	}
	earlier := want.Add(-time.Duration(prevOff) * time.Second).In(loc)
	if whenWallOf(earlier).Equal(want) {
		return earlier
	}
	return t
}

// whenWallOf returns t's wall clock reading as a UTC time, for comparison.
func whenWallOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// parseWhenDate parses YYYY-MM-DD and checks the month and day exist.
func parseWhenDate(s string) (int, time.Month, int, error) {
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return 0, 0, 0, fmt.Errorf("%q is not a date; write dates as 2026-12-01", s)
	}
	y, okY := whenDigits(parts[0], 4, 4)
	m, okM := whenDigits(parts[1], 1, 2)
	d, okD := whenDigits(parts[2], 1, 2)
	if !okY || !okM || !okD {
		return 0, 0, 0, fmt.Errorf("%q is not a date; write dates as 2026-12-01", s)
	}
	if m < 1 || m > 12 {
		return 0, 0, 0, fmt.Errorf("month %d is out of range 1-12", m)
	}
	month := time.Month(m)
	if last := time.Date(y, month+1, 0, 0, 0, 0, 0, time.UTC).Day(); d < 1 || d > last {
		return 0, 0, 0, fmt.Errorf("day %d is out of range for %s %d (1-%d)", d, month, y, last)
	}
	return y, month, d, nil
}

// parseWhenClockWords parses the words giving a time of day: none (09:00),
// one ("14:30", "9am", "17h") or a number and "am"/"pm" ("9 am").
func parseWhenClockWords(v *vocabulary, words []string) (whenClock, error) {
	switch {
	case len(words) == 0:
		return v.defaultClock, nil
	case len(words) == 2 && isWhenMeridiem(v, words[1]):
		return parseWhenClock(v, words[0]+words[1])
	}
	c, err := parseWhenClock(v, words[0])
	if err != nil {
		return whenClock{}, err
	}
	if len(words) > 1 {
		return whenClock{}, unexpectedWhenWords(words[1:])
	}
	return c, nil
}

// isWhenMeridiem reports whether w is "am" or "pm".
func isWhenMeridiem(v *vocabulary, w string) bool {
	_, ok := v.meridiems[w]
	return ok
}

// parseWhenClock parses one lowercased time-of-day word: "14:30",
// "14:30:15", "9am", "9:30pm", "17h" or "17h30".
func parseWhenClock(v *vocabulary, s string) (whenClock, error) {
	for suffix, add := range v.meridiems {
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
		return whenClock{}, fmt.Errorf("%q needs minutes or am/pm, such as %s:00 or %sam", s, s, s)
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 {
		return whenClock{}, fmt.Errorf("%q is not a time of day such as 14:30 or 9am", s)
	}
	return checkedWhenClock(s, parts)
}

// parseWhenMeridiem parses the number before "am"/"pm" ("9", "9:30") and
// converts it to a 24-hour clock.
func parseWhenMeridiem(s, num string, add int) (whenClock, error) {
	c, err := splitWhenClock(s, strings.Split(num, ":"))
	if err != nil {
		return whenClock{}, err
	}
	if c.hour < 1 || c.hour > 12 {
		return whenClock{}, fmt.Errorf("hour %d is out of range 1-12 with am/pm", c.hour)
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
	bad := fmt.Errorf("%q is not a time of day such as 14:30 or 9am", s)
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
		return fmt.Errorf("hour %d is out of range 0-23", c.hour)
	case c.min > 59:
		return fmt.Errorf("minute %d is out of range 0-59", c.min)
	case c.sec > 59:
		return fmt.Errorf("second %d is out of range 0-59", c.sec)
	}
	return nil
}

// parseWhenDuration parses a lowercased duration with spaces removed, such
// as "2h", "1h30m", "90min" or "3days". It must be positive and at most
// maxWhenDuration.
func parseWhenDuration(v *vocabulary, s string) (time.Duration, error) {
	switch {
	case strings.HasPrefix(s, "-"):
		return 0, errors.New("the duration must be positive")
	case strings.ContainsAny(s, ".,"):
		return 0, errors.New("use whole numbers in durations, such as 1h30m rather than 1.5h")
	}
	var total time.Duration
	for rest := s; rest != ""; {
		numEnd := indexWhenNonDigit(rest)
		if numEnd == 0 {
			return 0, fmt.Errorf("%q is not a duration such as 2h, 90 min or 3 days", s)
		}
		unitEnd := numEnd + indexWhenDigit(rest[numEnd:])
		num, unit := rest[:numEnd], rest[numEnd:unitEnd]
		rest = rest[unitEnd:]
		d, err := whenDurationPart(v, num, unit)
		if err != nil {
			return 0, err
		}
		if total += d; total > maxWhenDuration {
			return 0, errors.New("the duration is longer than 366 days")
		}
	}
	if total <= 0 {
		return 0, errors.New("the duration must be greater than zero")
	}
	return total, nil
}

// whenDurationPart converts one number and unit, such as "90" and "min".
func whenDurationPart(v *vocabulary, num, unit string) (time.Duration, error) {
	if unit == "" {
		return 0, fmt.Errorf("%q is missing a unit such as h, min, d or w", num)
	}
	size, ok := v.units[unit]
	if !ok {
		return 0, fmt.Errorf("unknown unit %q; use s, min, h, d or w", unit)
	}
	num = strings.TrimLeft(num, "0")
	if num == "" {
		return 0, nil
	}
	n, ok := whenDigits(num, 1, 9)
	if !ok || time.Duration(n) > maxWhenDuration/size {
		return 0, errors.New("the duration is longer than 366 days")
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

// unexpectedWhenWords reports words left over after a complete form.
func unexpectedWhenWords(words []string) error {
	return fmt.Errorf("unexpected extra words %q", strings.Join(words, " "))
}
