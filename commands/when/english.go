package when

import "time"

// vocabulary holds the words of one language that Parse reads: the
// grammar (numbers, dates, zones) is shared, the words are not.
type vocabulary struct {
	// defaultClock is used when the user names a day but no time.
	defaultClock whenClock
	// dayOffsets maps relative day words to a number of days from today.
	dayOffsets map[string]int
	// weekdays maps weekday names and abbreviations to weekdays.
	weekdays map[string]time.Weekday
	// meridiems maps am/pm suffixes to the hours they add to a 12-hour clock.
	meridiems map[string]int
	// units maps duration unit words to their length.
	units map[string]time.Duration
	// keywords maps words that stand for a whole form to their parser.
	keywords map[string]func(whenRequest, []string) (time.Time, error)
}

// english is the vocabulary of Parse. It is never modified.
var english = &vocabulary{
	defaultClock: whenClock{hour: 9},
	dayOffsets: map[string]int{
		"today":    0,
		"tomorrow": 1,
	},
	weekdays: map[string]time.Weekday{
		"sun": time.Sunday, "sunday": time.Sunday,
		"mon": time.Monday, "monday": time.Monday,
		"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
		"wed": time.Wednesday, "wednesday": time.Wednesday,
		"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
		"fri": time.Friday, "friday": time.Friday,
		"sat": time.Saturday, "saturday": time.Saturday,
	},
	meridiems: map[string]int{"am": 0, "pm": 12},
	units: map[string]time.Duration{
		"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
		"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
		"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
		"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
		"w": 7 * 24 * time.Hour, "wk": 7 * 24 * time.Hour, "wks": 7 * 24 * time.Hour,
		"week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
	},
	keywords: map[string]func(whenRequest, []string) (time.Time, error){
		"now": whenRequest.parseNow,
		"in":  whenRequest.parseIn,
	},
}
