package when

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// whenFuzzZones are the default zones FuzzParseWhen picks from.
var whenFuzzZones = []*time.Location{
	time.UTC,
	whenMustLoad("Europe/Paris"),
	whenMustLoad("America/New_York"),
	whenMustLoad("Australia/Lord_Howe"), // 30-minute DST shift
	whenMustLoad("Asia/Kolkata"),
}

// FuzzParseWhen checks that ParseWhen never panics and that its results and
// errors keep their contracts, for any input, a now within about 50 years of
// 2026 and a choice of default zone.
func FuzzParseWhen(f *testing.F) {
	seeds := []string{
		"2026-12-01 09:00", "2026-12-01T09:00", "2026-12-01 9:00", "2026-12-01",
		"2026-12-01 09:00:30", "today 17:00", "tomorrow 9:00", "tomorrow", "tomorrow 9am",
		"tomorrow 9 pm", "mon 14:30", "monday 14:30", "tue", "wed", "thu", "fri", "sat", "sun",
		"14:30", "9:05", "9am", "9:30pm", "12am", "12pm", "17h", "17h30",
		"in 2h", "in 30m", "in 90 min", "in 1h30m", "in 2 days", "in 1d", "in 3 hours",
		"in 1 week", "in 45 minutes", "in 366 days", "now",
		"2026-12-01 09:00 Europe/Paris", "2026-12-01 09:00 America/New_York", "tomorrow UTC",
		"2026-03-29 02:30 Europe/Paris", "2026-10-25 02:30 Europe/Paris",
		"", "   ", "tomorow 9:00", "2026-13-01", "2026-12-32", "2027-02-30", "24:00", "9:60",
		"13pm", "in 0h", "in -2h", "in 367 days", "in 1.5h", "in 2", "Mars/Olympus 9:00",
		"2026-12-01 09:00 Mars/Olympus", "2020-01-01 09:00", "Europe/Paris", "../../etc/passwd",
		"in 99999999999999999999h", strings.Repeat("9", 101),
	}
	for i, s := range seeds {
		f.Add(s, int64(i)*3_600_007, uint8(i))
	}
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	const span = 50 * 365 * 24 * 3600 // seconds either side of base
	f.Fuzz(func(t *testing.T, s string, shift int64, zone uint8) {
		loc := whenFuzzZones[int(zone)%len(whenFuzzZones)]
		now := base.Add(time.Duration(shift%span) * time.Second).In(loc)
		got, err := Parse(s, now, loc)
		if err != nil {
			checkWhenFuzzError(t, s, err)
			return
		}
		checkWhenFuzzResult(t, s, now, loc, got)
	})
}

// checkWhenFuzzError checks err is a *Error describing input s.
func checkWhenFuzzError(t *testing.T, s string, err error) {
	t.Helper()
	var we *Error
	if !errors.As(err, &we) {
		t.Fatalf("Parse(%q) error %T, want *Error", s, err)
	}
	if we.Input != s || we.Msg == "" || !strings.HasPrefix(err.Error(), "Cannot read ") {
		t.Fatalf("Parse(%q) error %#v: want Input set and a message", s, we)
	}
}

// checkWhenFuzzResult checks the properties every successful result has.
func checkWhenFuzzResult(t *testing.T, s string, now time.Time, loc *time.Location, got time.Time) {
	t.Helper()
	if len(s) > maxWhenLen {
		t.Fatalf("ParseWhen accepted %d bytes", len(s))
	}
	if got.Before(now) {
		t.Fatalf("Parse(%q) = %v, before now %v", s, got, now)
	}
	words := strings.Fields(strings.ToLower(s))
	last := words[len(words)-1]
	switch {
	case last == "utc":
		if got.Location() != time.UTC {
			t.Fatalf("Parse(%q) location %v, want UTC", s, got.Location())
		}
	case strings.Contains(last, "/"):
		if !strings.EqualFold(got.Location().String(), last) {
			t.Fatalf("Parse(%q) location %v, want the named zone", s, got.Location())
		}
	default:
		if got.Location() != loc {
			t.Fatalf("Parse(%q) location %v, want %v", s, got.Location(), loc)
		}
	}
	switch words[0] {
	case "now":
		if !got.Equal(now) {
			t.Fatalf("Parse(%q) = %v, want now %v", s, got, now)
		}
	case "in":
		if d := got.Sub(now); d <= 0 || d > maxWhenDuration {
			t.Fatalf("Parse(%q) is %v after now, want within (0, 366 days]", s, d)
		}
	default:
		checkWhenFuzzWallTime(t, s, now, got)
	}
	if Format(got, got.Location()) == "" {
		t.Fatalf("Format(%v) is empty", got)
	}
}

// checkWhenFuzzWallTime checks that a wall-clock result is a whole second
// and reads back to the same instant when written as an absolute time.
func checkWhenFuzzWallTime(t *testing.T, s string, now, got time.Time) {
	t.Helper()
	if got.Nanosecond() != 0 {
		t.Fatalf("Parse(%q) = %v, want whole seconds", s, got)
	}
	abs := got.Format("2006-01-02 15:04:05")
	again, err := Parse(abs, now, got.Location())
	if err != nil || !again.Equal(got) {
		t.Fatalf("Parse(%q) = %v, but %q reads as %v, %v", s, got, abs, again, err)
	}
}
