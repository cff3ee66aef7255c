package kit

import (
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/when"
)

// IDParam is a draft's number, the first parameter of the commands on a draft.
var IDParam = commands.Param{Name: "id", Kind: commands.ID, Required: true, Help: "the draft's number, e.g. 12"}

// BrandFlag names the brand a command acts on, when the channel has no default.
var BrandFlag = commands.Param{Name: "brand", Kind: commands.String, Flag: true, Help: "the brand, when the channel has no default"}

// Stamp formats an instant for lists and logs, in the brand's zone.
func Stamp(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04:05 MST")
}

// StampIn formats an instant for a reader of l, in the brand's zone: in
// English as Stamp ("2026-11-22 10:00:00 CET"), in French as a French
// reader writes it, to the minute ("dim. 22 nov. 2026 à 10 h 00").
func StampIn(l i18n.Lang, t time.Time, loc *time.Location) string {
	if l == i18n.French {
		return when.Format(t.Truncate(time.Minute), loc, string(l), time.Time{})
	}
	return Stamp(t, loc)
}

// WhenText shows an instant to a reader of lang, in the brand's zone, as
// WHEN answers do: "Tue 1 Dec 2026 09:00 CET" in English, "mar. 1er déc.
// 2026 à 9 h 00" in French (with the year: no clock says which year it is;
// when.Format drops it given now).
func WhenText(t time.Time, loc *time.Location, lang i18n.Lang) string {
	return when.Format(t, loc, string(lang), time.Time{})
}

// FirstLine returns the first line of s, cut to n characters.
func FirstLine(s string, n int) string {
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

// OneLine flattens s and cuts it to n characters.
func OneLine(s string, n int) string { return FirstLine(strings.Join(strings.Fields(s), " "), n) }

// ReaderLang is the language of what a reads alone, as a code ("fr"): the
// person's, else the brand's. A WHEN typed by a is read in it (3/12 is
// the 3rd of December to a French reader) and its errors written.
func ReaderLang(a herald.Actor, b herald.Brand) string { return string(PersonLang(a, b)) }
