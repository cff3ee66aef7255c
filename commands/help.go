package commands

import (
	"context"
	"fmt"
	"strings"
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
	name := strings.ToLower(strings.Join(strings.Fields(req.Args.Str("command")), " "))
	name = strings.TrimPrefix(strings.TrimPrefix(name, "/herald "), "herald ")
	if name == "" {
		return Response{Text: r.Overview(), Ephemeral: true}, nil
	}
	if d, ok := r.Def(name); ok {
		return Response{Text: Explain(d), Ephemeral: true}, nil
	}
	var group []string
	for _, d := range r.Defs() {
		if strings.HasPrefix(d.Path, name+" ") {
			group = append(group, Explain(d))
		}
	}
	if len(group) > 0 {
		return Response{Text: strings.Join(group, "\n\n"), Ephemeral: true}, nil
	}
	return Response{}, r.unknown(name)
}

// Overview lists every command with its summary, generated from the
// definitions.
func (r *Router) Overview() string {
	var b strings.Builder
	b.WriteString("Herald commands (type `help COMMAND` for details):\n")
	const width = 40
	for _, d := range r.defs {
		if u := d.Usage(); len(u) <= width {
			fmt.Fprintf(&b, "  %-*s %s\n", width, u, d.Summary)
		} else {
			fmt.Fprintf(&b, "  %s\n  %-*s %s\n", u, width, "", d.Summary)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// Explain describes one command: usage, summary, parameters, examples.
func Explain(d *Def) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n  %s\n", d.Usage(), d.Summary)
	for _, p := range d.Params {
		if p.Help == "" {
			continue
		}
		name := p.Placeholder()
		if p.Flag {
			name = "--" + p.Name + " " + name
		}
		fmt.Fprintf(&b, "  %-22s %s\n", name, p.Help)
	}
	if len(d.Examples) > 0 {
		b.WriteString("Examples:\n")
		for _, e := range d.Examples {
			fmt.Fprintf(&b, "  /herald %s\n", e)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
