package web

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSearchTerms(t *testing.T) {
	tests := []struct {
		name  string
		terms []string
		want  []string
	}{
		{"OKNone", nil, []string{}},
		{"OKOne", []string{"acme"}, []string{"acme"}},
		{"OKSortedOnceIgnoringCase", []string{"initech", "Acme", "acme ", "ACME", "globex"}, []string{"acme", "globex", "initech"}},
		{"OKSpacesCollapsed", []string{"  acme \t corp\n"}, []string{"acme corp"}},
		{"OKQuotesDropped", []string{`"Acme  Corp"`, `acme "corp"`, `a"b`}, []string{"a b", "acme corp"}},
		{"OKEmptyDropped", []string{"", "  ", `""`, `" "`}, []string{}},
		{"OKAccentsKept", []string{"Crédit", "crédit", "credit"}, []string{"credit", "crédit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, SearchTerms(tt.terms)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzSearchTerms: the terms come out sorted, each once, without quotes
// or runs of white space, and normalising them again changes nothing.
func FuzzSearchTerms(f *testing.F) {
	f.Add("Acme", `"acme  corp"`)
	f.Add("", " ")
	f.Add("\u00a0x\u2003", "X")
	f.Fuzz(func(t *testing.T, a, b string) {
		got := SearchTerms([]string{a, b})
		if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
			t.Fatalf("SearchTerms(%q, %q) = %q: not sorted or not unique", a, b, got)
		}
		for _, term := range got {
			if term == "" || strings.Contains(term, `"`) || strings.Join(strings.Fields(term), " ") != term {
				t.Fatalf("SearchTerms(%q, %q) gave %q", a, b, term)
			}
		}
		if again := SearchTerms(got); !slices.Equal(again, got) {
			t.Fatalf("SearchTerms(%q) = %q, not stable", got, again)
		}
	})
}

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

func TestClipBytes(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"acme", 10, "acme"},
		{"acme", 4, "acme"},
		{"acme", 2, "ac"},
		{"acme", 0, ""},
		{"acme", -1, ""},
		{"", 3, ""},
		{"café", 4, "caf"}, // é is 2 bytes: not split
		{"café", 5, "café"},
		{"日本語", 4, "日"},
		{"日本語", 2, ""},
		{"a\xffb", 2, "a\xff"}, // an invalid byte is not a character to protect
	}
	for _, tt := range tests {
		if got := ClipBytes(tt.s, tt.n); got != tt.want {
			t.Errorf("ClipBytes(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

func TestBaseURL(t *testing.T) {
	tests := []struct {
		name, raw, base, host string
	}{
		{"OK", "https://mastodon.social", "https://mastodon.social", "mastodon.social"},
		{"OKTrailingSlash", " https://bsky.social/ ", "https://bsky.social", "bsky.social"},
		{"OKPathPort", "http://127.0.0.1:8080/api//", "http://127.0.0.1:8080/api", "127.0.0.1"},
		{"ErrScheme", "ftp://example.com", "", ""},
		{"ErrNoScheme", "example.com", "", ""},
		{"ErrNoHost", "https://", "", ""},
		{"ErrPortOnly", "http://:80", "", ""},
		{"ErrUser", "https://u:p@example.com", "", ""},
		{"ErrQuery", "https://example.com/?a=1", "", ""},
		{"ErrEmptyQuery", "https://example.com/?", "", ""},
		{"ErrFragment", "https://example.com/#x", "", ""},
		{"ErrEmpty", "", "", ""},
		{"ErrJunk", "%zz", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, host, ok := BaseURL(tt.raw)
			if base != tt.base || host != tt.host || ok != (tt.base != "") {
				t.Errorf("BaseURL(%q) = %q, %q, %v; want %q, %q", tt.raw, base, host, ok, tt.base, tt.host)
			}
		})
	}
}
