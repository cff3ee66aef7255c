package listencmd_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
)

// The narrow no-break space French puts before : ; ! ?, and the no-break
// space after n°.
const (
	nb = "\u202f"
	no = "n°\u00a0"
)

// TestFrenchReader runs the listening commands as a reader of French in
// an English brand: what they see alone (lists, the summary, the
// settings, refusals) is in French; what the channel sees stays in the
// brand's English.
func TestFrenchReader(t *testing.T) {
	e := newListenEnv(t)
	fr := testActor
	fr.Lang = "fr"
	viewer := lViewer
	viewer.Lang = "fr"
	ms := e.withMentions()
	e.run(testActor, "mute domain spam.example")
	tests := []struct {
		name  string
		actor herald.Actor
		line  string
		want  []string
	}{
		{"OKWatchList", fr, "watch list", []string{"Veilles de Acme" + nb + ":", "(par ann)", "le canal slack C1"}},
		{"OKSourceList", fr, "source list", []string{"Sources de Acme" + nb + ":", "webhook · 3 éléments vus · dernier succès le mer. 2 déc. 2026 à 10 h 00 UTC"}},
		{"OKMutes", viewer, "mutes", []string{"Masqués sur Acme" + nb + ":", "le domaine spam.example (par ann, le mer. 2 déc. 2026 à 10 h 00 UTC)"}},
		{"OKSettings", viewer, "listen", []string{"Acme garde les mentions en toutes les langues, reçoit une synthèse quotidienne à 09:00 (UTC), tri par LLM désactivé. Les mentions sont conservées 180 jours."}},
		{"OKWatchTest", fr, "watch test acme -job", []string{"`acme -job` trouve 2 des 3 mentions récentes de Acme (les 7 derniers jours" + nb + "; les plus récentes d'abord, 10 au plus)" + nb + ":"}},
		{"OKChannelStaysEnglish", fr, "watch add kettle", []string{"ann added watch #", "Its mentions come to slack channel C1."}},
		{"OKMentionStaysEnglish", fr, fmt.Sprintf("mention claim %d", ms[1].ID), []string{fmt.Sprintf("ann claimed mention #%d.", ms[1].ID)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.in(t)
			hasAll(t, tt.line, e.run(tt.actor, tt.line).Text, tt.want...)
		})
	}
	t.Run("OKSummary", func(t *testing.T) {
		e := e.in(t)
		resp := e.run(viewer, "mentions week")
		if len(resp.Cards) != 1 {
			t.Fatalf("mentions week = %+v", resp)
		}
		c := resp.Cards[0]
		if c.Title != "Mentions de Acme, ces 7 derniers jours" || field(c, "À traiter") != "3" || field(c, "Auteurs les plus actifs") != "zoe (2), Jean Dupont (1)" {
			t.Errorf("French summary: %q, %+v", c.Title, c.Fields)
		}
		if len(c.Context) != 1 || !strings.Contains(c.Context[0], "en ouvre une"+nb+";") {
			t.Errorf("French summary context %q", c.Context)
		}
	})
	t.Run("ErrFrench", func(t *testing.T) {
		e := e.in(t)
		for line, has := range map[string]string{
			"listen digest":                 "Donnez la valeur" + nb + ": `listen digest 09:00` (HH:MM dans le fuseau de la marque)",
			"listen triage maybe":           "Tapez `listen triage on` ou `listen triage off`.",
			"watch add acme --channel nope": "\"nope\" n'est pas un canal où Herald peut publier",
			"source add mastodon #acme":     "Nommez l'instance avant le hashtag" + nb + ": `source add mastodon mastodon.social #acme`.",
		} {
			resp := e.dispatch(fr, testChannel, line)
			if resp.ErrCode != herald.EINVALID || !strings.Contains(resp.Text, has) {
				t.Errorf("%s = %s %q; want %s with %q", line, resp.ErrCode, resp.Text, herald.EINVALID, has)
			}
		}
	})
}
