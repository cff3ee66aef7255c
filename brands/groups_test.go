package brands_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/storage/sqlite"
)

// mustOpen opens a fresh, migrated SQLite store.
func mustOpen(t *testing.T) *sqlite.Store {
	t.Helper()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return store
}

// TestMembersThroughGroups: a platform group (a Discord role) holds a
// Herald role for the user acting with it; a direct grant wins; the
// strongest role wins among several; another user, or a request without
// groups, gets nothing from them.
func TestMembersThroughGroups(t *testing.T) {
	const discord = "discord"
	store := mustOpen(t)
	ctx := context.Background()
	svc := brands.NewService(store, herald.SystemClock{}, "UTC")
	admin := herald.Actor{Platform: discord, UserID: "1", Name: "admin"}
	ch := herald.ChannelRef{Platform: discord, Workspace: "G", Channel: "C"}
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
	grant(brands.Grantee(discord, "10", "Viewers"), herald.RoleViewer)
	grant(brands.Grantee(discord, "11", "Editors"), herald.RoleEditor)
	sam := herald.Actor{Platform: discord, UserID: "2", Name: "sam"}
	role := func(a herald.Actor) herald.Role {
		got, err := svc.Member(ctx, b.ID, a)
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			return ""
		}
		if err != nil {
			t.Fatal(err)
		}
		if got.Actor.Key() != a.Key() {
			t.Errorf("member actor %+v, want the user %+v", got.Actor, a)
		}
		return got.Role
	}
	both := sam
	both.Groups = []string{"10", "11", "99"}
	if got := role(both); got != herald.RoleEditor {
		t.Errorf("sam with Viewers and Editors: %q, want editor", got)
	}
	if got := role(sam); got != "" {
		t.Errorf("sam without groups in the request: %q", got)
	}
	other := herald.Actor{Platform: discord, UserID: "3"}
	if got := role(other); got != "" {
		t.Errorf("someone else without sam's groups: %q", got)
	}
	ms, err := svc.Brands(ctx, both)
	if err != nil || len(ms) != 1 || ms[0].Role != herald.RoleEditor || ms[0].Brand.ID != b.ID {
		t.Errorf("Brands = %+v, %v", ms, err)
	}
	grant(sam, herald.RoleClient)
	if got := role(both); got != herald.RoleClient {
		t.Errorf("sam granted client directly: %q, want client", got)
	}
	if ms, _ := svc.Brands(ctx, both); len(ms) != 1 || ms[0].Role != herald.RoleClient {
		t.Errorf("Brands with a direct grant = %+v", ms)
	}
	// The members list shows the groups by name.
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

// TestGrantee: a group's member keeps the stored form of existing
// databases, and a grantee acts with no groups of its own.
func TestGrantee(t *testing.T) {
	g := brands.Grantee("discord", "42", "Admins")
	if want := (herald.Actor{Platform: "discord", UserID: "role-42", Name: "@Admins"}); g.Key() != want.Key() || g.Name != want.Name {
		t.Errorf("Grantee = %+v, want %+v", g, want)
	}
	if !brands.IsGrantee(g) || brands.IsGrantee(herald.Actor{Platform: "discord", UserID: "42"}) {
		t.Error("IsGrantee is wrong")
	}
	if g := brands.Grantee("discord", "42", "@Admins"); g.Name != "@Admins" {
		t.Errorf("Grantee with @ = %q", g.Name)
	}
}

// TestGranteeCannotAct: the member that stands for a group holds its role
// only for the users acting with the group: an actor that is the grantee
// itself (its user id in the grantee form) is no member anywhere, and
// groups count on the actor's own platform only.
func TestGranteeCannotAct(t *testing.T) {
	const discord = "discord"
	store := mustOpen(t)
	ctx := context.Background()
	svc := brands.NewService(store, herald.SystemClock{}, "UTC")
	admin := herald.Actor{Platform: discord, UserID: "1", Name: "admin"}
	ch := herald.ChannelRef{Platform: discord, Workspace: "G", Channel: "C"}
	b, err := svc.AddBrand(ctx, admin, "Acme", &ch)
	if err != nil {
		t.Fatal(err)
	}
	g := brands.Grantee(discord, "10", "Admins")
	if _, err := svc.SetRole(ctx, admin, ch, "", g, herald.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	for name, a := range map[string]herald.Actor{
		"grantee":                    g,
		"grantee with groups":        {Platform: discord, UserID: g.UserID, Groups: []string{"10"}},
		"slack with discord's group": {Platform: "slack", UserID: "U1", Groups: []string{"10"}},
	} {
		if m, err := svc.Member(ctx, b.ID, a); herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("%s: Member = %+v, %v; want ENOTFOUND", name, m, err)
		}
		if ok, err := svc.IsMember(ctx, a); ok || err != nil {
			t.Errorf("%s: IsMember = %v, %v", name, ok, err)
		}
		if _, err := svc.RoleOf(ctx, a, b.ID); herald.ErrorCode(err) != herald.EFORBIDDEN {
			t.Errorf("%s: RoleOf: %v, want EFORBIDDEN", name, err)
		}
		if _, _, err := svc.Resolve(ctx, a, ch, "Acme"); herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Errorf("%s: Resolve: %v, want ENOTFOUND", name, err)
		}
		if _, err := svc.SetRole(ctx, a, ch, "Acme", herald.Actor{Platform: discord, UserID: "5"}, herald.RoleAdmin); err == nil {
			t.Errorf("%s: SetRole succeeded", name)
		}
	}
}
