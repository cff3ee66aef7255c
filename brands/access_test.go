package brands_test

import (
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
)

// TestNeed: the refusals keep the words users know, and carry the reason
// and facts an edge words them from.
func TestNeed(t *testing.T) {
	tests := []struct {
		name   string
		role   herald.Role
		action brands.Action
		want   string // "" when allowed
	}{
		{"OKAdminGivesRoles", herald.RoleAdmin, brands.GiveRoles, ""},
		{"OKEditorWrites", herald.RoleEditor, brands.WriteDrafts, ""},
		{"OKViewerReadsListening", herald.RoleViewer, brands.ReadListening, ""},
		{"ErrEditorGivesRoles", herald.RoleEditor, brands.GiveRoles, "Only an admin can give roles, and you are an editor on this brand."},
		{"ErrClientWrites", herald.RoleClient, brands.WriteDrafts, "Only editor or admin can write drafts, and you are a client on this brand."},
		{"ErrViewerSchedules", herald.RoleViewer, brands.SchedulePosts, "Only editor, approver or admin can schedule posts, and you are a viewer on this brand."},
		{"ErrClientActsOnMentions", herald.RoleClient, brands.ActOnMentions, "As client you cannot act on mentions (admins, editors and approvers can)."},
		{"ErrApproverManagesListening", herald.RoleApprover, brands.ManageListening, "As approver you cannot change watches, sources, mutes or listening settings (admins and editors can)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := brands.Need(brands.Member{Role: tt.role}, tt.action)
			if tt.want == "" {
				if err != nil || !brands.Can(tt.role, tt.action) {
					t.Fatalf("Need = %v; want allowed", err)
				}
				return
			}
			e := herald.AsError(err)
			if e == nil || e.Code != herald.EFORBIDDEN || e.Message != tt.want || brands.Can(tt.role, tt.action) {
				t.Fatalf("Need = %v; want EFORBIDDEN %q", err, tt.want)
			}
			if e.Reason != brands.ReasonForbidden || e.Facts["action"] != string(tt.action) || e.Facts["role"] != string(tt.role) {
				t.Errorf("reason %q, facts %v", e.Reason, e.Facts)
			}
		})
	}
}

// TestTable: every action is open to some role, no role outside
// herald.Roles appears, and an unknown action is refused to everyone.
func TestTable(t *testing.T) {
	for _, a := range brands.Actions() {
		rs := brands.Roles(a)
		if len(rs) == 0 {
			t.Errorf("%s: no role may do it", a)
		}
		for _, r := range rs {
			if _, err := herald.ParseRole(string(r)); err != nil {
				t.Errorf("%s: unknown role %q", a, r)
			}
		}
	}
	for _, r := range herald.Roles {
		if brands.Can(r, "no_such_action") {
			t.Errorf("%s may do an unknown action", r)
		}
	}
}
