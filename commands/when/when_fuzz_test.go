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
		"demain 9h", "après-demain 14h30", "apres demain 14h30", "lundi 9h", "lundi prochain 10h",
		"dans 2 heures", "dans 30 min", "dans une heure et 30 minutes", "dans 1h30", "ce soir 18h", "ce soir 8h",
		"cet après-midi", "le 3 décembre à 10h", "3 decembre 2027 10h", "1er janvier", "3/12 10h",
		"3/12/2027 10h", "aujourd'hui 17h", "aujourd’hui 17h", "9h", "9 h 30", "midi", "minuit",
		"maintenant", "DÉCEMBRE 3", "dec 3 10am", "next monday", "tonight 8pm", "29 feb", "le",
		"demian 9h", "le 31 novembre", "ce", "dans", "13/13", "3/12/99999", "à", "le à 9h",
	}
	for i, s := range seeds {
		f.Add(s, int64(i)*3_600_007, uint8(i), i%2 == 0)
	}
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	const span = 50 * 365 * 24 * 3600 // seconds either side of base
	f.Fuzz(func(t *testing.T, s string, shift int64, zone uint8, fr bool) {
		loc := whenFuzzZones[int(zone)%len(whenFuzzZones)]
		now := base.Add(time.Duration(shift%span) * time.Second).In(loc)
		lang := "en"
		if fr {
			lang = "fr"
		}
		got, err := Parse(s, now, loc, lang)
		if err != nil {
			checkWhenFuzzError(t, s, lang, err)
			return
		}
		checkWhenFuzzResult(t, s, lang, now, loc, got)
	})
}

// checkWhenFuzzError checks err is a *Error describing input s in the
// reader's language.
func checkWhenFuzzError(t *testing.T, s, lang string, err error) {
	t.Helper()
	var we *Error
	if !errors.As(err, &we) {
		t.Fatalf("Parse(%q) error %T, want *Error", s, err)
	}
	prefix := map[string]string{"en": "Cannot read ", "fr": "Impossible de lire "}[lang]
	if we.Input != s || we.Msg == "" || !strings.HasPrefix(err.Error(), prefix) {
		t.Fatalf("Parse(%q) error %#v: want Input set and a message", s, we)
	}
}

// checkWhenFuzzResult checks the properties every successful result has.
func checkWhenFuzzResult(t *testing.T, s, lang string, now time.Time, loc *time.Location, got time.Time) {
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
	case strings.Contains(last, "/") && !startsWithWhenDigit(last):
		if !strings.EqualFold(got.Location().String(), last) {
			t.Fatalf("Parse(%q) location %v, want the named zone", s, got.Location())
		}
	default:
		if got.Location() != loc {
			t.Fatalf("Parse(%q) location %v, want %v", s, got.Location(), loc)
		}
	}
	switch words[0] {
	case "now", "maintenant":
		if !got.Equal(now) {
			t.Fatalf("Parse(%q) = %v, want now %v", s, got, now)
		}
	case "in", "dans":
		if d := got.Sub(now); d <= 0 || d > maxWhenDuration {
			t.Fatalf("Parse(%q) is %v after now, want within (0, 366 days]", s, d)
		}
	default:
		checkWhenFuzzWallTime(t, s, lang, now, got)
	}
	if Format(got, got.Location(), lang, now) == "" {
		t.Fatalf("Format(%v) is empty", got)
	}
}

// checkWhenFuzzWallTime checks that a wall-clock result is a whole second
// and reads back to the same instant when written as an absolute time.
func checkWhenFuzzWallTime(t *testing.T, s, lang string, now, got time.Time) {
	t.Helper()
	if got.Nanosecond() != 0 {
		t.Fatalf("Parse(%q) = %v, want whole seconds", s, got)
	}
	abs := got.Format("2006-01-02 15:04:05")
	again, err := Parse(abs, now, got.Location(), lang)
	if err != nil || !again.Equal(got) {
		t.Fatalf("Parse(%q) = %v, but %q reads as %v, %v", s, got, abs, again, err)
	}
}
