package discord

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/mentions"
)

// hostile are names and titles from outside Herald that would format,
// link or ping if read as markup, each with the form Discord must get.
var hostile = []struct{ in, want string }{
	{"*admin*", `\*admin\*`},
	{"<!channel>", `\<!channel\>`},
	{"[x](https://evil.example)", `\[x\]\(https://evil.example\)`},
	{"# Title", `\# Title`},
	{"-# small", `\-\# small`},
	{"> quote", `\> quote`},
	{"||spoiler||", `\|\|spoiler\|\|`},
	{"__under__ ~~strike~~ `code`", "\\_\\_under\\_\\_ \\~\\~strike\\~\\~ \\`code\\`"},
	{"- item", `\- item`},
	{"+ item", `\+ item`},
	{"1. first", `1\. first`},
	{"<@123> <#456> <t:1700000000:R>", `\<@123\> \<\#456\> \<t:1700000000:R\>`},
}

// TestOutsideTextEscaped: on a mention card (author, title, text) and a
// summary (top authors), text from outside shows as written on Discord:
// every markdown form is escaped (lists and numbered lists included), and
// @everyone cannot ping (the message parses no mentions).
func TestOutsideTextEscaped(t *testing.T) {
	b := herald.Brand{Name: "Acme"}
	for _, h := range hostile {
		m := mentions.Mention{ID: 7, State: mentions.StateNew, Author: h.in, Title: h.in, Text: h.in + "\nsecond line", Sources: []string{"rss"}, FoundAt: time.Unix(1e9, 0)}
		sum := mentions.Summary{Total: 1, Unhandled: 1, TopAuthors: []mentions.Count{{Key: h.in, N: 1}}}
		mc := cardMessage(kit.MentionCard(b, m, i18n.English))
		if f := fieldNamed(mc, "Author"); f != h.want {
			t.Errorf("author %q shows as %q, want %q", h.in, f, h.want)
		}
		if d := mc.Embeds[0].Description; !strings.HasPrefix(d, "> "+h.want+"\n") {
			t.Errorf("title %q shows as %q, want it quoted as %q", h.in, d, h.want)
		}
		if f := fieldNamed(cardMessage(kit.SummaryCard(b, sum, "Today", i18n.English)), "Top authors"); f != h.want+" \\(1\\)" {
			t.Errorf("top author %q shows as %q", h.in, f)
		}
	}
	m := mentions.Mention{ID: 7, State: mentions.StateNew, Author: "@everyone", Title: "@here", Sources: []string{"rss"}}
	js, err := json.Marshal(cardMessage(kit.MentionCard(b, m, i18n.English)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"allowed_mentions":{"parse":[]}`) {
		t.Errorf("a card with @everyone may ping: %s", js)
	}
}

func fieldNamed(m message, name string) string {
	for _, e := range m.Embeds {
		for _, f := range e.Fields {
			if f.Name == name {
				return f.Value
			}
		}
	}
	return "(no field " + name + ")"
}

// TestTextNoMaskedLink: a response quoting a network's words (a failed
// delivery's note) cannot carry a masked link: Herald writes none.
func TestTextNoMaskedLink(t *testing.T) {
	msgs := textMessages(commands.Response{Text: "mastodon:main did not take draft #1: [Log in again](https://evil.example). Fix what it says, then press Retry (`retry 1`)."}, i18n.English)
	if got := msgs[0].Content; strings.Contains(got, "](") || !strings.Contains(got, `[Log in again]\(https://evil.example)`) {
		t.Errorf("content %q carries a masked link", got)
	}
}
