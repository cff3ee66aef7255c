// Package i18n gives Herald's words in the reader's language. English is
// written in the code, where it is used; French comes from the catalog in
// fr/*.txt, keyed by the English text. What a person sees alone follows
// their language (the platform's locale, /lang); what a channel sees follows
// the brand's (brand lang).
//
// The three methods take the English words as a string literal, so a test
// can find every one of them in the source and check that the catalog has
// each, with the same placeholders:
//
//	lang.T("Approved.")
//	lang.F("Draft #%v is approved by %s.", id, who)
//	lang.N(n, "%d team approval", "%d team approvals")
package i18n

import (
	"fmt"
	"strings"
)

// Lang is a language Herald speaks. The zero value is English.
type Lang string

// The languages Herald speaks.
const (
	English Lang = "en"
	French  Lang = "fr"
)

// Langs lists them, English first.
var Langs = []Lang{English, French}

// Parse reads a language as platforms and people write it: "fr", "fr-FR",
// "fr_FR.UTF-8", "French", "français". ok is false for anything else (the
// zero Lang, English, is returned then).
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	base, _, _ := strings.Cut(s, ".")
	base = strings.NewReplacer("_", "-").Replace(base)
	base, _, _ = strings.Cut(base, "-")
	switch base {
	case "fr", "fra", "fre", "french", "français", "francais":
		return French, true
	case "en", "eng", "english", "anglais":
		return English, true
	}
	return English, false
}

// FromEnv picks the language of a terminal from LC_ALL, LC_MESSAGES and
// LANG, in POSIX order of precedence (the caller passes their values).
func FromEnv(lcAll, lcMessages, lang string) Lang {
	for _, v := range []string{lcAll, lcMessages, lang} {
		if v == "" || v == "C" || v == "POSIX" {
			continue
		}
		l, _ := Parse(v)
		return l
	}
	return English
}

// String is the language's code.
func (l Lang) String() string {
	if l == "" {
		return string(English)
	}
	return string(l)
}

// T returns text, a fixed English sentence, in l.
func (l Lang) T(text string) string { return l.lookup(text) }

// F formats format, written in English, in l (fmt verbs; a translation may
// reorder its arguments with %[n]v).
func (l Lang) F(format string, args ...any) string {
	return fmt.Sprintf(l.lookup(format), args...)
}

// N formats n with the singular or plural form, each written in English
// with one verb for n, in l: French counts 0 and 1 as singular.
func (l Lang) N(n int, one, other string) string {
	singular := n == 1
	if l == French {
		singular = n == 0 || n == 1
	}
	if singular {
		return fmt.Sprintf(l.lookup(one), n)
	}
	return fmt.Sprintf(l.lookup(other), n)
}

// lookup returns the translation of an English key, or the key itself in
// English or when the catalog has none.
func (l Lang) lookup(key string) string {
	if l != French {
		return key
	}
	if t, ok := french[key]; ok {
		return t
	}
	return key
}
