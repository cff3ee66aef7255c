package discord

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
)

// Custom id prefixes of Herald's components. A run button's custom id is
// CustomRun + the command line it runs; an ask button's is CustomAsk + the
// input it asks for + ":" + the command line; a modal's is CustomForm +
// the command its answers complete.
const (
	CustomRun  = "herald.run:"
	CustomAsk  = "herald.ask."
	CustomForm = "herald.form:"
)

// Discord's message, embed and component limits (platform brief §2.5,
// §2.7), in characters.
const (
	maxContent       = 2000 // a message's content
	maxEmbeds        = 10   // embeds in a message
	maxEmbedTitle    = 256
	maxEmbedDesc     = 4096
	maxEmbedFields   = 25
	maxFieldName     = 256
	maxFieldValue    = 1024
	maxFooter        = 2048
	maxEmbedTotal    = 6000 // every embed's title, description, fields and footer together
	maxCustomID      = 100
	maxButtonLabel   = 80
	maxButtonsPerRow = 5
	maxRows          = 5 // action rows in a message
	maxModalTitle    = 45
	maxModalInputs   = 5
	maxInputLabel    = 45
	maxInputValue    = 4000
	maxPlaceholder   = 100
	maxAutocomplete  = 25 // choices in an autocomplete answer
	flagEphemeral    = 1 << 6
)

// Interaction callback types Herald uses.
const (
	callbackPong           = 1
	callbackMessage        = 4
	callbackDeferred       = 5
	callbackDeferredUpdate = 6
	callbackChoices        = 8 // autocomplete
	callbackModal          = 9
)

// toneColors are the embed colours of a card's Tone.
var toneColors = map[string]int{"good": 0x2EB67D, "warning": 0xECB22E, "danger": 0xE01E5A, "": 0x5865F2}

// toneEmoji is how a card's Tone shows before its title.
var toneEmoji = map[string]string{"good": "✅ ", "warning": "⏳ ", "danger": "⛔ "}

// buttonStyles maps a commands.Button style to Discord's; others are
// secondary (grey).
var buttonStyles = map[string]discordgo.ButtonStyle{"primary": discordgo.PrimaryButton, "danger": discordgo.DangerButton}

// message is one message as Herald sends it: to a channel, as an
// interaction's answer or follow-up, or as an edit. It always carries
// allowed_mentions with nothing to parse, so no text Herald posts can ping
// anyone (@everyone, a role, a user), and empty embeds and components are
// sent as [] so that an edit clears them.
type message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	Flags      int
	ReplyTo    string   // message id this one answers, in the same channel
	Nonce      string   // with enforce_nonce: Discord makes no second message with it
	Users      []string // the only users it may ping (a reminder's reviewers)
	Roles      []string // the only roles it may ping
	// Attachments describe the files sent with the message (multipart
	// files[n], matched by id n).
	Attachments []attachmentMeta
	// cardImage is a card's picture that Discord cannot fetch by link:
	// the adapter attaches it when it posts or edits the card in a
	// channel (attachment://NAME), and leaves it out elsewhere.
	cardImage *commands.CardMedia
}

// attachmentMeta is one entry of a message's attachments: which files[n]
// part it is, its name, and its alt text (description).
type attachmentMeta struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	Description string `json:"description,omitempty"`
}

type allowedMentions struct {
	Parse []string `json:"parse"`
	Users []string `json:"users,omitempty"`
	Roles []string `json:"roles,omitempty"`
}

type messageReference struct {
	MessageID       string `json:"message_id"`
	FailIfNotExists bool   `json:"fail_if_not_exists"`
}

func (m message) MarshalJSON() ([]byte, error) {
	out := struct {
		Content          string                       `json:"content"`
		Embeds           []*discordgo.MessageEmbed    `json:"embeds"`
		Components       []discordgo.MessageComponent `json:"components"`
		AllowedMentions  allowedMentions              `json:"allowed_mentions"`
		Flags            int                          `json:"flags,omitempty"`
		MessageReference *messageReference            `json:"message_reference,omitempty"`
		Nonce            string                       `json:"nonce,omitempty"`
		EnforceNonce     bool                         `json:"enforce_nonce,omitempty"`
		Attachments      []attachmentMeta             `json:"attachments,omitempty"`
	}{
		Content: m.Content, Embeds: m.Embeds, Components: m.Components,
		AllowedMentions: allowedMentions{Parse: []string{}, Users: m.Users, Roles: m.Roles}, Flags: m.Flags,
		Nonce: m.Nonce, EnforceNonce: m.Nonce != "", Attachments: m.Attachments,
	}
	if out.Embeds == nil {
		out.Embeds = []*discordgo.MessageEmbed{}
	}
	if out.Components == nil {
		out.Components = []discordgo.MessageComponent{}
	}
	if m.ReplyTo != "" {
		out.MessageReference = &messageReference{MessageID: m.ReplyTo}
	}
	return json.Marshal(out)
}

// callback is an interaction's initial answer.
type callback struct {
	Type int `json:"type"`
	Data any `json:"data,omitempty"`
}

// modalData is the data of a modal callback.
type modalData struct {
	CustomID   string                       `json:"custom_id"`
	Title      string                       `json:"title"`
	Components []discordgo.MessageComponent `json:"components"`
}

// choicesData is the data of an autocomplete answer.
type choicesData struct {
	Choices []choice `json:"choices"`
}

type choice struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// textMessages renders a response's text as messages of at most 2000
// characters: split at a line break, else between words, never cut.
// ErrCode puts ⚠️ first. Herald writes no masked link ([label](url)), so
// none is read: a response can quote a network's words (why a post was
// refused), and those must not link under a label of their choosing.
func textMessages(r commands.Response, lang i18n.Lang) []message {
	text := strings.ReplaceAll(responseText(r, lang), "](", `]\(`)
	var out []message
	for _, chunk := range commands.SplitText(text, maxContent, commands.RuneCost) {
		if strings.TrimSpace(chunk) != "" {
			out = append(out, message{Content: strings.TrimRightFunc(chunk, unicode.IsSpace)})
		}
	}
	return out
}

// responseText is a response's text as shown; lang is the reader's (the
// words when an error came without any).
func responseText(r commands.Response, lang i18n.Lang) string {
	text := strings.TrimSpace(r.Text)
	if r.ErrCode == "" {
		return text
	}
	if text == "" {
		text = lang.T("Something went wrong.")
	}
	return "⚠️ " + text
}

// responseMessages renders a whole response, text then one message per
// card, for an answer only the actor sees, in lang: theirs.
func responseMessages(r commands.Response, lang i18n.Lang) []message {
	out := textMessages(r, lang)
	for _, c := range r.Cards {
		out = append(out, cardMessage(c))
	}
	return out
}

// cardMessage renders a card as one message: an embed (title after the
// Tone's emoji, the text as description, fields, context lines as footer,
// the Tone's colour) and its buttons, five to a row. The parts that do not
// fit an embed's limits are never cut silently: a field too long for a
// field goes into the description; a text longer than a description
// continues in more embeds, up to Discord's 6000 characters a message, and
// what is left is announced in a last line. A button whose custom id
// would pass 100 characters is left out, and the footer says so.
func cardMessage(c commands.Card) message {
	title := commands.Cut(oneLine(toneEmoji[c.Tone]+strings.TrimSpace(c.Title)), maxEmbedTitle)
	text := strings.TrimSpace(c.Text)
	if c.Excerpt != nil && c.Excerpt.Text != "" {
		text = strings.TrimSpace(text + "\n\n" + excerptText(*c.Excerpt))
	}
	text = strings.TrimSpace(text + mediaText(c.Media, c.Lang))
	var fields []*discordgo.MessageEmbedField
	for _, f := range c.Fields {
		label, value := oneLine(f.Label), strings.TrimSpace(f.Value)
		if f.Verbatim {
			value = escapeMarkdown(value)
		}
		if label == "" && value == "" {
			continue
		}
		if value == "" {
			value = "—"
		}
		if label == "" {
			label = "\u200b" // Discord wants a name
		}
		if utf8.RuneCountInString(label) > maxFieldName || utf8.RuneCountInString(value) > maxFieldValue || len(fields) == maxEmbedFields {
			text = strings.TrimSpace(text + "\n\n**" + label + "**\n" + value)
			continue
		}
		fields = append(fields, &discordgo.MessageEmbedField{Name: label, Value: value, Inline: f.Short})
	}
	rows, omitted := buttonRows(c.Buttons)
	lines := append([]string(nil), c.Context...)
	for _, label := range omitted {
		lines = append(lines, fmt.Sprintf("The “%s” button is missing: its command is too long for Discord.", label))
	}
	footer := strings.TrimSpace(strings.Join(nonBlank(lines), "\n"))
	if utf8.RuneCountInString(footer) > maxFooter {
		text = strings.TrimSpace(text + "\n\n" + footer)
		footer = ""
	}
	first := &discordgo.MessageEmbed{Title: title, Color: toneColors[c.Tone], Fields: fields}
	if footer != "" {
		first.Footer = &discordgo.MessageEmbedFooter{Text: footer}
	}
	used := utf8.RuneCountInString(title) + utf8.RuneCountInString(footer)
	for _, f := range fields {
		used += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	reserve := 0
	if utf8.RuneCountInString(text) > maxEmbedTotal-used {
		reserve = overflowRoom // for the line that says what is left
	}
	embeds := []*discordgo.MessageEmbed{first}
	first.Description, text = takeText(text, min(maxEmbedDesc, maxEmbedTotal-used-reserve))
	used += utf8.RuneCountInString(first.Description)
	for text != "" && len(embeds) < maxEmbeds {
		var part string
		if part, text = takeText(text, min(maxEmbedDesc, maxEmbedTotal-used-reserve)); part == "" {
			break
		}
		embeds = append(embeds, &discordgo.MessageEmbed{Description: part, Color: toneColors[c.Tone]})
		used += utf8.RuneCountInString(part)
	}
	if text != "" {
		last := embeds[len(embeds)-1]
		last.Description = strings.TrimSpace(last.Description + fmt.Sprintf("\n\n… %d more characters are not shown: Discord allows %d per message.", utf8.RuneCountInString(text), maxEmbedTotal))
	}
	first.Image = mediaImage(c.Media)
	m := message{Embeds: embeds, Components: rows}
	if first.Image == nil {
		m.cardImage = pictureToAttach(c.Media)
	}
	return m
}

// excerptText renders text from outside as a quote: every character
// Discord's markdown gives a meaning is escaped, so the text can neither
// format nor link (masked links included), and marked runs are bold.
func excerptText(e commands.Excerpt) string {
	var b strings.Builder
	for _, seg := range e.Segments() {
		text := escapeMarkdown(seg.Text)
		if seg.Marked && strings.TrimSpace(text) != "" {
			text = "**" + text + "**"
		}
		b.WriteString(text)
	}
	return "> " + strings.ReplaceAll(b.String(), "\n", "\n> ")
}

// markdownEscaper puts a backslash before each character that Discord's
// markdown reads: emphasis, underline and strike-through, code, spoilers,
// quotes, headings and subtext, lists (-, *, +), masked links, and the <…>
// forms (mentions, channels, timestamps, custom emoji, bracketed links).
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, `*`, `\*`, `_`, `\_`, `~`, `\~`, "`", "\\`", `|`, `\|`,
	`>`, `\>`, `#`, `\#`, `-`, `\-`, `+`, `\+`, `[`, `\[`, `]`, `\]`, `(`, `\(`, `)`, `\)`, `<`, `\<`,
)

// escapeMarkdown escapes text from outside so that Discord shows it as
// written: markdownEscaper, and the dot of a numbered list item ("1. ",
// which only reads as markup at the start of a line). Nothing pings
// either way: every message Herald sends parses no mentions.
func escapeMarkdown(s string) string {
	s = markdownEscaper.Replace(s)
	if !strings.Contains(s, ".") {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lead := len(l) - len(strings.TrimLeft(l, " \t"))
		digits := len(l[lead:]) - len(strings.TrimLeft(l[lead:], "0123456789"))
		if at := lead + digits; digits > 0 && at < len(l) && l[at] == '.' {
			lines[i] = l[:at] + `\` + l[at:]
		}
	}
	return strings.Join(lines, "\n")
}

// overflowRoom is kept free in a card's embeds, when its text does not
// fit, for the line that says how much is left.
const overflowRoom = 100

// takeText splits s into a head of at most n characters (cut as
// commands.SplitText cuts) and the rest.
func takeText(s string, n int) (head, rest string) {
	if n <= 0 || s == "" {
		return "", s
	}
	parts := commands.SplitText(s, n, commands.RuneCost)
	head = strings.TrimRightFunc(parts[0], unicode.IsSpace)
	return head, strings.TrimLeftFunc(strings.Join(parts[1:], ""), unicode.IsSpace)
}

// buttonRows renders buttons, five to a row, at most five rows. A button
// is left out (its label returned) when its custom id would be too long,
// or when there is no row left; a repeat of the same command is dropped.
func buttonRows(buttons []commands.Button) (rows []discordgo.MessageComponent, omitted []string) {
	var row []discordgo.MessageComponent
	seen := map[string]bool{}
	for _, b := range buttons {
		if b.URL != "" && len(rows) < maxRows {
			row = append(row, discordgo.Button{Label: commands.Cut(buttonLabel(b), maxButtonLabel), Style: discordgo.LinkButton, URL: b.URL})
			if len(row) == maxButtonsPerRow {
				rows = append(rows, discordgo.ActionsRow{Components: row})
				row = nil
			}
			continue
		}
		id := customID(b)
		if seen[id] {
			continue
		}
		if utf8.RuneCountInString(id) > maxCustomID || len(rows) == maxRows {
			omitted = append(omitted, buttonLabel(b))
			continue
		}
		seen[id] = true
		style, ok := buttonStyles[b.Style]
		if !ok {
			style = discordgo.SecondaryButton
		}
		row = append(row, discordgo.Button{Label: commands.Cut(buttonLabel(b), maxButtonLabel), Style: style, CustomID: id})
		if len(row) == maxButtonsPerRow {
			rows = append(rows, discordgo.ActionsRow{Components: row})
			row = nil
		}
	}
	if len(row) > 0 {
		if len(rows) < maxRows {
			rows = append(rows, discordgo.ActionsRow{Components: row})
		} else {
			for _, c := range row {
				omitted = append(omitted, c.(discordgo.Button).Label)
			}
		}
	}
	return rows, omitted
}

// customID is a button's custom id: what it runs, or asks first.
func customID(b commands.Button) string {
	if b.Input != "" {
		return CustomAsk + b.Input + ":" + b.Command
	}
	return CustomRun + b.Command
}

func buttonLabel(b commands.Button) string {
	if l := oneLine(b.Label); l != "" {
		return l
	}
	if f := strings.Fields(b.Command); len(f) > 0 {
		return f[0]
	}
	return "Run"
}

// parseCustomID reads a button's custom id back into the button.
func parseCustomID(id, label string) (commands.Button, error) {
	if cmd, ok := strings.CutPrefix(id, CustomRun); ok && strings.TrimSpace(cmd) != "" {
		return commands.Button{Label: label, Command: cmd}, nil
	}
	if rest, ok := strings.CutPrefix(id, CustomAsk); ok {
		input, cmd, ok := strings.Cut(rest, ":")
		if ok && validInputName(input) && strings.TrimSpace(cmd) != "" {
			return commands.Button{Label: label, Command: cmd, Input: input}, nil
		}
	}
	return commands.Button{}, herald.Errorf(herald.EINVALID, "This button is not one of Herald's, or comes from an older version; run the command instead.")
}

func validInputName(s string) bool {
	if s == "" || len(s) > maxCustomID {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// modal builds the modal of a form: the title cut to 45 characters, one
// text input per field (at most five: Discord's limit), custom id
// CustomForm + the form's command. An input's custom id is the field's
// name, after "--" when it fills a flag, so the answer can be read back
// without state. It returns an *herald.Error when the form cannot be a
// Discord modal: too many fields, a prefilled value over 4000
// characters, a command too long for a custom id.
func modal(f *commands.Form) (callback, error) {
	id := CustomForm + f.Command
	fields := slices.DeleteFunc(slices.Clone(f.Fields), func(fl commands.FormField) bool { return fl.File }) // files come as command options
	switch {
	case len(fields) > maxModalInputs:
		return callback{}, herald.Internal(fmt.Errorf("discord: form %q has %d fields, more than a modal's %d", f.Command, len(fields), maxModalInputs))
	case utf8.RuneCountInString(id) > maxCustomID:
		return callback{}, herald.Errorf(herald.EINVALID, "This form's command is too long for Discord; use the command instead.")
	}
	var rows []discordgo.MessageComponent
	seen := map[string]bool{}
	for _, fl := range fields {
		if !validInputName(fl.Name) || seen[fl.Name] {
			return callback{}, herald.Internal(fmt.Errorf("discord: form %q: field name %q is empty, not a simple name or repeated", f.Command, fl.Name))
		}
		seen[fl.Name] = true
		if utf8.RuneCountInString(fl.Value) > maxInputValue {
			return callback{}, herald.Errorf(herald.EINVALID, "%s is too long to edit in a Discord form (%d characters at most); use the command instead.", fieldLabel(fl), maxInputValue)
		}
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{textInput(fl)}})
	}
	if len(rows) == 0 {
		return callback{}, herald.Internal(fmt.Errorf("discord: form %q has no field; Discord modals need one", f.Command))
	}
	title := commands.Cut(oneLine(f.Title), maxModalTitle)
	if title == "" {
		title = "Herald"
	}
	return callback{Type: callbackModal, Data: modalData{CustomID: id, Title: title, Components: rows}}, nil
}

// askModal is the modal an ask button opens: one paragraph input named
// after the button's Input (labelled in l, the reader's language), titled
// with its label.
func askModal(b commands.Button, l i18n.Lang) (callback, error) {
	field := commands.FormField{Name: b.Input, Label: commands.InputLabel(l, b.Input), Multiline: true}
	if b.Input == commands.FileInput { // a modal takes no file here: a link, or the command's attachment option
		field = commands.FormField{Name: b.Input, Label: l.T("Link to the picture or video (https://…)"), Placeholder: l.T("or attach it with /herald media add")}
	}
	return modal(&commands.Form{Title: b.Label, Command: b.Command, Fields: []commands.FormField{field}})
}

func textInput(fl commands.FormField) discordgo.TextInput {
	id := fl.Name
	if fl.Flag {
		id = "--" + fl.Name
	}
	style := discordgo.TextInputShort
	if fl.Multiline {
		style = discordgo.TextInputParagraph
	}
	return discordgo.TextInput{
		CustomID:    id,
		Label:       commands.Cut(fieldLabel(fl), maxInputLabel),
		Style:       style,
		Placeholder: commands.Cut(oneLine(fl.Placeholder), maxPlaceholder),
		Value:       fl.Value,
		Required:    !fl.Optional,
		MaxLength:   maxInputValue,
	}
}

// fieldLabel is a field's label, or its name capitalised.
func fieldLabel(fl commands.FormField) string {
	if l := oneLine(fl.Label); l != "" {
		return l
	}
	name := strings.ReplaceAll(fl.Name, "-", " ")
	r, n := utf8.DecodeRuneInString(name)
	return string(unicode.ToUpper(r)) + name[n:]
}

// oneLine joins the lines of s with spaces.
func oneLine(s string) string { return strings.Join(strings.FieldsFunc(s, breakingSpace), " ") }

// breakingSpace reports whether r is a space a line may break at: the
// no-break spaces French puts before : ; ! ? and after n° are kept.
func breakingSpace(r rune) bool {
	return unicode.IsSpace(r) && r != '\u00a0' && r != '\u202f' && r != '\u2007'
}

func nonBlank(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return out
}

// roleNames are the role choices of a RoleArg option.
func roleNames() []string {
	out := make([]string, len(herald.Roles))
	for i, r := range herald.Roles {
		out[i] = string(r)
	}
	return out
}
