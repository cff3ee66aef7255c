package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/handlers"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
)

var update = flag.Bool("update", false, "rewrite testdata/commands.golden.json from the current output")

// heraldDefs are the real command definitions.
func heraldDefs() []*commands.Def {
	bs := brands.NewService(nil, herald.SystemClock{}, "UTC")
	drafts := approvals.NewService(nil, bs, herald.SystemClock{})
	return handlers.New(kit.Deps{Brands: bs, Approvals: drafts, Publish: publish.NewService(drafts, bs, nil, herald.SystemClock{}),
		Mentions: mentions.NewService(nil, bs, herald.SystemClock{}, mentions.Options{})}).Defs()
}

// sameInFrench are descriptions written alike in both languages.
var sameInFrench = map[string]bool{}

// TestApplicationCommands generates /herald from Herald's definitions,
// checks it against Discord's limits, and compares it with the golden file.
func TestApplicationCommands(t *testing.T) {
	defs := heraldDefs()
	cmds, err := appCommands(defs)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkCommands(cmds); err != nil {
		t.Fatal(err)
	}
	// Every definition is reachable: a subcommand, or one in a group.
	for _, d := range defs {
		words := strings.Fields(d.Path)
		if d.Extra { // through `more`
			words = []string{morePath}
		}
		opts := cmds[0].Options
		for _, w := range words {
			var next *appOption
			for _, o := range opts {
				if o.Name == w {
					next = o
				}
			}
			if next == nil {
				t.Fatalf("%q is not in the generated command", d.Path)
			}
			opts = next.Options
		}
		if len(opts) != len(d.Params) && !d.Extra {
			t.Errorf("%q has %d options, want one per parameter (%d)", d.Path, len(opts), len(d.Params))
		}
	}
	for _, locale := range []string{"", frLocale} {
		if n := commandChars(cmds[0], locale); n > maxCommandChars {
			t.Errorf("/herald has %d characters in locale %q", n, locale)
		} else {
			t.Logf("/herald: %d top-level options, %d of Discord's %d characters in locale %q", len(cmds[0].Options), n, maxCommandChars, locale)
		}
	}
	// Every command, group, subcommand and option is described in French
	// too (the words come from the catalog: commands/i18n/fr).
	if cmds[0].Localizations[frLocale] == "" {
		t.Errorf("/herald has no French description")
	}
	var walk func(where string, opts []*appOption)
	walk = func(where string, opts []*appOption) {
		for _, o := range opts {
			fr := o.Localizations[frLocale]
			if fr == "" || fr == o.Description && !sameInFrench[fr] {
				t.Errorf("%s %s: French description %q (English %q)", where, o.Name, fr, o.Description)
			}
			walk(where+" "+o.Name, o.Options)
		}
	}
	walk("/herald", cmds[0].Options)
	got, err := json.MarshalIndent(cmds, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "commands.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("generated commands differ from %s (run go test -update after checking the change):\n%s", golden, got)
	}
}

// TestCheckCommandsLimits breaks each limit once.
func TestCheckCommandsLimits(t *testing.T) {
	valid := func() appCommand {
		return appCommand{Name: "herald", Type: 1, Description: "d", Options: []*appOption{
			{Type: optSubCommand, Name: "show", Description: "Show.", Options: []*appOption{
				{Type: optInteger, Name: "id", Description: "id", Required: true},
				{Type: optString, Name: "note", Description: "note"},
			}},
		}}
	}
	if err := checkCommands([]appCommand{valid()}); err != nil {
		t.Fatalf("valid command refused: %v", err)
	}
	long := strings.Repeat("x", 101)
	cases := map[string]func(c *appCommand) []appCommand{
		"ErrUppercaseName": func(c *appCommand) []appCommand { c.Name = "Herald"; return nil },
		"ErrLongName":      func(c *appCommand) []appCommand { c.Options[0].Name = strings.Repeat("a", 33); return nil },
		"ErrSpaceInName":   func(c *appCommand) []appCommand { c.Options[0].Name = "brand add"; return nil },
		"ErrNoDescription": func(c *appCommand) []appCommand { c.Description = ""; return nil },
		"ErrLongDesc":      func(c *appCommand) []appCommand { c.Options[0].Options[0].Description = long; return nil },
		"ErrOptionalFirst": func(c *appCommand) []appCommand {
			o := c.Options[0].Options
			o[0], o[1] = o[1], o[0]
			return nil
		},
		"ErrTooManyOptions": func(c *appCommand) []appCommand {
			for i := range 25 {
				c.Options = append(c.Options, &appOption{Type: optSubCommand, Name: "s" + strings.Repeat("x", i), Description: "s"})
			}
			return nil
		},
		"ErrTooManyChoices": func(c *appCommand) []appCommand {
			for i := range 26 {
				c.Options[0].Options[1].Choices = append(c.Options[0].Options[1].Choices, appChoice{Name: strings.Repeat("c", i+1), Value: "v"})
			}
			return nil
		},
		"ErrLongChoice": func(c *appCommand) []appCommand {
			c.Options[0].Options[1].Choices = []appChoice{{Name: long, Value: "v"}}
			return nil
		},
		"ErrTooDeep": func(c *appCommand) []appCommand {
			c.Options[0].Options = []*appOption{{Type: optSubCommand, Name: "deeper", Description: "d"}}
			return nil
		},
		"ErrTooManyChars": func(c *appCommand) []appCommand {
			c.Options = nil
			for i := range 25 {
				sub := &appOption{Type: optSubCommand, Name: "s" + strings.Repeat("x", i), Description: strings.Repeat("d", 100)}
				for j := range 4 {
					sub.Options = append(sub.Options, &appOption{Type: optString, Name: "o" + strings.Repeat("y", j), Description: strings.Repeat("d", 100)})
				}
				c.Options = append(c.Options, sub)
			}
			return nil
		},
		"ErrTooManyCommands": func(c *appCommand) []appCommand {
			var out []appCommand
			for i := range 101 {
				x := valid()
				x.Name = "c" + strings.Repeat("x", i%30) + string(rune('a'+i/30))
				out = append(out, x)
			}
			return out
		},
	}
	for name, breakIt := range cases {
		t.Run(name, func(t *testing.T) {
			c := valid()
			cmds := breakIt(&c)
			if cmds == nil {
				cmds = []appCommand{c}
			}
			if err := checkCommands(cmds); err == nil {
				t.Error("checkCommands accepted it")
			}
		})
	}
}

// TestAppCommandsRefusesWhatDiscordCannotNest: a word that is both a
// command and a group, or a three-word path, is an error, not a broken
// registration.
func TestAppCommandsRefusesWhatDiscordCannotNest(t *testing.T) {
	for name, paths := range map[string][]string{
		"ErrCommandAndGroup": {"watch", "watch add"},
		"ErrGroupAndCommand": {"watch add", "watch"},
		"ErrThreeWords":      {"source add rss"},
	} {
		t.Run(name, func(t *testing.T) {
			var defs []*commands.Def
			for _, p := range paths {
				defs = append(defs, &commands.Def{Path: p, Summary: "s"})
			}
			if _, err := appCommands(defs); err == nil {
				t.Error("appCommands accepted it")
			}
		})
	}
}

// TestRegisterBulkOverwrite: `herald discord register` is one PUT of the
// whole list, to the guild when one is given, else global; running it
// twice sends the same body.
func TestRegisterBulkOverwrite(t *testing.T) {
	h := newHarness(t, nil)
	for _, c := range []struct{ guild, path string }{
		{"555", "/applications/100/guilds/555/commands"},
		{"555", "/applications/100/guilds/555/commands"},
		{"", "/applications/100/commands"},
	} {
		mark := h.fake.count()
		n, err := h.a.Register(context.Background(), c.guild)
		if err != nil || n != 1 {
			t.Fatalf("Register(%q) = %d, %v", c.guild, n, err)
		}
		calls, _ := h.fake.since(mark)
		if len(calls) != 1 || calls[0].Method != "PUT" || calls[0].Path != c.path || calls[0].Auth != "Bot test-token" {
			t.Fatalf("Register(%q) calls = %+v", c.guild, calls)
		}
		want, _ := commandsJSONForTest(h.a)
		var a, b any
		json.Unmarshal([]byte(calls[0].Raw), &a)
		json.Unmarshal(want, &b)
		if !jsonEqual(a, b) {
			t.Errorf("Register sent %s", calls[0].Raw)
		}
	}
	if _, err := h.a.Register(context.Background(), "not-a-guild"); herald.ErrorCode(err) != herald.EINVALID {
		t.Errorf("Register(bad guild) = %v, want EINVALID", err)
	}
}

func commandsJSONForTest(a *Adapter) ([]byte, error) {
	cmds, err := appCommands(a.commands)
	if err != nil {
		return nil, err
	}
	return json.Marshal(cmds)
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestNameLimit: a name has at most 32 characters, letters of any script
// counting one each, and the pattern that reads it compiles in little
// memory (a counted repetition, {1,32}, took 1.2 MB resident in every
// Herald process).
func TestNameLimit(t *testing.T) {
	desc := "a description"
	if err := checkNamed("option", strings.Repeat("é", 32), desc, map[string]string{frLocale: desc}); err != nil {
		t.Errorf("32 letters: %v", err)
	}
	if err := checkNamed("option", strings.Repeat("é", 33), desc, nil); err == nil {
		t.Error("33 letters: accepted")
	}
	if err := checkNamed("option", "name", desc, map[string]string{frLocale: strings.Repeat("é", 101)}); err == nil {
		t.Error("a French description of 101 characters: accepted")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	regexp.MustCompile(namePattern)
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 256<<10 {
		t.Errorf("compiling the name pattern allocates %d KiB; want under 256 KiB", n>>10)
	}
}
