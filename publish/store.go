package publish

import (
	"context"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
)

// DeliveryUpdate is one compare-and-set on a delivery: Insert stores a new
// one; otherwise the stored row must still be in state From after From's
// attempt count FromAttempts, or the write is refused (ECONFLICT).
type DeliveryUpdate struct {
	Delivery     Delivery
	Insert       bool
	From         DeliveryState
	FromAttempts int
}

// Reminder records the last review reminder of a draft.
type Reminder struct {
	DraftID int64
	Version int64 // the draft's version it was sent at
	At      time.Time
}

// Store persists what publishing needs. Writes that race return
// ECONFLICT; missing rows ENOTFOUND.
type Store interface {
	brands.Store
	approvals.Store

	// DueDrafts lists scheduled drafts whose time is at or before now,
	// earliest first, leaving out those of paused brands.
	DueDrafts(ctx context.Context, now time.Time, limit int) ([]approvals.Draft, error)
	// SaveDeliveries applies the delivery updates and, when c is not nil,
	// the draft change c (compare-and-set, with its audit rows), in one
	// transaction: all or nothing.
	SaveDeliveries(ctx context.Context, c *approvals.Change, ups []DeliveryUpdate) error
	// Deliveries lists a draft's deliveries (every revision), by target.
	Deliveries(ctx context.Context, draftID int64) ([]Delivery, error)
	// WorkDeliveries lists deliveries Herald has work on: pending ones
	// whose NextAt is at or before now, and every sending or checking
	// one, earliest first.
	WorkDeliveries(ctx context.Context, now time.Time, limit int) ([]Delivery, error)
	// LeaseDeliveries takes, for owner, a lease lasting until until on up
	// to limit of the deliveries WorkDeliveries would list at now, and
	// returns them in its order. It passes over a delivery another owner
	// holds a lease on that lasts past now, and every delivery of a draft
	// another owner holds such a lease on: a draft's deliveries are worked
	// by one owner at a time. Owner's own leases are taken again. Of
	// replicas leasing at once, each delivery goes to one.
	LeaseDeliveries(ctx context.Context, owner string, now, until time.Time, limit int) ([]Delivery, error)
	// RenewLeases extends owner's leases on the deliveries with these keys
	// to until and returns how many of them owner no longer held.
	RenewLeases(ctx context.Context, owner string, keys []string, until time.Time) (lost int, err error)
	// ReleaseLeases ends owner's leases on the deliveries with these keys.
	ReleaseLeases(ctx context.Context, owner string, keys []string) error
	// LeaseCounts counts the unfinished deliveries (pending, sending,
	// checking) under a lease lasting past now: owner's, and other owners'.
	LeaseCounts(ctx context.Context, owner string, now time.Time) (mine, others int, err error)
	// Revision returns one revision of a draft (its text and media);
	// ENOTFOUND when there is none.
	Revision(ctx context.Context, draftID int64, rev int) (approvals.Revision, error)
	// Uploads lists the media uploads recorded on the delivery of a
	// draft's revision to a target, in no particular order.
	Uploads(ctx context.Context, draftID int64, rev int, t herald.Target) ([]Upload, error)
	// PutUpload records an upload on the delivery of a draft's revision to
	// a target, replacing the one of the same SHA-256; durable when it
	// returns.
	PutUpload(ctx context.Context, draftID int64, rev int, t herald.Target, u Upload) error

	// PutAccount stores a target's account for a brand, replacing any.
	PutAccount(ctx context.Context, a Account, e approvals.AuditEntry) error
	Account(ctx context.Context, brandID int64, t herald.Target) (Account, error)
	Accounts(ctx context.Context, brandID int64) ([]Account, error)
	DeleteAccount(ctx context.Context, brandID int64, t herald.Target, e approvals.AuditEntry) error
	// AllAccounts lists every brand's accounts as stored.
	AllAccounts(ctx context.Context) ([]Account, error)
	// RewriteAccounts calls f on every stored account in one write
	// transaction and stores those f changes (ok): all or nothing. f must
	// not call the store.
	RewriteAccounts(ctx context.Context, f func(Account) (a Account, ok bool, err error)) error

	// SetHealth stores the health of a brand's connected account
	// (ENOTFOUND when it has none).
	SetHealth(ctx context.Context, brandID int64, t herald.Target, h Health) error

	// PutConnectState stores a new connect state.
	PutConnectState(ctx context.Context, s ConnectState) error
	// TakeConnectState marks the connect state whose hash is hash used at
	// now and returns it, when it is unused and expires after now. When
	// it is not, nothing changes: ENOTFOUND when there is none, else
	// ECONFLICT with the state as stored (used or expired).
	TakeConnectState(ctx context.Context, hash string, now time.Time) (ConnectState, error)
	// PendConnect stores, on a taken connect state, the tokens awaiting
	// the person's choice (sealed), the accounts offered and until when
	// the choice may be made.
	PendConnect(ctx context.Context, hash, grant string, choices []Choice, until time.Time) error
	// PendingConnect returns the latest taken connect state of actor for
	// a brand's target whose choice is still to be made (ENOTFOUND when
	// none).
	PendingConnect(ctx context.Context, brandID int64, t herald.Target, actor herald.Actor) (ConnectState, error)
	// FinishConnect marks the connect state whose hash is hash chosen at
	// at (ECONFLICT when it already is), forgets its pending tokens, and
	// stores a with its audit row, in one transaction.
	FinishConnect(ctx context.Context, hash string, at time.Time, a Account, e approvals.AuditEntry) error
	// PruneConnectStates deletes the connect states that expired before
	// before.
	PruneConnectStates(ctx context.Context, before time.Time) error

	// SetCalendarToken sets (or with "" revokes) a brand's calendar token.
	SetCalendarToken(ctx context.Context, brandID int64, token string, e approvals.AuditEntry) error
	CalendarToken(ctx context.Context, brandID int64) (string, error)
	// CalendarBrand returns the brand whose calendar token is token.
	CalendarBrand(ctx context.Context, token string) (int64, error)

	// Pause stores a brand's pause and its audit row in one transaction;
	// ECONFLICT when the brand is already paused. Once it has committed,
	// ClaimDue claims no post of the brand.
	Pause(ctx context.Context, p Pause, e approvals.AuditEntry) error
	// BrandPause returns a brand's pause (ENOTFOUND when it is not paused).
	BrandPause(ctx context.Context, brandID int64) (Pause, error)
	// ExpiredPauses lists the pauses whose Until is set and at or before
	// now.
	ExpiredPauses(ctx context.Context, now time.Time) ([]Pause, error)
	// EndPause ends the pause p (ECONFLICT when the brand's pause is no
	// longer the one that started at p.At) and, in the same transaction,
	// passes every scheduled draft of the brand due at or before due to
	// miss and stores the change it returns, then the audit row audit
	// returns for them. It returns the drafts as miss changed them.
	EndPause(ctx context.Context, p Pause, due time.Time, miss func(approvals.Draft) (approvals.Change, error), audit func(missed []approvals.Draft) approvals.AuditEntry) ([]approvals.Draft, error)
	// ClaimDue is SaveDeliveries for the scheduler's claim of a due post:
	// the draft change is stored only when the draft's brand is not paused,
	// checked in the same statement; otherwise nothing is stored and the
	// error has Reason ReasonPaused.
	ClaimDue(ctx context.Context, c approvals.Change, ups []DeliveryUpdate) error
	// PauseAudit lists a brand's pause and resume audit rows, oldest first.
	PauseAudit(ctx context.Context, brandID int64) ([]approvals.AuditEntry, error)
	// HeldCount counts a brand's scheduled drafts due at or before due
	// (every scheduled one when due is zero).
	HeldCount(ctx context.Context, brandID int64, due time.Time) (int, error)

	// Reminder returns a draft's last review reminder (ENOTFOUND if none).
	Reminder(ctx context.Context, draftID int64) (Reminder, error)
	PutReminder(ctx context.Context, r Reminder) error
}
