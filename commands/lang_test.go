package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
)

// TestReaderLanguage: a person's own language (Actor.Lang) wins; without
// one the router asks SetLanguage's function (the brand's of the channel);
// without that, English. Parse errors, help and the response's Lang
// follow it.
func TestReaderLanguage(t *testing.T) {
	r := MustRealRouter(t)
	french := herald.ChannelRef{Platform: "slack", Channel: "CFR"}
	r.SetLanguage(func(_ context.Context, _ herald.Actor, ch herald.ChannelRef) i18n.Lang {
		if ch == french {
			return i18n.French
		}
		return i18n.English
	})
	fr := testActor
	fr.Lang = "fr"
	en := testActor
	en.Lang = "en"
	for _, tt := range []struct {
		name    string
		actor   herald.Actor
		channel herald.ChannelRef
		line    string
		want    string
		lang    i18n.Lang
	}{
		{"OKActorFrench", fr, testChannel, "drafs", "Il n’y a pas de commande \"drafs\".", i18n.French},
		{"OKChannelFrench", testActor, french, "brand", "`brand` attend l’un de ces mots\u202f: add, list, use, lang", i18n.French},
		{"OKActorWinsOverChannel", en, french, "drafs", "There is no command \"drafs\".", ""},
		{"OKEnglish", testActor, testChannel, "approve x", "must be a draft id such as 12, not \"x\".", ""},
		{"OKFrenchUsage", fr, testChannel, "approve x", "doit être un numéro de brouillon comme 12, pas \"x\".", i18n.French},
		{"OKFrenchHelp", fr, testChannel, "help", "Commandes de Herald (tapez `help COMMANDE` pour le détail)\u202f:", i18n.French},
		{"OKFrenchSummary", fr, testChannel, "help draft", "Écrit un nouveau brouillon", i18n.French},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Dispatch(context.Background(), commands.Call{Actor: tt.actor, Channel: tt.channel, Text: tt.line})
			if !strings.Contains(got.Text, tt.want) || got.Lang != tt.lang {
				t.Errorf("Dispatch(%q) = %q, Lang %q; want it to contain %q, Lang %q", tt.line, got.Text, got.Lang, tt.want, tt.lang)
			}
		})
	}
}
