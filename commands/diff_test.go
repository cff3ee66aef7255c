package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/commands"
)

func TestWordDiff(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want string
	}{
		{name: "OKIdentical", a: "our new store opens", b: "our new store opens", want: "our new store opens"},
		{name: "OKWhitespaceOnly", a: "a  b\nc", b: "a b c", want: "a b c"},
		{name: "OKBothEmpty", a: "", b: "", want: ""},
		{name: "OKBothBlank", a: "  \n", b: "\t", want: ""},
		{name: "OKOldEmpty", a: "", b: "hello world", want: "{+hello world+}"},
		{name: "OKNewEmpty", a: "hello world", b: "", want: "[-hello world-]"},
		{name: "OKInsertMiddle", a: "a c", b: "a b c", want: "a {+b+} c"},
		{name: "OKInsertStart", a: "b c", b: "a b c", want: "{+a+} b c"},
		{name: "OKInsertEnd", a: "a b", b: "a b c d", want: "a b {+c d+}"},
		{name: "OKDeleteMiddle", a: "a b c", b: "a c", want: "a [-b-] c"},
		{name: "OKDeleteStart", a: "a b c", b: "b c", want: "[-a-] b c"},
		{name: "OKDeleteEnd", a: "a b c d", b: "a b", want: "a b [-c d-]"},
		{name: "OKReplace", a: "opens Monday at nine", b: "opens Tuesday at nine", want: "opens [-Monday-] {+Tuesday+} at nine"},
		{name: "OKReplaceAll", a: "a b", b: "c d", want: "[-a b-] {+c d+}"},
		{name: "OKReplaceSeveral", a: "one two three four", b: "one 2 three 4", want: "one [-two-] {+2+} three [-four-] {+4+}"},
		{name: "OKCaseMatters", a: "Hello", b: "hello", want: "[-Hello-] {+hello+}"},
		{name: "OKPunctuationIsPartOfWord", a: "ship it", b: "ship it!", want: "ship [-it-] {+it!+}"},
		{name: "OKRepeatedWords", a: "a a a", b: "a a", want: "a a [-a-]"},
		{name: "OKUnicode", a: "Crédit à la une", b: "Crédit à la une — enfin", want: "Crédit à la une {+— enfin+}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := commands.WordDiff(tt.a, tt.b); got != tt.want {
				t.Errorf("WordDiff(%q, %q) = %q; want %q", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// words returns n words, each unique to prefix.
func words(prefix string, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(prefix)
		b.WriteString(strings.Repeat("x", i%7))
	}
	return b.String()
}

func TestWordDiffLargeInput(t *testing.T) {
	tests := []struct {
		name     string
		a, b     string
		fallback bool
	}{
		{name: "OKHugeFallsBack", a: words("a", 20_000), b: words("b", 20_000), fallback: true},
		{name: "OKLopsidedFallsBack", a: "x y", b: words("b", 3_000_000), fallback: true},
		{name: "OKLargeUnderLimitDiffs", a: words("w", 1500), b: words("w", 1500) + " tail"},
		{name: "OKMaxInputEachSide", a: words("a", 32<<10), b: words("b", 32<<10), fallback: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			got := commands.WordDiff(tt.a, tt.b)
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("WordDiff took %v", d)
			}
			wantFallback := "[-" + tt.a + "-] {+" + tt.b + "+}"
			if tt.fallback && got != wantFallback {
				t.Errorf("WordDiff of %d × %d words did not fall back to the whole texts (got %d bytes)",
					len(strings.Fields(tt.a)), len(strings.Fields(tt.b)), len(got))
			}
			if !tt.fallback && (got == wantFallback || !strings.HasPrefix(got, tt.a)) {
				t.Errorf("WordDiff fell back or lost the common words (got %d bytes, starting %.40q)", len(got), got)
			}
		})
	}
}
