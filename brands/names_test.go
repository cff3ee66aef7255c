package brands

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/heraldhq/herald"
)

func TestCheckName(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, reason string
	}{
		{name: "OKPlain", in: "Acme", want: "Acme"},
		{name: "OKTrimmed", in: "  Acme Corp ", want: "Acme Corp"},
		{name: "OKFullWidth", in: "ＡＣＭＥ　Ｌａｂｓ", want: "ACME Labs"},
		{name: "OKHalfWidthKatakana", in: "ｱｸﾒ", want: "アクメ"},
		{name: "OKNFC", in: "Cafe\u0301", want: "Café"},
		{name: "OKSpacesCollapsed", in: "Acme\u00a0\u00a0Corp", want: "Acme Corp"},
		{name: "OKAccentsAndScripts", in: "Société Générale", want: "Société Générale"},
		{name: "OKCyrillic", in: "Яндекс", want: "Яндекс"},
		{name: "OKEmoji", in: "Acme 🚀", want: "Acme 🚀"},
		{name: "ErrZeroWidthSpace", in: "Acme\u200b", reason: ReasonNameInvisible},
		{name: "ErrZeroWidthJoiner", in: "Ac\u200dme", reason: ReasonNameInvisible},
		{name: "ErrLeftToRightMark", in: "Acme\u200e", reason: ReasonNameInvisible},
		{name: "ErrRightToLeftOverride", in: "\u202eemcA", reason: ReasonNameInvisible},
		{name: "ErrIsolate", in: "Acme\u2066x\u2069", reason: ReasonNameInvisible},
		{name: "ErrBOM", in: "\ufeffAcme", reason: ReasonNameInvisible},
		{name: "ErrSoftHyphen", in: "Ac\u00adme", reason: ReasonNameInvisible},
		{name: "ErrNUL", in: "Acme\x00", reason: ReasonNameInvisible},
		{name: "ErrBell", in: "Ac\x07me", reason: ReasonNameInvisible},
		{name: "ErrC1Control", in: "Acme\u0085x", reason: ReasonNameInvisible},
		{name: "ErrPrivateUse", in: "Acme\ue000", reason: ReasonNameChars},
		{name: "ErrUnassigned", in: "Acme\U000E0080", reason: ReasonNameChars},
		{name: "ErrInvalidUTF8", in: "Acme\xff", reason: ReasonBadName},
		{name: "ErrOnlySpaces", in: "\u3000 \u00a0", reason: ReasonBadName},
		{name: "ErrTab", in: "Ac\tme", reason: ReasonBadName},
		{name: "ErrTooLong", in: strings.Repeat("a", 65), reason: ReasonBadName},
		{name: "ErrQuote", in: `Acme "Corp"`, reason: ReasonBadName},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := checkName(tc.in)
			if tc.reason == "" {
				if err != nil || got != tc.want {
					t.Fatalf("checkName(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
				}
				return
			}
			e := herald.AsError(err)
			if e == nil || e.Code != herald.EINVALID || e.Reason != tc.reason {
				t.Fatalf("checkName(%q) = %q, %v; want EINVALID %s", tc.in, got, err, tc.reason)
			}
			if strings.ContainsAny(e.Message, "`") || !strings.HasSuffix(e.Message, ".") {
				t.Errorf("message %q: want a plain sentence", e.Message)
			}
		})
	}
}

func TestSkeleton(t *testing.T) {
	same := [][2]string{
		{"Acme", "acme"},
		{"Acme", "АСМЕ"},                // Cyrillic capitals
		{"Acme", "Аcme"},                // Cyrillic А
		{"Acme", "аcmе"},                // Cyrillic а and е
		{"Acme", "ＡＣＭＥ"},                // full width
		{"Acme", "𝐀𝐜𝐦𝐞"},                // mathematical bold
		{"Acme", "Acme\u200b"},          // a name stored before: the invisible is dropped
		{"Acme", "Ac\u202eme"},          // the same for an override
		{"Acme Corp", "Acme\u00a0Corp"}, // a no-break space
		{"Acme Corp", "Acme   Corp"},    // runs of spaces
		{"Globex", "Gl0bex"},            // zero as O
		{"Globex", "G1obex"},            // one as l
		{"Globex", "GIobex"},            // capital I as l
		{"Initech", "lnitech"},          // capital I as l, at the start
		{"Pola", "Ρоlа"},                // Greek Ρ, Cyrillic о and а
		{"Nova", "Νονa"},                // Greek Ν, ο, ν
		{"Modern", "Rnodern"},           // rn as m
		{"Swiss", "Svviss"},             // vv as w
		{"Acme-Labs", "Acme‐Labs"},      // a Unicode hyphen
		{"Acme-Labs", "Acme–Labs"},      // an en dash
		{"office", "oﬃce"},              // a ligature
		{"Straße", "STRASSE"},           // case folding
		{"Café", "Cafe\u0301"},          // NFC
		{"Acme²", "Acme2"},              // a superscript
		{"Acme", "Acme\u00ad"},          // a soft hyphen
		{"paypal", "рауpal"},            // Cyrillic р, а, у
		{"Apple", "Aррle"},              // Cyrillic р
		{"Yes", "Υes"},                  // Greek Υ
		{"Kilo", "\u212Ailo"},           // the Kelvin sign
		{"Acme", "\uff21\uff43\uff4d\uff45"},
	}
	for _, p := range same {
		if a, b := Skeleton(p[0]), Skeleton(p[1]); a != b {
			t.Errorf("Skeleton(%q) = %q, Skeleton(%q) = %q; want them equal", p[0], a, p[1], b)
		}
	}
	differ := [][2]string{
		{"Acme", "Acne"},
		{"Acme", "Acme Corp"},
		{"Acme", "Acmé"},
		{"Mail", "Mall"}, // a dotted i is not an l
		{"ivy", "lvy"},
		{"Яндекс", "Yandex"},
		{"Acme", "Ac me"},
	}
	for _, p := range differ {
		if a, b := Skeleton(p[0]), Skeleton(p[1]); a == b {
			t.Errorf("Skeleton(%q) = Skeleton(%q) = %q; want them different", p[0], p[1], a)
		}
	}
}

// FuzzCheckName checks the name normaliser on any input: it never
// panics; what it accepts is valid, normal (a second pass changes
// nothing), holds no control or format character, and looks like what
// was typed.
func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"Acme", " ＡＣＭＥ　Ｌａｂｓ ", "Acme\u200b", "\u202eemcA", "Cafe\u0301", "ｱｸﾒ", "Acme\x00", "Gl0bex", "\xff", "Ρоlа", "oﬃce"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sk := Skeleton(in)
		if !utf8.ValidString(sk) {
			t.Fatalf("Skeleton(%q) = %q, not valid UTF-8", in, sk)
		}
		got, err := checkName(in)
		if err != nil {
			if e := herald.AsError(err); e == nil || e.Code != herald.EINVALID || e.Reason == "" {
				t.Fatalf("checkName(%q): %v; want an EINVALID error with a reason", in, err)
			}
			return
		}
		if !utf8.ValidString(got) || got == "" || utf8.RuneCountInString(got) > 64 {
			t.Fatalf("checkName(%q) = %q: not a valid name", in, got)
		}
		if again, err := checkName(got); err != nil || again != got {
			t.Fatalf("checkName(%q) = %q, but checkName of that = %q, %v", in, got, again, err)
		}
		for _, r := range got {
			if invisible(r) {
				t.Fatalf("checkName(%q) = %q, which holds %U", in, got, r)
			}
		}
		if Skeleton(got) != sk {
			t.Fatalf("checkName(%q) = %q, whose skeleton %q is not the input's %q", in, got, Skeleton(got), sk)
		}
	})
}
