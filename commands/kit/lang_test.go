package kit

import (
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/publish"
)

// nb is the narrow no-break space French puts before : ; ! ?
const nb = "\u202f"

func TestSurgeCardFrench(t *testing.T) {
	b := herald.Brand{Name: "Acme", Timezone: "UTC", Lang: "fr"}
	s := mentions.Surge{BrandID: 1, Start: goldenAt, Window: time.Hour, Count: 12, Baseline: 2.5, Threshold: 10,
		Sample: goldenMentions()[:1]}
	tests := []struct {
		name    string
		lang    i18n.Lang
		over    bool
		title   string
		text    string
		buttons []string
	}{
		{"OKEnglish", i18n.English, false, "Surge of mentions · Acme",
			"12 mentions in 1 hour from 2026-12-07 09:30:00 UTC, against about 2.5 usually (alert at 10).", []string{"All of today's mentions", "Pause publishing"}},
		{"OKFrench", i18n.French, false, "Pic de mentions · Acme",
			"12 mentions en 1 heure depuis le lun. 7 déc. 2026 à 9 h 30 UTC, contre 2,5 environ d'habitude (alerte à partir de 10).", []string{"Toutes les mentions du jour", "Suspendre les publications"}},
		{"OKFrenchOver", i18n.French, true, "Fin du pic · Acme",
			"Le pic commencé le lun. 7 déc. 2026 à 9 h 30 UTC est terminé" + nb + ": 12 mentions sur la dernière période de 1 heure.", []string{"Toutes les mentions du jour"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.Over = tt.over
			c := surgeCard(b, s, true, tt.lang)
			if c.Title != tt.title || c.Text != tt.text {
				t.Errorf("surge card = %q / %q; want %q / %q", c.Title, c.Text, tt.title, tt.text)
			}
			var labels []string
			for _, btn := range c.Buttons {
				labels = append(labels, btn.Label)
			}
			if strings.Join(labels, "|") != strings.Join(tt.buttons, "|") {
				t.Errorf("buttons %q; want %q", labels, tt.buttons)
			}
		})
	}
	if got := span(2*time.Hour, i18n.French) + ", " + span(time.Minute, i18n.French) + ", " + span(0, i18n.French); got != "2 heures, 1 minute, 0s" {
		t.Errorf("French spans = %q", got)
	}
}

func TestPauseCardFrench(t *testing.T) {
	b := herald.Brand{Name: "Acme", Timezone: "UTC", Lang: "fr"}
	alice := herald.Actor{Platform: "slack", UserID: "U1", Name: "alice"}
	p := publish.Pause{BrandID: 1, By: alice, At: goldenAt}
	c := PauseCard(publish.PauseView{Brand: b, Pause: p, Held: 1}, i18n.French)
	want := []string{"Publications suspendues · Acme",
		"Aucune publication programmée de Acme ne part tant que cela dure" + nb + ": 1 publication retenue. Une publication confirmée part quand même.",
		"Suspendues par=alice, lun. 7 déc. 2026 à 9 h 30 UTC", "Jusqu'à=jusqu'à ce que quelqu'un les reprenne", "Pourquoi=publications suspendues", "[Reprendre]"}
	if got := cardLines(c.Title, c.Text, c.Fields, c.Buttons); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("paused card:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	ended := publish.PauseView{Brand: b, Pause: p, Ended: true, EndedBy: alice, EndedAt: goldenAt.Add(time.Hour),
		Missed: []approvals.Draft{{ID: 4, Text: "Soldes !", PublishAt: goldenAt.Add(30 * time.Minute)}}}
	c = PauseCard(ended, i18n.French)
	want = []string{"Publications reprises · Acme",
		"Reprises par alice, le lun. 7 déc. 2026 à 10 h 30 UTC. Les publications à venir gardent leur horaire. Manquées, non publiées d'elles-mêmes (leur horaire est passé pendant la pause)" + nb + ": #4.",
		"Suspendues par=alice, lun. 7 déc. 2026 à 9 h 30 UTC", "Jusqu'à=jusqu'à ce que quelqu'un les reprenne", "Pourquoi=publications suspendues",
		"n°\u00a04 · prévue le " + WhenText(goldenAt.Add(30*time.Minute), time.UTC, i18n.French) + "=Soldes !",
		"[Publier le n°\u00a04 maintenant]", "[Reprogrammer le n°\u00a04]", "[Annuler le n°\u00a04]"}
	if got := cardLines(c.Title, c.Text, c.Fields, c.Buttons); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("resumed card:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestNoteTextFrench(t *testing.T) {
	v := approvals.View{Draft: approvals.Draft{ID: 5, PublishAt: goldenAt}, Brand: herald.Brand{Name: "Acme", Timezone: "UTC", Lang: "fr"}}
	mastodon := herald.Target{Kind: "mastodon", Name: "acme"}
	ann := brands.Member{Actor: herald.Actor{Platform: "slack", UserID: "U1", Name: "ann"}}
	tests := []struct {
		name string
		e    publish.Event
		want string
	}{
		{"OKPublished", publish.Event{Kind: publish.EventDelivered, Delivery: publish.Delivery{Target: mastodon, Receipt: publish.Receipt{URL: "https://m.example/1"}}},
			"Le brouillon n°\u00a05 est publié sur mastodon:acme" + nb + ": https://m.example/1."},
		{"OKFailed", publish.Event{Kind: publish.EventFailed, Delivery: publish.Delivery{Target: mastodon, Error: "text too long"}},
			"mastodon:acme a refusé le brouillon n°\u00a05" + nb + ": text too long. Corrigez ce qui est signalé, puis cliquez sur Réessayer (`retry 5 mastodon:acme`), ou sur Marquer comme publié si vous l'avez publié à la main."},
		{"OKUnconfirmed", publish.Event{Kind: publish.EventUnconfirmed, Delivery: publish.Delivery{Target: mastodon, Error: "timeout"}},
			"Herald ne sait pas si mastodon:acme a reçu le brouillon n°\u00a05 (timeout), et ne l'enverra pas deux fois à l'aveugle. Vérifiez sur place, puis cliquez sur Marquer comme publié (`confirm 5 mastodon:acme`) ou Réessayer (`retry 5 mastodon:acme`)."},
		{"OKReminder", publish.Event{Kind: publish.EventReminder, Waiting: 26 * time.Hour, Stage: "client", Remind: []brands.Member{ann}},
			"Le brouillon n°\u00a05 attend depuis 26 heures la relecture du client. @ann" + nb + ": `show 5`, puis approuvez ou demandez des modifications."},
		{"OKReminderNobody", publish.Event{Kind: publish.EventReminder, Waiting: 72 * time.Hour, Stage: "team"},
			"Le brouillon n°\u00a05 attend depuis 3 jours la relecture de l'équipe. Personne ne peut encore le relire à cette étape" + nb + "; un admin donne le rôle avec `role @user RÔLE`" + nb + ": `show 5`, puis approuvez ou demandez des modifications."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := noteText(v, tt.e, i18n.French); got != tt.want {
				t.Errorf("note:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
	if got := noteText(v, publish.Event{Kind: publish.EventReminder, Waiting: time.Hour, Stage: "team"}, i18n.English); !strings.HasPrefix(got, "Draft #5 has waited 1 hour for team review. Nobody") {
		t.Errorf("English reminder = %q", got)
	}
}

func TestAnsweredFrench(t *testing.T) {
	m := goldenMentions()[2]
	if got, want := AnsweredNote(m, i18n.French), "Mention n°\u00a09"+nb+": réponse de ann · https://bsky.app/y (brouillon n°\u00a013)."; got != want {
		t.Errorf("AnsweredNote = %q; want %q", got, want)
	}
	if got, want := AnsweredNote(m, i18n.English), "Mention #9 is answered by ann · https://bsky.app/y (draft #13)."; got != want {
		t.Errorf("AnsweredNote = %q; want %q", got, want)
	}
}

// cardLines flattens a card for comparison: title, text, Label=Value,
// [Button].
func cardLines(title, text string, fields []commands.Field, buttons []commands.Button) []string {
	lines := []string{title, text}
	for _, f := range fields {
		lines = append(lines, f.Label+"="+f.Value)
	}
	for _, b := range buttons {
		lines = append(lines, "["+b.Label+"]")
	}
	return lines
}

func TestReplyPartsFrench(t *testing.T) {
	v := publish.DraftView{View: approvals.View{Draft: approvals.Draft{ID: 13, State: approvals.StateApproved, Text: "Merci !"}},
		Reply: &publish.ReplyTo{MentionID: 9, URL: "https://news.ycombinator.com/item?id=1"}}
	var c commands.Card
	replyParts(&c, v, i18n.French)
	want := []string{"", "", "Réponse à copier=Merci !", "[Ouvrir la conversation]", "[Marquer comme répondue]"}
	if got := cardLines("", "", c.Fields, c.Buttons); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("reply parts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(c.Context) != 1 || c.Context[0] != "Réponse à la mention n°\u00a09 (`mention show 9`)" {
		t.Errorf("context %q", c.Context)
	}
}

// TestCalendarFrench renders a brand's feed with its French words: the
// summaries, the held mark and its reason, the targets.
func TestCalendarFrench(t *testing.T) {
	b := herald.Brand{ID: 1, Name: "Acme", Timezone: "UTC", Lang: "fr"}
	ds := []approvals.Draft{
		{ID: 3, State: approvals.StateScheduled, Text: "Soldes d'hiver", PublishAt: goldenAt, Targets: []herald.Target{{Kind: "mastodon", Name: "acme"}}},
		{ID: 4, State: approvals.StatePublished, Text: "Bonjour", PublishAt: goldenAt.Add(-time.Hour)},
	}
	p := publish.Pause{BrandID: 1, Reason: "rappel produit", At: goldenAt.Add(-2 * time.Hour)}
	feed := string(publish.HeldICS(b, ds, goldenAt, p, CalendarWords(i18n.French)))
	unfolded := strings.ReplaceAll(feed, "\r\n ", "")
	for _, want := range []string{
		"X-WR-CALNAME:Acme · publications\r\n",
		"SUMMARY:[retenue] n°\u00a03 programmée" + nb + ": Soldes d'hiver\r\n",
		"DESCRIPTION:retenue" + nb + ": rappel produit\\n\\nSoldes d'hiver\\n\\nCibles" + nb + ": mastodon:acme\r\n",
		"SUMMARY:n°\u00a04 publiée" + nb + ": Bonjour\r\n",
	} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("French feed lacks %q:\n%s", want, unfolded)
		}
	}
	en := strings.ReplaceAll(string(publish.HeldICS(b, ds, goldenAt, p, CalendarWords(i18n.English))), "\r\n ", "")
	for _, want := range []string{"X-WR-CALNAME:Acme · posts\r\n", "SUMMARY:[held] #3 scheduled: Soldes d'hiver\r\n", "DESCRIPTION:held: rappel produit\\n\\nSoldes d'hiver\\n\\nTargets: mastodon:acme\r\n"} {
		if !strings.Contains(en, want) {
			t.Errorf("English feed lacks %q:\n%s", want, en)
		}
	}
}
