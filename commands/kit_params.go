package commands

import (
	"strings"
	"time"
)

// idParam is a draft's number, the first parameter of the commands on a draft.
var idParam = Param{Name: "id", Kind: ID, Required: true, Help: "the draft's number, e.g. 12"}

// brandFlag names the brand a command acts on, when the channel has no default.
var brandFlag = Param{Name: "brand", Kind: String, Flag: true, Help: "the brand, when the channel has no default"}

// stamp formats an instant for lists and logs, in the brand's zone.
func stamp(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04:05 MST")
}

// excerpt returns the first line of s, cut to n characters.
func excerpt(s string, n int) string {
	s, _, cut := strings.Cut(s, "\n")
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	if cut {
		return s + " …"
	}
	return s
}

// oneLine flattens s and cuts it to n characters.
func oneLine(s string, n int) string { return excerpt(strings.Join(strings.Fields(s), " "), n) }
