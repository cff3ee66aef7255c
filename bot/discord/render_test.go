package discord

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
)

// embedChars counts what Discord's 6000-character limit counts.
func embedChars(es []*discordgo.MessageEmbed) int {
	n := 0
	for _, e := range es {
		n += utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
		for _, f := range e.Fields {
			n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
		}
		if e.Footer != nil {
			n += utf8.RuneCountInString(e.Footer.Text)
		}
	}
	return n
}

// TestTextMessagesSplitNeverCut: a long answer becomes several messages of
// at most 2000 characters that hold every word.
func TestTextMessagesSplitNeverCut(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 7000; i++ {
		b.WriteString("word" + strings.Repeat("é", i%7) + " ")
		if i%37 == 0 {
			b.WriteString("\n")
		}
	}
	text := strings.TrimSpace(b.String())
	msgs := textMessages(commands.Response{Text: text}, i18n.English)
	if len(msgs) < utf8.RuneCountInString(text)/maxContent+1 {
		t.Fatalf("%d messages for %d characters", len(msgs), utf8.RuneCountInString(text))
	}
	var words []string
	for _, m := range msgs {
		if n := utf8.RuneCountInString(m.Content); n > maxContent || n == 0 {
			t.Errorf("a message has %d characters", n)
		}
		words = append(words, strings.Fields(m.Content)...)
	}
	if strings.Join(words, " ") != strings.Join(strings.Fields(text), " ") {
		t.Error("the messages do not hold the text word for word")
	}
	if got := textMessages(commands.Response{Text: strings.Repeat("x", 4500)}, i18n.English); len(got) != 3 || utf8.RuneCountInString(got[0].Content) != maxContent {
		t.Errorf("one 4500-character word → %d messages", len(got))
	}
}

// TestCardMessage renders a draft-like card: title with the tone, text,
// fields, footer, buttons with custom ids that carry the command.
func TestCardMessage(t *testing.T) {
	c := commands.Card{Key: "draft:7", Title: "Draft #7 · Acme", Text: "Hello @everyone", Tone: "warning",
		Fields:  []commands.Field{{Label: "State", Value: "in review", Short: true}, {Label: "Empty"}},
		Context: []string{"Updated now"},
		Buttons: []commands.Button{
			{Label: "Approve", Command: "approve 7 --rev 2", Style: "primary"},
			{Label: "Request changes", Command: "changes 7 --rev 2", Input: "comment"},
			{Label: "Reject", Command: "reject 7 --rev 2", Style: "danger", Input: "reason"},
			{Label: "Approve again", Command: "approve 7 --rev 2"}, // same command: dropped
		}}
	m := cardMessage(c)
	e := m.Embeds[0]
	if e.Title != "⏳ Draft #7 · Acme" || e.Description != "Hello @everyone" || e.Color != toneColors["warning"] || e.Footer.Text != "Updated now" {
		t.Errorf("embed = %+v", e)
	}
	if len(e.Fields) != 2 || e.Fields[1].Value != "—" || !e.Fields[0].Inline {
		t.Errorf("fields = %+v", e.Fields)
	}
	row := m.Components[0].(discordgo.ActionsRow)
	var ids []string
	for _, b := range row.Components {
		ids = append(ids, b.(discordgo.Button).CustomID)
	}
	want := []string{CustomRun + "approve 7 --rev 2", CustomAsk + "comment:changes 7 --rev 2", CustomAsk + "reason:reject 7 --rev 2"}
	if strings.Join(ids, "|") != strings.Join(want, "|") {
		t.Errorf("custom ids = %q", ids)
	}
	if row.Components[2].(discordgo.Button).Style != discordgo.DangerButton {
		t.Error("the danger button is not red")
	}
	js, _ := json.Marshal(m)
	if !strings.Contains(string(js), `"allowed_mentions":{"parse":[]}`) {
		t.Errorf("no allowed_mentions in %s", js)
	}
}

// TestCardLimits: a card bigger than Discord allows is never cut
// silently; every part stays within its limit.
func TestCardLimits(t *testing.T) {
	long := strings.Repeat("lorem ipsum ", 1700) // 20,400 characters
	var buttons []commands.Button
	for i := range 30 {
		buttons = append(buttons, commands.Button{Label: strings.Repeat("L", 90), Command: "approve " + strings.Repeat("9", i+1)})
	}
	buttons = append(buttons, commands.Button{Label: "Huge", Command: "edit 1 " + strings.Repeat("z", 100)})
	c := commands.Card{Title: strings.Repeat("T", 300), Text: long,
		Fields:  []commands.Field{{Label: "Targets", Value: strings.Repeat("discord:#news ", 100)}},
		Buttons: buttons}
	m := cardMessage(c)
	if n := embedChars(m.Embeds); n > maxEmbedTotal {
		t.Errorf("embeds hold %d characters, more than %d", n, maxEmbedTotal)
	}
	if len(m.Embeds) > maxEmbeds {
		t.Errorf("%d embeds", len(m.Embeds))
	}
	for _, e := range m.Embeds {
		if utf8.RuneCountInString(e.Title) > maxEmbedTitle || utf8.RuneCountInString(e.Description) > maxEmbedDesc {
			t.Errorf("an embed passes a limit: title %d, description %d", utf8.RuneCountInString(e.Title), utf8.RuneCountInString(e.Description))
		}
	}
	last := m.Embeds[len(m.Embeds)-1].Description
	if !strings.Contains(last, "more characters are not shown") {
		t.Errorf("the cut is not announced: %q", last[max(0, len(last)-200):])
	}
	if len(m.Components) != maxRows {
		t.Errorf("%d rows, want %d", len(m.Components), maxRows)
	}
	for _, r := range m.Components {
		for _, b := range r.(discordgo.ActionsRow).Components {
			b := b.(discordgo.Button)
			if utf8.RuneCountInString(b.Label) > maxButtonLabel || utf8.RuneCountInString(b.CustomID) > maxCustomID {
				t.Errorf("button %q passes a limit", b.CustomID)
			}
		}
	}
	footer := m.Embeds[0].Footer.Text
	if !strings.Contains(footer, "“Huge” button is missing") || !strings.Contains(footer, "button is missing") {
		t.Errorf("left-out buttons are not announced: %q", footer)
	}
	// A field too long for a field goes into the text, not away.
	short := cardMessage(commands.Card{Title: "x", Fields: []commands.Field{{Label: "Targets", Value: strings.Repeat("a ", 600)}}})
	if !strings.Contains(short.Embeds[0].Description, "**Targets**") {
		t.Errorf("the long field was dropped: %+v", short.Embeds[0])
	}
}

func TestModal(t *testing.T) {
	f := &commands.Form{Title: "A title that is much too long for a Discord modal window", Command: "draft", Fields: []commands.FormField{
		{Name: "text", Label: "Text", Multiline: true},
		{Name: "to", Label: "Targets", Optional: true, Flag: true, Placeholder: "TARGETS"},
	}}
	cb, err := modal(f)
	if err != nil {
		t.Fatal(err)
	}
	d := cb.Data.(modalData)
	if cb.Type != callbackModal || d.CustomID != "herald.form:draft" || utf8.RuneCountInString(d.Title) > maxModalTitle {
		t.Errorf("modal = %+v", d)
	}
	in := d.Components[1].(discordgo.ActionsRow).Components[0].(discordgo.TextInput)
	if in.CustomID != "--to" || in.Required || in.Style != discordgo.TextInputShort {
		t.Errorf("flag input = %+v", in)
	}
	// The answers read back into the command line.
	line, err := submission(discordgo.ModalSubmitInteractionData{CustomID: d.CustomID, Components: []discordgo.MessageComponent{
		&discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: "text", Value: `Say "hi"`}}},
		&discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: "--to", Value: "discord:#news"}}},
	}})
	if err != nil || line != `draft "Say \"hi\"" --to "discord:#news"` {
		t.Errorf("submission = %q, %v", line, err)
	}
	t.Run("ErrTooManyFields", func(t *testing.T) {
		g := &commands.Form{Command: "x"}
		for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
			g.Fields = append(g.Fields, commands.FormField{Name: n})
		}
		if _, err := modal(g); err == nil {
			t.Error("a six-field modal was built")
		}
	})
	t.Run("ErrValueTooLong", func(t *testing.T) {
		g := &commands.Form{Command: "edit 1", Fields: []commands.FormField{{Name: "text", Value: strings.Repeat("x", 4001)}}}
		if _, err := modal(g); err == nil || !strings.Contains(err.Error(), "too long") {
			t.Errorf("modal(4001 characters) = %v", err)
		}
	})
}

// TestCardExcerpt: text from outside can neither format nor link on
// Discord; the marked runs are bold.
func TestCardExcerpt(t *testing.T) {
	text := "*Acme* [bank](https://evil.example) `x`\n# big"
	m := cardMessage(commands.Card{Title: "Mention", Text: "From hn", Excerpt: &commands.Excerpt{Text: text, Marks: [][2]int{{1, 5}}}})
	want := "From hn\n\n> \\***Acme**\\* \\[bank\\]\\(https://evil.example\\) \\`x\\`\n> \\# big"
	if got := m.Embeds[0].Description; got != want {
		t.Errorf("description =\n%s\nwant\n%s", got, want)
	}
}

// TestCardVerbatimField: a field from outside (a mention's author) can
// neither format nor link on Discord; Herald's own fields keep their markup.
func TestCardVerbatimField(t *testing.T) {
	m := cardMessage(commands.Card{Title: "Mention", Fields: []commands.Field{
		{Label: "Author", Value: "[Support](https://phish.example) *x*", Short: true, Verbatim: true},
		{Label: "Reply", Value: "draft **#2**", Short: true},
	}})
	fs := m.Embeds[0].Fields
	if want := `\[Support\]\(https://phish.example\) \*x\*`; fs[0].Value != want {
		t.Errorf("author field = %q, want %q", fs[0].Value, want)
	}
	if fs[1].Value != "draft **#2**" {
		t.Errorf("Herald's field = %q, want its markup kept", fs[1].Value)
	}
}
