package query

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"   ...  ", ""},
		{"Acme", "acme"},
		{"Crédit Agricole", "credit agricole"},
		{"ÉTÉ", "ete"},
		{"L’Été de Crédit-Acme #promo", "l ete de credit acme promo"},
		{"l'acme d'acme d’acme l‘acme", "l acme d acme d acme l acme"},
		{"@acme #acme $acme", "acme acme acme"},
		{"Œuvre cœur Æsir ex æquo", "oeuvre coeur aesir ex aequo"},
		{"Straße STRASSE ẞ", "strasse strasse ss"},
		{"ﬁnance ﬂeur", "finance fleur"},
		{"Ｆｕｌｌｗｉｄｔｈ １２３", "fullwidth 123"},
		{"Ørsted Łódź Đà Nẵng Þór", "orsted lodz da nang thor"},
		{"e\u0301te\u0301 cafe\u0301", "ete cafe"}, // NFD
		{"https://www.acme.fr/blog?utm_source=x", "https www acme fr blog utm source x"},
		{"acme-corp acme_corp acme.corp", "acme corp acme corp acme corp"},
		{"Ça coûte 3,50 € 🚀🚀 ok", "ca coute 3 50 ok"},
		{"Ελληνικά ΑΘΗΝΑ", "ελληνικά αθηνα"},
		{"Москва", "москва"},
		{"日本語のテキスト", "日 本 語 の テ キ ス ト"},
		{"a×b÷c", "a b c"},
		{"\u212Bngstr\u00F6m \u212Aelvin", "angstrom kelvin"},
		{"\xff\xfeacme\xff", "acme"},
		{"Rocket\u00ADlauncher \u00ADacme\u00AD", "rocketlauncher acme"}, // soft hyphens join
		{"lʼAcme dʼacme", "l acme d acme"},                               // U+02BC is an apostrophe
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestFoldOffsets checks that each word's original range folds to the word.
func TestFoldOffsets(t *testing.T) {
	for _, s := range []string{
		"L’Été de Crédit-Acme #promo", "e\u0301te\u0301 cafe\u0301!", "Straße, ﬁn. 日本", "x", "",
		// As many words as bytes allow: the bounds are sized for these.
		"a b c d e f", "a日b日c", "日日日日", "a.b.c.", ".a.b.c", "ﬃ ﬃ ﬃ", "ß ß ß", "a\u0301 b\u0301", "Ac\u00ADme \u00AD x\u00AD", "lʼacme",
	} {
		var f folded
		f.add(s)
		for k := range f.words() {
			tk := f.tok(k)
			orig := s[tk.os:tk.oe]
			if got, want := Fold(orig), string(f.buf[tk.fs:tk.fe]); got != want {
				t.Errorf("%q: word %q from %q folds to %q", s, want, orig, got)
			}
			if f.buf[tk.fs-1] != ' ' || f.buf[tk.fe] != ' ' {
				t.Errorf("%q: word %q is not between spaces", s, f.buf[tk.fs:tk.fe])
			}
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"L’Été de Crédit-Acme #promo", "e\u0301te\u0301", "日本語", "\xff\xfe", "ǅemal ﬃ", "Ac\u00ADme lʼacme –x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var fd folded
		fd.add(s)
		got := Fold(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q: not UTF-8", s, got)
		}
		if strings.Contains(got, "  ") || strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") {
			t.Fatalf("Fold(%q) = %q: spaces not single", s, got)
		}
		if Fold(got) != got {
			t.Fatalf("Fold is not idempotent on %q: %q then %q", s, got, Fold(got))
		}
		last := int32(0)
		for k := range fd.words() {
			tk := fd.tok(k)
			if tk.os < last || tk.oe <= tk.os || int(tk.oe) > len(s) {
				t.Fatalf("%q: bad token range %d..%d", s, tk.os, tk.oe)
			}
			last = tk.oe
		}
	})
}
