package listencmd

import (
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands/i18n"
)

func TestChannelArg(t *testing.T) {
	slack := herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C1"}
	discord := herald.ChannelRef{Platform: "discord", Workspace: "G1", Channel: "111"}
	console := herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "#general"}
	tests := []struct {
		name string
		here herald.ChannelRef
		in   string
		want herald.ChannelRef
	}{
		{name: "OKEmptyIsHere", here: slack, in: "", want: slack},
		{name: "OKBlankIsHere", here: slack, in: "  ", want: slack},
		{name: "OKSlackWithName", here: slack, in: "<#C0123ABCD|veille>", want: herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C0123ABCD"}},
		{name: "OKSlackEmptyName", here: slack, in: "<#C0123ABCD|>", want: herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C0123ABCD"}},
		{name: "OKSlackNoName", here: slack, in: "<#C0123ABCD>", want: herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C0123ABCD"}},
		{name: "OKSlackBareID", here: slack, in: "C0123ABCD", want: herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C0123ABCD"}},
		{name: "OKSpacesAround", here: slack, in: " <#C0123ABCD|veille> ", want: herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C0123ABCD"}},
		{name: "OKDiscord", here: discord, in: "<#123456789012345678>", want: herald.ChannelRef{Platform: "discord", Workspace: "G1", Channel: "123456789012345678"}},
		{name: "OKDiscordBareID", here: discord, in: "123456789012345678", want: herald.ChannelRef{Platform: "discord", Workspace: "G1", Channel: "123456789012345678"}},
		{name: "OKConsoleName", here: console, in: "#veille", want: herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "#veille"}},
		{name: "OKConsoleBareName", here: console, in: "veille-fr", want: herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "#veille-fr"}},
		{name: "OKConsoleAccents", here: console, in: "#équipe", want: herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "#équipe"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := channelArg(tt.here, tt.in, i18n.English)
			if err != nil {
				t.Fatalf("channelArg(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("channelArg(%q) = %+v; want %+v", tt.in, got, tt.want)
			}
		})
	}
	for _, in := range []string{"#veille", "veille", "general", "<#>", "<#C1|x", "C1>", "<@U123>", "<#C1 2>", "12345", "c0123abcd",
		"<#C0123ABCD|a>b>", "<#C0123ABCD|veille> <#C2|x>", "https://slack.com/archives/C0123ABCD", "1234567890123456789012"} {
		t.Run("ErrJunk", func(t *testing.T) {
			got, err := channelArg(slack, in, i18n.English)
			if herald.ErrorCode(err) != herald.EINVALID {
				t.Fatalf("channelArg(%q) = %+v, %v; want %s", in, got, err, herald.EINVALID)
			}
			if got != (herald.ChannelRef{}) {
				t.Errorf("channelArg(%q) returned %+v with its error", in, got)
			}
			if msg := herald.ErrorMessage(err); !strings.Contains(msg, "mention it with #") {
				t.Errorf("message %q does not say how to name a channel", msg)
			}
		})
	}
}

func TestChannelArgConsoleJunk(t *testing.T) {
	console := herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "#general"}
	for _, in := range []string{"#", "##x", "#a b", "<#C1|x", "#a<b>", "@ann", strings.Repeat("x", 81)} {
		t.Run("ErrJunk", func(t *testing.T) {
			if got, err := channelArg(console, in, i18n.English); herald.ErrorCode(err) != herald.EINVALID {
				t.Errorf("channelArg(console, %q) = %+v, %v; want %s", in, got, err, herald.EINVALID)
			}
		})
	}
}

// FuzzChannelArg: any input is a channel of the actor's platform and
// workspace, or EINVALID; never a panic.
func FuzzChannelArg(f *testing.F) {
	for _, s := range []string{"<#C0123ABCD|veille>", "<#123456789012345678>", "C0123ABCD", "#veille", "", "<#|>", "#équipe"} {
		f.Add("slack", s)
		f.Add("console", s)
	}
	f.Fuzz(func(t *testing.T, platform, v string) {
		here := herald.ChannelRef{Platform: platform, Workspace: "W", Channel: "here"}
		got, err := channelArg(here, v, i18n.English)
		if err != nil {
			if herald.ErrorCode(err) != herald.EINVALID {
				t.Fatalf("channelArg(%q) error %v is not %s", v, err, herald.EINVALID)
			}
			return
		}
		if got.Platform != platform || got.Workspace != "W" || got.Channel == "" || strings.ContainsAny(got.Channel, " <>|\n") {
			t.Fatalf("channelArg(%q) = %+v", v, got)
		}
	})
}

// TestConsoleChannelLimit: a console channel name has at most 80
// characters (letters of any script count one each).
func TestConsoleChannelLimit(t *testing.T) {
	here := herald.ChannelRef{Platform: "console", Workspace: "local", Channel: "#general"}
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"#" + strings.Repeat("é", 80), true},
		{"#" + strings.Repeat("é", 81), false},
	} {
		if _, err := channelArg(here, tt.name, i18n.English); (err == nil) != tt.ok {
			t.Errorf("channelArg(%d letters) = %v; want ok %v", len([]rune(tt.name))-1, err, tt.ok)
		}
	}
}

// TestPatternsCompileSmall: the package's patterns compile in little
// memory (a counted repetition of Unicode classes, {1,80}, took 3 MB that
// stayed resident in every Herald process).
func TestPatternsCompileSmall(t *testing.T) {
	if n := compileBytes(consoleChannelPattern); n > 256<<10 {
		t.Errorf("compiling %q allocates %d KiB; want under 256 KiB", consoleChannelPattern, n>>10)
	}
}

func compileBytes(pattern string) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	regexp.MustCompile(pattern)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
