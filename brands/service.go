package brands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/textdist"
)

// Service holds every rule about brands, members, roles and channel
// defaults. Every method that takes an actor checks what that actor may do.
type Service struct {
	store     Store
	clock     herald.Clock
	defaultTZ string
}

// NewService returns a Service over store. New brands get defaultTZ.
func NewService(store Store, clock herald.Clock, defaultTZ string) *Service {
	if defaultTZ == "" {
		defaultTZ = "UTC"
	}
	return &Service{store: store, clock: clock, defaultTZ: defaultTZ}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

func (s *Service) audit(brandID int64, a herald.Actor, action, detail string) AuditEntry {
	return AuditEntry{BrandID: brandID, Action: action, Actor: a, Detail: detail, At: s.now()}
}

// Reasons of the errors of this package (see herald.Error), besides
// ReasonForbidden. Facts are listed beside each.
const (
	ReasonNotVisible    = "brands.not_visible"     // "brand": the name asked for
	ReasonNotInChannel  = "brands.not_in_channel"  // the channel's brand is not the actor's
	ReasonNoBrand       = "brands.no_brand"        // the actor belongs to no brand
	ReasonWhichBrand    = "brands.which_brand"     // several brands, no channel default
	ReasonNoGrantee     = "brands.no_grantee"      // a role given to nobody
	ReasonRemindTooSoon = "brands.remind_too_soon" // a reminder delay under an hour
	ReasonChannelTaken  = "brands.channel_taken"   // the channel is another brand's
	ReasonNameTaken     = "brands.name_taken"      // "brand": the name
	ReasonLastAdmin     = "brands.last_admin"      // "member", "brand"
	ReasonNotMember     = "brands.not_member"      // RoleOf: the actor holds no role
	ReasonBadName       = "brands.bad_name"        // a brand name that cannot be
)

// AddBrand creates a brand; its creator becomes its admin. When ch is not
// nil the channel's default brand becomes the new one if it had none.
func (s *Service) AddBrand(ctx context.Context, actor herald.Actor, name string, ch *herald.ChannelRef) (herald.Brand, error) {
	name, err := checkName(name)
	if err != nil {
		return herald.Brand{}, err
	}
	names, err := s.store.BrandNames(ctx)
	if err != nil {
		return herald.Brand{}, err
	}
	if err := lookalike(name, names); err != nil {
		return herald.Brand{}, err
	}
	b := herald.Brand{Name: name, Timezone: s.defaultTZ, Policy: "", CreatedAt: s.now()}
	admin := Member{Actor: stored(actor), Role: herald.RoleAdmin, AddedAt: b.CreatedAt}
	if err := s.store.CreateBrand(ctx, &b, admin, s.audit(0, actor, AuditBrandAdd, name)); err != nil {
		if herald.ErrorCode(err) == herald.ECONFLICT {
			return herald.Brand{}, herald.Errorf(herald.ECONFLICT, "A brand named %q exists already; pick another name.", name).
				Because(ReasonNameTaken, herald.Facts{"brand": name})
		}
		return herald.Brand{}, err
	}
	if ch != nil {
		if _, err := s.store.ChannelBrand(ctx, *ch); herald.ErrorCode(err) == herald.ENOTFOUND {
			if err := s.store.SetChannelBrand(ctx, *ch, b.ID, s.audit(b.ID, actor, AuditBrandUse, ch.Channel)); err != nil {
				return b, err
			}
		}
	}
	return b, nil
}

// stored is the actor as a member row keeps it: without the request's
// groups.
func stored(a herald.Actor) herald.Actor {
	a.Groups = nil
	return a
}

func validName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > 64 || strings.ContainsAny(name, "\n\t\"'`") || strings.HasPrefix(name, "-") {
		return herald.Errorf(herald.EINVALID, "A brand name has 1 to 64 characters, without quotes, tabs or line breaks, and does not start with a dash.").
			Because(ReasonBadName, nil)
	}
	return nil
}

// Brands lists the brands the actor belongs to, through its groups too.
func (s *Service) Brands(ctx context.Context, actor herald.Actor) ([]Membership, error) {
	ms, err := s.memberships(ctx, actor)
	if err != nil {
		return nil, err
	}
	out := make([]Membership, 0, len(ms))
	for _, m := range ms {
		b, err := s.store.Brand(ctx, m.BrandID)
		if err != nil {
			return nil, err
		}
		out = append(out, Membership{Brand: b, Role: m.Role})
	}
	return out, nil
}

// Resolve finds the brand a command acts on: the one named, else the
// channel's default brand, else the actor's only brand. The actor must be a
// member of it; a brand the actor cannot see is reported as not found
// (ENOTFOUND), so that names of other brands reveal nothing.
func (s *Service) Resolve(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, name string) (herald.Brand, Member, error) {
	var b herald.Brand
	var err error
	switch {
	case name != "":
		b, err = s.byName(ctx, name)
	default:
		b, err = s.defaultBrand(ctx, actor, ch)
	}
	if err != nil {
		if herald.ErrorCode(err) == herald.ENOTFOUND && name != "" {
			return herald.Brand{}, Member{}, s.notVisibleNear(ctx, actor, name)
		}
		return herald.Brand{}, Member{}, err
	}
	m, err := s.Member(ctx, b.ID, actor)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		if name == "" { // the channel's brand: do not reveal its name
			return herald.Brand{}, Member{}, herald.Errorf(herald.ENOTFOUND, "You do not belong to this channel's brand; name one of yours.").
				Because(ReasonNotInChannel, nil)
		}
		return herald.Brand{}, Member{}, s.notVisibleNear(ctx, actor, name)
	}
	return b, m, err
}

// byName finds a brand by its name as typed, else by the name as a new
// brand would be stored (NormalName: ＡＣＭＥ finds ACME); brands named
// before names were normalised keep answering to their name as stored.
func (s *Service) byName(ctx context.Context, name string) (herald.Brand, error) {
	name = strings.TrimSpace(name)
	b, err := s.store.BrandByName(ctx, name)
	if n := NormalName(strings.ToValidUTF8(name, "")); herald.ErrorCode(err) == herald.ENOTFOUND && n != name && n != "" {
		return s.store.BrandByName(ctx, n)
	}
	return b, err
}

// notVisibleNear is notVisible with, in Facts "suggestion", the name of
// the actor's own brand closest to name, if one is close (only the
// actor's brands: other names reveal nothing).
func (s *Service) notVisibleNear(ctx context.Context, actor herald.Actor, name string) error {
	err := notVisible(name)
	ms, merr := s.Brands(ctx, actor)
	if merr != nil {
		return err
	}
	keys := make([]string, len(ms))
	for i, m := range ms {
		keys[i] = strings.ToLower(m.Brand.Name)
	}
	key := strings.ToLower(strings.TrimSpace(name))
	if near, ok := textdist.Nearest(key, keys, textdist.Budget(key)); ok {
		for _, m := range ms {
			if strings.ToLower(m.Brand.Name) == near {
				herald.AsError(err).Facts["suggestion"] = m.Brand.Name
				break
			}
		}
	}
	return err
}

func notVisible(name string) error {
	return herald.Errorf(herald.ENOTFOUND, "There is no brand named %q that you belong to.", name).
		Because(ReasonNotVisible, herald.Facts{"brand": name})
}

func (s *Service) defaultBrand(ctx context.Context, actor herald.Actor, ch herald.ChannelRef) (herald.Brand, error) {
	id, err := s.store.ChannelBrand(ctx, ch)
	if err == nil {
		return s.store.Brand(ctx, id)
	}
	if herald.ErrorCode(err) != herald.ENOTFOUND {
		return herald.Brand{}, err
	}
	ms, err := s.memberships(ctx, actor)
	if err != nil {
		return herald.Brand{}, err
	}
	switch len(ms) {
	case 0:
		return herald.Brand{}, herald.Errorf(herald.ENOTFOUND, "You do not belong to any brand yet: create one, or ask a brand's admin to give you a role.").
			Because(ReasonNoBrand, nil)
	case 1:
		return s.store.Brand(ctx, ms[0].BrandID)
	}
	return herald.Brand{}, herald.Errorf(herald.EINVALID, "Which brand? This channel has no default brand: name one, or make one the channel's default.").
		Because(ReasonWhichBrand, nil)
}

// UseBrand makes brand name the default of channel ch (UseChannel).
// Taking a channel from another brand needs that brand's right too.
func (s *Service) UseBrand(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, name string) (herald.Brand, error) {
	b, m, err := s.Resolve(ctx, actor, ch, name)
	if err != nil {
		return b, err
	}
	if err := Need(m, UseChannel); err != nil {
		return b, err
	}
	if cur, err := s.store.ChannelBrand(ctx, ch); err == nil && cur != b.ID {
		if cm, err := s.Member(ctx, cur, actor); err != nil || !Can(cm.Role, UseChannel) {
			return b, herald.Errorf(herald.EFORBIDDEN, "This channel belongs to another brand; only an admin of that brand can change it.").
				Because(ReasonChannelTaken, nil)
		}
	} else if err != nil && herald.ErrorCode(err) != herald.ENOTFOUND {
		return b, err
	}
	return b, s.store.SetChannelBrand(ctx, ch, b.ID, s.audit(b.ID, actor, AuditBrandUse, ch.Channel))
}

// SetRole gives who a role on the brand; role "" removes them (GiveRoles).
// The last admin cannot be removed or demoted (ECONFLICT).
func (s *Service) SetRole(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string, who herald.Actor, role herald.Role) (herald.Brand, error) {
	b, m, err := s.Resolve(ctx, actor, ch, brand)
	if err != nil {
		return b, err
	}
	if err := Need(m, GiveRoles); err != nil {
		return b, err
	}
	if role != "" {
		if _, err := herald.ParseRole(string(role)); err != nil {
			return b, err
		}
	}
	if who.UserID == "" {
		return b, herald.Errorf(herald.EINVALID, "Name the person to give the role to, with @.").Because(ReasonNoGrantee, nil)
	}
	if role != herald.RoleAdmin {
		if err := s.keepAnAdmin(ctx, b, who); err != nil {
			return b, err
		}
	}
	detail := fmt.Sprintf("%s → %s", who.Display(), roleOrNone(role))
	mem := Member{BrandID: b.ID, Actor: stored(who), Role: role, AddedAt: s.now()}
	return b, s.store.PutMember(ctx, mem, s.audit(b.ID, actor, AuditRole, detail))
}

func roleOrNone(r herald.Role) string {
	if r == "" {
		return "none"
	}
	return string(r)
}

func (s *Service) keepAnAdmin(ctx context.Context, b herald.Brand, who herald.Actor) error {
	ms, err := s.store.Members(ctx, b.ID)
	if err != nil {
		return err
	}
	others := 0
	for _, m := range ms {
		if m.Role == herald.RoleAdmin && m.Actor.Key() != who.Key() {
			others++
		}
	}
	if others == 0 {
		cur, err := s.store.Member(ctx, b.ID, who)
		if err == nil && cur.Role == herald.RoleAdmin {
			return herald.Errorf(herald.ECONFLICT, "%s is the last admin of %s; make someone else admin first.", who.Display(), b.Name).
				Because(ReasonLastAdmin, herald.Facts{"member": who.Display(), "brand": b.Name})
		}
	}
	return nil
}

// Members lists a brand's members; any member may look.
func (s *Service) Members(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string) (herald.Brand, []Member, error) {
	b, _, err := s.Resolve(ctx, actor, ch, brand)
	if err != nil {
		return b, nil, err
	}
	ms, err := s.store.Members(ctx, b.ID)
	return b, ms, err
}

// Configure changes the settings of the brand a command acts on (Resolve)
// when the actor may do a: set changes the brand and returns the detail of
// the audit row (action audit) stored with it. It is how other domains
// change what they own of a brand (approvals its review policy).
func (s *Service) Configure(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string, a Action, audit string, set func(*herald.Brand) (string, error)) (herald.Brand, error) {
	b, m, err := s.Resolve(ctx, actor, ch, brand)
	if err != nil {
		return b, err
	}
	if err := Need(m, a); err != nil {
		return b, err
	}
	detail, err := set(&b)
	if err != nil {
		return b, err
	}
	return b, s.store.UpdateBrand(ctx, b, s.audit(b.ID, actor, audit, detail))
}

// SetRemindAfter sets how long a brand's drafts may wait in review before
// their reviewers are reminded (negative: never; 0: Herald's default)
// (SetReminders).
func (s *Service) SetRemindAfter(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string, d time.Duration) (herald.Brand, error) {
	if d > 0 && d < time.Hour {
		return herald.Brand{}, herald.Errorf(herald.EINVALID, "Remind after an hour at least (e.g. 4h, 24h, 72h), or turn reminders off.").
			Because(ReasonRemindTooSoon, nil)
	}
	return s.Configure(ctx, actor, ch, brand, SetReminders, AuditRemind, func(b *herald.Brand) (string, error) {
		b.RemindAfter = d
		if d > 0 {
			return d.String(), nil
		}
		return "off", nil
	})
}

// Langs are the languages a brand's channels may see, by code: English
// (Herald's default) and French. The words themselves are the edges'.
var Langs = []string{"en", "fr"}

// ReasonBadLang refuses a language Herald does not speak. Facts: "lang"
// (as asked), "langs" (the codes it speaks, []string).
const ReasonBadLang = "brands.bad_lang"

// SetLang sets the language of what the brand's channels see (cards,
// notes in threads, digests) to code, one of Langs (SetLanguage).
func (s *Service) SetLang(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand, code string) (herald.Brand, error) {
	if !slices.Contains(Langs, code) {
		return herald.Brand{}, herald.Errorf(herald.EINVALID, "Herald speaks %s; %q is not one of them.", strings.Join(Langs, " and "), code).
			Because(ReasonBadLang, herald.Facts{"lang": code, "langs": slices.Clone(Langs)})
	}
	return s.Configure(ctx, actor, ch, brand, SetLanguage, AuditLang, func(b *herald.Brand) (string, error) {
		b.Lang = code
		return code, nil
	})
}

// IsMember reports whether the actor belongs to any brand, through its
// groups too.
func (s *Service) IsMember(ctx context.Context, actor herald.Actor) (bool, error) {
	ms, err := s.memberships(ctx, actor)
	return len(ms) > 0, err
}

// RoleOf returns the actor's role on a brand: EFORBIDDEN when the actor is
// no member of it.
func (s *Service) RoleOf(ctx context.Context, actor herald.Actor, brandID int64) (herald.Role, error) {
	m, err := s.Member(ctx, brandID, actor)
	if herald.ErrorCode(err) == herald.ENOTFOUND || (err == nil && m.Role == "") {
		return "", herald.Errorf(herald.EFORBIDDEN, "You are not a member of this brand.").Because(ReasonNotMember, nil)
	}
	if err != nil {
		return "", err
	}
	return m.Role, nil
}

// Brand returns a brand by id, for Herald's own work (digests, relays);
// it checks no one's rights.
func (s *Service) Brand(ctx context.Context, id int64) (herald.Brand, error) {
	return s.store.Brand(ctx, id)
}

// BrandChannels lists the channels bound to a brand (`brand use`, or
// where it was created), on every platform: where its news goes when
// nothing more precise is set. It checks no one's rights.
func (s *Service) BrandChannels(ctx context.Context, brandID int64) ([]herald.ChannelRef, error) {
	return s.store.BrandChannels(ctx, brandID)
}
