package main

import (
	"regexp"
	"strings"
	"testing"
)

// ownTags are the only tags the markup renderers write; whatever else
// comes out must be escaped text.
var ownTags = regexp.MustCompile(`</?(b|i|s|u|em|strong|code|br)>|<a href="[^"<>]*">|</a>|<span class="mention">|</span>|<div class="quote">|</div>`)

func checkOnlyOwnTags(t *testing.T, in, out string) {
	t.Helper()
	if rest := ownTags.ReplaceAllString(out, ""); strings.ContainsAny(rest, "<>") {
		t.Errorf("markup of %q writes a tag of its own: %q", in, out)
	}
}

func FuzzSlackMrkdwn(f *testing.F) {
	for _, s := range []string{"*b* _i_ ~s~ `c`", "<https://x.example|a<b>", "&lt;script&gt;", "<@U1|sam> <#C1|news> <!here>", ":warning:", "<a|<b|c>>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkOnlyOwnTags(t, s, string(slackMrkdwn(s)))
	})
}

func FuzzDiscordText(f *testing.F) {
	for _, s := range []string{"**b** *i* __u__ ~~s~~ `c`", "> quote\n> more\nplain", `\*x\* \<y\>`, "[a](https://x.example/\"><script>)", "**open _and `unclosed"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkOnlyOwnTags(t, s, string(discordText(s)))
	})
}
