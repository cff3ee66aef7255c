// Package brands is Herald's tenancy: brands, their members and roles,
// channel defaults, group grantees (a platform group, such as a Discord
// role, holding a role like a person), Resolve (which brand a command acts
// on) and the one permission table (access.go) that every package asks.
// It imports only the root package.
package brands

import (
	"context"
	"time"

	"github.com/heraldhq/herald"
)

// Member is a chat user, or a group grantee (see Grantee), with a role on a
// brand.
type Member struct {
	BrandID int64
	Actor   herald.Actor
	Role    herald.Role
	AddedAt time.Time
}

// Membership is a brand seen by one of its members.
type Membership struct {
	Brand herald.Brand
	Role  herald.Role
}

// AuditEntry is a brand-level row of the audit log (no draft): the store
// writes it in the same transaction as the change it records.
type AuditEntry struct {
	BrandID int64 // set by the store on CreateBrand
	Action  string
	Actor   herald.Actor
	Detail  string
	At      time.Time
}

// Brand-level audit actions.
const (
	AuditBrandAdd = "brand_add"
	AuditBrandUse = "brand_use"
	AuditRole     = "role"
	AuditPolicy   = "policy"
	AuditRemind   = "remind"
	AuditLang     = "lang"   // the brand's language changed; Detail: its code ("en", "fr")
	AuditPause    = "pause"  // a brand's publishing paused; Detail: the reason and end
	AuditResume   = "resume" // a pause ended; Detail: how, and the posts missed
)

// Store persists brands, members and channel defaults. Lookups of missing
// rows return ENOTFOUND; each write stores its audit row in the same
// transaction, or nothing.
type Store interface {
	// CreateBrand stores b (setting b.ID) with its first admin; ECONFLICT
	// when the name is taken (case-insensitively: the same after
	// strings.TrimSpace and strings.ToLower).
	CreateBrand(ctx context.Context, b *herald.Brand, admin Member, e AuditEntry) error
	// Brand returns a brand by id; ENOTFOUND when there is none.
	Brand(ctx context.Context, id int64) (herald.Brand, error)
	// BrandByName returns a brand by name, case-insensitively; ENOTFOUND
	// when there is none.
	BrandByName(ctx context.Context, name string) (herald.Brand, error)
	// BrandNames lists every brand's name, to compare a new name with
	// them (brands.Skeleton); never to show them (tenancy).
	BrandNames(ctx context.Context) ([]string, error)
	// UpdateBrand stores b's settings; ENOTFOUND when b does not exist.
	UpdateBrand(ctx context.Context, b herald.Brand, e AuditEntry) error

	// PutMember grants or changes a role; a member with Role "" is
	// removed. ECONFLICT when the brand would be left without an admin.
	PutMember(ctx context.Context, m Member, e AuditEntry) error
	// Member returns a's own membership of a brand (groups are not the
	// store's business); ENOTFOUND when a holds no role on it.
	Member(ctx context.Context, brandID int64, a herald.Actor) (Member, error)
	// Members lists a brand's members, oldest first.
	Members(ctx context.Context, brandID int64) ([]Member, error)
	// Memberships lists a's own memberships, by brand id.
	Memberships(ctx context.Context, a herald.Actor) ([]Member, error)

	// SetChannelBrand makes brandID the default brand of ch.
	SetChannelBrand(ctx context.Context, ch herald.ChannelRef, brandID int64, e AuditEntry) error
	// ChannelBrand returns the default brand of ch; ENOTFOUND when none.
	ChannelBrand(ctx context.Context, ch herald.ChannelRef) (int64, error)
	// BrandChannels lists the channels whose default brand is brandID, on
	// every platform, in a stable order.
	BrandChannels(ctx context.Context, brandID int64) ([]herald.ChannelRef, error)
}
