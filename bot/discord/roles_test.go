package discord

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/storage/sqlite"
)

// TestMembersThroughRoles: a Discord role holds a Herald role for the
// user acting with it; a direct grant wins; the strongest role wins among
// several; another user, or a request without roles, gets nothing from
// them.
func TestMembersThroughRoles(t *testing.T) {
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	svc := approvals.NewService(Members(store), herald.SystemClock{}, "UTC")
	admin := herald.Actor{Platform: Platform, UserID: "1", Name: "admin"}
	ch := herald.ChannelRef{Platform: Platform, Workspace: "G", Channel: "C"}
	b, err := svc.AddBrand(ctx, admin, "Acme", &ch)
	if err != nil {
		t.Fatal(err)
	}
	grant := func(who herald.Actor, role herald.Role) {
		t.Helper()
		if _, err := svc.SetRole(ctx, admin, ch, "", who, role); err != nil {
			t.Fatal(err)
		}
	}
	grant(RoleActor("10", "Viewers"), herald.RoleViewer)
	grant(RoleActor("11", "Editors"), herald.RoleEditor)
	sam := herald.Actor{Platform: Platform, UserID: "2", Name: "sam"}
	m := Members(store)
	role := func(ctx context.Context, a herald.Actor) herald.Role {
		got, err := m.Member(ctx, b.ID, a)
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			return ""
		}
		if err != nil {
			t.Fatal(err)
		}
		if got.Actor != a {
			t.Errorf("member actor %+v, want the user %+v", got.Actor, a)
		}
		return got.Role
	}
	both := WithRoles(ctx, sam.UserID, []string{"10", "11", "99"})
	if got := role(both, sam); got != herald.RoleEditor {
		t.Errorf("sam with Viewers and Editors: %q, want editor", got)
	}
	if got := role(ctx, sam); got != "" {
		t.Errorf("sam without roles in the request: %q", got)
	}
	other := herald.Actor{Platform: Platform, UserID: "3"}
	if got := role(both, other); got != "" {
		t.Errorf("someone else with sam's roles: %q", got)
	}
	ms, err := m.Memberships(both, sam)
	if err != nil || len(ms) != 1 || ms[0].Role != herald.RoleEditor || ms[0].BrandID != b.ID {
		t.Errorf("Memberships = %+v, %v", ms, err)
	}
	grant(sam, herald.RoleClient)
	if got := role(both, sam); got != herald.RoleClient {
		t.Errorf("sam granted client directly: %q, want client", got)
	}
	if ms, _ := m.Memberships(both, sam); len(ms) != 1 || ms[0].Role != herald.RoleClient {
		t.Errorf("Memberships with a direct grant = %+v", ms)
	}
	// The members list shows the roles by name.
	_, list, err := svc.Members(ctx, admin, ch, "")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, m := range list {
		names[m.Actor.Display()] = true
	}
	if !names["@Viewers"] || !names["@Editors"] {
		t.Errorf("members = %+v", list)
	}
}
