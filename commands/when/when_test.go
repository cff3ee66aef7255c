package when

import (
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // so the zones below load on any machine
)

// whenMustLoad loads an IANA zone or fails the test binary.
func whenMustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var (
	whenParis   = whenMustLoad("Europe/Paris")
	whenNewYork = whenMustLoad("America/New_York")
	whenTokyo   = whenMustLoad("Asia/Tokyo")
	// whenNow is Sunday 22 Nov 2026, 10:00 in Paris.
	whenNow = time.Date(2026, 11, 22, 10, 0, 0, 0, whenParis)
)

// whenAt is a shorthand for time.Date without nanoseconds.
func whenAt(loc *time.Location, y int, m time.Month, d, h, min, sec int) time.Time {
	return time.Date(y, m, d, h, min, sec, 0, loc)
}

func TestParseWhen(t *testing.T) {
	mondayTen := whenAt(whenParis, 2026, 11, 23, 10, 0, 0)
	springEve := whenAt(whenParis, 2026, 3, 28, 10, 0, 0)   // Sat, clocks go forward tomorrow 02:00
	autumnEve := whenAt(whenParis, 2026, 10, 24, 10, 0, 0)  // Sat, clocks go back tomorrow 03:00
	autumnNight := whenAt(whenParis, 2026, 10, 25, 0, 0, 0) // Sun 00:00 CEST
	nySpringEve := whenAt(whenNewYork, 2026, 3, 7, 12, 0, 0)
	nyAutumnEve := whenAt(whenNewYork, 2026, 10, 31, 12, 0, 0)

	tests := []struct {
		name string
		in   string
		now  time.Time      // whenNow if zero
		loc  *time.Location // whenParis if nil
		want time.Time      // instant and Location expected
	}{
		// Absolute.
		{name: "date time", in: "2026-12-01 09:00", want: whenAt(whenParis, 2026, 12, 1, 9, 0, 0)},
		{name: "date T time", in: "2026-12-01T09:00", want: whenAt(whenParis, 2026, 12, 1, 9, 0, 0)},
		{name: "date lower t time", in: "2026-12-01t09:00", want: whenAt(whenParis, 2026, 12, 1, 9, 0, 0)},
		{name: "one digit hour", in: "2026-12-01 9:00", want: whenAt(whenParis, 2026, 12, 1, 9, 0, 0)},
		{name: "date alone", in: "2026-12-01", want: whenAt(whenParis, 2026, 12, 1, 9, 0, 0)},
		{name: "seconds", in: "2026-12-01 09:00:30", want: whenAt(whenParis, 2026, 12, 1, 9, 0, 30)},
		{name: "date pm", in: "2026-12-01 9:15pm", want: whenAt(whenParis, 2026, 12, 1, 21, 15, 0)},
		{name: "date spaced am", in: "2026-12-01 9 AM", want: whenAt(whenParis, 2026, 12, 1, 9, 0, 0)},
		{name: "whitespace", in: "  2026-12-01 \t  09:00 \n", want: whenAt(whenParis, 2026, 12, 1, 9, 0, 0)},
		{name: "leap day", in: "2028-02-29 12:00", want: whenAt(whenParis, 2028, 2, 29, 12, 0, 0)},
		{name: "exactly now", in: "2026-11-22 10:00", want: whenNow},

		// Relative day.
		{name: "today", in: "today 17:00", want: whenAt(whenParis, 2026, 11, 22, 17, 0, 0)},
		{name: "today upper", in: "TODAY 17:00", want: whenAt(whenParis, 2026, 11, 22, 17, 0, 0)},
		{name: "tomorrow time", in: "tomorrow 9:00", want: whenAt(whenParis, 2026, 11, 23, 9, 0, 0)},
		{name: "tomorrow alone", in: "tomorrow", want: whenAt(whenParis, 2026, 11, 23, 9, 0, 0)},
		{name: "tomorrow am", in: "tomorrow 9am", want: whenAt(whenParis, 2026, 11, 23, 9, 0, 0)},
		{name: "tomorrow spaced pm", in: "Tomorrow 9 PM", want: whenAt(whenParis, 2026, 11, 23, 21, 0, 0)},
		{name: "tomorrow french", in: "tomorrow 17h30", want: whenAt(whenParis, 2026, 11, 23, 17, 30, 0)},

		// Weekdays; whenNow is Sunday 10:00.
		{name: "mon", in: "mon 14:30", want: whenAt(whenParis, 2026, 11, 23, 14, 30, 0)},
		{name: "monday", in: "monday 14:30", want: whenAt(whenParis, 2026, 11, 23, 14, 30, 0)},
		{name: "tue alone", in: "tue", want: whenAt(whenParis, 2026, 11, 24, 9, 0, 0)},
		{name: "wed", in: "wed 8:00", want: whenAt(whenParis, 2026, 11, 25, 8, 0, 0)},
		{name: "thursday", in: "Thursday 12pm", want: whenAt(whenParis, 2026, 11, 26, 12, 0, 0)},
		{name: "fri", in: "fri 18h", want: whenAt(whenParis, 2026, 11, 27, 18, 0, 0)},
		{name: "saturday", in: "saturday", want: whenAt(whenParis, 2026, 11, 28, 9, 0, 0)},
		{name: "sun later today", in: "sun 14:30", want: whenAt(whenParis, 2026, 11, 22, 14, 30, 0)},
		{name: "sun earlier today", in: "sunday 09:00", want: whenAt(whenParis, 2026, 11, 29, 9, 0, 0)},
		{name: "sun exactly now", in: "sun 10:00", want: whenAt(whenParis, 2026, 11, 29, 10, 0, 0)},
		{name: "sun alone", in: "sun", want: whenAt(whenParis, 2026, 11, 29, 9, 0, 0)},
		{name: "monday later today", in: "mon 14:30", now: mondayTen, want: whenAt(whenParis, 2026, 11, 23, 14, 30, 0)},
		{name: "monday earlier today", in: "mon 09:00", now: mondayTen, want: whenAt(whenParis, 2026, 11, 30, 9, 0, 0)},

		// Time only.
		{name: "later today", in: "14:30", want: whenAt(whenParis, 2026, 11, 22, 14, 30, 0)},
		{name: "earlier so tomorrow", in: "9:05", want: whenAt(whenParis, 2026, 11, 23, 9, 5, 0)},
		{name: "exactly now so tomorrow", in: "10:00", want: whenAt(whenParis, 2026, 11, 23, 10, 0, 0)},
		{name: "one second ahead", in: "10:00:01", want: whenAt(whenParis, 2026, 11, 22, 10, 0, 1)},
		{name: "9am", in: "9am", want: whenAt(whenParis, 2026, 11, 23, 9, 0, 0)},
		{name: "9:30pm", in: "9:30pm", want: whenAt(whenParis, 2026, 11, 22, 21, 30, 0)},
		{name: "12am is midnight", in: "12am", want: whenAt(whenParis, 2026, 11, 23, 0, 0, 0)},
		{name: "12pm is noon", in: "12pm", want: whenAt(whenParis, 2026, 11, 22, 12, 0, 0)},
		{name: "17h", in: "17h", want: whenAt(whenParis, 2026, 11, 22, 17, 0, 0)},
		{name: "17h30", in: "17H30", want: whenAt(whenParis, 2026, 11, 22, 17, 30, 0)},

		// Durations.
		{name: "in 2h", in: "in 2h", want: whenNow.Add(2 * time.Hour)},
		{name: "in 30m", in: "in 30m", want: whenNow.Add(30 * time.Minute)},
		{name: "in 90 min", in: "in 90 min", want: whenNow.Add(90 * time.Minute)},
		{name: "in 1h30m", in: "in 1h30m", want: whenNow.Add(90 * time.Minute)},
		{name: "in 1 h 30 m", in: "IN 1 h 30 m", want: whenNow.Add(90 * time.Minute)},
		{name: "in 2 days", in: "in 2 days", want: whenNow.Add(48 * time.Hour)},
		{name: "in 1d", in: "in 1d", want: whenNow.Add(24 * time.Hour)},
		{name: "in 3 hours", in: "in 3 hours", want: whenNow.Add(3 * time.Hour)},
		{name: "in 1 week", in: "in 1 week", want: whenNow.Add(7 * 24 * time.Hour)},
		{name: "in 45 minutes", in: "in 45 minutes", want: whenNow.Add(45 * time.Minute)},
		{name: "in 366 days", in: "in 366 days", want: whenNow.Add(maxWhenDuration)},
		{name: "now", in: "now", want: whenNow},
		{name: "NOW", in: " NOW ", want: whenNow},

		// Zones.
		{name: "same zone named", in: "2026-12-01 09:00 Europe/Paris", want: whenAt(whenParis, 2026, 12, 1, 9, 0, 0)},
		{name: "new york", in: "2026-12-01 09:00 America/New_York", want: whenAt(whenNewYork, 2026, 12, 1, 9, 0, 0)},
		{name: "UTC", in: "2026-12-01 09:00 UTC", want: whenAt(time.UTC, 2026, 12, 1, 9, 0, 0)},
		{name: "utc lower", in: "2026-12-01 09:00 utc", want: whenAt(time.UTC, 2026, 12, 1, 9, 0, 0)},
		{name: "tomorrow tokyo", in: "tomorrow 9:00 Asia/Tokyo", want: whenAt(whenTokyo, 2026, 11, 23, 9, 0, 0)},
		{name: "time only new york", in: "14:30 America/New_York", want: whenAt(whenNewYork, 2026, 11, 22, 14, 30, 0)},
		{name: "weekday new york", in: "sun 5:00 America/New_York", want: whenAt(whenNewYork, 2026, 11, 22, 5, 0, 0)},
		{name: "duration utc", in: "in 2h UTC", want: whenNow.Add(2 * time.Hour).UTC()},
		{name: "now new york", in: "now America/New_York", want: whenNow.In(whenNewYork)},
		{name: "loc argument", in: "tomorrow 9:00", loc: whenNewYork, want: whenAt(whenNewYork, 2026, 11, 23, 9, 0, 0)},

		// Daylight saving, Europe/Paris: forward 2026-03-29 02:00, back 2026-10-25 03:00.
		{name: "tomorrow across spring", in: "tomorrow 9:00", now: springEve, want: whenAt(whenParis, 2026, 3, 29, 9, 0, 0)},
		{name: "weekday across spring", in: "mon 9:00", now: springEve, want: whenAt(whenParis, 2026, 3, 30, 9, 0, 0)},
		{name: "in 24h across spring", in: "in 24h", now: springEve, want: whenAt(whenParis, 2026, 3, 29, 11, 0, 0)},
		{name: "spring gap moves forward", in: "2026-03-29 02:30", now: springEve, want: whenAt(time.UTC, 2026, 3, 29, 1, 30, 0).In(whenParis)},
		{name: "tomorrow across autumn", in: "tomorrow 9:00", now: autumnEve, want: whenAt(whenParis, 2026, 10, 25, 9, 0, 0)},
		{name: "in 24h across autumn", in: "in 24h", now: autumnEve, want: whenAt(whenParis, 2026, 10, 25, 9, 0, 0)},
		{name: "autumn overlap takes earlier", in: "2026-10-25 02:30", now: autumnEve, want: whenAt(time.UTC, 2026, 10, 25, 0, 30, 0).In(whenParis)},
		{name: "autumn overlap time only", in: "2:30", now: autumnNight, want: whenAt(time.UTC, 2026, 10, 25, 0, 30, 0).In(whenParis)},
		{name: "autumn after overlap", in: "2026-10-25 03:00", now: autumnEve, want: whenAt(time.UTC, 2026, 10, 25, 2, 0, 0).In(whenParis)},

		// Daylight saving, America/New_York: forward 2026-03-08 02:00, back 2026-11-01 02:00.
		{name: "ny tomorrow across spring", in: "tomorrow 12:00", now: nySpringEve, loc: whenNewYork, want: whenAt(time.UTC, 2026, 3, 8, 16, 0, 0).In(whenNewYork)},
		{name: "ny spring gap moves forward", in: "2026-03-08 02:30", now: nySpringEve, loc: whenNewYork, want: whenAt(time.UTC, 2026, 3, 8, 7, 30, 0).In(whenNewYork)},
		{name: "ny autumn overlap takes earlier", in: "2026-11-01 01:30", now: nyAutumnEve, loc: whenNewYork, want: whenAt(time.UTC, 2026, 11, 1, 5, 30, 0).In(whenNewYork)},
		{name: "ny tomorrow across autumn", in: "tomorrow 12:00", now: nyAutumnEve, loc: whenNewYork, want: whenAt(time.UTC, 2026, 11, 1, 17, 0, 0).In(whenNewYork)},
		{name: "ny zone word across spring", in: "2026-03-08 02:30 America/New_York", now: nySpringEve, want: whenAt(whenNewYork, 2026, 3, 8, 3, 30, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now, loc := tt.now, tt.loc
			if now.IsZero() {
				now = whenNow
			}
			if loc == nil {
				loc = whenParis
			}
			got, err := Parse(tt.in, now, loc, "")
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.in, err)
			}
			if !got.Equal(tt.want) || got.Location().String() != tt.want.Location().String() {
				t.Errorf("Parse(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseWhenNilLocIsUTC(t *testing.T) {
	got, err := Parse("2026-12-01 09:00", whenNow, nil, "")
	want := whenAt(time.UTC, 2026, 12, 1, 9, 0, 0)
	if err != nil || !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("ParseWhen with nil loc = %v, %v; want %v", got, err, want)
	}
}

func TestParseWhenErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		msg  string // expected in WhenError.Msg
	}{
		{name: "empty", in: "", msg: "empty"},
		{name: "blank", in: " \t ", msg: "empty"},
		{name: "too long", in: "tomorrow " + strings.Repeat("9", 100), msg: "more than the 100 allowed"},
		{name: "unknown word", in: "tomorow 9:00", msg: `unknown word "tomorow"`},
		{name: "unknown word alone", in: "soon", msg: `unknown word "soon"`},
		{name: "month 13", in: "2026-13-01 09:00", msg: "month 13 is out of range"},
		{name: "month 0", in: "2026-00-01", msg: "month 0 is out of range"},
		{name: "day 32", in: "2026-12-32", msg: "day 32 is out of range for December 2026 (1-31)"},
		{name: "feb 30", in: "2027-02-30 09:00", msg: "day 30 is out of range for February 2027 (1-28)"},
		{name: "feb 29 non-leap", in: "2027-02-29", msg: "day 29 is out of range"},
		{name: "short year", in: "26-12-01", msg: "not a date"},
		{name: "half date", in: "2026-12", msg: "not a date"},
		{name: "hour 24", in: "2026-12-01 24:00", msg: "hour 24 is out of range 0-23"},
		{name: "minute 60", in: "2026-12-01 09:60", msg: "minute 60 is out of range 0-59"},
		{name: "second 60", in: "2026-12-01 09:00:60", msg: "second 60 is out of range 0-59"},
		{name: "hour 25 french", in: "25h", msg: "hour 25 is out of range"},
		{name: "13pm", in: "13pm", msg: "hour 13 is out of range 1-12 with am/pm"},
		{name: "0am", in: "0am", msg: "hour 0 is out of range 1-12"},
		{name: "bare number", in: "tomorrow 9", msg: `"9" needs minutes or am/pm`},
		{name: "one digit minute", in: "9:5", msg: "not a time of day"},
		{name: "bad time word", in: "12/01/2026 9", msg: `"9" needs minutes`},
		{name: "slash date", in: "2026/12/01", msg: `"2026/12/01" is not a date`},
		{name: "slash month 13", in: "13/12", msg: "month 13 is out of range"},
		{name: "slash day 31", in: "11/31", msg: "day 31 is out of range for November 2026 (1-30)"},
		{name: "unknown zone", in: "2026-12-01 09:00 Mars/Olympus", msg: `unknown time zone "Mars/Olympus"`},
		{name: "zone only", in: "Europe/Paris", msg: "names only a zone"},
		{name: "extra words", in: "tomorrow 9:00 sharp", msg: `unexpected extra words "sharp"`},
		{name: "now extra", in: "now please", msg: `unexpected extra words "please"`},
		{name: "past date", in: "2020-01-01 09:00", msg: "in the past (now is Sun 22 Nov 2026 10:00 CET)"},
		{name: "past today", in: "today 9:00", msg: "it means Sun 22 Nov 2026 09:00 CET, which is in the past"},
		{name: "past today default", in: "today", msg: "in the past"},
		{name: "in alone", in: "in", msg: `"in" needs a duration`},
		{name: "zero duration", in: "in 0h", msg: "greater than zero"},
		{name: "zero minutes", in: "in 00 minutes", msg: "greater than zero"},
		{name: "negative duration", in: "in -2h", msg: "must be positive"},
		{name: "fraction", in: "in 1.5h", msg: "whole numbers"},
		{name: "367 days", in: "in 367 days", msg: "longer than 366 days"},
		{name: "366 days and a minute", in: "in 366d 1m", msg: "longer than 366 days"},
		{name: "huge number", in: "in 99999999999999999999h", msg: "longer than 366 days"},
		{name: "missing unit", in: "in 2", msg: `"2" is missing a unit`},
		{name: "unknown unit", in: "in 2 fortnights", msg: `unknown unit "fortnights"`},
		{name: "not a duration", in: "in while", msg: "not a duration"},
		{name: "a while", in: "in a while", msg: `unknown unit "while"`},
		{name: "unit typo", in: "in 2 huors", msg: `unknown unit "huors"; use s, min, h, d or w (did you mean "hours"?)`},
		{name: "near", in: "tomorow 9:00", msg: `unknown word "tomorow" (did you mean "tomorrow"?)`},
		{name: "near french word", in: "demian 9h", msg: `unknown word "demian" (did you mean "demain"?)`},
		{name: "this alone", in: "this", msg: `"this" needs morning, afternoon or evening`},
		{name: "next alone", in: "next", msg: `"next" needs a weekday`},
		{name: "month without day", in: "december", msg: `"December" is not a date`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in, whenNow, whenParis, "")
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want error", tt.in, got)
			}
			var we *Error
			if !errors.As(err, &we) {
				t.Fatalf("Parse(%q) error %T, want *Error", tt.in, err)
			}
			if we.Input != tt.in {
				t.Errorf("Input = %q, want %q", we.Input, tt.in)
			}
			if !strings.Contains(we.Msg, tt.msg) {
				t.Errorf("Msg = %q, want it to contain %q", we.Msg, tt.msg)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "Cannot read ") || !strings.Contains(msg, `"tomorrow 9:00"`) {
				t.Errorf("Error() = %q, want the input and accepted forms", msg)
			}
			if !got.IsZero() {
				t.Errorf("time = %v on error, want zero", got)
			}
		})
	}
}

func TestWhenErrorMessage(t *testing.T) {
	_, err := Parse("tomorow 9:00", whenNow, whenParis, "")
	want := `Cannot read "tomorow 9:00" as a time: unknown word "tomorow" (did you mean "tomorrow"?). ` +
		`Try "2026-12-01 09:00", "tomorrow 9:00", "in 2h", "mon 14:30", ` +
		`optionally followed by a zone such as Europe/Paris.`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}

func TestWhenErrorShortensLongInput(t *testing.T) {
	in := strings.Repeat("x", 500)
	_, err := Parse(in, whenNow, whenParis, "")
	if err == nil {
		t.Fatal("want error")
	}
	if len(err.Error()) > 300 {
		t.Errorf("error is %d bytes long, want the input shortened: %s", len(err.Error()), err)
	}
}

func TestFormatWhen(t *testing.T) {
	tests := []struct {
		name string
		t    time.Time
		loc  *time.Location
		want string
	}{
		{name: "paris winter", t: whenAt(whenParis, 2026, 12, 1, 9, 0, 0), loc: whenParis, want: "Tue 1 Dec 2026 09:00 CET"},
		{name: "converted", t: whenAt(whenParis, 2026, 12, 1, 9, 0, 0), loc: whenNewYork, want: "Tue 1 Dec 2026 03:00 EST"},
		{name: "paris summer", t: whenAt(whenParis, 2026, 3, 29, 3, 30, 0), loc: whenParis, want: "Sun 29 Mar 2026 03:30 CEST"},
		{name: "seconds shown", t: whenAt(whenParis, 2026, 12, 1, 9, 0, 30), loc: whenParis, want: "Tue 1 Dec 2026 09:00:30 CET"},
		{name: "utc", t: whenAt(whenParis, 2026, 12, 1, 9, 0, 0), loc: time.UTC, want: "Tue 1 Dec 2026 08:00 UTC"},
		{name: "nil is utc", t: whenAt(whenParis, 2026, 12, 1, 9, 0, 0), loc: nil, want: "Tue 1 Dec 2026 08:00 UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Format(tt.t, tt.loc, "", time.Time{}); got != tt.want {
				t.Errorf("Format() = %q, want %q", got, tt.want)
			}
		})
	}
}
