package commands

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands/i18n"
)

// Response is what a command answers, independent of any platform. Each
// adapter renders it: Block Kit on Slack, embeds and components on Discord,
// text in the console.
type Response struct {
	Text      string
	Cards     []Card
	Form      *Form // ask the user for input (a modal where the platform has them)
	Ephemeral bool  // only the actor sees it
	ErrCode   string
	// Mentions are people the message is for (a reminder's reviewers):
	// each adapter notifies those of its platform in its own way.
	Mentions []herald.Actor
	// Lang is the language of the person answered: the adapter writes
	// its own words around the response (e.g. "only you can see this")
	// in it. Router.Run sets it; "" is English.
	Lang i18n.Lang
}

// Card is a structured message. Cards with the same Key show the same thing
// (e.g. "draft:12"): when one changes, every copy is updated in place.
type Card struct {
	Key     string
	Title   string
	Text    string
	Fields  []Field
	Context []string
	Buttons []Button
	Tone    string // "", "good", "warning" or "danger"
	// Excerpt, when set, is text from outside Herald (a mention) shown as
	// a quote under Text.
	Excerpt *Excerpt
	// Media are the pictures and videos the card shows (a draft's), in
	// order: each adapter shows what its platform can.
	Media []CardMedia
	// Lang is the language the card is worded in (a draft card: the
	// brand's); adapters word what they add to it (media lines) in it.
	// "" is English.
	Lang i18n.Lang `json:",omitempty"`
}

// CardMedia is a picture or video on a card. Adapters that upload it for
// display read its bytes by SHA256 from the media store they were given;
// Link, when set, is a signed public URL of it.
type CardMedia struct {
	SHA256        string
	Name          string
	Type          string // image/jpeg, …, video/mp4
	Size          int64
	Width, Height int
	Alt           string
	Link          string
}

// Excerpt is text Herald did not write (a post found on the web), shown
// verbatim: adapters escape everything in it, so that it can neither
// format, link nor ping, and show its Marks (the matched terms) in bold.
type Excerpt struct {
	Text  string
	Marks [][2]int // byte ranges of Text, ascending and not overlapping
}

// Segment is a run of an excerpt's text, marked or not.
type Segment struct {
	Text   string
	Marked bool
}

// Segments splits the excerpt into runs of plain and marked text, in
// order. Marks out of range, overlapping, out of order or not on
// character boundaries are ignored, never trusted.
func (e Excerpt) Segments() []Segment {
	var out []Segment
	at := 0
	for _, m := range e.Marks {
		lo, hi := m[0], m[1]
		if lo < at || hi <= lo || hi > len(e.Text) || !boundary(e.Text, lo) || !boundary(e.Text, hi) {
			continue
		}
		if lo > at {
			out = append(out, Segment{Text: e.Text[at:lo]})
		}
		out = append(out, Segment{Text: e.Text[lo:hi], Marked: true})
		at = hi
	}
	if at < len(e.Text) {
		out = append(out, Segment{Text: e.Text[at:]})
	}
	return out
}

// boundary reports whether i starts a character of s (or ends s).
func boundary(s string, i int) bool { return i == len(s) || utf8.RuneStart(s[i]) }

// Field is a labelled value on a card.
type Field struct {
	Label string
	Value string
	Short bool
	// Verbatim marks a value from outside Herald (a mention's author):
	// adapters show it as text, never as markup.
	Verbatim bool
}

// Button runs a command line when clicked, as the person who clicks it.
// Input names a parameter the platform must ask for first (a form field);
// the adapter appends the answer to Command.
type Button struct {
	Label   string
	Command string
	Style   string // "", "primary" or "danger"
	Input   string
	// URL, when set, makes a link button: it opens URL (an http or https
	// address) and runs no command; Command and Input are ignored.
	URL string
}

// Form asks for the parameters of a command. Submitting it runs Command
// with the fields given as flags or the text.
type Form struct {
	Title   string
	Command string
	Fields  []FormField
}

// FormField is one input of a form.
type FormField struct {
	Name      string // the parameter it fills
	Label     string
	Value     string // prefilled value
	Multiline bool
	Optional  bool
	// Flag is set when the field fills a --flag; otherwise it is a
	// positional parameter, appended after the command in field order.
	Flag bool
	// Placeholder shows the kind of value expected, e.g. WHEN.
	Placeholder string
	// File makes the field a file upload where the platform's forms have
	// one (Slack's file_input): the files arrive in Call.Files, never in
	// the command line. Other platforms leave the field out.
	File bool `json:",omitempty"`
}

// FormLine returns the command line that submitting a form runs: command,
// then the positional fields quoted, then the non-empty flags. Every
// platform's form submission goes through it, and so through the parser.
func FormLine(command string, fields []FormField, values map[string]string) string {
	var b strings.Builder
	b.WriteString(command)
	for _, f := range fields {
		if v := strings.TrimSpace(values[f.Name]); v != "" && !f.Flag && !f.File {
			b.WriteString(" " + Quote(v))
		}
	}
	for _, f := range fields {
		if v := strings.TrimSpace(values[f.Name]); v != "" && f.Flag && !f.File {
			b.WriteString(" --" + f.Name + " " + Quote(v))
		}
	}
	return b.String()
}

// ButtonLine returns the command line a button runs once its Input (if
// any) is answered.
func ButtonLine(btn Button, input string) string {
	if btn.Input == "" {
		return btn.Command
	}
	return FormLine(btn.Command, []FormField{{Name: btn.Input}}, map[string]string{btn.Input: input})
}

// Quote quotes s so that the parser reads it back as one value, whatever
// it holds (quotes, backslashes, line breaks).
func Quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `”`, `\”`)
	return `"` + r.Replace(s) + `"`
}

// Error returns an ephemeral response carrying one clear sentence.
func errorResponse(code, msg string) Response {
	return Response{Text: msg, Ephemeral: true, ErrCode: code}
}

// Announce brings news about a card to chat: every copy of the card is
// updated and the note posted in its thread, on every platform.
type Announce func(ctx context.Context, card Card, note Response)

// invalid is an EINVALID error whose message is already worded (in the
// reader's language).
func invalid(msg string) *herald.Error { return &herald.Error{Code: herald.EINVALID, Message: msg} }

// InputLabel names, in l, the input a button asks for (its Input): the
// label of a form's field, a console's placeholder (in capitals).
func InputLabel(l i18n.Lang, input string) string {
	switch input {
	case "comment":
		return l.T("Comment")
	case "reason":
		return l.T("Reason")
	case "when":
		return l.T("When")
	case FileInput:
		return l.T("File")
	}
	name := strings.ReplaceAll(input, "-", " ")
	r, n := utf8.DecodeRuneInString(name)
	return string(unicode.ToUpper(r)) + name[n:]
}
