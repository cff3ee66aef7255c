package assistcmd

import (
	"testing"

	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/commands/i18n"
)

// TestDescribe: guidelines in words, in the reader's language.
func TestDescribe(t *testing.T) {
	g := assist.Guidelines{Tone: "warm", MaxLength: map[string]int{"mastodon": 500}, Emoji: assist.EmojiFew}
	for _, tt := range []struct {
		l    i18n.Lang
		g    assist.Guidelines
		want string
	}{
		{i18n.English, g, "Tone and voice: warm\nAt most 500 characters on mastodon\nEmoji: a few (at most 3)"},
		{i18n.French, g, "Ton et voix\u202f: warm\nAu plus 500 caractères sur mastodon\nEmoji\u202f: quelques-uns (au plus 3)"},
		{i18n.French, assist.Guidelines{}, "Pas encore de charte éditoriale."},
		{i18n.English, assist.Guidelines{Alt: assist.AltRequired}, "Every picture and video has alt text"},
		{i18n.French, assist.Guidelines{Alt: assist.AltRequired}, "Chaque image et chaque vidéo a un texte alternatif"},
	} {
		if got := describe(tt.l, tt.g); got != tt.want {
			t.Errorf("describe(%s) = %q; want %q", tt.l, got, tt.want)
		}
	}
}
