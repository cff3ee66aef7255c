package i18n

import (
	"testing"
	"testing/fstest"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]Lang{
		"fr": French, "fr-FR": French, "fr_FR.UTF-8": French, "French": French, "français": French,
		"en": English, "en-US": English, "en_GB.UTF-8": English,
	} {
		if got, ok := Parse(in); !ok || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "de", "klingon", "C"} {
		if got, ok := Parse(in); ok || got != English {
			t.Errorf("Parse(%q) = %q, %v; want English, false", in, got, ok)
		}
	}
}

func TestFromEnv(t *testing.T) {
	if got := FromEnv("", "", "fr_FR.UTF-8"); got != French {
		t.Errorf("LANG=fr_FR.UTF-8: %q", got)
	}
	if got := FromEnv("en_US.UTF-8", "", "fr_FR.UTF-8"); got != English {
		t.Errorf("LC_ALL wins over LANG: %q", got)
	}
	if got := FromEnv("C", "", "fr_FR.UTF-8"); got != French {
		t.Errorf("LC_ALL=C is no choice: %q", got)
	}
}

func TestPlural(t *testing.T) {
	for _, c := range []struct {
		l    Lang
		n    int
		want string
	}{
		{English, 0, "0 apples"}, {English, 1, "1 apple"}, {English, 2, "2 apples"},
		{French, 0, "0 apple"}, {French, 1, "1 apple"}, {French, 2, "2 apples"},
	} {
		if got := c.l.N(c.n, "%d apple", "%d apples"); got != c.want {
			t.Errorf("%s.N(%d) = %q; want %q", c.l, c.n, got, c.want)
		}
	}
}

func TestCatalogErrors(t *testing.T) {
	for name, text := range map[string]string{
		"ErrNoFrench":  "en: Hello\n\nen: Bye\nfr: Au revoir\n",
		"ErrTrailing":  "en: Hello\n",
		"ErrGarbage":   "hello\n",
		"ErrDuplicate": "en: Hi\nfr: Salut\n\nen: Hi\nfr: Coucou\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := load(fstest.MapFS{"fr/x.txt": {Data: []byte(text)}}); err == nil {
				t.Errorf("load(%q) = nil error", text)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		m, err := load(fstest.MapFS{"fr/x.txt": {Data: []byte("# c\nen: Hi %s\\nthere\nfr: Salut %s\\nvous\n")}})
		if err != nil || m["Hi %s\nthere"] != "Salut %s\nvous" {
			t.Errorf("load = %q, %v", m, err)
		}
	})
}
