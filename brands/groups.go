package brands

import (
	"context"
	"slices"
	"strings"

	"github.com/heraldhq/herald"
)

// A platform group (a Discord role) holds a Herald role like a person
// does: `role @Role client` gives the role to everyone acting with the
// group. The group is stored as the member Grantee(platform, id, name):
// herald.Actor{Platform: platform, UserID: groupPrefix + id, Name: "@" +
// name}. Platform user ids never start with groupPrefix, so the two never
// meet. A user acting with groups (herald.Actor.Groups) holds the strongest
// role among them, unless given a role of their own, which wins.
const groupPrefix = "role-"

// Grantee is the member that stands for a platform group.
func Grantee(platform, groupID, name string) herald.Actor {
	if name != "" && !strings.HasPrefix(name, "@") {
		name = "@" + name
	}
	return herald.Actor{Platform: platform, UserID: groupPrefix + groupID, Name: name}
}

// isGrantee reports whether a is the member of a group, not a person.
func isGrantee(a herald.Actor) bool { return strings.HasPrefix(a.UserID, groupPrefix) }

// groups returns the grantees of the groups a acts with.
func groups(a herald.Actor) []herald.Actor {
	if isGrantee(a) {
		return nil
	}
	out := make([]herald.Actor, 0, len(a.Groups))
	for _, id := range a.Groups {
		out = append(out, Grantee(a.Platform, id, ""))
	}
	return out
}

// ReasonGroupActs: {group} a grantee (a group) asked to act as a member.
const ReasonGroupActs = "brands.group_acts"

// Member returns the actor's membership of a brand: its own, else the
// strongest among its groups' (with Actor the actor itself). ENOTFOUND
// when it holds no role there. It checks no one's rights: callers use it
// to learn what the actor may do. A grantee never acts: it is no member
// of anything as an actor (ENOTFOUND), only through the users of its group.
func (s *Service) Member(ctx context.Context, brandID int64, a herald.Actor) (Member, error) {
	if isGrantee(a) {
		return Member{}, herald.Errorf(herald.ENOTFOUND, "%s is a group, not a member who acts.", a.Display()).
			Because(ReasonGroupActs, herald.Facts{"group": a.Display()})
	}
	m, err := s.store.Member(ctx, brandID, a)
	gs := groups(a)
	if herald.ErrorCode(err) != herald.ENOTFOUND || len(gs) == 0 {
		return m, err
	}
	var best *Member
	for _, g := range gs {
		gm, err := s.store.Member(ctx, brandID, g)
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			continue
		}
		if err != nil {
			return Member{}, err
		}
		if best == nil || stronger(gm.Role, best.Role) {
			best = &gm
		}
	}
	if best == nil {
		return m, err
	}
	return Member{BrandID: brandID, Actor: a, Role: best.Role, AddedAt: best.AddedAt}, nil
}

// memberships returns a's own memberships, and for the other brands the
// strongest membership among a's groups; none for a grantee (see Member).
func (s *Service) memberships(ctx context.Context, a herald.Actor) ([]Member, error) {
	if isGrantee(a) {
		return nil, nil
	}
	own, err := s.store.Memberships(ctx, a)
	gs := groups(a)
	if err != nil || len(gs) == 0 {
		return own, err
	}
	have := map[int64]int{} // brand → index in out
	out := slices.Clone(own)
	for i, m := range out {
		have[m.BrandID] = i
	}
	direct := len(out)
	for _, g := range gs {
		ms, err := s.store.Memberships(ctx, g)
		if err != nil {
			return nil, err
		}
		for _, gm := range ms {
			i, seen := have[gm.BrandID]
			switch {
			case !seen:
				have[gm.BrandID] = len(out)
				out = append(out, Member{BrandID: gm.BrandID, Actor: a, Role: gm.Role, AddedAt: gm.AddedAt})
			case i >= direct && stronger(gm.Role, out[i].Role):
				out[i].Role, out[i].AddedAt = gm.Role, gm.AddedAt
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
