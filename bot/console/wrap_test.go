package console

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzWrap checks that wrapped lines fit their width (but for a single
// character wider than it), and that wrapping keeps every word.
func FuzzWrap(f *testing.F) {
	for _, s := range []string{"", "a", "hello world", strings.Repeat("word ", 40), strings.Repeat("x", 200),
		"日本語のテキスト文文文文文文文文文文", "a  b   c", "emoji 📣📣📣 " + strings.Repeat("ab ", 30), " lead", "trail "} {
		f.Add(s, uint8(20), uint8(30))
	}
	f.Fuzz(func(t *testing.T, s string, first, rest uint8) {
		if !utf8.ValidString(s) || strings.Contains(s, "\n") {
			return
		}
		w1, w2 := max(int(first), 10), max(int(rest), 10)
		lines := wrap(s, int(first), int(rest))
		if len(lines) == 0 {
			t.Fatalf("wrap(%q) gave no line", s)
		}
		for i, l := range lines {
			width := w2
			if i == 0 {
				width = w1
			}
			if columns(l) > width && utf8.RuneCountInString(l) > 1 {
				t.Fatalf("wrap(%q, %d, %d) line %d %q is %d columns", s, first, rest, i, l, columns(l))
			}
		}
		if got, want := strings.Join(strings.Fields(strings.Join(lines, " ")), ""), strings.Join(strings.Fields(s), ""); got != want {
			t.Fatalf("wrap(%q) lost characters: %q", s, lines)
		}
	})
}
