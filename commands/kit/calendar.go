package kit

import (
	"fmt"

	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/publish"
)

// CalendarWords are the words of a brand's calendar feed in lang, the
// brand's (the feed is for the brand's people): publish.Service.Feed and
// ICS take them, being language-free.
func CalendarWords(lang i18n.Lang) publish.CalendarWords {
	return publish.CalendarWords{
		Name:    func(brand string) string { return lang.F("%s · posts", brand) },
		Summary: func(id int64, s approvals.State, line string) string { return calendarSummary(id, s, line, lang) },
		Held:    func(summary string) string { return lang.F("[held] %s", summary) },
		HeldDetail: func(p publish.Pause) string {
			return lang.F("held: %s", PauseWhy(p, lang))
		},
		Targets: func(targets string) string { return lang.F("Targets: %s", targets) },
	}
}

// calendarSummary is a post's event summary: "#12 scheduled: first line".
func calendarSummary(id int64, s approvals.State, line string, lang i18n.Lang) string {
	switch s {
	case approvals.StateScheduled:
		return lang.F("#%d scheduled: %s", id, line)
	case approvals.StatePublishing:
		return lang.F("#%d publishing: %s", id, line)
	case approvals.StatePublished:
		return lang.F("#%d published: %s", id, line)
	case approvals.StateUnconfirmed:
		return lang.F("#%d unconfirmed: %s", id, line)
	case approvals.StateFailed:
		return lang.F("#%d failed: %s", id, line)
	case approvals.StateMissed:
		return lang.F("#%d missed: %s", id, line)
	}
	return fmt.Sprintf("#%d %s: %s", id, s.Label(), line)
}
