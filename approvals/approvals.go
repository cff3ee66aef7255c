// Package approvals holds drafts, their revisions, review policies,
// decisions, the draft state machine and the audit log. Service holds every
// rule; Store persists, with compare-and-set on each draft change.
package approvals

import (
	"context"
	"time"

	"github.com/heraldhq/herald"
)

// Member is a chat user with a role on a brand.
type Member struct {
	BrandID int64
	Actor   herald.Actor
	Role    herald.Role
	AddedAt time.Time
}

// Draft is a post being written. Text is its current revision's text.
type Draft struct {
	ID        int64
	BrandID   int64
	State     State
	Version   int64 // bumped by every change; the compare-and-set key
	Rev       int   // current revision number, from 1
	Text      string
	Author    herald.Actor // who created it
	Targets   []herald.Target
	PublishAt time.Time // requested publication time; zero when none
	Policy    string    // the brand's policy, fixed when the draft is submitted
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Revision is one immutable version of a draft's text.
type Revision struct {
	DraftID   int64
	Rev       int
	Text      string
	Author    herald.Actor
	CreatedAt time.Time
}

// Approval is one person's approval of one revision, at one stage.
type Approval struct {
	DraftID   int64
	Rev       int
	Stage     int
	Actor     herald.Actor
	Role      herald.Role
	Comment   string
	CreatedAt time.Time
}

// AuditEntry is one row of the append-only audit log.
type AuditEntry struct {
	ID      int64
	BrandID int64
	DraftID int64 // 0 for brand-level actions
	Action  string
	Actor   herald.Actor
	Rev     int
	From    State
	To      State
	Detail  string
	At      time.Time
}

// Brand-level audit actions.
const (
	AuditBrandAdd = "brand_add"
	AuditBrandUse = "brand_use"
	AuditRole     = "role"
	AuditPolicy   = "policy"
)

// Change is one compare-and-set on a draft: Draft holds the new row, with
// Version the version the change was computed from. The store writes the
// row, the optional revision and approval, and the audit rows in one
// transaction, or nothing (ECONFLICT) when the stored version differs.
type Change struct {
	Draft    Draft
	Revision *Revision
	Approval *Approval
	Audit    []AuditEntry
}

// DraftFilter selects drafts. Empty fields select everything.
type DraftFilter struct {
	BrandIDs []int64
	States   []State
	Author   *herald.Actor
	Limit    int
}

// Store persists brands, members, drafts and the audit log. Lookups of
// missing rows return ENOTFOUND; writes that race return ECONFLICT.
type Store interface {
	// CreateBrand stores b (setting b.ID) with its first admin; ECONFLICT
	// when the name is taken (case-insensitively).
	CreateBrand(ctx context.Context, b *herald.Brand, admin Member, e AuditEntry) error
	Brand(ctx context.Context, id int64) (herald.Brand, error)
	BrandByName(ctx context.Context, name string) (herald.Brand, error)
	UpdateBrand(ctx context.Context, b herald.Brand, e AuditEntry) error

	// PutMember grants or changes a role; a member with Role "" is removed.
	PutMember(ctx context.Context, m Member, e AuditEntry) error
	Member(ctx context.Context, brandID int64, a herald.Actor) (Member, error)
	Members(ctx context.Context, brandID int64) ([]Member, error)
	Memberships(ctx context.Context, a herald.Actor) ([]Member, error)

	SetChannelBrand(ctx context.Context, ch herald.ChannelRef, brandID int64, e AuditEntry) error
	ChannelBrand(ctx context.Context, ch herald.ChannelRef) (int64, error)
	// BrandChannels lists the channels whose default brand is brandID, on
	// every platform, in a stable order.
	BrandChannels(ctx context.Context, brandID int64) ([]herald.ChannelRef, error)

	// CreateDraft stores d (setting d.ID) with revision 1 holding d.Text.
	CreateDraft(ctx context.Context, d *Draft, e AuditEntry) error
	Draft(ctx context.Context, id int64) (Draft, error)
	Drafts(ctx context.Context, f DraftFilter) ([]Draft, error)
	Revisions(ctx context.Context, draftID int64) ([]Revision, error)
	Approvals(ctx context.Context, draftID int64) ([]Approval, error)
	ApplyChange(ctx context.Context, c Change) error

	// Audit returns a draft's audit rows, oldest first.
	Audit(ctx context.Context, draftID int64) ([]AuditEntry, error)
}
