// Package commands defines Herald's commands as data: one definition drives
// the text parser, help, platform registration (Slack, Discord) and the
// console. Handlers are platform-neutral and return a Response. It is the
// framework the adapters use (definitions, parser, Router, middleware,
// Response, Card) and knows no domain: the handlers are in the family
// packages below it (brandcmd, draftcmd, publishcmd, assistcmd, listencmd),
// assembled by handlers.New.
package commands

import (
	"context"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/internal/textdist"
)

// Kind is a parameter's type.
type Kind int

// The parameter kinds.
const (
	String  Kind = iota // one word (or one quoted string)
	Text                // the rest of the line, as typed
	ID                  // a draft number: 12 or #12
	Int                 // a number
	User                // a chat user: @name, <@U123>, <@U123|name>
	RoleArg             // a role name
	Targets             // a list of targets
	When                // a time, read in the brand's zone by the handler
	Choice              // one of Choices
	// Attachment is a file that comes with the command (a Discord
	// attachment option); it is never typed: the adapter puts it in
	// Request.Files with Param set to the parameter's name. The parser
	// skips it.
	Attachment
)

// FileInput is the Button.Input that asks for a file (and its alt text)
// rather than for text: adapters with file uploads open one; the others
// ask for a link.
const FileInput = "file"

// Param is one parameter of a command: positional, or a --flag.
type Param struct {
	Name     string
	Kind     Kind
	Flag     bool
	Required bool
	Help     string
	Choices  []string
}

// kindPlaceholders name the value of some kinds better than the
// parameter's name does.
var kindPlaceholders = map[Kind]string{User: "@USER", Targets: "TARGETS", When: "WHEN", Int: "N"}

// Placeholder is how the parameter shows in usage lines.
func (p Param) Placeholder() string {
	if p.Kind == Choice && len(p.Choices) > 0 {
		return strings.Join(p.Choices, "|")
	}
	if ph, ok := kindPlaceholders[p.Kind]; ok {
		return ph
	}
	return strings.ToUpper(p.Name)
}

// switchFlag reports whether p is a flag that takes no value: a Choice
// flag whose only choice is its own name ("--during-pause").
func (p Param) switchFlag() bool {
	return p.Flag && p.Kind == Choice && len(p.Choices) == 1 && p.Choices[0] == p.Name
}

// label names the parameter in messages: --name for a flag, else its
// placeholder.
func (p Param) label() string {
	if p.Flag {
		return "--" + p.Name
	}
	return p.Placeholder()
}

// Def is a command definition.
type Def struct {
	Path     string // e.g. "brand add"
	Summary  string
	Params   []Param
	Examples []string
	Open     bool // usable by someone who belongs to no brand yet
	// Extra marks a command beyond PRODUCT.md's list (buttons' targets,
	// settings): typed and clicked everywhere, but registered on Discord
	// only through `/herald more`, as Discord allows 25 subcommands.
	Extra   bool
	Handler Handler
}

// Usage is the command's one-line synopsis.
func (d *Def) Usage() string {
	parts := []string{d.Path}
	for _, p := range d.Params {
		if p.Kind == Attachment { // attached, never typed
			continue
		}
		s := p.Placeholder()
		if p.switchFlag() {
			s = "--" + p.Name
		} else if p.Flag {
			s = "--" + p.Name + " " + s
		}
		if p.Kind == Text && !p.Flag {
			s += " ..."
		}
		if !p.Required {
			s = "[" + s + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func (d *Def) param(name string) (Param, bool) {
	for _, p := range d.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// lastPositional reports whether the positional parameter name comes last
// among d's positional parameters: a WHEN there takes the rest of the
// words (`schedule 12 tomorrow 9:00` needs no quotes), as a text does.
func (d *Def) lastPositional(name string) bool {
	last := ""
	for _, p := range d.Params {
		if !p.Flag {
			last = p.Name
		}
	}
	return last == name
}

// Request is one parsed invocation.
type Request struct {
	Actor   herald.Actor
	Channel herald.ChannelRef
	Def     *Def
	Args    Args
	// Files are the files that came with the command (a Slack form's
	// upload, Discord attachment options), in the order given.
	Files []File
	// Lang is the language the person reads (Router.Lang): answers meant
	// for them alone speak it.
	Lang i18n.Lang
}

// File is a file that came with a command. The adapter that received it
// fills Open, which fetches the bytes from that platform's own hosts with
// the bot's credentials; nothing else is trusted about it.
type File struct {
	Name string // the file name people gave it
	Size int64  // as the platform announced it; 0 when unknown
	// Param names the attachment option it came in ("file", "media1"…);
	// "" for a form's upload.
	Param string
	Open  func(ctx context.Context) (io.ReadCloser, error)
}

// Handler runs a command.
type Handler func(ctx context.Context, r *Request) (Response, error)

// Args holds a request's typed values by parameter name.
type Args map[string]any

// Has reports whether the parameter was given.
func (a Args) Has(name string) bool { _, ok := a[name]; return ok }

// Str returns a String, Text, When or Choice value ("" when absent).
func (a Args) Str(name string) string { s, _ := a[name].(string); return s }

// Int returns an ID or Int value (0 when absent).
func (a Args) Int(name string) int64 { n, _ := a[name].(int64); return n }

// User returns a User value.
func (a Args) User(name string) herald.Actor { u, _ := a[name].(herald.Actor); return u }

// Role returns a RoleArg value.
func (a Args) Role(name string) herald.Role { r, _ := a[name].(herald.Role); return r }

// Targets returns a Targets value.
func (a Args) Targets(name string) []herald.Target { t, _ := a[name].([]herald.Target); return t }

// MaxInput bounds the length of one command line, in bytes.
const MaxInput = 64 << 10

// token is one word of a command line, with its place in the raw text.
type token struct {
	val        string
	quoted     bool
	start, end int // byte offsets in the raw line
}

// closingQuotes maps each opening quote to the characters that close it:
// phones and word processors replace straight quotes with typographic ones,
// and not always in matching pairs.
var closingQuotes = map[rune]string{'"': `"”`, '“': `”"`, '«': `»`, '„': `“”"`}

// tokenize splits a command line on white space, keeping quoted strings
// ("like this", “like this”, « comme ça ») whole. A backslash escapes the
// next character inside quotes.
func tokenize(line string) ([]token, error) { return tokenizeMarkup(i18n.English, line, false) }

// tokenizeMarkup is tokenize; with angles, a platform's markup span
// (<https://x.example|a label>, see angleEnd) also stays whole.
func tokenizeMarkup(l i18n.Lang, line string, angles bool) ([]token, error) {
	var toks []token
	i := 0
	for i < len(line) {
		r, w := utf8.DecodeRuneInString(line[i:])
		if unicode.IsSpace(r) {
			i += w
			continue
		}
		if closers, ok := closingQuotes[r]; ok {
			t, next, err := quoted(l, line, i, w, closers)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i = next
			continue
		}
		t, err := unquoted(l, line, i, angles)
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		i = t.end
	}
	return toks, nil
}

// unquoted reads a word up to the next space. A flag's quoted value
// (--at="mon 9:00") stays part of the word, without its quotes; with
// angles, so does a markup span with spaces in it.
func unquoted(l i18n.Lang, line string, start int, angles bool) (token, error) {
	var b strings.Builder
	i := start
	for i < len(line) {
		r, w := utf8.DecodeRuneInString(line[i:])
		if unicode.IsSpace(r) {
			break
		}
		if n := angleEnd(line[i:]); angles && n > 0 {
			b.WriteString(line[i : i+n])
			i += n
			continue
		}
		if closers, ok := closingQuotes[r]; ok && isFlagAssignment(line[start:i]) {
			q, next, err := quoted(l, line, i, w, closers)
			if err != nil {
				return token{}, err
			}
			b.WriteString(q.val)
			i = next
			continue
		}
		b.WriteRune(r)
		i += w
	}
	return token{val: b.String(), start: start, end: i}, nil
}

// isFlagAssignment reports whether word is "--name=" (or "—name=").
func isFlagAssignment(word string) bool {
	return strings.HasSuffix(word, "=") && strings.Count(word, "=") == 1 &&
		(strings.HasPrefix(word, "--") || strings.HasPrefix(word, "—"))
}

func quoted(l i18n.Lang, line string, start, w int, closers string) (token, int, error) {
	var b strings.Builder
	i := start + w
	for i < len(line) {
		r, w := utf8.DecodeRuneInString(line[i:])
		switch {
		case r == '\\' && i+w < len(line):
			r2, w2 := utf8.DecodeRuneInString(line[i+w:])
			b.WriteRune(r2)
			i += w + w2
			continue
		case strings.ContainsRune(closers, r):
			return token{val: b.String(), quoted: true, start: start, end: i + w}, i + w, nil
		}
		b.WriteRune(r)
		i += w
	}
	return token{}, 0, invalid(l.F("The quote opened at column %d is never closed; add the closing quote.", utf8.RuneCountInString(line[:start])+1))
}

// flagName returns the flag a token names ("--to", "--to=x", or "—to" as
// phones type it), and the inline value after '='. An em-dash word is a
// flag only when d has that flag: otherwise it is prose ("—today only").
func flagName(d *Def, t token) (name, value string, inline, ok bool) {
	if t.quoted {
		return "", "", false, false
	}
	rest, found := strings.CutPrefix(t.val, "--")
	if !found {
		if rest, found = strings.CutPrefix(t.val, "—"); found {
			n, _, _ := strings.Cut(rest, "=")
			if p, known := d.param(strings.ToLower(n)); !known || !p.Flag {
				return "", "", false, false
			}
		}
	}
	if !found || rest == "" {
		return "", "", false, false
	}
	if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsLetter(r) {
		return "", "", false, false
	}
	name, value, inline = strings.Cut(rest, "=")
	return strings.ToLower(name), value, inline, true
}

// nearestFlag returns the option of d closest to name, if close enough.
func nearestFlag(d *Def, name string) string {
	var flags []string
	for _, p := range d.Params {
		if p.Flag {
			flags = append(flags, p.Name)
		}
	}
	near, _ := textdist.Nearest(name, flags, min(textdist.Budget(name), 2))
	return near
}

// bindText splits the tokens after the command path into positional values
// and flag values, as raw strings by parameter name.
func bindText(l i18n.Lang, d *Def, line string, toks []token) (map[string]string, error) {
	raw := map[string]string{}
	var pos []token
	for i := 0; i < len(toks); i++ {
		name, value, inline, ok := flagName(d, toks[i])
		if !ok {
			pos = append(pos, toks[i])
			continue
		}
		p, known := d.param(name)
		if !known || !p.Flag {
			if near := nearestFlag(d, name); near != "" {
				return nil, invalid(l.F("`%s` has no option --%s (did you mean --%s?); %s", d.Path, name, near, usageHint(l, d)))
			}
			return nil, invalid(l.F("`%s` has no option --%s; %s", d.Path, name, usageHint(l, d)))
		}
		if !inline && p.switchFlag() {
			value = p.Name
		} else if !inline {
			if i+1 >= len(toks) {
				return nil, invalid(l.F("--%s needs a value; %s", name, usageHint(l, d)))
			}
			i++
			value = toks[i].val
		}
		if _, dup := raw[name]; dup {
			return nil, invalid(l.F("--%s is given twice; keep one.", name))
		}
		raw[name] = value
	}
	for _, p := range d.Params {
		if p.Flag || p.Kind == Attachment || len(pos) == 0 {
			continue
		}
		if p.Kind == Text || (p.Kind == When && d.lastPositional(p.Name)) {
			raw[p.Name] = joinRest(line, pos)
			pos = nil
			continue
		}
		raw[p.Name] = pos[0].val
		pos = pos[1:]
	}
	if len(pos) > 0 {
		return nil, invalid(l.F("`%s` does not expect %q; %s", d.Path, pos[0].val, usageHint(l, d)))
	}
	return raw, nil
}

// joinRest returns the text the tokens cover as the user typed it (line
// breaks, inner quotes and spacing kept); a lone quoted token gives its
// content. Runs of tokens separated by flags are joined with a space.
func joinRest(line string, toks []token) string {
	if len(toks) == 1 && toks[0].quoted {
		return toks[0].val
	}
	var b strings.Builder
	runStart := toks[0].start
	for i, t := range toks {
		last := i == len(toks)-1
		if last || toks[i+1].start != nextStart(line, t.end) {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(line[runStart:t.end])
			if !last {
				runStart = toks[i+1].start
			}
		}
	}
	return b.String()
}

// nextStart is the offset of the first non-space character at or after i.
func nextStart(line string, i int) int {
	for i < len(line) {
		r, w := utf8.DecodeRuneInString(line[i:])
		if !unicode.IsSpace(r) {
			return i
		}
		i += w
	}
	return i
}

func usageHint(l i18n.Lang, d *Def) string {
	return l.F("usage: `%s` (see `help %s`).", d.Usage(), d.Path)
}

// bind checks raw values against the definition and converts them to
// typed Args. Every platform's input (text, Discord options, forms, buttons)
// goes through it.
func bind(l i18n.Lang, d *Def, actor herald.Actor, raw map[string]string) (Args, error) {
	args := Args{}
	for _, p := range d.Params {
		v, ok := raw[p.Name]
		if p.Kind == Attachment && ok {
			return nil, invalid(l.F("%s is a file: attach it, it cannot be typed.", p.label()))
		}
		if !ok || strings.TrimSpace(v) == "" {
			if p.Kind == Attachment {
				continue // attached files are in Request.Files
			}
			if p.Required {
				return nil, invalid(l.F("`%s` needs %s; %s", d.Path, p.Placeholder(), usageHint(l, d)))
			}
			continue
		}
		val, err := convert(l, p, actor, v)
		if err != nil {
			return nil, err
		}
		args[p.Name] = val
	}
	for name := range raw {
		if _, ok := d.param(name); !ok {
			return nil, invalid(l.F("`%s` has no parameter %q; %s", d.Path, name, usageHint(l, d)))
		}
	}
	return args, nil
}

func convert(l i18n.Lang, p Param, actor herald.Actor, v string) (any, error) {
	switch p.Kind {
	case ID, Int:
		n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(v), "#"), 10, 64)
		if err != nil || n <= 0 {
			if p.Kind == ID {
				return nil, invalid(l.F("%s must be a draft id such as 12, not %q.", p.label(), v))
			}
			return nil, invalid(l.F("%s must be a number such as 12, not %q.", p.label(), v))
		}
		return n, nil
	case User:
		return parseUser(l, actor.Platform, v)
	case RoleArg:
		return herald.ParseRole(v)
	case Targets:
		return herald.ParseTargets(v)
	case Choice:
		for _, c := range p.Choices {
			if strings.EqualFold(c, strings.TrimSpace(v)) {
				return c, nil
			}
		}
		word := strings.ToLower(strings.TrimSpace(v))
		if near, ok := textdist.Nearest(word, p.Choices, min(textdist.Budget(word), 2)); ok {
			return nil, invalid(l.F("%q is not one of %s. Did you mean %s?", v, strings.Join(p.Choices, ", "), near))
		}
		return nil, invalid(l.F("%q is not one of %s.", v, strings.Join(p.Choices, ", ")))
	case String:
		return strings.TrimSpace(v), nil
	}
	return v, nil
}

// parseUser reads a user reference: Slack's <@U123> or <@U123|name>,
// Discord's <@123> or <@!123>, or a plain @name (the console).
func parseUser(l i18n.Lang, platform, v string) (herald.Actor, error) {
	v = strings.TrimSpace(v)
	bad := invalid(l.F("%q is not a user; mention them with @, e.g. @sam.", v))
	if inner, ok := strings.CutPrefix(v, "<@"); ok {
		inner, ok = strings.CutSuffix(inner, ">")
		inner = strings.TrimPrefix(inner, "!")
		id, name, _ := strings.Cut(inner, "|")
		if !ok || !validUserID(id) {
			return herald.Actor{}, bad
		}
		return herald.Actor{Platform: platform, UserID: id, Name: name}, nil
	}
	name, ok := strings.CutPrefix(v, "@")
	if !ok || !validUserID(name) {
		return herald.Actor{}, bad
	}
	return herald.Actor{Platform: platform, UserID: strings.ToLower(name), Name: name}, nil
}

func validUserID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}
