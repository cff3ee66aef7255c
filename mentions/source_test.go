package mentions

import (
	"strings"
	"testing"
)

func TestPrimaryLang(t *testing.T) {
	tests := []struct{ in, want string }{
		{"en", "en"},
		{"en-US", "en"},
		{"pt-BR", "pt"},
		{"fr_FR", "fr"},
		{"en_us-x", "en"},
		{"DE", "de"},
		{" FR ", "fr"},
		{"haw", "haw"},
		{"zh-Hant-TW", "zh"},
		{"", ""},
		{"-", ""},
		{"english", ""},
		{"e1", ""},
		{"x", ""},
		{"x-klingon", ""},
		{"é", ""},
		{"f\x00", ""},
		{"@@", ""},
		{"[[", ""}, // '[' | 0x20 is '{': not a letter
	}
	for _, tt := range tests {
		if got := PrimaryLang(tt.in); got != tt.want {
			t.Errorf("PrimaryLang(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzPrimaryLang: whatever a source says, Lang is "" or 2 to 3 lower-case
// ASCII letters, and normalising again changes nothing.
func FuzzPrimaryLang(f *testing.F) {
	for _, s := range []string{"en-US", "fr_FR", " de ", "", "zh-Hant-TW", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := PrimaryLang(s)
		if got == "" {
			return
		}
		if len(got) < 2 || len(got) > 3 || strings.Trim(got, "abcdefghijklmnopqrstuvwxyz") != "" {
			t.Fatalf("PrimaryLang(%q) = %q", s, got)
		}
		if again := PrimaryLang(got); again != got {
			t.Fatalf("PrimaryLang(%q) = %q, not stable", got, again)
		}
	})
}
