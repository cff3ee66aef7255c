package main

import (
	"strings"
	"testing"
)

// hostile is text from the web or a user, as it may reach a card.
const hostile = `<script>alert(1)</script> & "quotes" <img src=x onerror=alert(2)>`

// TestPagesEscape checks that no page lets text become markup: what
// Herald sends is shown as text, whatever it holds.
func TestPagesEscape(t *testing.T) {
	slackBlocks := `[{"type":"header","text":{"type":"plain_text","text":"<script>alert(1)</script>"}},` +
		`{"type":"section","text":{"type":"mrkdwn","text":"&lt;script&gt;alert(1)&lt;/script&gt; &amp; <https://x.example/?a=\"b|<img src=x onerror=alert(2)>>"}},` +
		`{"type":"rich_text","elements":[{"type":"rich_text_quote","elements":[{"type":"text","text":"<script>alert(1)</script>","style":{"bold":true}}]}]},` +
		`{"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"<b>x</b>"},"style":"primary\"><script>"}]}]`
	discordMsg := `{"content":"<script>alert(1)</script>","embeds":[{"title":"<script>alert(1)</script>","description":"**<img src=x onerror=alert(2)>** [a](https://x.example/\"><script>)",` +
		`"fields":[{"name":"<script>","value":"` + "`<script>`" + `","inline":true}],"footer":{"text":"<script>"}}],` +
		`"components":[{"type":1,"components":[{"type":2,"label":"<script>","style":1}]}]}`
	for name, got := range map[string]string{
		"terminal": terminalPage("<script>", "alice> "+hostile+"\n  ┌ "+hostile+"\n  └ [x] "+hostile+"\n"+hostile),
		"slack":    slackPage(slackBlocks),
		"discord":  discordPage(discordMsg),
		"bad JSON": slackPage(hostile) + discordPage(hostile),
	} {
		t.Run(name, func(t *testing.T) {
			for _, bad := range []string{"<script", "<img"} {
				if strings.Contains(got, bad) {
					t.Errorf("page holds %q unescaped:\n%s", bad, got)
				}
			}
			if name != "bad JSON" && !strings.Contains(got, "&lt;script&gt;") {
				t.Errorf("page lost the text:\n%s", got)
			}
		})
	}
}

func TestSlackMrkdwn(t *testing.T) {
	for in, want := range map[string]string{
		"*bold* and _it_ and `code`":         "<b>bold</b> and <i>it</i> and <code>code</code>",
		"a &amp; b &lt;c&gt;":                "a &amp; b &lt;c&gt;",
		"<https://x.example|site> <@U1|sam>": `<a href="https://x.example">site</a> <span class="mention">@sam</span>`,
		":warning: line\nnext":               "⚠️ line<br>next",
		"snake_case_name stays":              "snake_case_name stays",
	} {
		if got := string(slackMrkdwn(in)); got != want {
			t.Errorf("slackMrkdwn(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDiscordMarkdown(t *testing.T) {
	for in, want := range map[string]string{
		"**bold** *it* __u__ ~~s~~":       "<strong>bold</strong> <em>it</em> <u>u</u> <s>s</s>",
		`\*not italic\* a\_b`:             "*not italic* a_b",
		"`<x>` [site](https://x.example)": `<code>&lt;x&gt;</code> <a href="https://x.example">site</a>`,
		"snake_case_name":                 "snake_case_name",
		"**open":                          "<strong>open</strong>",
		"a\nb":                            "a<br>b",
	} {
		if got := string(discordMarkdown(in)); got != want {
			t.Errorf("discordMarkdown(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDiscordText(t *testing.T) {
	in := "> **Acme** opens\n> in Lyon\nplain *it*"
	want := `<div class="quote"><strong>Acme</strong> opens<br>in Lyon</div>plain <em>it</em>`
	if got := string(discordText(in)); got != want {
		t.Errorf("discordText(%q) = %q, want %q", in, got, want)
	}
}

func TestTranscriptHidesSecrets(t *testing.T) {
	out := "Herald dev — local console. Data: sqlite:/tmp/x/herald.db\nHerald console — you are you\n" +
		"  http://127.0.0.1:4242/hooks/mentions/SECRETTOKEN\nnext\n"
	got := transcript(out, "127.0.0.1:4242")
	for _, bad := range []string{"/tmp/x", "SECRETTOKEN", "127.0.0.1"} {
		if strings.Contains(got, bad) {
			t.Errorf("transcript keeps %q:\n%s", bad, got)
		}
	}
	if !strings.Contains(got, publicURL+"/hooks/mentions/…") {
		t.Errorf("transcript = %q", got)
	}
}
