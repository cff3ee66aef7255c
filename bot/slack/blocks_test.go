package slack

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	slackapi "github.com/slack-go/slack"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/mentions"
)

var updateBlocks = flag.Bool("update-blocks", false, "rewrite testdata/blocks-*.golden.json from the current output")

// reviewCard is a draft card in review, as the approvals commands build it.
func reviewCard() commands.Card {
	return commands.Card{
		Key:   "draft:12",
		Title: "Draft #12 · in review",
		Text:  "Spring sale starts *tomorrow*! <!channel> see <https://acme.example/sale|our site> & tell <@U123>.",
		Fields: []commands.Field{
			{Label: "Targets", Value: "mastodon:acme, slack:#news", Short: true},
			{Label: "When", Value: "2026-12-01 09:00 Europe/Paris", Short: true},
			{Label: "Author", Value: "alice", Short: true},
			{Label: "Revision", Value: "3", Short: true},
			{Label: "Lint", Value: "Over 280 characters for bluesky:acme (312)."},
		},
		Context: []string{"Waiting for: 1 approver (team), then 1 client", "Policy team:1 client:1"},
		Buttons: []commands.Button{
			{Label: "Approve", Command: "approve 12", Style: "primary"},
			{Label: "Request changes", Command: "changes 12", Input: "comment"},
			{Label: "Reject", Command: "reject 12", Style: "danger", Input: "reason"},
			{Label: "Edit", Command: "edit 12"},
		},
		Tone: "warning",
	}
}

// longText is about 7,000 characters of lines holding characters to escape.
func longText() string {
	var b strings.Builder
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&b, "Line %03d: the quick brown fox jumps over the lazy dog & <friends>.\n", i)
		if i%10 == 0 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

func TestMessageGolden(t *testing.T) {
	tests := []struct {
		name string
		resp commands.Response
		lang i18n.Lang // English when zero
	}{
		{"draft-card", commands.Response{Cards: []commands.Card{reviewCard()}}, ""},
		{"error", commands.Response{Text: "Draft 99 does not exist.", Ephemeral: true, ErrCode: herald.ENOTFOUND}, ""},
		{"long-text", commands.Response{Text: longText()}, ""},
		// A French brand's mention card; the adapter's own words for a
		// French reader.
		{"mention-card-fr", commands.Response{Cards: []commands.Card{frenchMentionCard()}}, i18n.French},
		{"error-fr", commands.Response{Ephemeral: true, ErrCode: herald.EINTERNAL}, i18n.French},
		{"form-fr", commands.Response{Ephemeral: true, Form: &commands.Form{Title: "Répondre", Command: "mention reply 7"}}, i18n.French},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, blocks := Message(tt.resp, tt.lang)
			checkBlockLimits(t, blocks)
			got, err := json.MarshalIndent(blocks, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "blocks-"+tt.name+".golden.json")
			if *updateBlocks {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update-blocks to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("blocks differ from %s (-want +got):\n%s", path, diff)
			}
		})
	}
}

// frenchMentionCard is a claimed mention's card for a French brand.
func frenchMentionCard() commands.Card {
	b := herald.Brand{Name: "Acme", Timezone: "Europe/Paris", Lang: "fr"}
	m := mentions.Mention{ID: 7, State: mentions.StateClaimed, Sources: []string{"hn"}, URL: "https://news.example/7",
		Text: "La bouilloire Acme fuit depuis lundi.", Terms: []string{"acme"}, Author: "zoe",
		FoundAt: time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC), Claimer: herald.Actor{Platform: "slack", UserID: "U1", Name: "ann"},
		Sentiment: "negative", Urgency: "high"}
	return kit.MentionCard(b, m, i18n.French)
}

// checkBlockLimits fails t when blocks break one of Slack's limits.
func checkBlockLimits(t *testing.T, blocks []slackapi.Block) {
	t.Helper()
	if len(blocks) > maxBlocks {
		t.Errorf("%d blocks, more than %d", len(blocks), maxBlocks)
	}
	text := func(what string, o *slackapi.TextBlockObject, max int) {
		t.Helper()
		if o == nil || strings.TrimSpace(o.Text) == "" {
			t.Errorf("%s: empty text", what)
			return
		}
		if n := utf8.RuneCountInString(o.Text); n > max {
			t.Errorf("%s: text of %d characters, more than %d", what, n, max)
		}
	}
	for i, b := range blocks {
		what := fmt.Sprintf("block %d (%s)", i, b.BlockType())
		switch b := b.(type) {
		case *slackapi.HeaderBlock:
			text(what, b.Text, maxHeaderText)
		case *slackapi.SectionBlock:
			if b.Text == nil && len(b.Fields) == 0 {
				t.Errorf("%s: neither text nor fields", what)
			}
			if b.Text != nil {
				text(what, b.Text, maxSectionText)
			}
			if len(b.Fields) > maxFieldsPerSection {
				t.Errorf("%s: %d fields", what, len(b.Fields))
			}
			for _, f := range b.Fields {
				text(what+" field", f, maxFieldText)
			}
		case *slackapi.ContextBlock:
			els := b.ContextElements.Elements
			if len(els) == 0 || len(els) > maxContextElements {
				t.Errorf("%s: %d elements", what, len(els))
			}
			for _, e := range els {
				o, ok := e.(*slackapi.TextBlockObject)
				if !ok {
					t.Errorf("%s: element %T", what, e)
					continue
				}
				text(what, o, maxSectionText)
			}
		case *slackapi.ActionBlock:
			els := b.Elements.ElementSet
			if len(els) == 0 || len(els) > maxActionsPerBlock {
				t.Errorf("%s: %d elements", what, len(els))
			}
			for _, e := range els {
				btn := e.(*slackapi.ButtonBlockElement)
				text(what+" button", btn.Text, maxButtonText)
				if n := utf8.RuneCountInString(btn.Value); n > maxButtonValue {
					t.Errorf("%s: button value of %d characters", what, n)
				}
				if n := utf8.RuneCountInString(btn.ActionID); n == 0 || n > maxActionID {
					t.Errorf("%s: action id of %d characters", what, n)
				}
				if btn.Style != "" && btn.Style != slackapi.StylePrimary && btn.Style != slackapi.StyleDanger {
					t.Errorf("%s: style %q", what, btn.Style)
				}
			}
		case *slackapi.DividerBlock, *slackapi.RichTextBlock: // rich text: outside words, verbatim (richTexts checks them)
		default:
			t.Errorf("%s: unexpected block %T", what, b)
		}
	}
}

// mrkdwnTexts lists the mrkdwn texts of blocks: section texts and fields,
// and context elements.
func mrkdwnTexts(blocks []slackapi.Block) []string {
	var out []string
	for _, b := range blocks {
		switch b := b.(type) {
		case *slackapi.SectionBlock:
			if b.Text != nil {
				out = append(out, b.Text.Text)
			}
			for _, f := range b.Fields {
				out = append(out, f.Text)
			}
		case *slackapi.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				out = append(out, e.(*slackapi.TextBlockObject).Text)
			}
		}
	}
	return out
}

func buttonsOf(blocks []slackapi.Block) []*slackapi.ButtonBlockElement {
	var out []*slackapi.ButtonBlockElement
	for _, b := range blocks {
		if a, ok := b.(*slackapi.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				out = append(out, e.(*slackapi.ButtonBlockElement))
			}
		}
	}
	return out
}

func TestMessageEscaping(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<!channel> look", "&lt;!channel&gt; look"},
		{"<!here|here>", "&lt;!here|here&gt;"},
		{"hi <@U1>", "hi &lt;@U1&gt;"},
		{"<https://evil.example|bank>", "&lt;https://evil.example|bank&gt;"},
		{"Q&A", "Q&amp;A"},
		{"&lt; already", "&amp;lt; already"},
		{"*bold* _it_ ~s~ `code`", "*bold* _it_ ~s~ `code`"},
		{"@channel #general", "@channel #general"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			card := commands.Card{
				Title:   "T",
				Text:    tt.in,
				Fields:  []commands.Field{{Label: "L", Value: tt.in, Short: true}, {Label: "Long", Value: tt.in}},
				Context: []string{tt.in},
			}
			fallback, blocks := Message(commands.Response{Text: tt.in, Cards: []commands.Card{card}}, i18n.English)
			want := []string{tt.want, tt.want, "*L*\n" + tt.want, "*Long*\n" + tt.want, tt.want}
			if diff := cmp.Diff(want, mrkdwnTexts(blocks)); diff != "" {
				t.Errorf("mrkdwn texts (-want +got):\n%s", diff)
			}
			for _, b := range blocks {
				if s, ok := b.(*slackapi.SectionBlock); ok && s.Text != nil && !s.Text.Verbatim {
					t.Errorf("section %q is not verbatim: Slack would parse bare mentions", s.Text.Text)
				}
			}
			if strings.ContainsAny(strings.ReplaceAll(fallback, "&amp;", ""), "<>") {
				t.Errorf("fallback %q is not escaped", fallback)
			}
		})
	}
}

func TestCardHeader(t *testing.T) {
	tests := []struct {
		tone, title, want string
	}{
		{"", "Draft #1", "Draft #1"},
		{"good", "Published", "✅ Published"},
		{"warning", "In review", "⏳ In review"},
		{"danger", "Failed", "⛔ Failed"},
		{"weird", "Plain", "Plain"},
		{"", "two\nlines", "two lines"},
		{"", "<!channel>", "<!channel>"}, // plain_text: never parsed
		{"", strings.Repeat("x", 200), strings.Repeat("x", 149) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.tone+"/"+tt.title[:min(len(tt.title), 10)], func(t *testing.T) {
			blocks := CardBlocks(commands.Card{Title: tt.title, Tone: tt.tone})
			checkBlockLimits(t, blocks)
			h, ok := blocks[0].(*slackapi.HeaderBlock)
			if !ok {
				t.Fatalf("first block is %T", blocks[0])
			}
			if h.Text.Type != slackapi.PlainTextType || h.Text.Text != tt.want {
				t.Errorf("header = %s %q, want plain_text %q", h.Text.Type, h.Text.Text, tt.want)
			}
		})
	}
	if blocks := CardBlocks(commands.Card{Text: "no title"}); len(blocks) != 1 || blocks[0].BlockType() != slackapi.MBTSection {
		t.Errorf("card without title: %d blocks, first %s", len(blocks), blocks[0].BlockType())
	}
}

func TestCardFields(t *testing.T) {
	var fields []commands.Field
	for i := range 12 {
		fields = append(fields, commands.Field{Label: fmt.Sprintf("F%d", i), Value: "v", Short: true})
	}
	fields = append(fields,
		commands.Field{Label: "Long", Value: "a long value"},
		commands.Field{Label: "Huge short", Value: strings.Repeat("y ", 1200), Short: true},
		commands.Field{Label: "Empty", Short: true},
		commands.Field{},
	)
	blocks := CardBlocks(commands.Card{Fields: fields})
	checkBlockLimits(t, blocks)
	var shape []string
	for _, b := range blocks {
		s := b.(*slackapi.SectionBlock)
		if s.Text != nil {
			shape = append(shape, "text:"+strings.SplitN(s.Text.Text, "\n", 2)[0])
		} else {
			shape = append(shape, fmt.Sprintf("fields:%d", len(s.Fields)))
		}
	}
	want := []string{"fields:10", "fields:2", "text:*Long*", "text:*Huge short*", "fields:1"}
	if diff := cmp.Diff(want, shape); diff != "" {
		t.Errorf("field sections (-want +got):\n%s", diff)
	}
	if got := blocks[4].(*slackapi.SectionBlock).Fields[0].Text; got != "*Empty*\n—" {
		t.Errorf("empty field = %q", got)
	}
}

func TestCardButtonText(t *testing.T) {
	tests := []struct{ label, want string }{
		{"Approve", "Approve"},
		{strings.Repeat("a", 75), strings.Repeat("a", 75)},
		{strings.Repeat("a", 76), strings.Repeat("a", 74) + "…"},
		{strings.Repeat("é", 200), strings.Repeat("é", 74) + "…"},
		{strings.Repeat("ab ", 30), strings.TrimSpace(strings.Repeat("ab ", 25)) + "…"},
		{"Mark\nas published", "Mark as published"},
		{"", "publish"}, // no label: the command's first word
	}
	for _, tt := range tests {
		t.Run(tt.label[:min(len(tt.label), 12)], func(t *testing.T) {
			blocks := CardBlocks(commands.Card{Buttons: []commands.Button{{Label: tt.label, Command: "publish 3"}}})
			checkBlockLimits(t, blocks)
			btns := buttonsOf(blocks)
			if len(btns) != 1 {
				t.Fatalf("%d buttons", len(btns))
			}
			if got := btns[0].Text.Text; got != tt.want {
				t.Errorf("text = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCardActionIDs(t *testing.T) {
	long := strings.Repeat("w", 300)
	buttons := []commands.Button{
		{Label: "Approve", Command: "approve 12", Style: "primary"},
		{Label: "Approve again", Command: "approve 12"},
		{Label: "Approve with comment", Command: "approve 12", Input: "comment"},
		{Label: "Request changes", Command: "changes 12", Input: "comment"},
		{Label: "Reject", Command: "reject 12", Style: "danger", Input: "reason"},
		{Label: "Nothing", Command: ""},
		{Label: "Odd style", Command: "  show 12", Style: "secondary"},
		{Label: "Long", Command: long + " 1"},
		{Label: "Long 2", Command: long + " 2"},
		{Label: "Long input", Command: "x", Input: long},
	}
	blocks := CardBlocks(commands.Card{Buttons: buttons})
	checkBlockLimits(t, blocks)
	btns := buttonsOf(blocks)
	if len(btns) != len(buttons) {
		t.Fatalf("%d buttons, want %d", len(btns), len(buttons))
	}
	wantIDs := []string{
		"herald.run.approve", "herald.run.approve.2", "herald.ask.comment", "herald.ask.comment.2",
		"herald.ask.reason", "herald.run.button", "herald.run.show",
	}
	seen := map[string]bool{}
	for i, b := range btns {
		if seen[b.ActionID] {
			t.Errorf("action id %q repeated", b.ActionID)
		}
		seen[b.ActionID] = true
		if b.Value != buttons[i].Command {
			t.Errorf("button %d value = %q, want %q", i, b.Value, buttons[i].Command)
		}
		if i < len(wantIDs) && b.ActionID != wantIDs[i] {
			t.Errorf("button %d action id = %q, want %q", i, b.ActionID, wantIDs[i])
		}
		prefix := ActionRun
		if buttons[i].Input != "" {
			prefix = ActionAsk
		}
		if !strings.HasPrefix(b.ActionID, prefix) {
			t.Errorf("button %d action id %q lacks %q", i, b.ActionID, prefix)
		}
	}
	styles := []slackapi.Style{btns[0].Style, btns[1].Style, btns[4].Style, btns[6].Style}
	if diff := cmp.Diff([]slackapi.Style{"primary", "", "danger", ""}, styles); diff != "" {
		t.Errorf("styles (-want +got):\n%s", diff)
	}
}

func TestCardButtonsMany(t *testing.T) {
	var buttons []commands.Button
	for i := range 30 {
		buttons = append(buttons, commands.Button{Label: fmt.Sprint(i), Command: fmt.Sprintf("show %d", i)})
	}
	buttons = append(buttons, commands.Button{Label: "Too long", Command: "draft " + strings.Repeat("z", 2000)})
	blocks := CardBlocks(commands.Card{Title: "Many", Buttons: buttons})
	checkBlockLimits(t, blocks)
	if n := len(buttonsOf(blocks)); n != 30 {
		t.Errorf("%d buttons, want 30", n)
	}
	if !strings.Contains(strings.Join(mrkdwnTexts(blocks), "\n"), "“Too long” button is missing") {
		t.Errorf("the dropped button is not mentioned: %q", mrkdwnTexts(blocks))
	}
}

func TestMessageBlockLimit(t *testing.T) {
	titles := func(n int) []commands.Card {
		cards := make([]commands.Card, n)
		for i := range cards {
			cards[i] = commands.Card{Title: fmt.Sprintf("Mention %d", i)}
		}
		return cards
	}
	tests := []struct {
		name       string
		resp       commands.Response
		wantBlocks int
		wantLast   string
	}{
		{"25 cards is 49 blocks", commands.Response{Cards: titles(25)}, 49, ""},
		{"text and 25 cards is 50 blocks", commands.Response{Text: "Mentions", Cards: titles(25)}, 50, ""},
		{"60 cards", commands.Response{Cards: titles(60)}, 50, "… (70 more)"},
		{"long text", commands.Response{Text: strings.Repeat(strings.Repeat("word ", 500)+"\n", 200)}, 50, "… (151 more)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, blocks := Message(tt.resp, i18n.English)
			checkBlockLimits(t, blocks)
			if len(blocks) != tt.wantBlocks {
				t.Fatalf("%d blocks, want %d", len(blocks), tt.wantBlocks)
			}
			last, _ := blocks[len(blocks)-1].(*slackapi.ContextBlock)
			switch {
			case tt.wantLast == "" && last != nil:
				t.Errorf("unexpected context block at the end")
			case tt.wantLast != "" && (last == nil || last.ContextElements.Elements[0].(*slackapi.TextBlockObject).Text != tt.wantLast):
				t.Errorf("last block = %#v, want context %q", blocks[len(blocks)-1], tt.wantLast)
			}
		})
	}
}

var unescaper = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

func dropSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func TestBlockSectionSplit(t *testing.T) {
	tests := []struct {
		name       string
		text       string
		wantChunks int
	}{
		{"short", "hello *world*", 1},
		{"exactly 3000", strings.Repeat("x", 3000), 1},
		{"3001 without spaces", strings.Repeat("x", 3001), 2},
		{"escapes count", strings.Repeat("&", 601), 2},
		{"lines", longText(), 3},
		{"words", strings.Repeat("lorem ipsum ", 800), 4},
		{"one paragraph then words", "title\n" + strings.Repeat("abc ", 1000), 2},
		{"runes", strings.Repeat("é😀", 2000), 2},
		{"blank", " \n\t ", 0},
		{"mixed", strings.Repeat("a <b> & c\n", 700), 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chunks := commands.SplitText(tt.text, maxSectionText, escapeCost)
			if got := strings.Join(chunks, ""); got != tt.text {
				t.Errorf("chunks joined differ from the text")
			}
			for i, c := range chunks {
				if n := utf8.RuneCountInString(escape(c)); n > maxSectionText {
					t.Errorf("chunk %d escaped is %d characters", i, n)
				}
				if !utf8.ValidString(c) {
					t.Errorf("chunk %d cuts a character", i)
				}
			}
			blocks := sectionBlocks(tt.text)
			if len(blocks) != tt.wantChunks {
				t.Errorf("%d sections, want %d", len(blocks), tt.wantChunks)
			}
			checkBlockLimits(t, blocks)
			var joined strings.Builder
			for _, b := range blocks {
				joined.WriteString(unescaper.Replace(b.(*slackapi.SectionBlock).Text.Text))
			}
			if dropSpace(joined.String()) != dropSpace(tt.text) {
				t.Errorf("sections joined differ from the text beyond spaces")
			}
		})
	}
	// Line breaks are preferred split points.
	for i, c := range commands.SplitText(longText(), maxSectionText, escapeCost) {
		if !strings.HasSuffix(c, "\n") {
			t.Errorf("lines: chunk %d ends mid-line: %q", i, c[max(0, len(c)-20):])
		}
	}
}

func FuzzBlockSplit(f *testing.F) {
	f.Add("hello world", 20)
	f.Add(longText(), 3000)
	f.Add(strings.Repeat("&<>", 50), 7)
	f.Add("a\nb c\n\nd", 2)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 5 || max > 5000 {
			return
		}
		chunks := commands.SplitText(s, max, escapeCost)
		if strings.Join(chunks, "") != s {
			t.Fatalf("chunks joined differ from the text")
		}
		for _, c := range chunks {
			if c == "" {
				t.Fatalf("empty chunk")
			}
			if escapedLen(c) > max && utf8.RuneCountInString(c) > 1 {
				t.Fatalf("chunk over %d: %q", max, c)
			}
		}
	})
}

func TestMessageText(t *testing.T) {
	section := func(s string) slackapi.Block { return slackapi.NewSectionBlock(mrkdwn(s), nil, nil) }
	tests := []struct {
		name         string
		resp         commands.Response
		wantFallback string
		want         []slackapi.Block
	}{
		{"text", commands.Response{Text: "Brand acme added."}, "Brand acme added.",
			[]slackapi.Block{section("Brand acme added.")}},
		{"ephemeral and replace change nothing", commands.Response{Text: "ok", Ephemeral: true}, "ok",
			[]slackapi.Block{section("ok")}},
		{"error", commands.Response{Text: "No draft 9 <here>.", ErrCode: herald.ENOTFOUND}, ":warning: No draft 9 &lt;here&gt;.",
			[]slackapi.Block{section(":warning: No draft 9 &lt;here&gt;.")}},
		{"error without text", commands.Response{ErrCode: herald.EINTERNAL}, ":warning: Something went wrong.",
			[]slackapi.Block{section(":warning: Something went wrong.")}},
		{"form alone", commands.Response{Form: &commands.Form{Title: "New draft", Command: "draft"}}, "Opening a form…",
			[]slackapi.Block{slackapi.NewContextBlock("", mrkdwn("Opening a form…"))}},
		{"form with text", commands.Response{Text: "Fill this in.", Form: &commands.Form{Command: "draft"}}, "Fill this in.",
			[]slackapi.Block{section("Fill this in.")}},
		{"empty", commands.Response{}, "", nil},
		{"two cards", commands.Response{Cards: []commands.Card{{Title: "A", Tone: "good"}, {Title: "B", Text: "b & c"}}}, "✅ A\nB\nb &amp; c",
			[]slackapi.Block{
				slackapi.NewHeaderBlock(plainText("✅ A")), slackapi.NewDividerBlock(),
				slackapi.NewHeaderBlock(plainText("B")), section("b &amp; c"),
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fallback, blocks := Message(tt.resp, i18n.English)
			if fallback != tt.wantFallback {
				t.Errorf("fallback = %q, want %q", fallback, tt.wantFallback)
			}
			if diff := cmp.Diff(tt.want, blocks); diff != "" {
				t.Errorf("blocks (-want +got):\n%s", diff)
			}
		})
	}
}

// brokenEntity reports whether s has an "&" that starts no entity.
func brokenEntity(s string) bool {
	for {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			return false
		}
		if s = s[i:]; !strings.HasPrefix(s, "&amp;") && !strings.HasPrefix(s, "&lt;") && !strings.HasPrefix(s, "&gt;") {
			return true
		}
		s = s[1:]
	}
}

func TestMessageFallbackLength(t *testing.T) {
	tests := []struct {
		name string
		resp commands.Response
		want func(string) bool
	}{
		{"short", commands.Response{Text: "hi & bye"}, func(s string) bool { return s == "hi &amp; bye" }},
		{"exactly 40000", commands.Response{Text: strings.Repeat("x", 40000)}, func(s string) bool { return !strings.HasSuffix(s, "…") }},
		{"long", commands.Response{Text: strings.Repeat("word ", 20000)}, func(s string) bool { return strings.HasSuffix(s, "word…") }},
		{"long escapes", commands.Response{Text: strings.Repeat("&", 20000)}, func(s string) bool { return strings.HasSuffix(s, "&amp;…") }},
		{"long cards", commands.Response{Cards: []commands.Card{{Title: "T", Text: strings.Repeat("<a> ", 20000)}}},
			func(s string) bool {
				return strings.HasPrefix(s, "T\n&lt;a&gt; ") && strings.HasSuffix(s, "…")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fallback, _ := Message(tt.resp, i18n.English)
			if n := utf8.RuneCountInString(fallback); n > maxFallback {
				t.Errorf("fallback is %d characters, more than %d", n, maxFallback)
			}
			if brokenEntity(fallback) {
				t.Errorf("fallback cuts an entity: …%q", fallback[max(0, len(fallback)-12):])
			}
			if !tt.want(fallback) {
				t.Errorf("fallback = %q…%q", fallback[:min(30, len(fallback))], fallback[max(0, len(fallback)-30):])
			}
		})
	}
}

// draftForm is the form /herald edit opens.
func draftForm() *commands.Form {
	return &commands.Form{
		Title:   "Edit draft #12 before review",
		Command: "edit 12",
		Fields: []commands.FormField{
			{Name: "text", Label: "Text", Value: "Spring sale & more", Multiline: true},
			{Name: "to", Label: "Targets", Optional: true, Flag: true, Placeholder: "mastodon:acme"},
			{Name: "at", Label: "When", Value: "tomorrow 9:00", Optional: true, Flag: true, Placeholder: "WHEN"},
		},
	}
}

func TestModal(t *testing.T) {
	f := draftForm()
	view, err := Modal(f, FormMeta{Command: f.Command, Fields: f.Fields, Channel: "C1"})
	if err != nil {
		t.Fatal(err)
	}
	if view.Type != slackapi.VTModal || view.CallbackID != FormCallback {
		t.Errorf("type %q, callback %q", view.Type, view.CallbackID)
	}
	if got := view.Title.Text; got != "Edit draft #12 before r…" || utf8.RuneCountInString(got) != maxModalTitle {
		t.Errorf("title = %q", got)
	}
	if view.Submit.Text != "Send" || view.Close.Text != "Cancel" {
		t.Errorf("submit %q, close %q", view.Submit.Text, view.Close.Text)
	}
	type input struct {
		BlockID, Label, ActionID, Initial, Placeholder string
		Multiline, Optional                            bool
	}
	var got []input
	for _, b := range view.Blocks.BlockSet {
		in := b.(*slackapi.InputBlock)
		el := in.Element.(*slackapi.PlainTextInputBlockElement)
		ph := ""
		if el.Placeholder != nil {
			ph = el.Placeholder.Text
		}
		got = append(got, input{in.BlockID, in.Label.Text, el.ActionID, el.InitialValue, ph, el.Multiline, in.Optional})
	}
	want := []input{
		{"text", "Text", "value", "Spring sale & more", "", true, false},
		{"to", "Targets", "value", "", "mastodon:acme", false, true},
		{"at", "When", "value", "tomorrow 9:00", "WHEN", false, true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("inputs (-want +got):\n%s", diff)
	}
	wantMeta := `{"c":"edit 12","f":[` +
		`{"Name":"text","Label":"","Value":"","Multiline":false,"Optional":false,"Flag":false,"Placeholder":""},` +
		`{"Name":"to","Label":"","Value":"","Multiline":false,"Optional":false,"Flag":true,"Placeholder":""},` +
		`{"Name":"at","Label":"","Value":"","Multiline":false,"Optional":false,"Flag":true,"Placeholder":""}],` +
		`"ch":"C1"}`
	if view.PrivateMetadata != wantMeta {
		t.Errorf("private_metadata = %s\nwant %s", view.PrivateMetadata, wantMeta)
	}
	if f.Fields[0].Value != "Spring sale & more" {
		t.Errorf("Modal changed the form")
	}
	if _, err := json.Marshal(view); err != nil {
		t.Fatal(err)
	}
}

func TestModalTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"New draft", "New draft"},
		{"", "Herald"},
		{strings.Repeat("x", 24), strings.Repeat("x", 24)},
		{strings.Repeat("x", 25), strings.Repeat("x", 23) + "…"},
		{"Request   changes\non #12", "Request changes on #12"},
	}
	for _, tt := range tests {
		view, err := Modal(&commands.Form{Title: tt.in, Command: "draft", Fields: []commands.FormField{{Name: "text"}}}, FormMeta{})
		if err != nil {
			t.Fatal(err)
		}
		if view.Title.Text != tt.want {
			t.Errorf("Modal(%q) title = %q, want %q", tt.in, view.Title.Text, tt.want)
		}
	}
}

func TestModalErrors(t *testing.T) {
	tests := []struct {
		name string
		form *commands.Form
		meta FormMeta
		code string
	}{
		{"oversized metadata", &commands.Form{Command: "draft", Fields: []commands.FormField{{Name: "text"}}},
			FormMeta{Command: "draft " + strings.Repeat("x", 3000)}, herald.EINVALID},
		{"many fields in metadata", &commands.Form{Command: "draft", Fields: []commands.FormField{{Name: "text"}}},
			FormMeta{Command: "draft", Fields: make([]commands.FormField, 40)}, herald.EINVALID},
		{"value too long", &commands.Form{Command: "edit 1", Fields: []commands.FormField{{Name: "text", Label: "Text", Value: strings.Repeat("v", 3001)}}},
			FormMeta{}, herald.EINVALID},
		{"repeated field", &commands.Form{Command: "x", Fields: []commands.FormField{{Name: "a"}, {Name: "a"}}}, FormMeta{}, herald.EINTERNAL},
		{"unnamed field", &commands.Form{Command: "x", Fields: []commands.FormField{{Label: "A"}}}, FormMeta{}, herald.EINTERNAL},
		{"nil form", nil, FormMeta{}, herald.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Modal(tt.form, tt.meta)
			var he *herald.Error
			if !errors.As(err, &he) || he.Code != tt.code {
				t.Errorf("err = %v, want a *herald.Error %s", err, tt.code)
			}
		})
	}
	t.Run("metadata just fits", func(t *testing.T) {
		meta := FormMeta{Command: "draft ", Fields: []commands.FormField{{Name: "text"}}, Channel: "C1"}
		base, _ := json.Marshal(meta)
		meta.Command += strings.Repeat("x", maxMetadata-len(base))
		view, err := Modal(&commands.Form{Command: "draft", Fields: []commands.FormField{{Name: "text"}}}, meta)
		if err != nil || len(view.PrivateMetadata) != maxMetadata {
			t.Errorf("err = %v, metadata %d bytes", err, len(view.PrivateMetadata))
		}
	})
}

// submitted is the view Slack sends back in a view_submission for a modal
// Herald opened, with the user's values typed in.
func submitted(t *testing.T, req slackapi.ModalViewRequest, values map[string]string) slackapi.View {
	t.Helper()
	raw, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var v slackapi.View
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	v.ID, v.TeamID = "V1", "T1"
	v.State = &slackapi.ViewState{Values: map[string]map[string]slackapi.BlockAction{}}
	for id, val := range values {
		v.State.Values[id] = map[string]slackapi.BlockAction{inputAction: {ActionID: inputAction, BlockID: id, Type: "plain_text_input", Value: val}}
	}
	return v
}

func TestModalSubmission(t *testing.T) {
	f := draftForm()
	meta := FormMeta{Command: f.Command, Fields: f.Fields, Channel: "C1"}
	view, err := Modal(f, meta)
	if err != nil {
		t.Fatal(err)
	}
	gotMeta, values, err := Submission(submitted(t, view, map[string]string{"text": `Spring "sale"`, "to": "", "at": "mon 14:30"}))
	if err != nil {
		t.Fatal(err)
	}
	wantMeta := FormMeta{Command: "edit 12", Channel: "C1", Fields: []commands.FormField{{Name: "text"}, {Name: "to", Flag: true}, {Name: "at", Flag: true}}}
	if diff := cmp.Diff(wantMeta, gotMeta); diff != "" {
		t.Errorf("meta (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"text": `Spring "sale"`, "to": "", "at": "mon 14:30"}, values); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if got, want := commands.FormLine(gotMeta.Command, gotMeta.Fields, values), `edit 12 "Spring \"sale\"" --at "mon 14:30"`; got != want {
		t.Errorf("command line = %s, want %s", got, want)
	}
}

func TestAskModalSubmission(t *testing.T) {
	btn := commands.Button{Label: "Request changes", Command: "changes 12", Input: "comment"}
	view, err := AskModal(btn, FormMeta{Command: btn.Command, Fields: []commands.FormField{{Name: btn.Input}}, Channel: "C9"})
	if err != nil {
		t.Fatal(err)
	}
	if view.Title.Text != "Request changes" || len(view.Blocks.BlockSet) != 1 {
		t.Fatalf("title %q, %d blocks", view.Title.Text, len(view.Blocks.BlockSet))
	}
	in := view.Blocks.BlockSet[0].(*slackapi.InputBlock)
	el := in.Element.(*slackapi.PlainTextInputBlockElement)
	if in.BlockID != "comment" || in.Label.Text != "Comment" || el.ActionID != inputAction || !el.Multiline || in.Optional {
		t.Errorf("input = %+v, element %+v", in, el)
	}
	meta, values, err := Submission(submitted(t, view, map[string]string{"comment": "Shorter, please."}))
	if err != nil {
		t.Fatal(err)
	}
	if meta.Channel != "C9" {
		t.Errorf("meta = %+v", meta)
	}
	if got, want := commands.FormLine(meta.Command, meta.Fields, values), `changes 12 "Shorter, please."`; got != want {
		t.Errorf("command line = %s, want %s", got, want)
	}
	// With no meta fields given, the button's input is the one field.
	view, err = AskModal(btn, FormMeta{Channel: "C9"})
	if err != nil {
		t.Fatal(err)
	}
	if meta, _, err := Submission(submitted(t, view, nil)); err != nil || meta.Command != "changes 12" || len(meta.Fields) != 1 || meta.Fields[0].Name != "comment" {
		t.Errorf("meta = %+v, err %v", meta, err)
	}
	if _, err := AskModal(commands.Button{Label: "Approve", Command: "approve 1"}, FormMeta{}); err == nil {
		t.Errorf("AskModal of a button without input: no error")
	}
}

func TestSubmissionErrors(t *testing.T) {
	good, err := Modal(draftForm(), FormMeta{Channel: "C1"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		edit       func(*slackapi.View)
		wantFields int // fields of the meta returned with the error
	}{
		{"foreign callback id", func(v *slackapi.View) { v.CallbackID = "someone.else" }, 0},
		{"no callback id", func(v *slackapi.View) { v.CallbackID = "" }, 0},
		{"empty metadata", func(v *slackapi.View) { v.PrivateMetadata = "" }, 3},
		{"bad json", func(v *slackapi.View) { v.PrivateMetadata = `{"c":` }, 3},
		{"wrong types", func(v *slackapi.View) { v.PrivateMetadata = `{"c":12}` }, 3},
		{"no command", func(v *slackapi.View) { v.PrivateMetadata = `{"c":" ","ch":"C1"}` }, 3},
		{"null", func(v *slackapi.View) { v.PrivateMetadata = `null` }, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := submitted(t, good, map[string]string{"text": "x"})
			tt.edit(&v)
			meta, values, err := Submission(v)
			var he *herald.Error
			if !errors.As(err, &he) || he.Code != herald.EINVALID || he.Message == "" {
				t.Fatalf("err = %#v, want a *herald.Error EINVALID", err)
			}
			if values != nil || len(meta.Fields) != tt.wantFields {
				t.Errorf("values %v, meta %+v", values, meta)
			}
		})
	}
	t.Run("bad metadata error shows on the first input", func(t *testing.T) {
		v := submitted(t, good, nil)
		v.PrivateMetadata = "garbage"
		meta, _, _ := Submission(v)
		if got := FieldErrors(meta, "", "x").Errors; got["text"] != "x" {
			t.Errorf("errors = %v", got)
		}
	})
}

func FuzzSubmission(f *testing.F) {
	view, err := Modal(draftForm(), FormMeta{Channel: "C1"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(view.PrivateMetadata)
	f.Add("")
	f.Add("null")
	f.Add(`{"c":"x","f":[{"Name":1}]}`)
	f.Add(`{"c":"draft","f":null,"ch":"C","t":"T","extra":[1,2,{}]}`)
	f.Add(`[]`)
	f.Add("\xff\xfe")
	f.Fuzz(func(t *testing.T, md string) {
		v := slackapi.View{CallbackID: FormCallback, PrivateMetadata: md, State: &slackapi.ViewState{
			Values: map[string]map[string]slackapi.BlockAction{"text": {"value": {Value: "hi"}}},
		}}
		meta, values, err := Submission(v)
		if err != nil {
			var he *herald.Error
			if !errors.As(err, &he) || he.Code != herald.EINVALID {
				t.Fatalf("error %#v is not a *herald.Error EINVALID", err)
			}
			_ = FieldErrors(meta, "", herald.ErrorMessage(err))
			return
		}
		if strings.TrimSpace(meta.Command) == "" || values["text"] != "hi" {
			t.Fatalf("meta %+v, values %v", meta, values)
		}
		_ = commands.FormLine(meta.Command, meta.Fields, values)
	})
}

func TestFieldErrors(t *testing.T) {
	meta := FormMeta{Command: "draft", Fields: []commands.FormField{{Name: "text"}, {Name: "at", Flag: true}}}
	tests := []struct {
		name  string
		meta  FormMeta
		field string
		msg   string
		want  string
	}{
		{"first field", meta, "", "msg", `{"response_action":"errors","errors":{"text":"msg"}}`},
		{"named field", meta, "at", "Cannot read “soon” as a time.", `{"response_action":"errors","errors":{"at":"Cannot read “soon” as a time."}}`},
		{"no fields", FormMeta{}, "", "msg", `{"response_action":"errors","errors":{"text":"msg"}}`},
		{"no message", meta, "", "", `{"response_action":"errors","errors":{"text":"This value is not right."}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(FieldErrors(tt.meta, tt.field, tt.msg))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestCardExcerpt: text from outside is a rich-text quote whose runs Slack
// reads as plain text (no mention, link or formatting can get through),
// with the marked runs bold.
func TestCardExcerpt(t *testing.T) {
	text := "<!channel> *Acme* rocks <https://evil.example|bank>"
	blocks := CardBlocks(commands.Card{Title: "Mention", Excerpt: &commands.Excerpt{Text: text, Marks: [][2]int{{12, 16}}}})
	js, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	var got []struct {
		Type     string `json:"type"`
		Elements []struct {
			Type     string `json:"type"`
			Elements []struct {
				Type  string          `json:"type"`
				Text  string          `json:"text"`
				Style map[string]bool `json:"style"`
			} `json:"elements"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatal(err)
	}
	rt := got[len(got)-1]
	if rt.Type != "rich_text" || len(rt.Elements) != 1 || rt.Elements[0].Type != "rich_text_quote" {
		t.Fatalf("last block = %s; want a rich_text quote", js)
	}
	var joined string
	for i, e := range rt.Elements[0].Elements {
		if e.Type != "text" {
			t.Errorf("element %d is %q; want text only", i, e.Type)
		}
		joined += e.Text
		if bold := e.Style["bold"]; bold != (e.Text == "Acme") {
			t.Errorf("element %q bold = %v", e.Text, bold)
		}
	}
	if joined != text {
		t.Errorf("quote text = %q; want %q verbatim", joined, text)
	}
}
