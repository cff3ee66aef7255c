package main

import (
	"strings"
	"testing"
)

// TestHelpLanguages: `herald help` follows LANG: in French no line of it
// is an English sentence (commands, flags and settings stay as typed); in
// English it lists the commands as before.
func TestHelpLanguages(t *testing.T) {
	for _, tt := range []struct {
		name, lang string
		want       []string
	}{
		{"OKEnglish", "C", []string{"Usage: herald [flags] [command]", "  migrate        apply database migrations and exit",
			"  -http-addr string\n    \tHTTP listen address, or off (HERALD_HTTP_ADDR)", "  LANG, LC_ALL, LC_MESSAGES   the console's language (fr or en)"}},
		{"OKFrench", "fr_FR.UTF-8", []string{"Utilisation\u202f: herald [options] [commande]", "  migrate        applique les migrations",
			"  -http-addr texte\n    \tadresse d’écoute HTTP, ou off (HERALD_HTTP_ADDR)", "  LANG, LC_ALL, LC_MESSAGES   la langue de la console (fr ou en)"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runMain(map[string]string{"LANG": tt.lang}, "help")
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("help lacks %q:\n%s", w, out)
				}
			}
			if tt.lang == "C" {
				return
			}
			if bad := englishLines(out); len(bad) > 0 {
				t.Errorf("English lines in the French help:\n%s", strings.Join(bad, "\n"))
			}
		})
	}
}
