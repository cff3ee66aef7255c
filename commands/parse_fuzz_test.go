package commands_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/handlers"
	"github.com/heraldhq/herald/commands/kit"
)

// fuzzSeeds are the command forms of PRODUCT.md (implemented or not) and
// hostile lines.
var fuzzSeeds = []string{
	// PRODUCT.md, Commands.
	"/herald help [command]", "help", "help approve", "help brand add",
	"/herald brand add NAME", "brand add Acme", "brand list", "brand use Acme",
	"role @user admin", "role @sam editor --brand B", "role <@U123|sam> client", "role <@!123> viewer",
	`policy "team:1 client:1" --brand B`, "policy none", "policy",
	"guidelines show", "guidelines set RULE ...",
	"watch add QUERY --channel #c", `watch add "acme corp" -job --channel #veille`, "watch list", "watch rm 3", "watch test acme OR acmecorp",
	"source add rss https://example.com/feed.xml", "source add hn", "source add mastodon mastodon.social #acme", "source list", "source rm 2",
	"mentions", "mentions today", "mentions week",
	`draft "Our new store opens Monday!" --to slack:#news --at "mon 9:00"`, "draft", "draft TEXT --to TARGETS --at WHEN",
	"draft hello --to=slack:#news,mastodon:main —at tomorrow 9:00", "draft « Bonjour à tous » —to discord:#annonces",
	"ai BRIEF --to TARGETS", "drafts", "drafts pending", "drafts mine", "drafts scheduled", "show 12", "audit #12",
	`edit 12 "Our new store opens Tuesday!"`, "submit 12",
	"approve 12", `approve 12 "great, ship it"`, "approve 12 --rev 2", `changes 12 "shorter, and add the link"`, "reject 12 off-brand",
	"schedule 12 tomorrow 9:00", "unschedule 12", "publish 12", "queue --brand B",
	// Hostile.
	"", " ", "\n", "\t\r\n", "/herald", "herald herald", `"`, `“`, `«`, `„`, `"\`, `"\"`, `\`, `\\`, `"""`,
	`draft "unterminated`, `draft “a” “b`, `draft « a \» b`, "draft \"a\nb\"", "approve 12 --rev", "approve 12 --rev --rev 2",
	"draft --to= hi", "draft --=x", "draft —", "draft —— x", "draft --to=--at", "approve 12 --REV=3 --rev 4",
	"show 0", "show -1", "show #", "show ##1", "show 99999999999999999999", "show 1e3", "show 0x10", "show +5",
	"role @", "role <@", "role <@>", "role <@!>", "role <@|x> admin", "role <@U1|a|b> admin", "role @a\x00b admin",
	"brand", "brand brand", "aprove 12", "APPROVE 12", strings.Repeat("a", 40), strings.Repeat("x ", 500),
	"draft \xff\xfe", "\xe2\x80", "draft \u2028line\u2029", "draft \u202eevil", "draft \u00a0nbsp", "draft a\u3000b",
	"drafts PENDING", "drafts \"pending\"", `"help"`, "help \"", strings.Repeat(`"a" `, 200), strings.Repeat("--to x ", 50),
}

// FuzzParse parses any line with the real command set. Parse never runs a
// handler, so no service is needed behind the router.
func FuzzParse(f *testing.F) {
	r := handlers.New(kit.Deps{})
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, d := range r.Defs() {
		for _, ex := range d.Examples {
			f.Add(ex)
			f.Add("/herald " + ex)
		}
	}
	actor := herald.Actor{Platform: "slack", UserID: "U1", Name: "ann"}
	f.Fuzz(func(t *testing.T, line string) {
		d, args, err := r.Parse(actor, line)
		if err != nil {
			checkFuzzError(t, line, d, args, err)
			return
		}
		checkFuzzResult(t, r, line, d, args)
	})
}

func checkFuzzError(t *testing.T, line string, d *commands.Def, args commands.Args, err error) {
	var he *herald.Error
	if !errors.As(err, &he) {
		t.Fatalf("Parse(%q) error %v is a %T, not a *herald.Error", line, err, err)
	}
	if code := herald.ErrorCode(err); code != herald.EINVALID {
		t.Fatalf("Parse(%q) error %q has code %q; want %q", line, err, code, herald.EINVALID)
	}
	msg := herald.ErrorMessage(err)
	if strings.TrimSpace(msg) == "" {
		t.Fatalf("Parse(%q) error has no message", line)
	}
	if strings.ContainsAny(msg, "\n\r") {
		t.Fatalf("Parse(%q) error message spans lines: %q", line, msg)
	}
	if args != nil {
		t.Fatalf("Parse(%q) returned args %v with its error", line, args)
	}
	_ = d // a definition may come back with a binding error; it is not used
}

func checkFuzzResult(t *testing.T, r *commands.Router, line string, d *commands.Def, args commands.Args) {
	if len(line) > commands.MaxInput {
		t.Fatalf("Parse accepted %d bytes, over MaxInput", len(line))
	}
	if d == nil {
		t.Fatalf("Parse(%q) succeeded with no definition", line)
	}
	if got, ok := r.Def(d.Path); !ok || got != d {
		t.Fatalf("Parse(%q) returned %q, which is not a registered definition", line, d.Path)
	}
	if args == nil {
		t.Fatalf("Parse(%q) returned nil args", line)
	}
	for name, v := range args {
		p, ok := fuzzParam(d, name)
		if !ok {
			t.Fatalf("Parse(%q) args has %q, not a parameter of %q", line, name, d.Path)
		}
		checkFuzzValue(t, line, p, v)
	}
	for _, p := range d.Params {
		if p.Required && !args.Has(p.Name) {
			t.Fatalf("Parse(%q) as %q lacks the required %q", line, d.Path, p.Name)
		}
	}
}

func fuzzParam(d *commands.Def, name string) (commands.Param, bool) {
	for _, p := range d.Params {
		if p.Name == name {
			return p, true
		}
	}
	return commands.Param{}, false
}

// checkFuzzValue checks that a bound value has its kind's Go type and
// obeys its kind's rules.
func checkFuzzValue(t *testing.T, line string, p commands.Param, v any) {
	bad := func(why string) { t.Fatalf("Parse(%q): %s = %#v %s", line, p.Name, v, why) }
	switch p.Kind {
	case commands.ID, commands.Int:
		if n, ok := v.(int64); !ok || n <= 0 {
			bad("is not a positive int64")
		}
	case commands.User:
		if a, ok := v.(herald.Actor); !ok || a.UserID == "" || a.Platform != "slack" {
			bad("is not a slack user")
		}
	case commands.Choice:
		if s, ok := v.(string); !ok || !slices.Contains(p.Choices, s) {
			bad("is not one of the choices")
		}
	case commands.Targets:
		if _, ok := v.([]herald.Target); !ok {
			bad("is not a target list")
		}
	case commands.RoleArg:
		if _, ok := v.(herald.Role); !ok {
			bad("is not a role")
		}
	default:
		if s, ok := v.(string); !ok || strings.TrimSpace(s) == "" {
			bad("is not a non-blank string")
		}
	}
}
