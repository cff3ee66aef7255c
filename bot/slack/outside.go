package slack

import (
	"strings"
	"unicode"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"github.com/heraldhq/herald/commands"
)

// Text from outside Herald (a mention's author, title and text, a
// network's words) is never given to mrkdwn, where *admin* would be bold
// and a link or a mention would work: it goes into rich-text blocks as
// plain text elements, which Slack shows as written.

// excerptBlock renders text from outside as a rich-text quote: its runs
// are plain text elements (Slack reads no markup in them, so nothing needs
// escaping), the marked ones bold. It is cut to what a section may hold.
func excerptBlock(e commands.Excerpt) slackapi.Block {
	var elems []slackapi.RichTextSectionElement
	room := maxSectionText
	for _, seg := range e.Segments() {
		text := truncateRunes(seg.Text, room)
		if text == "" {
			break
		}
		room -= utf8.RuneCountInString(text)
		var style *slackapi.RichTextSectionTextStyle
		if seg.Marked {
			style = &slackapi.RichTextSectionTextStyle{Bold: true}
		}
		elems = append(elems, slackapi.NewRichTextSectionTextElement(text, style))
	}
	quote := &slackapi.RichTextQuote{Type: slackapi.RTEQuote, Elements: elems}
	return slackapi.NewRichTextBlock("", quote)
}

// verbatimBlocks renders a field whose value comes from outside Herald (a
// mention's author, a network's words) so that Slack reads no markup in
// it: rich-text blocks whose value is plain text elements (no mrkdwn, so
// *admin* stays as typed, <!channel> and links are text), under the
// label in bold. A value longer than a section holds continues in more
// blocks; nothing is dropped.
func verbatimBlocks(f commands.Field) []slackapi.Block {
	label, value := oneLine(f.Label), strings.TrimSpace(f.Value)
	if label == "" && value == "" {
		return nil
	}
	if value == "" {
		value = "—"
	}
	var blocks []slackapi.Block
	for i, chunk := range commands.SplitText(value, maxSectionText, commands.RuneCost) {
		if strings.TrimSpace(chunk) == "" {
			continue
		}
		var elems []slackapi.RichTextSectionElement
		if i == 0 && label != "" {
			elems = append(elems, slackapi.NewRichTextSectionTextElement(truncateRunes(label, maxFieldText)+"\n", &slackapi.RichTextSectionTextStyle{Bold: true}))
		}
		elems = append(elems, slackapi.NewRichTextSectionTextElement(strings.TrimRightFunc(chunk, unicode.IsSpace), nil))
		blocks = append(blocks, slackapi.NewRichTextBlock("", slackapi.NewRichTextSection(elems...)))
	}
	return blocks
}
