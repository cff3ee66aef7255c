package rss

import (
	"strings"
	"time"
)

// zones are the abbreviations RSS dates use (RFC 822's North American
// zones and a few others common in feeds); Go's parser would read them
// as UTC.
var zones = map[string]string{
	"EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
	"MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
	"AST": "-0400", "ADT": "-0300", "AKST": "-0900", "AKDT": "-0800",
	"HST": "-1000", "HDT": "-0900", "NST": "-0330", "NDT": "-0230",
	"GMT": "+0000", "UTC": "+0000", "UT": "+0000", "Z": "+0000",
	"WET": "+0000", "WEST": "+0100", "BST": "+0100", "CET": "+0100", "CEST": "+0200",
	"MET": "+0100", "MEST": "+0200", "EET": "+0200", "EEST": "+0300", "MSK": "+0300",
	"JST": "+0900", "KST": "+0900", "AEST": "+1000", "AEDT": "+1100",
	// US zones without standard or daylight (Disney's feeds), as standard.
	"AT": "-0400", "ET": "-0500", "CT": "-0600", "MT": "-0700", "PT": "-0800",
}

// dateLayouts are tried in order, after the weekday is dropped, commas
// made spaces, and a zone abbreviation or a "+01:00" offset after the
// time written as "+0100".
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006-01",
	"2006",
	"2006/01/02 15:04:05",
	"2006/01/02",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04 -0700",
	"2 Jan 06 15:04:05 -0700",
	"2 January 2006 15:04:05 -0700",
	"2 January 2006 15:04 -0700",
	"2 Jan 2006 15:04:05",
	"2 Jan 2006 15:04",
	"2 Jan 2006",
	"2 January 2006",
	"Jan 2 2006 15:04:05 -0700",
	"Jan 2 2006 15:04:05",
	"Jan 2 2006",
	"January 2 2006 15:04:05 -0700",
	"January 2 2006",
}

// parseDate reads the dates found in real feeds: RFC 3339 and W3C-DTF
// (Atom, Dublin Core: 2003-12-13T18:30:02Z, down to 2003-12 or 2003),
// RFC 822/1123 with or without weekday or seconds, with a numeric zone
// (+0100 or +01:00) or an abbreviation (EST, PDT, CEST...), and the
// variants the corpora show (Mon, 13 Feb, 2012 10:00:00 GMT; Jan 2, 2006;
// a zone name in parentheses after the offset). The result is in UTC.
func parseDate(s string) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	s = dropWeekday(s)
	if i := strings.LastIndexByte(s, '('); i > 0 && strings.HasSuffix(s, ")") {
		s = strings.TrimSpace(s[:i]) // "+0000 (GMT)"
	}
	if strings.Contains(s, " ") {
		s = strings.Join(strings.Fields(strings.ReplaceAll(s, ",", " ")), " ")
	}
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		s = s[:i+1] + zoneOffset(s[i+1:])
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// dropWeekday removes a leading day of the week: "Mon, ", "Monday, ",
// "Fri,24 Nov", or "Thu Aug 30" (JavaScript's form).
func dropWeekday(s string) string {
	if i := strings.IndexByte(s, ','); i >= 0 && i < 10 && weekday(s[:i]) {
		return strings.TrimSpace(s[i+1:])
	}
	if i := strings.IndexByte(s, ' '); i >= 3 && i < 10 && weekday(s[:i]) && i+1 < len(s) && !startsWithDigit(s[i+1:]) {
		return s[i+1:]
	}
	return s
}

// zoneOffset writes the zone at the end of an RFC 822 date as an offset
// Go reads: EST, Etc/GMT and AKST by the table, +01:00 and GMT-01:00 as
// +0100 and -0100; anything else is returned as it is.
func zoneOffset(z string) string {
	u := strings.TrimPrefix(strings.ToUpper(z), "ETC/")
	if off, ok := zones[u]; ok {
		return off
	}
	for _, p := range []string{"GMT", "UTC", "UT"} {
		if rest, ok := strings.CutPrefix(u, p); ok && rest != "" && (rest[0] == '+' || rest[0] == '-') {
			u = rest
			break
		}
	}
	if len(u) == 6 && (u[0] == '+' || u[0] == '-') && u[3] == ':' {
		return u[:3] + u[4:]
	}
	if len(u) == 5 && (u[0] == '+' || u[0] == '-') {
		return u
	}
	return z
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// weekday reports whether s names a day of the week (Mon, Monday, tue.).
func weekday(s string) bool {
	s = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), "."))
	if len(s) < 3 {
		return false
	}
	for _, d := range []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"} {
		if strings.HasPrefix(d, s) {
			return true
		}
	}
	return false
}
