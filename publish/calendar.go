package publish

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
)

// calendarStates are the drafts a brand's calendar shows.
var calendarStates = []approvals.State{
	approvals.StateScheduled, approvals.StatePublishing, approvals.StatePublished,
	approvals.StateUnconfirmed, approvals.StateFailed, approvals.StateMissed,
}

// CalendarWords are the words of a brand's calendar feed. The feed is
// language-free: the edge gives the words, in the brand's language
// (commands/kit.CalendarWords).
type CalendarWords struct {
	// Name names a brand's calendar: "Acme · posts".
	Name func(brand string) string
	// Summary is a post's event summary: "#12 scheduled: its first line".
	Summary func(id int64, state approvals.State, firstLine string) string
	// Held marks the summary of a post a pause holds: "[held] #12 …".
	Held func(summary string) string
	// HeldDetail says why a post is held: "held: the reason".
	HeldDetail func(p Pause) string
	// Targets lists where a post goes: "Targets: mastodon:acme".
	Targets func(targets string) string
}

// Feed returns the iCalendar feed (RFC 5545) of the brand whose calendar
// token is token: its scheduled and published posts, in the words words
// gives for the brand. An unknown or revoked token is ENOTFOUND.
func (s *Service) Feed(ctx context.Context, token string, words func(herald.Brand) CalendarWords) ([]byte, error) {
	if token == "" || len(token) > 64 {
		return nil, herald.Errorf(herald.ENOTFOUND, "No such calendar.")
	}
	id, err := s.store.CalendarBrand(ctx, TokenHash(token))
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return nil, herald.Errorf(herald.ENOTFOUND, "No such calendar.")
	}
	if err != nil {
		return nil, err
	}
	b, err := s.store.Brand(ctx, id)
	if err != nil {
		return nil, err
	}
	ds, err := s.store.Drafts(ctx, approvals.DraftFilter{BrandIDs: []int64{id}, States: calendarStates, Limit: 2000})
	if err != nil {
		return nil, err
	}
	p, paused, err := s.BrandPause(ctx, id)
	if err != nil {
		return nil, err
	}
	if !paused {
		return ICS(b, ds, s.now(), words(b)), nil
	}
	return HeldICS(b, ds, s.now(), p, words(b)), nil
}

// ICS renders drafts with a publication time as an iCalendar feed: one
// 15-minute event per post, in UTC, in the words w.
func ICS(b herald.Brand, ds []approvals.Draft, now time.Time, w CalendarWords) []byte {
	return ics(b, ds, now, nil, w)
}

// HeldICS is ICS while the brand's publishing is paused by p: the posts p
// holds are TENTATIVE, their summary starts with "[held]" (w.Held) and
// their description says why, as calendar apps show the summary first and
// most of them grey out tentative events.
func HeldICS(b herald.Brand, ds []approvals.Draft, now time.Time, p Pause, w CalendarWords) []byte {
	return ics(b, ds, now, &p, w)
}

// Holds reports whether the pause p holds the draft d: scheduled, and due
// before the pause ends by itself (if it does).
func (p Pause) Holds(d approvals.Draft) bool {
	return d.State == approvals.StateScheduled && (p.Until.IsZero() || !d.PublishAt.After(p.Until))
}

func ics(b herald.Brand, ds []approvals.Draft, now time.Time, p *Pause, words CalendarWords) []byte {
	var w icsWriter
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.line("PRODID:-//Herald//Herald publishing calendar//EN")
	w.line("CALSCALE:GREGORIAN")
	w.line("METHOD:PUBLISH")
	w.prop("X-WR-CALNAME", words.Name(b.Name))
	w.prop("X-WR-TIMEZONE", b.Location().String())
	for _, d := range ds {
		if d.PublishAt.IsZero() {
			continue
		}
		w.line("BEGIN:VEVENT")
		w.line(fmt.Sprintf("UID:herald-draft-%d-%d@herald", d.ID, b.ID))
		w.line("DTSTAMP:" + icsTime(now))
		w.line("DTSTART:" + icsTime(d.PublishAt))
		w.line("DURATION:PT15M")
		w.line("LAST-MODIFIED:" + icsTime(d.UpdatedAt))
		held := p != nil && p.Holds(d)
		summary := words.Summary(d.ID, d.State, firstLine(d.Text, 60))
		desc := d.Text
		if held {
			summary, desc = words.Held(summary), words.HeldDetail(*p)+"\n\n"+desc
		}
		w.prop("SUMMARY", summary)
		if len(d.Targets) > 0 {
			desc += "\n\n" + words.Targets(herald.FormatTargets(d.Targets))
		}
		w.prop("DESCRIPTION", desc)
		status := "CONFIRMED"
		if d.State == approvals.StateMissed || d.State == approvals.StateFailed {
			status = "CANCELLED"
		} else if held {
			status = "TENTATIVE"
		}
		w.line("STATUS:" + status)
		w.line("END:VEVENT")
	}
	w.line("END:VCALENDAR")
	return []byte(w.b.String())
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

func firstLine(s string, n int) string {
	s, _, cut := strings.Cut(s, "\n")
	if utf8.RuneCountInString(s) > n {
		s, cut = string([]rune(s)[:n]), true
	}
	if cut {
		s += "…"
	}
	return s
}

// icsWriter writes content lines: CRLF endings, folded at 75 octets
// without splitting a UTF-8 sequence.
type icsWriter struct{ b strings.Builder }

var icsEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

// prop writes a property whose value is TEXT, escaped. Invalid UTF-8
// (a brand name is not checked) becomes U+FFFD: a feed is UTF-8. Control
// characters, which TEXT may not hold, are dropped (line breaks are
// escaped, tabs kept).
func (w *icsWriter) prop(name, value string) {
	value = strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(value, "\uFFFD"))
	w.line(name + ":" + icsEscaper.Replace(value))
}

func (w *icsWriter) line(s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if cut == 0 { // no rune start: not UTF-8; cut anyway, never loop
			cut = limit
		}
		w.b.WriteString(s[:cut])
		w.b.WriteString("\r\n ") // the space of a continuation counts
		s = s[cut:]
		limit = 74
	}
	w.b.WriteString(s)
	w.b.WriteString("\r\n")
}
