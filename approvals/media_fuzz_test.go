package approvals

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzCleanAlt: alt text from outside is stored clean or refused, never
// a panic: valid UTF-8, at most MaxAltLength characters, no control
// character but line breaks and tabs, trimmed; cleaning it again changes
// nothing. Names are cleaned the same way, never empty nor a path.
func FuzzCleanAlt(f *testing.F) {
	for _, seed := range []string{"The team on the steps", "  a\r\nb  ", "a\x1bb", "\xff", "", strings.Repeat("é", MaxAltLength+1),
		"../../etc/passwd", `C:\photos\launch.jpg`, "\u202eevil.jpg", "\t\n"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if name := cleanName(in); name == "" || strings.ContainsAny(name, `/\`) || !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxNameLength {
			t.Fatalf("cleanName(%q) = %q", in, name)
		}
		out, err := cleanAlt(in)
		if err != nil {
			return
		}
		if !utf8.ValidString(out) || utf8.RuneCountInString(out) > MaxAltLength || out != strings.TrimSpace(out) {
			t.Fatalf("cleanAlt(%q) = %q", in, out)
		}
		for _, r := range out {
			if unicode.IsControl(r) && r != '\n' && r != '\t' && r < 0x80 {
				t.Fatalf("cleanAlt(%q) keeps control character %U", in, r)
			}
		}
		if again, err := cleanAlt(out); err != nil || again != out {
			t.Fatalf("cleanAlt is not stable on %q: %q, %v", out, again, err)
		}
	})
}
