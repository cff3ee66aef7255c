package discord

import (
	"context"
	"slices"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
)

// Discord roles hold Herald roles like people do: `/herald role @Role
// client` gives the role to everyone who has the Discord role. A Discord
// role is stored as the member herald.Actor{Platform: "discord", UserID:
// RolePrefix + role id, Name: "@" + role name}. Discord user ids are
// numbers, so the two never meet, and the command layer's User kind
// carries a role through unchanged (`<@role-123|@Admins>`).
const RolePrefix = "role-"

// RoleActor is the member that stands for a Discord role.
func RoleActor(roleID, name string) herald.Actor {
	if name != "" && !strings.HasPrefix(name, "@") {
		name = "@" + name
	}
	return herald.Actor{Platform: Platform, UserID: RolePrefix + roleID, Name: name}
}

// rolesKey carries the Discord roles of the user acting in a request.
type rolesKey struct{}

type actingRoles struct {
	userID string
	roles  []string
}

// WithRoles returns ctx carrying the Discord role ids of the user acting
// (from the interaction's member.roles), which Members reads. They count
// for that user only.
func WithRoles(ctx context.Context, userID string, roleIDs []string) context.Context {
	return context.WithValue(ctx, rolesKey{}, actingRoles{userID: userID, roles: slices.Clone(roleIDs)})
}

// rolesOf returns the Discord roles ctx carries for a.
func rolesOf(ctx context.Context, a herald.Actor) []string {
	r, ok := ctx.Value(rolesKey{}).(actingRoles)
	if !ok || a.Platform != Platform || a.UserID != r.userID || strings.HasPrefix(a.UserID, RolePrefix) {
		return nil
	}
	return r.roles
}

// Members wraps an approvals.Store so that a Discord user acting in a
// request (see WithRoles) is a member of a brand through their Discord
// roles too. A role given to the user directly wins over the roles of
// their Discord roles; among those, the strongest wins, in herald.Roles
// order (admin first). Everything else is store's.
func Members(store approvals.Store) approvals.Store { return members{store} }

type members struct{ approvals.Store }

// Member returns a's own membership of the brand, else the strongest one
// among a's Discord roles.
func (s members) Member(ctx context.Context, brandID int64, a herald.Actor) (approvals.Member, error) {
	m, err := s.Store.Member(ctx, brandID, a)
	roles := rolesOf(ctx, a)
	if herald.ErrorCode(err) != herald.ENOTFOUND || len(roles) == 0 {
		return m, err
	}
	var best *approvals.Member
	for _, id := range roles {
		rm, err := s.Store.Member(ctx, brandID, RoleActor(id, ""))
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			continue
		}
		if err != nil {
			return approvals.Member{}, err
		}
		if best == nil || stronger(rm.Role, best.Role) {
			best = &rm
		}
	}
	if best == nil {
		return m, err
	}
	return approvals.Member{BrandID: brandID, Actor: a, Role: best.Role, AddedAt: best.AddedAt}, nil
}

// Memberships returns a's own memberships, and for the other brands the
// strongest membership among a's Discord roles.
func (s members) Memberships(ctx context.Context, a herald.Actor) ([]approvals.Member, error) {
	own, err := s.Store.Memberships(ctx, a)
	roles := rolesOf(ctx, a)
	if err != nil || len(roles) == 0 {
		return own, err
	}
	have := map[int64]int{} // brand → index in out
	out := slices.Clone(own)
	for i, m := range out {
		have[m.BrandID] = i
	}
	direct := len(out)
	for _, id := range roles {
		ms, err := s.Store.Memberships(ctx, RoleActor(id, ""))
		if err != nil {
			return nil, err
		}
		for _, rm := range ms {
			i, seen := have[rm.BrandID]
			switch {
			case !seen:
				have[rm.BrandID] = len(out)
				out = append(out, approvals.Member{BrandID: rm.BrandID, Actor: a, Role: rm.Role, AddedAt: rm.AddedAt})
			case i >= direct && stronger(rm.Role, out[i].Role):
				out[i].Role, out[i].AddedAt = rm.Role, rm.AddedAt
			}
		}
	}
	return out, nil
}

// stronger reports whether role a comes before b in herald.Roles (an
// unknown role comes last).
func stronger(a, b herald.Role) bool { return rank(a) < rank(b) }

func rank(r herald.Role) int {
	if i := slices.Index(herald.Roles, r); i >= 0 {
		return i
	}
	return len(herald.Roles)
}
