package console

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/heraldhq/herald/commands"
)

// Render turns a response into indented text: cards as boxes, buttons as
// the command to type, forms as the command with its fields.
func Render(r commands.Response) string {
	var b strings.Builder
	if r.Text != "" {
		prefix := "  "
		if r.ErrCode != "" {
			prefix = "  ✗ "
		}
		writeIndented(&b, prefix, "  ", r.Text)
	}
	for _, c := range r.Cards {
		renderCard(&b, c)
	}
	if f := r.Form; f != nil {
		renderForm(&b, f)
	}
	if r.Ephemeral && r.ErrCode == "" && b.Len() > 0 {
		b.WriteString("  " + r.Lang.T("(only you can see this)") + "\n")
	}
	return b.String()
}

func writeIndented(b *strings.Builder, first, rest, text string) {
	for i, l := range strings.Split(text, "\n") {
		if i == 0 {
			b.WriteString(first)
		} else {
			b.WriteString(rest)
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
}

// fieldsPerLine keeps card lines short enough for a terminal.
const fieldsPerLine = 2

// excerptText shows an excerpt's marked runs between ** as a terminal
// reader expects.
func excerptText(e commands.Excerpt) string {
	var b strings.Builder
	for _, seg := range e.Segments() {
		text := strings.Map(printable, seg.Text)
		if seg.Marked {
			text = "**" + text + "**"
		}
		b.WriteString(text)
	}
	return b.String()
}

// printable drops the control characters (terminal escapes) of text from
// outside, keeping line breaks.
func printable(r rune) rune {
	if r != '\n' && unicode.IsControl(r) {
		return -1
	}
	return r
}

var toneMarks = map[string]string{"good": "✓ ", "warning": "… ", "danger": "! "}

func renderCard(b *strings.Builder, c commands.Card) {
	fmt.Fprintf(b, "  ┌ %s%s\n", toneMarks[c.Tone], c.Title)
	if c.Text != "" {
		writeIndented(b, "  │ ", "  │ ", c.Text)
	}
	if c.Excerpt != nil && c.Excerpt.Text != "" {
		writeIndented(b, "  │ > ", "  │ > ", excerptText(*c.Excerpt))
	}
	var row []string
	flush := func() {
		if len(row) > 0 {
			fmt.Fprintf(b, "  │ %s\n", strings.Join(row, " · "))
			row = row[:0]
		}
	}
	for _, f := range c.Fields {
		if strings.Contains(f.Value, "\n") { // a list: lines of its own
			flush()
			fmt.Fprintf(b, "  │ %s:\n", f.Label)
			writeIndented(b, "  │   ", "  │   ", f.Value)
			continue
		}
		row = append(row, f.Label+": "+f.Value)
		if len(row) == fieldsPerLine {
			flush()
		}
	}
	flush()
	for _, ctx := range c.Context {
		fmt.Fprintf(b, "  │ %s\n", ctx)
	}
	if len(c.Buttons) == 0 {
		b.WriteString("  └\n")
		return
	}
	for i, btn := range c.Buttons {
		corner := "├"
		if i == len(c.Buttons)-1 {
			corner = "└"
		}
		if btn.URL != "" {
			fmt.Fprintf(b, "  %s [%s] %s\n", corner, btn.Label, btn.URL)
			continue
		}
		fmt.Fprintf(b, "  %s [%s] /herald %s\n", corner, btn.Label, ButtonCommand(btn))
	}
}

// ButtonCommand is what to type to press a button: its command, plus a
// placeholder for the input it asks for.
func ButtonCommand(btn commands.Button) string {
	if btn.Input == "" {
		return btn.Command
	}
	return btn.Command + " " + strings.ToUpper(btn.Input)
}

func renderForm(b *strings.Builder, f *commands.Form) {
	parts := []string{"/herald", f.Command}
	for _, fl := range f.Fields {
		var s string
		if fl.Name == "text" {
			s = `"TEXT"`
		} else {
			ph := fl.Placeholder
			if ph == "" {
				ph = strings.ToUpper(fl.Name)
			}
			s = "--" + fl.Name + " " + ph
		}
		if fl.Optional {
			s = "[" + s + "]"
		}
		parts = append(parts, s)
	}
	fmt.Fprintf(b, "  %s: type %s\n", f.Title, strings.Join(parts, " "))
	for _, fl := range f.Fields {
		if fl.Value != "" {
			b.WriteString("  Current " + strings.ToLower(fl.Label) + ":\n")
			writeIndented(b, "    ", "    ", fl.Value)
		}
	}
}
