package slack

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
)

// Action id prefixes of Herald's buttons. A run button's value is the
// command line to run; an ask button's value is the command line too, and
// its action id names the input to ask for.
const (
	ActionRun    = "herald.run." // + a short unique suffix per card, e.g. "herald.run.approve"
	ActionAsk    = "herald.ask." // + Button.Input, e.g. "herald.ask.comment"
	FormCallback = "herald.form" // callback_id of every Herald modal
)

// Slack's Block Kit limits (platform brief §1.7 and the Block Kit
// reference). Lengths are counted in characters (runes), as Slack and
// slack-go count them.
const (
	maxBlocks           = 50     // blocks in a message
	maxSectionText      = 3000   // text of a section or a context element
	maxFieldText        = 2000   // one item of a section's fields
	maxFieldsPerSection = 10     // items in a section's fields
	maxContextElements  = 10     // elements in a context block
	maxActionsPerBlock  = 25     // elements in an actions block
	maxHeaderText       = 150    // text of a header block
	maxButtonText       = 75     // text of a button
	maxButtonValue      = 2000   // value of a button
	maxActionID         = 255    // action_id and block_id
	maxFallback         = 40_000 // a message's top-level text
	maxModalTitle       = 24     // title, submit and close of a modal
	maxModalBlocks      = 100    // blocks in a modal
	maxMetadata         = 3000   // private_metadata of a view
	maxInputLabel       = 2000   // label of an input block
	maxPlaceholder      = 150    // placeholder of an input
	maxInputValue       = 3000   // initial value of a plain_text_input
)

// inputAction is the action_id of the one element of every input block.
const inputAction = "value"

// toneEmoji is how a card's Tone shows in its header and fallback.
var toneEmoji = map[string]string{"good": "✅ ", "warning": "⏳ ", "danger": "⛔ "}

// buttonStyles maps a commands.Button style to Slack's; others are plain.
var buttonStyles = map[string]slackapi.Style{"primary": slackapi.StylePrimary, "danger": slackapi.StyleDanger}

// Message renders a response as Slack message content: a plain-text
// fallback (notifications, screen readers) and Block Kit blocks. Text is
// escaped so that nothing in it can mention anyone or inject a link. The
// text comes first (":warning: " first when ErrCode is set), then the cards,
// separated by dividers. A Form is not rendered (the adapter opens it as a
// modal): a context line "Opening a form…" stands in for it only when
// there is nothing else. There are at most 50 blocks: beyond, the first 49
// are kept and a context block says how many more there were. Ephemeral
// and Replace are the caller's business. The adapter's own words are in
// lang: the actor's for an answer they see alone.
func Message(r commands.Response, lang i18n.Lang) (fallback string, blocks []slackapi.Block) {
	if m := mentionText(r.Mentions); m != "" {
		blocks = append(blocks, slackapi.NewSectionBlock(&slackapi.TextBlockObject{Type: slackapi.MarkdownType, Text: m}, nil, nil))
	}
	if text := responseText(r, lang); text != "" {
		blocks = append(blocks, sectionBlocks(text)...)
	}
	for i, c := range r.Cards {
		if i > 0 {
			blocks = append(blocks, slackapi.NewDividerBlock())
		}
		blocks = append(blocks, CardBlocks(c)...)
	}
	if len(blocks) == 0 && r.Form != nil {
		blocks = append(blocks, contextBlock([]string{lang.T("Opening a form…")}))
	}
	if len(blocks) > maxBlocks {
		more := len(blocks) - (maxBlocks - 1)
		blocks = append(blocks[:maxBlocks-1:maxBlocks-1], contextBlock([]string{lang.F("… (%d more)", more)}))
	}
	return fallbackText(r, lang), blocks
}

// responseText is the text of a response as shown, before escaping.
func responseText(r commands.Response, lang i18n.Lang) string {
	text := r.Text
	if strings.TrimSpace(text) == "" {
		text = ""
	}
	if r.ErrCode == "" {
		return text
	}
	if text == "" {
		text = lang.T("Something went wrong.")
	}
	return ":warning: " + text
}

// CardBlocks renders one card: a header (the title, after the Tone's
// emoji), the text in sections, the fields (short ones side by side, ten
// to a section; long ones in their own section), the context lines, and
// the buttons in actions blocks. Every text is escaped. A run button's
// action id is ActionRun plus the first word of its command, an ask
// button's ActionAsk plus its Input; ".2", ".3"… make them unique within
// the card. A button whose command does not fit in Slack's 2000-character
// value is left out, and a context line says so.
func CardBlocks(c commands.Card) []slackapi.Block {
	var blocks []slackapi.Block
	if title := toneEmoji[c.Tone] + strings.TrimSpace(c.Title); strings.TrimSpace(title) != "" {
		blocks = append(blocks, slackapi.NewHeaderBlock(plainText(commands.Cut(oneLine(title), maxHeaderText))))
	}
	blocks = append(blocks, sectionBlocks(c.Text)...)
	if c.Excerpt != nil && c.Excerpt.Text != "" {
		blocks = append(blocks, excerptBlock(*c.Excerpt))
	}
	blocks = append(blocks, mediaBlocks(c.Media, c.Lang)...)
	blocks = append(blocks, fieldBlocks(c.Fields)...)
	actions, omitted := actionBlocks(c.Buttons)
	lines := c.Context
	for _, label := range omitted {
		lines = append(slices.Clip(lines), fmt.Sprintf("The “%s” button is missing: its command is too long for Slack.", label))
	}
	blocks = append(blocks, contextBlocks(lines)...)
	return append(blocks, actions...)
}

// fieldBlocks renders fields in order: runs of short fields share a
// fields section (ten at most); a long field, or a short one too long for
// a fields item, gets sections of its own; a Verbatim field (text from
// outside) gets rich-text blocks of its own (verbatimBlocks).
func fieldBlocks(fields []commands.Field) []slackapi.Block {
	var blocks []slackapi.Block
	var row []*slackapi.TextBlockObject
	flush := func() {
		if len(row) > 0 {
			blocks = append(blocks, slackapi.NewSectionBlock(nil, row, nil))
			row = nil
		}
	}
	for _, f := range fields {
		if f.Verbatim {
			flush()
			blocks = append(blocks, verbatimBlocks(f)...)
			continue
		}
		raw := fieldText(f)
		if raw == "" {
			continue
		}
		if f.Short && escapedLen(raw) <= maxFieldText {
			row = append(row, mrkdwn(escape(raw)))
			if len(row) == maxFieldsPerSection {
				flush()
			}
			continue
		}
		flush()
		blocks = append(blocks, sectionBlocks(raw)...)
	}
	flush()
	return blocks
}

// fieldText is a field as mrkdwn before escaping: the label in bold over
// the value; "" for a field with neither.
func fieldText(f commands.Field) string {
	label, value := strings.TrimSpace(f.Label), strings.TrimSpace(f.Value)
	switch {
	case label == "" && value == "":
		return ""
	case label == "":
		return value
	case value == "":
		value = "—"
	}
	return "*" + oneLine(label) + "*\n" + value
}

// actionBlocks renders buttons, 25 to an actions block. It returns the
// labels of the buttons left out because their command is too long.
func actionBlocks(buttons []commands.Button) (blocks []slackapi.Block, omitted []string) {
	var elems []slackapi.BlockElement
	seen := map[string]bool{}
	for _, b := range buttons {
		if b.URL != "" {
			btn := slackapi.NewButtonBlockElement(actionID(commands.Button{Command: "link"}, seen), "", plainText(commands.Cut(buttonLabel(b), maxButtonText)))
			btn.URL = b.URL
			elems = append(elems, btn)
			continue
		}
		if utf8.RuneCountInString(b.Command) > maxButtonValue {
			omitted = append(omitted, buttonLabel(b))
			continue
		}
		btn := slackapi.NewButtonBlockElement(actionID(b, seen), b.Command, plainText(commands.Cut(buttonLabel(b), maxButtonText)))
		if s, ok := buttonStyles[b.Style]; ok {
			btn = btn.WithStyle(s)
		}
		elems = append(elems, btn)
	}
	for len(elems) > 0 {
		n := min(len(elems), maxActionsPerBlock)
		blocks = append(blocks, slackapi.NewActionBlock("", elems[:n]...))
		elems = elems[n:]
	}
	return blocks, omitted
}

func buttonLabel(b commands.Button) string {
	if l := oneLine(strings.TrimSpace(b.Label)); l != "" {
		return l
	}
	if w := firstWord(b.Command); w != "" {
		return w
	}
	return "Run"
}

// actionID names a button uniquely among those in seen, which it updates:
// ActionAsk+Input for an ask button, ActionRun+the command's first word
// for a run button, with ".N" appended to repeats. The input stays a
// prefix, so an ask button's action id still names its (positional)
// input.
func actionID(b commands.Button, seen map[string]bool) string {
	base := ActionAsk + b.Input
	if b.Input == "" {
		base = ActionRun + firstWord(b.Command)
		if base == ActionRun {
			base += "button"
		}
	}
	id := truncateRunes(base, maxActionID)
	for n := 2; seen[id]; n++ {
		suffix := fmt.Sprintf(".%d", n)
		id = truncateRunes(base, maxActionID-len(suffix)) + suffix
	}
	seen[id] = true
	return id
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// contextBlocks renders context lines as one mrkdwn text (one line each),
// split into as many elements, ten to a block, as its length needs.
func contextBlocks(lines []string) []slackapi.Block {
	var kept []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			kept = append(kept, l)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	var blocks []slackapi.Block
	chunks := commands.SplitText(strings.Join(kept, "\n"), maxSectionText, escapeCost)
	for len(chunks) > 0 {
		n := min(len(chunks), maxContextElements)
		blocks = append(blocks, contextBlock(chunks[:n]))
		chunks = chunks[n:]
	}
	return blocks
}

// contextBlock is one context block of mrkdwn elements, escaped here.
func contextBlock(texts []string) *slackapi.ContextBlock {
	elems := make([]slackapi.MixedElement, 0, len(texts))
	for _, t := range texts {
		if t = strings.TrimRightFunc(t, unicode.IsSpace); strings.TrimSpace(t) != "" {
			elems = append(elems, mrkdwn(escape(t)))
		}
	}
	return slackapi.NewContextBlock("", elems...)
}

// sectionBlocks renders raw text as mrkdwn sections, escaped, split
// wherever the escaped text would pass 3000 characters: at a line break,
// else between words, else (one huge word) between characters. Nothing is
// dropped but blank pieces.
func sectionBlocks(raw string) []slackapi.Block {
	var blocks []slackapi.Block
	for _, chunk := range commands.SplitText(raw, maxSectionText, escapeCost) {
		chunk = strings.TrimRightFunc(chunk, unicode.IsSpace)
		if strings.TrimSpace(chunk) == "" {
			continue
		}
		blocks = append(blocks, slackapi.NewSectionBlock(mrkdwn(escape(chunk)), nil, nil))
	}
	return blocks
}

// escapeCost is the length a rune takes once escaped.
func escapeCost(r rune) int {
	switch r {
	case '&':
		return len("&amp;")
	case '<', '>':
		return len("&lt;")
	}
	return 1
}

// escapedLen is the length of escape(s) in characters.
func escapedLen(s string) int {
	n := 0
	for _, r := range s {
		n += escapeCost(r)
	}
	return n
}

// escaper escapes the three characters Slack's mrkdwn gives a meaning:
// with them escaped, text cannot mention (<!channel>, <@U1>) or link.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escape(s string) string { return escaper.Replace(s) }

// mrkdwn is a text object for escaped text. Verbatim stops Slack from
// turning a bare "@channel" or "#general" into a mention or a link.
func mrkdwn(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.MarkdownType, s, false, true)
}

func plainText(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.PlainTextType, s, true, false)
}

// truncateRunes returns the first max characters of s.
func truncateRunes(s string, max int) string { return s[:commands.Fitting(s, max, commands.RuneCost)] }

// oneLine joins the lines of s with spaces.
func oneLine(s string) string { return strings.Join(strings.FieldsFunc(s, breakingSpace), " ") }

// breakingSpace reports whether r is a space a line may break at: the
// no-break spaces French puts before : ; ! ? and after n° are kept.
func breakingSpace(r rune) bool {
	return unicode.IsSpace(r) && r != '\u00a0' && r != '\u202f' && r != '\u2007'
}

// fallbackText is the message's plain text for notifications: the text,
// then each card's title, text and fields, escaped and cut to Slack's
// 40,000 characters (with "…").
func fallbackText(r commands.Response, lang i18n.Lang) string {
	var parts []string
	if t := responseText(r, lang); t != "" {
		parts = append(parts, t)
	}
	for _, c := range r.Cards {
		if title := strings.TrimSpace(toneEmoji[c.Tone] + oneLine(c.Title)); title != "" {
			parts = append(parts, title)
		}
		if t := strings.TrimSpace(c.Text); t != "" {
			parts = append(parts, t)
		}
		for _, f := range c.Fields {
			label, value := oneLine(f.Label), strings.TrimSpace(f.Value)
			switch {
			case label != "" && value != "":
				parts = append(parts, label+": "+value)
			case label+value != "":
				parts = append(parts, label+value)
			}
		}
	}
	if len(parts) == 0 && r.Form != nil {
		parts = append(parts, lang.T("Opening a form…"))
	}
	raw := strings.Join(parts, "\n")
	if escapedLen(raw) <= maxFallback {
		return escape(raw)
	}
	head := strings.TrimRightFunc(raw[:commands.Fitting(raw, maxFallback-1, escapeCost)], unicode.IsSpace)
	return escape(head) + "…"
}

// FormMeta is what a Herald modal carries in private_metadata (JSON, ≤ 3000 bytes).
type FormMeta struct {
	Command string               `json:"c"`           // command line prefix, e.g. "edit 12" or "changes 12 --rev 3"
	Fields  []commands.FormField `json:"f,omitempty"` // names and Flag only are needed; drop labels/values to save room
	Channel string               `json:"ch"`          // channel id the form was opened from
	// Lang is the language of the person the form is for: its buttons and
	// Herald's own words in it speak it. Not stored in the metadata.
	Lang i18n.Lang `json:"-"`
}

// Modal builds the modal for a form (views.open): the title cut to 24
// characters, "Send" and "Cancel", one input block per field (block_id the
// field's name, action_id "value", a plain_text_input, multiline when
// asked, prefilled with Value, optional when Optional), callback_id
// FormCallback and private_metadata the JSON of meta. meta.Command and
// meta.Fields default to the form's; only the fields' Name and Flag are
// kept. It returns an *herald.Error when the form cannot be a Slack
// modal: the metadata over 3000 bytes, a prefilled value over 3000
// characters, a field name empty, repeated or over 255 characters, or more
// than 100 fields.
func Modal(f *commands.Form, meta FormMeta) (slackapi.ModalViewRequest, error) {
	if f == nil {
		return slackapi.ModalViewRequest{}, herald.Internal(errors.New("slack: modal of a nil form"))
	}
	if meta.Command == "" {
		meta.Command = f.Command
	}
	if meta.Fields == nil {
		meta.Fields = f.Fields
	}
	meta.Fields = metaFields(meta.Fields)
	if len(f.Fields) > maxModalBlocks {
		return slackapi.ModalViewRequest{}, herald.Internal(fmt.Errorf("slack: form %q has %d fields, more than a modal holds", f.Command, len(f.Fields)))
	}
	blocks := make([]slackapi.Block, 0, len(f.Fields))
	seen := map[string]bool{}
	for _, fl := range f.Fields {
		switch {
		case fl.Name == "" || utf8.RuneCountInString(fl.Name) > maxActionID || seen[fl.Name]:
			return slackapi.ModalViewRequest{}, herald.Internal(fmt.Errorf("slack: form %q: field name %q is empty, too long or repeated", f.Command, fl.Name))
		case utf8.RuneCountInString(fl.Value) > maxInputValue:
			return slackapi.ModalViewRequest{}, herald.Errorf(herald.EINVALID,
				"%s is too long to edit in a Slack form (%d characters at most); use the command instead.", fieldLabel(fl), maxInputValue)
		}
		seen[fl.Name] = true
		blocks = append(blocks, inputBlock(fl))
	}
	if len(blocks) == 0 {
		blocks = append(blocks, slackapi.NewSectionBlock(mrkdwn(escape(commands.Cut(meta.Lang.F("Send to run /herald %s", f.Command), maxSectionText))), nil, nil))
	}
	md, err := encodeMeta(meta)
	if err != nil {
		return slackapi.ModalViewRequest{}, err
	}
	title := commands.Cut(oneLine(f.Title), maxModalTitle)
	if title == "" {
		title = "Herald"
	}
	return slackapi.ModalViewRequest{
		Type:            slackapi.VTModal,
		Title:           plainText(title),
		Blocks:          slackapi.Blocks{BlockSet: blocks},
		Close:           plainText(meta.Lang.T("Cancel")),
		Submit:          plainText(meta.Lang.T("Send")),
		PrivateMetadata: md,
		CallbackID:      FormCallback,
	}, nil
}

// AskModal builds the modal an ask button opens: one multiline input named
// btn.Input, titled btn.Label. meta.Command defaults to btn.Command and
// meta.Fields to that one input.
func AskModal(btn commands.Button, meta FormMeta) (slackapi.ModalViewRequest, error) {
	if btn.Input == commands.FileInput {
		return fileAskModal(btn, meta)
	}
	if btn.Input == "" {
		return slackapi.ModalViewRequest{}, herald.Internal(fmt.Errorf("slack: button %q asks for no input", btn.Label))
	}
	field := commands.FormField{Name: btn.Input, Label: commands.InputLabel(meta.Lang, btn.Input), Multiline: true}
	if meta.Command == "" {
		meta.Command = btn.Command
	}
	if meta.Fields == nil {
		meta.Fields = []commands.FormField{field}
	}
	return Modal(&commands.Form{Title: btn.Label, Command: btn.Command, Fields: []commands.FormField{field}}, meta)
}

// inputBlock is the input block of one form field.
func inputBlock(fl commands.FormField) *slackapi.InputBlock {
	if fl.File {
		return fileInputBlock(fl)
	}
	var placeholder *slackapi.TextBlockObject
	if p := oneLine(fl.Placeholder); p != "" {
		placeholder = plainText(commands.Cut(p, maxPlaceholder))
	}
	el := slackapi.NewPlainTextInputBlockElement(placeholder, inputAction).
		WithInitialValue(fl.Value).
		WithMultiline(fl.Multiline)
	return slackapi.NewInputBlock(fl.Name, plainText(commands.Cut(fieldLabel(fl), maxInputLabel)), nil, el).WithOptional(fl.Optional)
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

// metaFields keeps what a submission needs of each field: Name and Flag.
func metaFields(fields []commands.FormField) []commands.FormField {
	if len(fields) == 0 {
		return nil
	}
	out := make([]commands.FormField, len(fields))
	for i, f := range fields {
		out[i] = commands.FormField{Name: f.Name, Flag: f.Flag, File: f.File}
	}
	return out
}

func encodeMeta(meta FormMeta) (string, error) {
	b, err := json.Marshal(meta)
	if err != nil {
		return "", herald.Internal(err)
	}
	if len(b) > maxMetadata {
		return "", &herald.Error{Code: herald.EINVALID,
			Message: "This form carries too much for Slack; use the command instead.",
			Err:     fmt.Errorf("slack: form metadata is %d bytes, more than %d", len(b), maxMetadata)}
	}
	return string(b), nil
}

// Submission reads a view_submission: the metadata, and the values by
// block id (the "value" element of each input). It returns a *herald.Error
// (EINVALID) for a view that is not Herald's or has bad metadata; with bad
// metadata the returned FormMeta still lists the view's inputs, so that
// FieldErrors can show the error on the first one.
func Submission(v slackapi.View) (FormMeta, map[string]string, error) {
	if v.CallbackID != FormCallback {
		return FormMeta{}, nil, herald.Errorf(herald.EINVALID, "This form is not one of Herald's.")
	}
	var meta FormMeta
	err := json.Unmarshal([]byte(v.PrivateMetadata), &meta)
	if err == nil && strings.TrimSpace(meta.Command) == "" {
		err = errors.New("no command")
	}
	if err != nil {
		return FormMeta{Fields: viewInputs(v)}, nil, &herald.Error{Code: herald.EINVALID,
			Message: "This form could not be read; close it and open it again.",
			Err:     fmt.Errorf("slack: form metadata: %w", err)}
	}
	values := map[string]string{}
	if v.State != nil {
		for blockID, actions := range v.State.Values {
			if a, ok := actions[inputAction]; ok {
				values[blockID] = a.Value
			}
		}
	}
	return meta, values, nil
}

// viewInputs lists the input blocks of a view as fields, in order.
func viewInputs(v slackapi.View) []commands.FormField {
	var fields []commands.FormField
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slackapi.InputBlock); ok && in.BlockID != "" {
			fields = append(fields, commands.FormField{Name: in.BlockID})
		}
	}
	if len(fields) == 0 && v.State != nil {
		ids := make([]string, 0, len(v.State.Values))
		for id := range v.State.Values {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			fields = append(fields, commands.FormField{Name: id})
		}
	}
	return fields
}

// FieldErrors returns the view_submission answer that shows msg on a
// field (response_action "errors"), keeping the modal open. With field ""
// it is the first field of meta, or "text" when meta has none.
func FieldErrors(meta FormMeta, field, msg string) *slackapi.ViewSubmissionResponse {
	if field == "" {
		field = "text"
		if len(meta.Fields) > 0 && meta.Fields[0].Name != "" {
			field = meta.Fields[0].Name
		}
	}
	if strings.TrimSpace(msg) == "" {
		msg = "This value is not right."
	}
	return slackapi.NewErrorsViewSubmissionResponse(map[string]string{field: msg})
}
