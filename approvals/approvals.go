// Package approvals holds drafts, their revisions, review policies,
// decisions, the draft state machine and the audit log. Service holds every
// rule; Store persists, with compare-and-set on each draft change.
package approvals

import (
	"context"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
)

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
	Media     []media.Item // the current revision's media, in order
	PublishAt time.Time    // requested publication time; zero when none
	Policy    string       // the brand's policy, fixed when the draft is submitted
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Revision is one immutable version of a draft: its text and media (with
// their alt text), what a reviewer approves.
type Revision struct {
	DraftID   int64
	Rev       int
	Text      string
	Media     []media.Item
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
	// Soonest orders by publication time, soonest first (then by id),
	// instead of newest first.
	Soonest bool
}

// Store persists drafts, their revisions and approvals, and the audit
// log; brands and members are brands.Store's. Lookups of missing rows
// return ENOTFOUND; writes that race return ECONFLICT.
type Store interface {
	// CreateDraft stores d (setting d.ID) with revision 1 holding d.Text.
	CreateDraft(ctx context.Context, d *Draft, e AuditEntry) error
	// Draft returns a draft by id; ENOTFOUND when there is none.
	Draft(ctx context.Context, id int64) (Draft, error)
	// Drafts lists the drafts f selects, newest first (f.Soonest: by
	// publication time), at most f.Limit when it is set.
	Drafts(ctx context.Context, f DraftFilter) ([]Draft, error)
	// CountDrafts counts the drafts f selects, f.Limit aside.
	CountDrafts(ctx context.Context, f DraftFilter) (int, error)
	// Revisions lists a draft's revisions, oldest first.
	Revisions(ctx context.Context, draftID int64) ([]Revision, error)
	// Approvals lists a draft's approvals, of every revision.
	Approvals(ctx context.Context, draftID int64) ([]Approval, error)
	// ApplyChange stores c in one transaction: ECONFLICT when the stored
	// version is not c.Draft.Version, ENOTFOUND when the draft is gone.
	ApplyChange(ctx context.Context, c Change) error

	// Audit returns a draft's audit rows, oldest first.
	Audit(ctx context.Context, draftID int64) ([]AuditEntry, error)
}
