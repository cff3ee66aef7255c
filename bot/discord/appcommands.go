package discord

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
)

// RootCommand is the name of Herald's one application command.
const RootCommand = "herald"

// rootDescription describes /herald, in English (the key of its French
// description_localizations).
const rootDescription = "Herald: drafts, reviews and publishing from chat."

// frLocale is Discord's locale code for French: description_localizations
// carry French under it, and Discord shows them to people whose client is
// in French.
const frLocale = "fr"

// localized is the description_localizations of an English description:
// its French, fitted to Discord's limit like the English.
func localized(fr, fallback string) map[string]string {
	return map[string]string{frLocale: describe(fr, fallback)}
}

// Discord's application command option types.
const (
	optSubCommand      = 1
	optSubCommandGroup = 2
	optString          = 3
	optInteger         = 4
	optMentionable     = 9
	optAttachment      = 11
)

// Discord's limits on application commands (platform brief §2.4).
const (
	maxCommandsPerScope = 100  // CHAT_INPUT commands, global or per guild
	maxOptions          = 25   // options (or subcommands) at one level
	maxChoices          = 25   // choices of one option
	maxName             = 32   // command and option names
	maxDescription      = 100  // command and option descriptions
	maxChoiceName       = 100  // a choice's name
	maxChoiceValue      = 100  // a string choice's value
	maxCommandChars     = 8000 // names, descriptions and choices of one command, combined
	maxStringOption     = 6000 // max_length of a string option
)

// appCommand is an application command as Discord's API takes it (CHAT_INPUT).
type appCommand struct {
	Name             string            `json:"name"`
	Type             int               `json:"type"`
	Description      string            `json:"description"`
	Localizations    map[string]string `json:"description_localizations,omitempty"`
	Options          []*appOption      `json:"options,omitempty"`
	Contexts         []int             `json:"contexts,omitempty"`
	IntegrationTypes []int             `json:"integration_types,omitempty"`
}

// appOption is one option, subcommand or subcommand group.
type appOption struct {
	Type          int               `json:"type"`
	Name          string            `json:"name"`
	Description   string            `json:"description"`
	Localizations map[string]string `json:"description_localizations,omitempty"`
	Required      bool              `json:"required,omitempty"`
	Choices       []appChoice       `json:"choices,omitempty"`
	Options       []*appOption      `json:"options,omitempty"`
	Autocomplete  bool              `json:"autocomplete,omitempty"`
	MinValue      *float64          `json:"min_value,omitempty"`
	MaxLength     int               `json:"max_length,omitempty"`
}

type appChoice struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// kindOptions maps each parameter kind to a Discord option type. A User
// is "mentionable": a member or a role (roles are granted like people).
var kindOptions = map[commands.Kind]int{
	commands.String: optString, commands.Text: optString, commands.ID: optInteger,
	commands.Int: optInteger, commands.User: optMentionable, commands.RoleArg: optString,
	commands.Targets: optString, commands.When: optString, commands.Choice: optString,
	commands.Attachment: optAttachment,
}

// kindHelp describes, in l, a parameter that has no help of its own.
func kindHelp(l i18n.Lang, k commands.Kind) string {
	switch k {
	case commands.String:
		return l.T("a word")
	case commands.Text:
		return l.T("text")
	case commands.ID:
		return l.T("a draft number")
	case commands.Int:
		return l.T("a number")
	case commands.User:
		return l.T("a member or a role")
	case commands.RoleArg:
		return l.T("a role")
	case commands.Targets:
		return l.T("targets, e.g. discord:#news")
	case commands.When:
		return l.T("a time, e.g. tomorrow 9:00")
	case commands.Attachment:
		return l.T("a file")
	}
	return l.T("one of the choices")
}

// paramHelp describes p in l: its help (a catalog key), else its kind's.
func paramHelp(l i18n.Lang, p commands.Param) string {
	help := l.T(p.Help)
	if p.Help == "" {
		help = kindHelp(l, p.Kind)
	}
	if p.Kind == commands.User {
		help += l.T(", or a Discord role")
	}
	return help
}

// suggestion is what autocomplete proposes for a parameter.
type suggestion int

const (
	suggestNone suggestion = iota
	suggestDrafts
	suggestBrands
	suggestTargets
	suggestCommands
)

// suggestionFor says which values help while typing p of d: draft ids,
// brand names (--brand, brand use), targets, command names (help).
func suggestionFor(d *commands.Def, p commands.Param) suggestion {
	switch {
	case p.Kind == commands.ID:
		return suggestDrafts
	case p.Kind == commands.Targets:
		return suggestTargets
	case p.Name == "brand" || d.Path == "brand use" && p.Name == "name":
		return suggestBrands
	case (d.Path == "help" || d.Path == morePath) && p.Name == "command":
		return suggestCommands
	}
	return suggestNone
}

// appCommands builds the /herald command from the command definitions:
// one subcommand per one-word path, a subcommand group per first word of
// the two-word paths ("brand add" → group brand, subcommand add), and one
// option per parameter (flags too, by name), required ones first as
// Discord demands. It checks the result against Discord's limits and
// returns an error naming the first one broken.
func appCommands(defs []*commands.Def) ([]appCommand, error) {
	root := appCommand{Name: RootCommand, Type: 1, Description: rootDescription,
		Localizations: localized(i18n.French.T("Herald: drafts, reviews and publishing from chat."), RootCommand),
		Contexts:      []int{0, 1}, IntegrationTypes: []int{0}}
	groups := map[string]*appOption{}
	singles := map[string]bool{}
	if more := moreDef(defs); more != nil {
		defs = append(slices.DeleteFunc(slices.Clone(defs), func(d *commands.Def) bool { return d.Extra }), more)
	}
	for _, d := range defs {
		words := strings.Fields(d.Path)
		sub, err := subcommand(d, words[len(words)-1])
		if err != nil {
			return nil, err
		}
		switch len(words) {
		case 1:
			if groups[words[0]] != nil || singles[words[0]] {
				return nil, fmt.Errorf("discord: %q is both a command and a group of commands, which Discord does not allow", words[0])
			}
			singles[words[0]] = true
			root.Options = append(root.Options, sub)
		case 2:
			if singles[words[0]] {
				return nil, fmt.Errorf("discord: %q is both a command and a group of commands, which Discord does not allow", words[0])
			}
			g := groups[words[0]]
			if g == nil {
				g = &appOption{Type: optSubCommandGroup, Name: words[0], Description: groupDescription(i18n.English, defs, words[0]),
					Localizations: localized(groupDescription(i18n.French, defs, words[0]), words[0])}
				groups[words[0]] = g
				root.Options = append(root.Options, g)
			}
			g.Options = append(g.Options, sub)
		default:
			return nil, fmt.Errorf("discord: command %q has more than two words; Discord nests only a group and a subcommand", d.Path)
		}
	}
	cmds := []appCommand{root}
	return cmds, checkCommands(cmds)
}

// morePath is the subcommand that runs the Extra commands, typed as text.
const morePath = "more"

// moreDef is the definition of `/herald more command:LINE`, which runs the
// commands marked Extra (and any other) from their text: nil when there
// are none.
func moreDef(defs []*commands.Def) *commands.Def {
	var names []string
	for _, d := range defs {
		if first, _, _ := strings.Cut(d.Path, " "); d.Extra && !slices.Contains(names, first) {
			names = append(names, first)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return &commands.Def{Path: morePath, Summary: "More commands, typed as text: " + strings.Join(names, ", ") + ".",
		Params: []commands.Param{{Name: "command", Kind: commands.Text, Required: true, Help: "the command line, e.g. " + names[0] + " …"}}}
}

// moreFrench is the French of `/herald more`'s descriptions (its summary
// and its command's help), built like moreDef's.
func moreFrench(d *commands.Def) (summary, help string) {
	names, _ := strings.CutPrefix(d.Summary, "More commands, typed as text: ")
	first, _, _ := strings.Cut(strings.TrimSuffix(names, "."), ",")
	return i18n.French.F("More commands, typed as text: %s.", strings.TrimSuffix(names, ".")),
		i18n.French.F("the command line, e.g. %s …", first)
}

// subcommand is the subcommand option of one definition, described in
// English with French description_localizations (the definitions' Summary
// and Help are the catalog's keys).
func subcommand(d *commands.Def, name string) (*appOption, error) {
	frSummary, frMore := i18n.French.T(d.Summary), ""
	if d.Path == morePath {
		frSummary, frMore = moreFrench(d)
	}
	sub := &appOption{Type: optSubCommand, Name: name, Description: describe(d.Summary, d.Path), Localizations: localized(frSummary, d.Path)}
	var required, optional []*appOption
	for _, p := range d.Params {
		t, ok := kindOptions[p.Kind]
		if !ok {
			return nil, fmt.Errorf("discord: %s: parameter %q has a kind Discord options cannot carry", d.Path, p.Name)
		}
		fr := paramHelp(i18n.French, p)
		if frMore != "" {
			fr = frMore
		}
		o := &appOption{Type: t, Name: p.Name, Description: describe(paramHelp(i18n.English, p), p.Name),
			Localizations: localized(fr, p.Name), Required: p.Required}
		switch {
		case t == optInteger:
			one := 1.0
			o.MinValue = &one
		case p.Kind == commands.Text:
			o.MaxLength = maxStringOption
		}
		choices := p.Choices
		if p.Kind == commands.RoleArg {
			choices = roleNames()
		}
		for _, c := range choices {
			o.Choices = append(o.Choices, appChoice{Name: c, Value: c})
		}
		o.Autocomplete = len(o.Choices) == 0 && suggestionFor(d, p) != suggestNone
		if o.Required {
			required = append(required, o)
		} else {
			optional = append(optional, o)
		}
	}
	sub.Options = append(required, optional...)
	return sub, nil
}

// groupDescription lists a group's subcommands, in l: "Brand: add, list,
// use."
func groupDescription(l i18n.Lang, defs []*commands.Def, group string) string {
	var subs []string
	for _, d := range defs {
		if first, rest, ok := strings.Cut(d.Path, " "); ok && first == group {
			subs = append(subs, rest)
		}
	}
	return describe(l.F("%s: %s.", strings.ToUpper(group[:1])+group[1:], strings.Join(subs, ", ")), group)
}

// describe fits a description in Discord's 100 characters, cutting at a
// word with "…" when it must; an empty one becomes fallback.
func describe(s, fallback string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		s = fallback
	}
	if utf8.RuneCountInString(s) <= maxDescription {
		return s
	}
	r := []rune(s)[:maxDescription-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > maxDescription/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}

// nameRE is Discord's rule for command and option names (lowercase where
// a lowercase form exists, and the length, maxName characters, are
// checked apart: a counted repetition of Unicode classes compiles to
// megabytes, resident for the life of the process).
var nameRE = regexp.MustCompile(namePattern)

const namePattern = `^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]+$`

// checkCommands checks commands against Discord's limits: at most 100 per
// scope; names 1–32 characters, lowercase, of letters, digits, - _ and ';
// descriptions 1–100 characters; at most 25 options per level and 25
// choices per option, choice names 1–100 and values at most 100
// characters; required options before optional ones; subcommands only in
// a group, nothing deeper; and at most 8000 characters of names,
// descriptions and choices per command.
func checkCommands(cmds []appCommand) error {
	if len(cmds) > maxCommandsPerScope {
		return fmt.Errorf("discord: %d commands, more than Discord's %d per scope", len(cmds), maxCommandsPerScope)
	}
	seen := map[string]bool{}
	for _, c := range cmds {
		if seen[c.Name] {
			return fmt.Errorf("discord: command %q is defined twice", c.Name)
		}
		seen[c.Name] = true
		if err := checkNamed("command "+c.Name, c.Name, c.Description, c.Localizations); err != nil {
			return err
		}
		if err := checkOptions("/"+c.Name, c.Options, 0); err != nil {
			return err
		}
		for _, locale := range []string{"", frLocale} { // the limit holds in each locale
			if n := commandChars(c, locale); n > maxCommandChars {
				return fmt.Errorf("discord: /%s has %d characters of names, descriptions and choices, more than Discord's %d", c.Name, n, maxCommandChars)
			}
		}
	}
	return nil
}

func checkNamed(what, name, desc string, locales map[string]string) error {
	if !nameRE.MatchString(name) || utf8.RuneCountInString(name) > maxName || strings.ToLower(name) != name {
		return fmt.Errorf("discord: %s: name %q is not 1–%d lowercase letters, digits, - _ or '", what, name, maxName)
	}
	if n := utf8.RuneCountInString(desc); n < 1 || n > maxDescription {
		return fmt.Errorf("discord: %s: description has %d characters; Discord wants 1 to %d", what, n, maxDescription)
	}
	for locale, d := range locales {
		if n := utf8.RuneCountInString(d); n < 1 || n > maxDescription {
			return fmt.Errorf("discord: %s: description in %s has %d characters; Discord wants 1 to %d", what, locale, n, maxDescription)
		}
	}
	return nil
}

// checkOptions checks one level of options; depth 0 is the command's own.
func checkOptions(where string, opts []*appOption, depth int) error {
	if len(opts) > maxOptions {
		return fmt.Errorf("discord: %s has %d options, more than Discord's %d", where, len(opts), maxOptions)
	}
	names := map[string]bool{}
	optional := false
	for _, o := range opts {
		what := where + " " + o.Name
		if names[o.Name] {
			return fmt.Errorf("discord: %s: option %q appears twice", where, o.Name)
		}
		names[o.Name] = true
		if err := checkNamed(what, o.Name, o.Description, o.Localizations); err != nil {
			return err
		}
		switch o.Type {
		case optSubCommandGroup:
			if depth != 0 {
				return fmt.Errorf("discord: %s: a subcommand group may only sit at the top of a command", what)
			}
			for _, s := range o.Options {
				if s.Type != optSubCommand {
					return fmt.Errorf("discord: %s: a subcommand group holds subcommands only", what)
				}
			}
			if err := checkOptions(what, o.Options, depth+1); err != nil {
				return err
			}
			continue
		case optSubCommand:
			if depth > 1 {
				return fmt.Errorf("discord: %s: subcommands nest at most one group deep", what)
			}
			if err := checkOptions(what, o.Options, 2); err != nil {
				return err
			}
			continue
		}
		if o.Required && optional {
			return fmt.Errorf("discord: %s: a required option follows an optional one", what)
		}
		optional = optional || !o.Required
		if len(o.Choices) > maxChoices {
			return fmt.Errorf("discord: %s has %d choices, more than Discord's %d", what, len(o.Choices), maxChoices)
		}
		if len(o.Choices) > 0 && o.Autocomplete {
			return fmt.Errorf("discord: %s has both choices and autocomplete", what)
		}
		for _, ch := range o.Choices {
			if n := utf8.RuneCountInString(ch.Name); n < 1 || n > maxChoiceName || utf8.RuneCountInString(ch.Value) > maxChoiceValue {
				return fmt.Errorf("discord: %s: choice %q is too long", what, ch.Name)
			}
		}
	}
	return nil
}

// commandChars counts a command's names, descriptions and choice names
// and values, as Discord's 8000-character limit does, in one locale (""
// is the default: the English descriptions).
func commandChars(c appCommand, locale string) int {
	desc := func(d string, l map[string]string) string {
		if ld, ok := l[locale]; ok {
			return ld
		}
		return d
	}
	n := utf8.RuneCountInString(c.Name) + utf8.RuneCountInString(desc(c.Description, c.Localizations))
	var walk func([]*appOption)
	walk = func(opts []*appOption) {
		for _, o := range opts {
			n += utf8.RuneCountInString(o.Name) + utf8.RuneCountInString(desc(o.Description, o.Localizations))
			for _, ch := range o.Choices {
				n += utf8.RuneCountInString(ch.Name) + utf8.RuneCountInString(ch.Value)
			}
			walk(o.Options)
		}
	}
	walk(c.Options)
	return n
}

// Register replaces the application's commands with /herald, generated
// from the adapter's command definitions: in one guild (where changes show
// at once), or globally when guildID is empty. It is a bulk overwrite, so
// running it again changes nothing and creates nothing. It returns how
// many commands Discord now holds.
func (a *Adapter) Register(ctx context.Context, guildID string) (int, error) {
	if !snowflake(a.appID) {
		return 0, herald.Errorf(herald.EINVALID, "Registering commands needs the application id (DISCORD_APP_ID).")
	}
	if guildID != "" && !snowflake(guildID) {
		return 0, herald.Errorf(herald.EINVALID, "%q is not a Discord guild id (a number; enable Developer Mode, then right-click the server → Copy Server ID).", guildID)
	}
	cmds, err := appCommands(a.commands)
	if err != nil {
		return 0, herald.Internal(err)
	}
	return a.api.putCommands(ctx, a.appID, guildID, cmds)
}
