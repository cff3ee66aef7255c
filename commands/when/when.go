// Package when reads and shows the times people type for a publication
// ("tomorrow 9:00", "in 2h", "mon 14:30 Europe/Paris", "demain 9h",
// "le 3 décembre à 10h"). The words it knows come from vocabularies
// (english.go, french.go): another language is another vocabulary, not
// another parser. Both are always read (a French word is unambiguous);
// the reader's language decides only what is not (3/12 is the 3rd of
// December to a French reader, the 12th of March to an English one), the
// words of errors and suggestions, and how Format writes a time.
package when

import (
	"fmt"
	"strings"
	"time"
)

// maxWhenLen is the longest input, in bytes, that Parse will read.
const maxWhenLen = 100

// maxWhenDuration is the longest "in ..." duration Parse accepts.
const maxWhenDuration = 366 * 24 * time.Hour

// Error reports input that Parse could not turn into a publication
// time. Input is the text as typed; Msg says what was wrong with it, in
// the reader's language (Lang).
type Error struct {
	Input string
	Msg   string
	Lang  string
}

// Error returns one sentence naming the input, the problem and the
// accepted forms, in the reader's language.
func (e *Error) Error() string {
	v := readerOf(e.Lang)
	return fmt.Sprintf(v.msgs[mCannotRead], shortenWhen(e.Input), e.Msg, v.msgs[mHint])
}

// shortenWhen keeps error messages readable when the input is huge.
func shortenWhen(s string) string {
	const keep = 40
	if len(s) <= keep {
		return s
	}
	cut := keep
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// whenClock is a time of day.
type whenClock struct{ hour, min, sec int }

// Parse parses a user-typed publication time relative to now, in loc
// unless the text names a zone. A nil loc means UTC. lang is the reader's
// language ("fr" for French, anything else English): it orders the day and
// month of 3/12 and chooses the words of errors.
//
// Accepted forms (case and accents ignored, any whitespace between words),
// in English: "2026-12-01 09:00" (also "T" between date and time, seconds,
// or the date alone meaning 09:00), "today 17:00", "tomorrow [at] [time]",
// a weekday such as "mon 14:30" (the next such day and time strictly after
// now), "next mon" (the next such day after today), "dec 3 [2026] 10am",
// "12/3 10am", "tonight 8pm", a time alone such as "14:30", "9am", "noon"
// (today if still ahead of now, else tomorrow), "in 1h30m" / "in 2 days"
// (elapsed time, at most 366 days) and "now"; in French: "demain 9h",
// "après-demain 14h30", "aujourd'hui 17h", "lundi 9h", "lundi prochain
// 10h", "dans 2 heures", "dans 30 min", "ce soir 18h", "le 3 décembre à
// 10h", "3/12 10h", "9 h 30", "midi", "maintenant". A date without a year
// is the next such day. A last word containing "/" (not a date) or equal to
// "UTC" names the zone in which the text is read; IANA names are looked up
// as typed.
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
func Parse(s string, now time.Time, loc *time.Location, lang string) (time.Time, error) {
	reader := readerOf(lang)
	t, err := parseWhen(reader, s, now, loc)
	if err != nil {
		return time.Time{}, &Error{Input: s, Msg: reader.render(err), Lang: reader.code}
	}
	return t, nil
}

// Format writes t in loc (UTC if nil) as a reader of lang does. English,
// the default: "Tue 1 Dec 2026 09:00 CET", seconds only when non-zero.
// French: "mar. 1 déc. à 9 h 00", with the year after the month when t is
// not in now's year ("mar. 1 déc. 2026 à 9 h 00"; a zero now always shows
// it) and the zone left to the brand's context unless it is UTC.
func Format(t time.Time, loc *time.Location, lang string, now time.Time) string {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	if readerOf(lang) == french {
		return formatFrench(t, now.In(loc))
	}
	if t.Second() != 0 {
		return t.Format("Mon 2 Jan 2006 15:04:05 MST")
	}
	return t.Format("Mon 2 Jan 2006 15:04 MST")
}

// formatFrench writes t as "lun. 7 déc. à 9 h 00".
func formatFrench(t, now time.Time) string {
	var b strings.Builder
	day := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	fmt.Fprintf(&b, "%s %s %s", frWeekdayShort[t.Weekday()], day, frMonthShort[t.Month()-1])
	if t.Year() != now.Year() {
		fmt.Fprintf(&b, " %d", t.Year())
	}
	fmt.Fprintf(&b, " à %d h %02d", t.Hour(), t.Minute())
	if t.Second() != 0 {
		fmt.Fprintf(&b, " min %02d s", t.Second())
	}
	if t.Location() == time.UTC {
		b.WriteString(" UTC")
	}
	return b.String()
}

// parseWhen does the work of Parse for a reader of language reader,
// returning problems as errors.
func parseWhen(reader *vocabulary, s string, now time.Time, loc *time.Location) (time.Time, error) {
	if len(s) > maxWhenLen {
		return time.Time{}, fail(mTooLong, len(s), maxWhenLen)
	}
	if loc == nil {
		loc = time.UTC
	}
	words := strings.Fields(s)
	if len(words) == 0 {
		return time.Time{}, fail(mEmpty)
	}
	words, loc, err := takeWhenZone(words, loc)
	if err != nil {
		return time.Time{}, err
	}
	if len(words) == 0 {
		return time.Time{}, fail(mOnlyZone)
	}
	words = normalise(words)
	if len(words) == 0 {
		return time.Time{}, fail(mEmpty)
	}
	t, err := whenRequest{words: reading, reader: reader, now: now, loc: loc}.parse(words)
	if err != nil {
		return time.Time{}, err
	}
	if t.Before(now) {
		return time.Time{}, fail(mPast, Format(t, loc, reader.code, now), Format(now, loc, reader.code, now))
	}
	return t, nil
}

// takeWhenZone removes a trailing zone word from words and returns the zone
// it names, or loc when there is none. A word starting with a digit, such
// as 3/12, is a date, not a zone.
func takeWhenZone(words []string, loc *time.Location) ([]string, *time.Location, error) {
	last := words[len(words)-1]
	rest := words[:len(words)-1]
	if strings.EqualFold(last, "UTC") {
		return rest, time.UTC, nil
	}
	if !strings.Contains(last, "/") || startsWithWhenDigit(last) {
		return words, loc, nil
	}
	zone, err := time.LoadLocation(last)
	if err != nil {
		return nil, nil, fail(mUnknownZone, last)
	}
	return rest, zone, nil
}
