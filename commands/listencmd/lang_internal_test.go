package listencmd

import (
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/mentions"
)

// TestChannelWordsFrench checks the words a French brand's channel reads
// from the listening commands (the brand's language is stored by the
// i18n work's `brand lang`; here the brand is given).
func TestChannelWordsFrench(t *testing.T) {
	nb := "\u202f"
	b := herald.Brand{Name: "Acme", Timezone: "Europe/Paris", Lang: "fr"}
	ann := herald.Actor{Platform: "slack", UserID: "U1", Name: "ann"}
	fr := i18n.Lang(b.Lang)
	tests := []struct {
		name, got, want string
	}{
		{"OKSettings", settingsText(b, mentions.Settings{Langs: []string{"fr"}, DigestAt: "08:30", Triage: true, Keep: 90 * 24 * time.Hour}, fr),
			"Acme garde les mentions en fr, reçoit une synthèse quotidienne à 08:30 (Europe/Paris), tri par LLM activé. Les mentions sont conservées 90 jours."},
		{"OKKeepForever", keepWords(0, fr), "sans limite"},
		{"OKKeepOneDay", keepWords(24*time.Hour, fr) + " / " + keepWords(24*time.Hour, i18n.English), "1 jour / for 1 day"},
		{"OKActed", actedText(ann, mentions.ActDone, 4, fr), "ann a traité la mention n°\u00a04."},
		{"OKAudit", auditWords(herald.Actor{}, "link_draft", fr), "Herald l'a liée à un brouillon de réponse"},
		{"OKAuditEnglish", auditWords(ann, mentions.ActDone, i18n.English), "ann marked done"},
		{"OKConsole", channelLabel(herald.ChannelRef{Platform: "console", Channel: "#veille"}, fr), "#veille dans cette console"},
		{"OKMute", muteWords(mentions.Mute{Kind: mentions.MuteAuthor, Value: "@troll"}, fr), "l'auteur @troll"},
		{"OKHealth", health(mentions.SourceStatus{Spec: mentions.Spec{Kind: "hn"}, LastError: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC), LastErrorMsg: "HTTP 503"}, time.UTC, fr),
			"jamais interrogée pour l'instant · dernière erreur le mer. 2 déc. 2026 à 9 h 00 UTC" + nb + ": HTTP 503"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got  %q\nwant %q", tt.got, tt.want)
			}
		})
	}
}
