package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/heraldhq/herald/commands/i18n"
)

// HelpDef is the `help` command of r: it lists r's commands (Overview),
// or explains one or a group (Explain), from their definitions.
func (r *Router) HelpDef() *Def {
	return &Def{
		Path:     "help",
		Summary:  "List the commands, or explain one.",
		Params:   []Param{{Name: "command", Kind: Text, Help: "a command, e.g. draft or brand add"}},
		Examples: []string{"help", "help approve"},
		Open:     true,
		Handler:  r.help,
	}
}

func (r *Router) help(_ context.Context, req *Request) (Response, error) {
	l := req.Lang
	name := strings.ToLower(strings.Join(strings.Fields(req.Args.Str("command")), " "))
	name = strings.TrimPrefix(strings.TrimPrefix(name, "/herald "), "herald ")
	if name == "" {
		return Response{Text: r.Overview(l), Ephemeral: true}, nil
	}
	if d, ok := r.Def(name); ok {
		return Response{Text: Explain(d, l), Ephemeral: true}, nil
	}
	var group []string
	for _, d := range r.Defs() {
		if strings.HasPrefix(d.Path, name+" ") {
			group = append(group, Explain(d, l))
		}
	}
	if len(group) > 0 {
		return Response{Text: strings.Join(group, "\n\n"), Ephemeral: true}, nil
	}
	return Response{}, r.unknown(l, name)
}

// Overview lists every command with its summary, generated from the
// definitions, in l.
func (r *Router) Overview(l i18n.Lang) string {
	var b strings.Builder
	b.WriteString(l.T("Herald commands (type `help COMMAND` for details):") + "\n")
	const width = 40
	for _, d := range r.defs {
		if u := d.Usage(); len(u) <= width {
			fmt.Fprintf(&b, "  %-*s %s\n", width, u, l.T(d.Summary))
		} else {
			fmt.Fprintf(&b, "  %s\n  %-*s %s\n", u, width, "", l.T(d.Summary))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// Explain describes one command in l: usage, summary, parameters,
// examples. Summaries and parameter helps are catalog keys.
func Explain(d *Def, l i18n.Lang) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n  %s\n", d.Usage(), l.T(d.Summary))
	for _, p := range d.Params {
		if p.Help == "" {
			continue
		}
		name := p.Placeholder()
		if p.Flag {
			name = "--" + p.Name + " " + name
		}
		fmt.Fprintf(&b, "  %-22s %s\n", name, l.T(p.Help))
	}
	if len(d.Examples) > 0 {
		b.WriteString(l.T("Examples:") + "\n")
		for _, e := range d.Examples {
			fmt.Fprintf(&b, "  /herald %s\n", e)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
