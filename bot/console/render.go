package console

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/media"
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
		renderCard(&b, c, r.Lang)
	}
	if f := r.Form; f != nil {
		renderForm(&b, f, r.Lang)
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

// Width is the terminal width cards fit in: their lines wrap inside the
// border.
const Width = 80

// box writes a card's lines, each wrapped to Width inside the border,
// and remembers the widest for the bottom edge.
type box struct {
	b      *strings.Builder
	widest int
}

// line writes text after prefix, wrapped so that every line fits Width;
// a continuation starts with cont.
func (x *box) line(prefix, cont, text string) {
	for i, l := range wrap(text, Width-columns(prefix), Width-columns(cont)) {
		p := prefix
		if i > 0 {
			p = cont
		}
		x.b.WriteString(p + l + "\n")
		x.widest = max(x.widest, columns(p+l))
	}
}

// lines writes each line of text, as line does.
func (x *box) lines(prefix, cont, text string) {
	for _, l := range strings.Split(text, "\n") {
		x.line(prefix, cont, l)
	}
}

// renderCard draws a card; the console's own words around it (a button's
// placeholder, the colon after a label) are in l.
func renderCard(b *strings.Builder, c commands.Card, l i18n.Lang) {
	colon := ": "
	if l == i18n.French {
		colon = "\u202f: " // a narrow no-break space before the colon
	}
	x := &box{b: b}
	x.line("  ┌ "+toneMarks[c.Tone], "  │ ", c.Title)
	if c.Text != "" {
		x.lines("  │ ", "  │ ", c.Text)
	}
	if c.Excerpt != nil && c.Excerpt.Text != "" {
		x.lines("  │ > ", "  │ > ", excerptText(*c.Excerpt))
	}
	var row []string
	flush := func() {
		if len(row) > 0 {
			x.line("  │ ", "  │   ", strings.Join(row, " · "))
			row = row[:0]
		}
	}
	for _, f := range c.Fields {
		if strings.Contains(f.Value, "\n") { // a list: lines of its own
			flush()
			x.line("  │ ", "  │ ", f.Label+strings.TrimRight(colon, " "))
			x.lines("  │   ", "  │     ", f.Value)
			continue
		}
		row = append(row, f.Label+colon+f.Value)
		if len(row) == fieldsPerLine {
			flush()
		}
	}
	flush()
	renderMedia(x, c.Media, l)
	for _, ctx := range c.Context {
		x.line("  │ ", "  │ ", ctx)
	}
	if len(c.Buttons) == 0 {
		// No buttons: a bottom edge as wide as the card closes it.
		b.WriteString("  └" + strings.Repeat("─", max(x.widest-3, 1)) + "\n")
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
		fmt.Fprintf(b, "  %s [%s] /herald %s\n", corner, btn.Label, buttonCommand(l, btn))
	}
}

// wrap cuts one line of text into lines of at most first columns, then
// rest, at spaces when it can; a word longer than that is cut. Empty text
// is one empty line.
func wrap(text string, first, rest int) []string {
	var out []string
	for width := max(first, 10); ; width = max(rest, 10) {
		cut, fits := cutAt(text, width)
		if fits {
			if text != "" || len(out) == 0 {
				out = append(out, text)
			}
			return out
		}
		out = append(out, strings.TrimRight(text[:cut], " "))
		text = strings.TrimLeft(text[cut:], " ")
		if text == "" {
			return out
		}
	}
}

// cutAt returns where to cut text so that its head fits width columns:
// after the last space that fits, else after the last character that
// fits (at least one). fits is true when the whole text fits.
func cutAt(text string, width int) (cut int, fits bool) {
	used, lastSpace := 0, -1
	for i, r := range text {
		if used += runeColumns(r); used > width {
			if lastSpace > 0 && r != ' ' {
				return lastSpace, false
			}
			if i == 0 {
				_, size := utf8.DecodeRuneInString(text)
				return size, false
			}
			return i, false
		}
		if r == ' ' {
			lastSpace = i
		}
	}
	return len(text), true
}

// columns is how many terminal columns s takes.
func columns(s string) int {
	n := 0
	for _, r := range s {
		n += runeColumns(r)
	}
	return n
}

// runeColumns is how many columns r takes: two for wide characters (CJK,
// emoji), none for combining marks and zero-width ones, else one.
func runeColumns(r rune) int {
	switch {
	case r == 0x200B || r == 0x200D || r == 0xFE0F || unicode.Is(unicode.Mn, r):
		return 0
	case r >= 0x1100 && (r <= 0x115F || (r >= 0x2E80 && r <= 0xA4CF) || (r >= 0xAC00 && r <= 0xD7A3) ||
		(r >= 0xF900 && r <= 0xFAFF) || (r >= 0xFE30 && r <= 0xFE4F) || (r >= 0xFF00 && r <= 0xFF60) ||
		(r >= 0xFFE0 && r <= 0xFFE6) || (r >= 0x1F300 && r <= 0x1FAFF) || (r >= 0x20000 && r <= 0x3FFFD)):
		return 2
	}
	return 1
}

// ButtonCommand is what to type to press a button: its command, plus a
// placeholder for the input it asks for.
func ButtonCommand(btn commands.Button) string { return buttonCommand(i18n.English, btn) }

// buttonCommand is ButtonCommand with the input's placeholder in l.
func buttonCommand(l i18n.Lang, btn commands.Button) string {
	if btn.Input == "" {
		return btn.Command
	}
	return btn.Command + " " + strings.ToUpper(commands.InputLabel(l, btn.Input))
}

func renderForm(b *strings.Builder, f *commands.Form, l i18n.Lang) {
	parts := []string{"/herald", f.Command}
	for _, fl := range f.Fields {
		var s string
		if fl.Name == "text" {
			s = `"` + strings.ToUpper(l.T("Text")) + `"`
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
	b.WriteString("  " + l.F("%s: type %s", f.Title, strings.Join(parts, " ")) + "\n")
	for _, fl := range f.Fields {
		if fl.Value != "" {
			b.WriteString("  " + l.F("Current %s:", strings.ToLower(fl.Label)) + "\n")
			writeIndented(b, "    ", "    ", fl.Value)
		}
	}
}

// Columns is how many terminal columns s takes (wide characters count
// two).
func Columns(s string) int { return columns(s) }

// renderMedia lists a card's pictures and videos, one a line: name,
// type, size, dimensions, alt text (or its lack), and the link when there
// is one. Names and alt text are people's words: control characters are
// dropped.
func renderMedia(x *box, ms []commands.CardMedia, l i18n.Lang) {
	if len(ms) == 0 {
		return
	}
	x.line("  │ ", "  │ ", l.T("Media:"))
	for i, m := range ms {
		parts := []string{oneLine(m.Name), m.Type, l.Sizes(media.Bytes(m.Size))}
		if m.Width > 0 && m.Height > 0 {
			parts = append(parts, fmt.Sprintf("%d×%d", m.Width, m.Height))
		}
		if m.Alt == "" {
			parts = append(parts, "⚠ "+l.T("no alt text"))
		} else {
			parts = append(parts, l.F("alt: %s", oneLine(m.Alt)))
		}
		x.line(fmt.Sprintf("  │   %d. ", i+1), "  │      ", strings.Join(parts, " · "))
		if m.Link != "" {
			x.line("  │      ", "  │      ", m.Link)
		}
	}
}

// oneLine keeps people's words on one line: control characters dropped,
// runs of spaces made one.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.Map(printable, s)), " ")
}
