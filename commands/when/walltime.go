package when

import "time"

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
