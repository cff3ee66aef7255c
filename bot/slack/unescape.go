package slack

import (
	"strings"

	"github.com/heraldhq/herald/commands"
)

// The manifest sets should_escape: Slack sends what a person typed in its
// own markup ("Formatting text for app surfaces", Slack's reference):
// & < > as &amp; &lt; &gt;, and between < and > the links it detected
// (<https://x.example/a>, <http://x.example|x.example> for a bare domain),
// mentions of people and channels (<@U123|sam>, <#C123|news>), special
// mentions (<!here>, <!subteam^S1|@team>) and dates
// (<!date^1392734382^{date}|fallback>). Markup reads them back.

// Markup decodes Slack's markup in command values: it is the
// commands.Markup of every call from Slack (slash commands, buttons,
// forms).
var Markup commands.Markup = markup{}

type markup struct{}

// Text implements commands.Markup: Plain.
func (markup) Text(s string) string { return Plain(s) }

// Arg implements commands.Markup: Arg.
func (markup) Arg(s string) string { return Arg(s) }

// Plain returns what the person typed: a link as its address (or as the
// text they typed when Slack made the link of it: a bare domain), a
// mailto link as the address, @name and #name for people and channels
// (the id when Slack sent no name), @here, @channel, @everyone, a group's
// @handle, a date's fallback text; then &amp; &lt; &gt; as & < > (only
// those three, and only outside the markup). A < that opens no markup
// (never sent by Slack, which escapes it) is kept.
func Plain(s string) string { return unescape(s, false) }

// Arg is Plain, except that mentions of people and channels stay as Slack
// sent them (<@U123|sam>, <#C123|news>): the parser reads them as ids.
func Arg(s string) string { return unescape(s, true) }

// entities are the only characters Slack escapes.
var entities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

func unescape(s string, keepRefs bool) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(entities.Replace(s))
			return b.String()
		}
		b.WriteString(entities.Replace(s[:i]))
		s = s[i:]
		n := spanEnd(s)
		if n == 0 {
			b.WriteByte('<')
			s = s[1:]
			continue
		}
		b.WriteString(decodeSpan(s[:n], keepRefs))
		s = s[n:]
	}
}

// spanEnd returns the length of the markup span that starts s ("<…>",
// holding no other '<' and no line break), or 0.
func spanEnd(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '>':
			if i == 1 {
				return 0 // "<>" is no markup
			}
			return i + 1
		case '<', '\n', '\r':
			return 0
		}
	}
	return 0
}

// decodeSpan decodes one "<…>" span.
func decodeSpan(span string, keepRefs bool) string {
	inner := span[1 : len(span)-1]
	target, label, labelled := strings.Cut(inner, "|")
	label = entities.Replace(label)
	if target == "" {
		return label
	}
	switch target[0] {
	case '@', '#':
		if keepRefs {
			return span
		}
		if labelled && strings.TrimSpace(label) != "" {
			return string(target[0]) + strings.TrimPrefix(label, string(target[0]))
		}
		return target
	case '!':
		return special(target[1:], label, labelled)
	}
	return link(entities.Replace(target), label, labelled)
}

// special reads <!here>, <!channel>, <!everyone> (@here…, whatever the
// label), <!subteam^ID|@handle> (the handle), <!date^…|fallback> (the
// fallback) and others: the label when there is one, else @ and the word.
func special(target, label string, labelled bool) string {
	word, arg, _ := strings.Cut(target, "^")
	switch word {
	case "here", "channel", "everyone", "group":
		return "@" + word
	case "subteam":
		if labelled && label != "" {
			return "@" + strings.TrimPrefix(label, "@")
		}
		return "@" + arg
	}
	if labelled {
		return label
	}
	if word == "date" || word == "" {
		return ""
	}
	return "@" + word
}

// link reads a link: the label when Slack added the link to what was
// typed (the label is the address without its scheme, as for a bare
// domain or an e-mail address), else the address.
func link(url, label string, labelled bool) string {
	if !labelled || label == "" {
		return url
	}
	for _, scheme := range []string{"https://", "http://", "mailto:"} {
		if rest, ok := cutPrefixFold(url, scheme); ok && rest == label {
			return label
		}
	}
	return url
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}
