package kit

import (
	"fmt"
	"strings"
	"time"

	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/when"
	"github.com/heraldhq/herald/publish"
)

// PauseKey is the card key of one pause of a brand: its card is updated in
// place when the pause ends, and a later pause gets a card of its own.
func PauseKey(p publish.Pause) string { return fmt.Sprintf("pause:%d:%d", p.BrandID, p.At.Unix()) }

// PauseCard renders a brand's pause, or its end with the posts it made
// miss (each with Publish now, Reschedule and Cancel). It reads nothing.
func PauseCard(v publish.PauseView) commands.Card {
	loc, p := v.Brand.Location(), v.Pause
	brand := " --brand " + commands.Quote(v.Brand.Name)
	c := commands.Card{Key: PauseKey(p), Tone: "danger", Title: "Publishing paused · " + v.Brand.Name}
	until := "until someone resumes it"
	if !p.Until.IsZero() {
		until = "until " + when.Format(p.Until, loc, "", time.Time{})
	}
	c.Fields = []commands.Field{
		{Label: "Paused by", Value: p.By.Display() + ", " + Stamp(p.At, loc), Short: true},
		{Label: "Until", Value: until, Short: true},
		{Label: "Why", Value: p.Why(), Verbatim: true},
	}
	if !v.Ended {
		c.Text = fmt.Sprintf("No scheduled post of %s starts while this lasts: %d post(s) held. A confirmed publish still goes out.", v.Brand.Name, v.Held)
		c.Buttons = []commands.Button{{Label: "Resume", Command: "resume" + brand, Style: "primary"}}
		return c
	}
	c.Tone, c.Title = "good", "Publishing resumed · "+v.Brand.Name
	c.Text = fmt.Sprintf("Resumed by %s, %s. Posts still ahead keep their times.", v.EndedBy.Display(), Stamp(v.EndedAt, loc))
	if len(v.Missed) == 0 {
		c.Text += " No post's time passed during the pause."
		return c
	}
	ids := make([]string, len(v.Missed))
	for i, d := range v.Missed {
		ids[i] = fmt.Sprintf("#%d", d.ID)
		id := fmt.Sprint(d.ID)
		c.Fields = append(c.Fields, commands.Field{Label: fmt.Sprintf("#%d · was due %s", d.ID, when.Format(d.PublishAt, loc, "", time.Time{})), Value: FirstLine(d.Text, 80), Verbatim: true})
		c.Buttons = append(c.Buttons,
			commands.Button{Label: "Publish #" + id + " now", Command: "publish " + id, Style: "primary"},
			commands.Button{Label: "Reschedule #" + id, Command: "schedule " + id, Input: "when"},
			commands.Button{Label: "Cancel #" + id, Command: "cancel " + id, Style: "danger", Input: "reason"})
	}
	c.Text += fmt.Sprintf(" Missed, not published by themselves (their time passed during the pause): %s.", strings.Join(ids, ", "))
	return c
}
