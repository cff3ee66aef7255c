package kit_test

import (
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/mentions/query"
	"github.com/heraldhq/herald/publish"
)

// TestErrorTextFrenchFamilies: a sample of each family of errors that had
// only an English sentence (listening, guidelines syntax, the LLM's
// answers, groups, media types) reads in French from its reason and facts,
// and in English exactly as the domain wrote it.
func TestErrorTextFrenchFamilies(t *testing.T) {
	_, rulesErr := assist.ParseRules("emoji=lots")
	_, quoteErr := assist.ParseRules(`tone="friendly`)
	_, kindErr := assist.ParseRules("maxi=3")
	_, quoteQuery := query.Parse(`acme "store`, []string{"hn"})
	_, sourceQuery := query.Parse("acme source:ftp", []string{"hn", "rss"})
	briefErr := assist.CheckBrief(strings.Repeat("a", assist.MaxBrief+1))
	item := media.Item{Name: "clip.mp4", Type: "video/mp4"}
	typeErr := herald.AsError(publish.MediaType("Bluesky", 2, item, "Herald posts pictures to Bluesky, not videos"))
	typeErr.Facts["target"], typeErr.Facts["draft"] = "bluesky:main", 7
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"OKMentionState", herald.Errorf(herald.ECONFLICT, "Mention #4 is handled already; it cannot be claimed now.").
			Because(mentions.ReasonWrongState, herald.Facts{"mention": int64(4), "state": mentions.StateHandled, "action": mentions.ActClaim}),
			"La mention n°\u00a04 est déjà traitée\u202f; elle ne peut pas être prise en charge maintenant."},
		{"OKMentionMissing", herald.Errorf(herald.ENOTFOUND, "There is no watch #9.").
			Because(mentions.ReasonNotFound, herald.Facts{"what": "watch", "id": int64(9)}),
			"Il n’y a pas de veille n°\u00a09."},
		{"OKMuted", herald.Errorf(herald.ECONFLICT, "The domain spam.example is muted already.").
			Because(mentions.ReasonMuted, herald.Facts{"kind": mentions.MuteDomain, "value": "spam.example"}),
			"Le domaine spam.example est déjà masqué."},
		{"OKSourceKind", herald.Errorf(herald.EINVALID, `"ftp" is not a source kind; use one of rss, webhook.`).
			Because(mentions.ReasonBadKind, herald.Facts{"kind": "ftp", "kinds": []string{"rss", "webhook"}}),
			"\"ftp\" n’est pas un type de source\u202f; utilisez l’un de ceux-ci\u202f: rss, webhook."},
		{"OKQueryQuote", quoteQuery, "colonne 6\u202f: guillemet non fermé"},
		{"OKQuerySource", sourceQuery, "colonne 6\u202f: source inconnue \"ftp\"\u202f: les sources sont hn, rss"},
		{"OKRuleValue", rulesErr,
			"emoji à la colonne 1\u202f: \"lots\" n’est pas une règle d’emoji\u202f; utilisez none, few ou any."},
		{"OKOpenQuote", quoteErr,
			"Le guillemet ouvert à la colonne 6 n’est jamais fermé\u202f; ajoutez le guillemet fermant."},
		{"OKNotARule", kindErr,
			"\"maxi\" à la colonne 1 n’est pas une règle\u202f; les règles sont tone, ban, require, require.TYPE, max, max.TYPE, emoji, lang et alt."},
		{"OKBrief", briefErr, "Un brief a 2000 caractères au plus\u202f; celui-ci en a 2001."},
		{"OKLLMReply", herald.Errorf(herald.EUNAVAILABLE, "The LLM's answer held no usable reply; try again.").Because(assist.ReasonNoReply, nil),
			"La réponse du LLM ne contenait aucune réponse utilisable\u202f; réessayez."},
		{"OKGroup", herald.Errorf(herald.ENOTFOUND, "@design is a group, not a member who acts.").
			Because(brands.ReasonGroupActs, herald.Facts{"group": "@design"}),
			"@design est un groupe, pas un membre qui agit."},
		{"OKMediaType", typeErr, "bluesky:main n’accepte pas l’élément 2 du brouillon n°\u00a07 (clip.mp4, video/mp4)\u202f: Herald publie des images sur Bluesky, pas de vidéos."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := kit.ErrorText(i18n.French, tt.err)
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("French = %q\nwant      %q", got, tt.want)
			}
			if e := herald.AsError(tt.err); e.Reason == "" {
				t.Errorf("no reason on %q", e.Message)
			}
			if tt.name != "OKMediaType" {
				if got := kit.ErrorText(i18n.English, tt.err); got != herald.ErrorMessage(tt.err) {
					t.Errorf("English = %q, want the domain's %q", got, herald.ErrorMessage(tt.err))
				}
			}
		})
	}
}
