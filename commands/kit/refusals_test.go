package kit_test

import (
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
)

// TestErrorTextLanguages: a domain error is worded from its reason and
// facts in the reader's language; in English, an error whose Message says
// all there is keeps the domain's words.
func TestErrorTextLanguages(t *testing.T) {
	forbidden := brands.Need(brands.Member{Role: herald.RoleEditor}, brands.GiveRoles)
	stage := herald.Errorf(herald.EFORBIDDEN, "Draft #3 waits for team review; only approver or admin can decide at that stage, and you are a client.").
		Because(approvals.ReasonWrongStage, herald.Facts{"draft": int64(3), "stage": "team", "roles": []string{"approver", "admin"}, "role": "client"})
	state := herald.Errorf(herald.ECONFLICT, "Draft #3 is rejected: it cannot be approved now.").
		Because(approvals.ReasonWrongState, herald.Facts{"draft": int64(3), "state": approvals.StateRejected, "action": approvals.ActApprove})
	for _, tt := range []struct {
		name string
		l    i18n.Lang
		err  error
		want string
	}{
		{"OKForbiddenEnglish", i18n.English, forbidden, "Only an admin can give roles, and you are an editor on this brand."},
		{"OKForbiddenFrench", i18n.French, forbidden, "Seul le rôle admin peut donner des rôles, et vous êtes rédacteur sur cette marque."},
		{"OKStageEnglish", i18n.English, stage, "Draft #3 waits for team review; only approver or admin can decide at that stage, and you are a client."},
		{"OKStageFrench", i18n.French, stage, "Le brouillon n°\u00a03 attend la relecture équipe\u202f; seul le rôle valideur ou admin peut décider à cette étape, et vous êtes client."},
		{"OKStateFrench", i18n.French, state, "Le brouillon n°\u00a03 est refusé\u202f: il ne peut pas être validé maintenant."},
		{"OKInternalFrench", i18n.French, herald.Internal(nil), "Quelque chose s’est mal passé du côté de Herald\u202f; l’équipe qui le gère en trouvera le détail dans ses journaux."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := kit.ErrorText(tt.l, tt.err); got != tt.want {
				t.Errorf("ErrorText = %q\nwant        %q", got, tt.want)
			}
		})
	}
}

// TestFindingTextLanguages: the lint's findings are worded from their
// facts in French, and shown as the lint wrote them in English.
func TestFindingTextLanguages(t *testing.T) {
	f := approvals.Finding{Blocking: true, Message: "The brand's guidelines ban “cheap” and “free”; rephrase without it.",
		Reason: assist.ReasonBanned, Facts: herald.Facts{"words": []string{"cheap", "free"}}}
	if got := kit.FindingText(i18n.English, f); got != f.Message {
		t.Errorf("English: %q", got)
	}
	if got, want := kit.FindingText(i18n.French, f), "La charte éditoriale de la marque interdit «\u202fcheap\u202f» et «\u202ffree\u202f»\u202f; reformulez sans."; got != want {
		t.Errorf("French: %q\nwant    %q", got, want)
	}
}
