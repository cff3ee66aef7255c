package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/mentions"
)

// hostile are names and titles from outside Herald that would format,
// link or ping if read as markup.
var hostile = []string{"*admin*", "<!channel>", "[x](https://evil.example)", "@everyone", "# Title", "> quote", "||spoiler||", "_it_ ~no~ `code`", "<https://evil.example|bank>", "<@U0|root>"}

// richTexts joins the text elements of each rich-text block, and fails
// on any other element than text.
func richTexts(t *testing.T, blocks []slackapi.Block) []string {
	t.Helper()
	js, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	var got []struct {
		Type     string `json:"type"`
		Elements []struct {
			Elements []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"elements"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range got {
		if b.Type != "rich_text" {
			continue
		}
		var joined strings.Builder
		for _, e := range b.Elements {
			for _, el := range e.Elements {
				if el.Type != "text" {
					t.Errorf("rich-text element %q; want text only", el.Type)
				}
				joined.WriteString(el.Text)
			}
		}
		out = append(out, joined.String())
	}
	return out
}

// TestOutsideTextVerbatim: on a mention card (author, title, text), a
// summary (top authors) and a draft card whose target refused with the
// network's words, text from outside is never in mrkdwn (where *admin*
// is bold and <!channel> pings): it is plain text in rich-text blocks,
// as written.
func TestOutsideTextVerbatim(t *testing.T) {
	b := herald.Brand{Name: "Acme"}
	for _, h := range hostile {
		m := mentions.Mention{ID: 7, State: mentions.StateNew, Author: h, Title: h, Text: "about acme " + h, Sources: []string{"rss"}, FoundAt: time.Unix(1e9, 0)}
		sum := mentions.Summary{Total: 1, Unhandled: 1, TopAuthors: []mentions.Count{{Key: h, N: 1}}}
		// A draft card's targets, as kit marks them when a network refused
		// (kit's TestDeliveryErrorsVerbatim).
		draft := commands.Card{Title: "Draft #1", Fields: []commands.Field{{Label: "Targets", Value: "✗ mastodon:main failed — " + h, Verbatim: true}}}
		for name, c := range map[string]commands.Card{"mention": kit.MentionCard(b, m, i18n.English), "summary": kit.SummaryCard(b, sum, "Today", i18n.English), "draft": draft} {
			blocks := CardBlocks(c)
			for _, mt := range mrkdwnTexts(blocks) {
				if strings.Contains(mt, escape(h)) {
					t.Errorf("%s card with %q: mrkdwn %q carries it", name, h, mt)
				}
			}
			if rt := strings.Join(richTexts(t, blocks), "\n"); !strings.Contains(rt, h) {
				t.Errorf("%s card with %q: rich text %q does not show it as written", name, h, rt)
			}
		}
	}
}
