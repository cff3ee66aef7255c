package commands

// Markup reads back what a chat platform made of what a person typed:
// Slack, for one, sends links, mentions and & < > in its own markup. An
// adapter whose platform does this sets Call.Markup; the parser then
// decodes each value it reads, as the value's parameter needs.
type Markup interface {
	// Text returns free text (a draft, a comment, a query) as the person
	// typed it: links as their address, people and channels as @name and
	// #name.
	Text(s string) string
	// Arg returns a command argument as typed, except that references to
	// people and channels stay in the form the parser reads as ids
	// (<@U123|sam>, <#C123|news>).
	Arg(s string) string
}

// decodeRaw decodes the raw values of d's parameters with mk: free text
// (Text) as typed, every other value as an argument. A nil mk leaves raw
// as it is.
func decodeRaw(d *Def, raw map[string]string, mk Markup) {
	if mk == nil {
		return
	}
	for name, v := range raw {
		if p, ok := d.param(name); ok && p.Kind == Text {
			raw[name] = mk.Text(v)
		} else {
			raw[name] = mk.Arg(v)
		}
	}
}

// angleEnd returns the length of the markup span <…> that starts line
// (a platform's link or mention, whose label may hold spaces), or 0 when
// line does not start one: a span ends at the first '>' and holds no '<'
// and no line break.
func angleEnd(line string) int {
	if len(line) < 2 || line[0] != '<' {
		return 0
	}
	for i := 1; i < len(line); i++ {
		switch line[i] {
		case '>':
			return i + 1
		case '<', '\n', '\r':
			return 0
		}
	}
	return 0
}
