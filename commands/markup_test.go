package commands

import (
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands/i18n"
)

// upper is a Markup that marks what it decoded, to see which way each
// value went.
type upper struct{}

func (upper) Text(s string) string { return "T(" + s + ")" }
func (upper) Arg(s string) string  { return "A(" + s + ")" }

// TestParseMarkup: with a Markup, free text is decoded as text and every
// other value as an argument; a <…> span keeps its spaces in one word.
func TestParseMarkup(t *testing.T) {
	r := NewRouter()
	r.Register(&Def{Path: "add", Params: []Param{{Name: "url", Kind: String}, {Name: "note", Kind: Text}, {Name: "to", Kind: String, Flag: true}}})
	_, args, err := r.parse(i18n.English, herald.Actor{}, "add <https://x.example|a label> my <b> note --to <#C1|news>", upper{})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"url": "A(<https://x.example|a label>)", "note": "T(my <b> note)", "to": "A(<#C1|news>)"} {
		if got := args.Str(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	// Without a Markup nothing changes: the span is split on its space.
	if _, args, err := r.parse(i18n.English, herald.Actor{}, "add <https://x.example|a label>", nil); err != nil || args.Str("url") != "<https://x.example|a" {
		t.Errorf("without a Markup: url %q, %v; want the line split on its space as before", args.Str("url"), err)
	}
}

// FuzzTokenizeMarkup: any line tokenises without panicking, each token
// within the line, in order.
func FuzzTokenizeMarkup(f *testing.F) {
	for _, s := range []string{"<https://x|a b>", "<", "<<>>", "a <b\nc> d", `"<x y>"`, "--to=<#C1|a b>", "<>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		toks, err := tokenizeMarkup(i18n.English, line, true)
		if err != nil {
			return
		}
		at := 0
		for _, tk := range toks {
			if tk.start < at || tk.end > len(line) || tk.end <= tk.start {
				t.Fatalf("token %+v out of place in %q", tk, line)
			}
			at = tk.end
		}
	})
}
