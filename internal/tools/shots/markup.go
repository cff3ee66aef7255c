package main

import (
	"html"
	"html/template"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// slackEmoji are the shortcodes Herald's texts use, as Slack shows them.
var slackEmoji = map[string]string{
	"warning": "⚠️", "white_check_mark": "✅", "hourglass": "⏳", "no_entry": "⛔", "loudspeaker": "📢", "mega": "📣",
	"rotating_light": "🚨", "pushpin": "📌", "bell": "🔔", "speech_balloon": "💬", "link": "🔗",
}

var (
	slackToken  = regexp.MustCompile(`<([^<>\n]*)>`)
	slackCode   = regexp.MustCompile("`([^`\n]+)`")
	slackBold   = regexp.MustCompile(`(^|[\s(>])\*([^*\n]+)\*`)
	slackItalic = regexp.MustCompile(`(^|[\s(>])_([^_\n]+)_`)
	slackStrike = regexp.MustCompile(`(^|[\s(>])~([^~\n]+)~`)
	slackShort  = regexp.MustCompile(`:([a-z0-9_+-]+):`)
)

// slackMrkdwn renders Slack mrkdwn as HTML: Slack's own escapes (&amp;
// &lt; &gt;) read back, every character HTML-escaped, then bold, italic,
// strike, code, links, mentions and the shortcodes Herald uses.
func slackMrkdwn(s string) template.HTML {
	var b strings.Builder
	for {
		loc := slackToken.FindStringSubmatchIndex(s)
		if loc == nil {
			b.WriteString(slackInline(s))
			break
		}
		b.WriteString(slackInline(s[:loc[0]]))
		b.WriteString(slackLink(s[loc[2]:loc[3]]))
		s = s[loc[1]:]
	}
	return template.HTML(strings.ReplaceAll(b.String(), "\n", "<br>"))
}

// slackInline formats text without <…> tokens.
func slackInline(s string) string {
	s = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
	s = html.EscapeString(s)
	s = slackCode.ReplaceAllString(s, "<code>$1</code>")
	s = slackBold.ReplaceAllString(s, "$1<b>$2</b>")
	s = slackItalic.ReplaceAllString(s, "$1<i>$2</i>")
	s = slackStrike.ReplaceAllString(s, "$1<s>$2</s>")
	return slackShort.ReplaceAllStringFunc(s, func(m string) string {
		if e, ok := slackEmoji[strings.Trim(m, ":")]; ok {
			return e
		}
		return m
	})
}

// slackLink renders the inside of a <…> token: a link, a user, a channel.
func slackLink(tok string) string {
	target, label, _ := strings.Cut(tok, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		return `<span class="mention">@` + html.EscapeString(strings.ToLower(or(label, strings.TrimPrefix(target, "@")))) + `</span>`
	case strings.HasPrefix(target, "#"):
		return `<span class="mention">#` + html.EscapeString(or(label, target[1:])) + `</span>`
	case strings.HasPrefix(target, "!"):
		return `<span class="mention">@` + html.EscapeString(strings.TrimPrefix(target, "!")) + `</span>`
	}
	return `<a href="` + html.EscapeString(target) + `">` + html.EscapeString(or(label, target)) + `</a>`
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// discordText renders a Discord text: runs of lines starting with "> "
// as block quotes, each run's markdown by discordMarkdown.
func discordText(s string) template.HTML {
	var b strings.Builder
	lines := strings.Split(s, "\n")
	for len(lines) > 0 {
		quote := strings.HasPrefix(lines[0], "> ")
		n := 1
		for n < len(lines) && strings.HasPrefix(lines[n], "> ") == quote {
			n++
		}
		run := lines[:n]
		lines = lines[n:]
		if !quote {
			b.WriteString(string(discordMarkdown(strings.Join(run, "\n"))))
			if len(lines) > 0 {
				b.WriteString("<br>")
			}
			continue
		}
		for i := range run {
			run[i] = strings.TrimPrefix(run[i], "> ")
		}
		b.WriteString(`<div class="quote">` + string(discordMarkdown(strings.Join(run, "\n"))) + `</div>`)
	}
	return template.HTML(b.String())
}

// discordMarkdown renders Discord's markdown as HTML: backslash escapes,
// **bold**, *italic* and _italic_, __underline__, ~~strike~~, `code`,
// [links](url), line breaks. Every character is HTML-escaped; tags left
// open are closed at the end.
func discordMarkdown(s string) template.HTML {
	var b strings.Builder
	var open []string
	toggle := func(tag string) {
		if n := len(open); n > 0 && open[n-1] == tag {
			open = open[:n-1]
			b.WriteString("</" + tag + ">")
			return
		}
		open = append(open, tag)
		b.WriteString("<" + tag + ">")
	}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r, rest := rs[i], string(rs[i:])
		switch {
		case r == '\\' && i+1 < len(rs) && (unicode.IsPunct(rs[i+1]) || unicode.IsSymbol(rs[i+1])):
			i++
			b.WriteString(html.EscapeString(string(rs[i])))
		case strings.HasPrefix(rest, "**"), strings.HasPrefix(rest, "__"), strings.HasPrefix(rest, "~~"):
			toggle(map[rune]string{'*': "strong", '_': "u", '~': "s"}[r])
			i++
		case r == '*' || r == '_' && wordEdge(rs, i):
			toggle("em")
		case r == '`':
			if j := slices.Index(rs[i+1:], '`'); j >= 0 {
				b.WriteString("<code>" + html.EscapeString(string(rs[i+1:i+1+j])) + "</code>")
				i += j + 1
				continue
			}
			b.WriteString("`")
		case r == '[':
			if n, link := markdownLink(rest); n > 0 {
				b.WriteString(link)
				i += n - 1
				continue
			}
			b.WriteString("[")
		case r == '\n':
			b.WriteString("<br>")
		default:
			b.WriteString(html.EscapeString(string(r)))
		}
	}
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteString("</" + open[i] + ">")
	}
	return template.HTML(b.String())
}

// wordEdge reports whether an underscore at i opens or closes emphasis
// (not inside a word, like snake_case).
func wordEdge(rs []rune, i int) bool {
	before := i > 0 && (unicode.IsLetter(rs[i-1]) || unicode.IsDigit(rs[i-1]))
	after := i+1 < len(rs) && (unicode.IsLetter(rs[i+1]) || unicode.IsDigit(rs[i+1]))
	return !(before && after)
}

var mdLink = regexp.MustCompile(`^\[([^\]\n]+)\]\((https?://[^)\s]+)\)`)

// markdownLink reads [label](url) at the start of s: its length in runes
// and its HTML.
func markdownLink(s string) (int, string) {
	m := mdLink.FindStringSubmatch(s)
	if m == nil {
		return 0, ""
	}
	return len([]rune(m[0])), `<a href="` + html.EscapeString(m[2]) + `">` + html.EscapeString(m[1]) + `</a>`
}
