package slack

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/heraldhq/herald/commands"
)

// The forms of Slack's reference ("Formatting text for app surfaces":
// escaping text, linking to URLs, mentioning users, channels and groups,
// special mentions, dates), as Slack sends what a person typed when the
// manifest sets should_escape.
func TestPlainAndArg(t *testing.T) {
	for _, tc := range []struct{ in, plain, arg string }{
		{"Hello &amp; &lt;world&gt;", "Hello & <world>", "Hello & <world>"},
		{"<https://x.example/a>", "https://x.example/a", "https://x.example/a"},
		{"<https://x.example|x.example>", "x.example", "x.example"},
		{"<http://www.foo.com|www.foo.com>", "www.foo.com", "www.foo.com"},
		{"<http://www.example.com|This message *is* a link>", "http://www.example.com", "http://www.example.com"},
		{"<https://x.example/?a=1&amp;b=2>", "https://x.example/?a=1&b=2", "https://x.example/?a=1&b=2"},
		{"<mailto:a@b|a@b>", "a@b", "a@b"},
		{"<mailto:bob@example.com|Email Bob Roberts>", "mailto:bob@example.com", "mailto:bob@example.com"},
		{"Why not join <#C024BE7LR|general>?", "Why not join #general?", "Why not join <#C024BE7LR|general>?"},
		{"<#C024BE7LR>", "#C024BE7LR", "<#C024BE7LR>"},
		{"Hey <@U024BE7LH|bob>, did you see my file?", "Hey @bob, did you see my file?", "Hey <@U024BE7LH|bob>, did you see my file?"},
		{"<@U024BE7LH>", "@U024BE7LH", "<@U024BE7LH>"},
		{"<!here> <!channel> <!everyone>", "@here @channel @everyone", "@here @channel @everyone"},
		{"<!here|here>", "@here", "@here"},
		{"<!subteam^SAZ94GDB8|@team>", "@team", "@team"},
		{"<!subteam^SAZ94GDB8>", "@SAZ94GDB8", "@SAZ94GDB8"},
		{"<!date^1392734382^Posted {date_num} {time_secs}|Posted 2014-02-18 6:39:42 AM PST>", "Posted 2014-02-18 6:39:42 AM PST", "Posted 2014-02-18 6:39:42 AM PST"},
		{"Read our story <https://acme.example/spring>", "Read our story https://acme.example/spring", "Read our story https://acme.example/spring"},
		// Typed literally, escaped by Slack: read back as typed, never as markup.
		{"&lt;https://x.example&gt;", "<https://x.example>", "<https://x.example>"},
		{"&lt;@U1|sam&gt; &amp;lt;", "<@U1|sam> &lt;", "<@U1|sam> &lt;"},
		{"a < b", "a < b", "a < b"},
		{"<>", "<>", "<>"},
		{"no markup at all", "no markup at all", "no markup at all"},
	} {
		if got := Plain(tc.in); got != tc.plain {
			t.Errorf("Plain(%q) = %q, want %q", tc.in, got, tc.plain)
		}
		if got := Arg(tc.in); got != tc.arg {
			t.Errorf("Arg(%q) = %q, want %q", tc.in, got, tc.arg)
		}
	}
}

// escapeTyped is what Slack does, at the least, to what a person types.
var escapeTyped = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// FuzzUnescape: whatever a person types comes back as typed, and any
// input decodes without panicking into valid text no longer than it.
func FuzzUnescape(f *testing.F) {
	for _, s := range []string{"Hello & <world>", "<https://x.example|x.example>", "&amp;lt;", "<!date^1|x>", "<@U1|sam>", "<#C1>", "<", "<|>", "<!>", "<!subteam^>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := Plain(escapeTyped.Replace(s)); got != s {
			t.Errorf("Plain(escaped %q) = %q", s, got)
		}
		if got := Arg(escapeTyped.Replace(s)); got != s {
			t.Errorf("Arg(escaped %q) = %q", s, got)
		}
		for _, got := range []string{Plain(s), Arg(s)} {
			if len(got) > len(s)+len("@everyone") || utf8.ValidString(s) && !utf8.ValidString(got) {
				t.Errorf("decoding %q gave %q", s, got)
			}
		}
	})
}

// TestMarkupThroughParser: the parser decodes each value as its
// parameter needs: references stay ids where a user is meant, free text
// reads as typed, and a link with a spaced label stays one argument.
func TestMarkupThroughParser(t *testing.T) {
	var got commands.Args
	r := commands.NewRouter()
	run := func(_ context.Context, req *commands.Request) (commands.Response, error) {
		got = req.Args
		return commands.Response{}, nil
	}
	r.Register(
		&commands.Def{Path: "source add", Open: true, Handler: run, Params: []commands.Param{{Name: "kind", Kind: commands.String}, {Name: "url", Kind: commands.String}}},
		&commands.Def{Path: "draft", Open: true, Handler: run, Params: []commands.Param{{Name: "text", Kind: commands.Text}, {Name: "channel", Kind: commands.String, Flag: true}}},
		&commands.Def{Path: "role", Open: true, Handler: run, Params: []commands.Param{{Name: "user", Kind: commands.User}, {Name: "role", Kind: commands.String}}},
	)
	call := func(text string) commands.Args {
		got = nil
		if resp := r.Dispatch(context.Background(), commands.Call{Text: text, Markup: Markup}); resp.ErrCode != "" {
			t.Fatalf("%q: %s", text, resp.Text)
		}
		return got
	}
	if a := call("source add rss <https://acme.example/feed.xml>"); a.Str("url") != "https://acme.example/feed.xml" {
		t.Errorf("url = %q", a.Str("url"))
	}
	if a := call("source add rss <https://acme.example/feed|Our feed, weekly>"); a.Str("url") != "https://acme.example/feed" {
		t.Errorf("url with a spaced label = %q", a.Str("url"))
	}
	a := call("draft Read our story <https://acme.example/spring> &amp; ask <@U1|sam> in <#C1|news> <!here> --channel <#C2|ops>")
	if want := "Read our story https://acme.example/spring & ask @sam in #news @here"; a.Str("text") != want {
		t.Errorf("text = %q, want %q", a.Str("text"), want)
	}
	if a.Str("channel") != "<#C2|ops>" {
		t.Errorf("channel = %q, want the reference kept", a.Str("channel"))
	}
	if u := call("role <@U024BE7LH|bob> editor").User("user"); u.UserID != "U024BE7LH" || u.Name != "bob" {
		t.Errorf("user = %+v", u)
	}
	if a := call(`draft "Tom &amp; Jerry &lt;3"`); a.Str("text") != "Tom & Jerry <3" {
		t.Errorf("quoted text = %q", a.Str("text"))
	}
}
