package kit

import (
	"fmt"
	"strings"

	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/publish"
)

// PauseKey is the card key of one pause of a brand: its card is updated in
// place when the pause ends, and a later pause gets a card of its own.
func PauseKey(p publish.Pause) string { return fmt.Sprintf("pause:%d:%d", p.BrandID, p.At.Unix()) }

// PauseCard renders a brand's pause, or its end with the posts it made
// miss (each with Publish now, Reschedule and Cancel). It reads nothing.
// A channel sees it: callers pass the brand's language,
// i18n.Lang(v.Brand.Lang).
func PauseCard(v publish.PauseView, lang i18n.Lang) commands.Card {
	loc, p := v.Brand.Location(), v.Pause
	brand := " --brand " + commands.Quote(v.Brand.Name)
	c := commands.Card{Key: PauseKey(p), Tone: "danger", Title: lang.F("Publishing paused · %s", v.Brand.Name)}
	until := lang.T("until someone resumes it")
	if !p.Until.IsZero() {
		until = lang.F("until %s", WhenText(p.Until, loc, lang))
	}
	c.Fields = []commands.Field{
		{Label: lang.T("Paused by"), Value: p.By.Display() + ", " + StampIn(lang, p.At, loc), Short: true},
		{Label: lang.T("Until"), Value: until, Short: true},
		{Label: lang.T("Why"), Value: PauseWhy(p, lang), Verbatim: true},
	}
	if !v.Ended {
		c.Text = lang.F("No scheduled post of %s starts while this lasts: %s. A confirmed publish still goes out.", v.Brand.Name, lang.N(v.Held, "%d post held", "%d posts held"))
		c.Buttons = []commands.Button{{Label: lang.T("Resume"), Command: "resume" + brand, Style: "primary"}}
		return c
	}
	c.Tone, c.Title = "good", lang.F("Publishing resumed · %s", v.Brand.Name)
	c.Text = lang.F("Resumed by %s, %s. Posts still ahead keep their times.", v.EndedBy.Display(), StampIn(lang, v.EndedAt, loc))
	if len(v.Missed) == 0 {
		c.Text += " " + lang.T("No post's time passed during the pause.")
		return c
	}
	ids := make([]string, len(v.Missed))
	for i, d := range v.Missed {
		ids[i] = fmt.Sprintf("#%d", d.ID)
		c.Fields = append(c.Fields, commands.Field{Label: lang.F("#%d · was due %s", d.ID, WhenText(d.PublishAt, loc, lang)), Value: FirstLine(d.Text, 80), Verbatim: true})
		c.Buttons = append(c.Buttons, missedButtons(d.ID, lang)...)
	}
	c.Text += " " + lang.F("Missed, not published by themselves (their time passed during the pause): %s.", strings.Join(ids, ", "))
	return c
}

// missedButtons are the buttons of a post a pause made miss.
func missedButtons(id int64, lang i18n.Lang) []commands.Button {
	s := fmt.Sprint(id)
	return []commands.Button{
		{Label: lang.F("Publish #%d now", id), Command: "publish " + s, Style: "primary"},
		{Label: lang.F("Reschedule #%d", id), Command: "schedule " + s, Input: "when"},
		{Label: lang.F("Cancel #%d", id), Command: "cancel " + s, Style: "danger", Input: "reason"},
	}
}

// PauseWhy is why publishing is paused: the reason given (people's
// words, as typed), else "publishing paused" in lang.
func PauseWhy(p publish.Pause, lang i18n.Lang) string {
	if p.Reason == "" {
		return lang.T("publishing paused")
	}
	return p.Reason
}
