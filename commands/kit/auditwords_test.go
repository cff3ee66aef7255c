package kit_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
)

func TestAuditDetail(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"review policy team:1 client:1", "circuit de relecture team:1 client:1"},
		{"team stage, team 1/1, client 0/1", "étape équipe, équipe 1/1, client 0/1"},
		{"client stage, team 1/1, client 1/1: parfait, merci", "étape client, équipe 1/1, client 1/1: parfait, merci"},
		{"every review stage approved revision 2", "toutes les étapes de relecture ont validé la révision 2"},
		{"for 2026-12-07 09:00 CET, the time asked for when drafted", "pour le lun. 7 déc. 2026 à 9 h 00, la date demandée à la rédaction"},
		{"every review stage approved revision 1; the time asked for (2026-12-01 09:00 CET) has passed, so it is not scheduled",
			"toutes les étapes de relecture ont validé la révision 1; la date demandée (mar. 1er déc. 2026 à 9 h 00) est passée, il n’est donc pas programmé"},
		{"added photo.jpg, 1080×1350, 412 KB; approvals of revision 1 cleared (2)", "ajouté photo.jpg, 1080×1350, 412\u00a0Ko; validations de la révision 1 effacées (2)"},
		{"removed clip.mp4", "retiré clip.mp4"},
		{"moved 2 to 1", "déplacé 2 vers 1"},
		{"alt text of 1 (photo.jpg) changed", "texte alternatif de 1 (photo.jpg) modifié"},
		{"alt text of 2 (a.png) removed", "texte alternatif de 2 (a.png) retiré"},
		{"trop long, à revoir", "trop long, à revoir"}, // a person's words, as written
	} {
		if got := kit.AuditDetail(i18n.French, tt.in); got != tt.want {
			t.Errorf("AuditDetail(fr, %q) = %q; want %q", tt.in, got, tt.want)
		}
		if got := kit.AuditDetail(i18n.English, tt.in); got != tt.in {
			t.Errorf("AuditDetail(en, %q) = %q; want it as stored", tt.in, got)
		}
	}
}

// FuzzAuditDetail: any stored detail is shown, never lost: English as
// stored, French as valid text keeping what it does not know.
func FuzzAuditDetail(f *testing.F) {
	for _, s := range []string{"review policy none", "team stage, team 0/1: ok", "; ;", "for , the time asked for when drafted", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := kit.AuditDetail(i18n.English, s); got != s {
			t.Fatalf("English changed %q to %q", s, got)
		}
		got := kit.AuditDetail(i18n.French, s)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("French of %q is not valid text: %q", s, got)
		}
		if strings.Count(got, "; ") != strings.Count(s, "; ") {
			t.Fatalf("French of %q lost a part: %q", s, got)
		}
	})
}
