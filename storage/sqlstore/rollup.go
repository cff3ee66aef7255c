package sqlstore

import "time"

// The sizes of the rollup buckets in milliseconds: mention_counts by UTC
// hour, mention_day_counts and mention_authors by UTC day.
const (
	HourMS = int64(time.Hour / time.Millisecond)
	DayMS  = 24 * HourMS
)
