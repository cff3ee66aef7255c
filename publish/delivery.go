package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
)

// DeliveryState is where one post stands on one target.
type DeliveryState string

// The delivery states. An attempt is recorded (sending) before the network
// is called; an attempt whose outcome is unknown goes to checking, where
// Herald looks at the destination or resends with the same key when the
// network honours it, and to unconfirmed when only a person can tell.
const (
	Pending     DeliveryState = "pending"     // waiting for its first or next attempt (NextAt)
	Sending     DeliveryState = "sending"     // an attempt is under way since SentAt
	Checking    DeliveryState = "checking"    // it may have arrived: Herald checks
	Unconfirmed DeliveryState = "unconfirmed" // it may have arrived: a person decides
	Delivered   DeliveryState = "delivered"
	Failed      DeliveryState = "failed"
)

// Delivery is one approved revision on one target.
type Delivery struct {
	DraftID   int64
	Rev       int
	BrandID   int64
	Target    herald.Target
	Key       string // the idempotency key, the same for every attempt
	Due       time.Time
	State     DeliveryState
	Attempts  int
	NextAt    time.Time // Pending: not before
	FirstSent time.Time // when the first attempt began
	SentAt    time.Time // when the last attempt began
	Receipt   Receipt
	Error     string // the last failure, for people
	UpdatedAt time.Time
}

// DeliveryKey is the idempotency key of a draft's revision on a target:
// deterministic, so every attempt and every restart sends the same one,
// and short enough for every network (Discord's nonce takes 25 characters).
func DeliveryKey(draftID int64, rev int, t herald.Target) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "herald/%d/%d/%s", draftID, rev, t))
	return "h" + hex.EncodeToString(sum[:12])
}

// newDeliveries returns the pending deliveries of d's current revision.
func newDeliveries(d approvals.Draft, due, now time.Time) []Delivery {
	out := make([]Delivery, len(d.Targets))
	for i, t := range d.Targets {
		out[i] = Delivery{DraftID: d.ID, Rev: d.Rev, BrandID: d.BrandID, Target: t,
			Key: DeliveryKey(d.ID, d.Rev, t), Due: due, State: Pending, NextAt: now, UpdatedAt: now}
	}
	return out
}

// aggregate is the draft state its deliveries add up to: publishing while
// Herald still works on any target, unconfirmed while a person must say
// whether a post arrived, failed while a target refused it, published when
// every target has it.
func aggregate(ds []Delivery) approvals.State {
	var unconfirmed, failed bool
	for _, d := range ds {
		switch d.State {
		case Pending, Sending, Checking:
			return approvals.StatePublishing
		case Unconfirmed:
			unconfirmed = true
		case Failed:
			failed = true
		}
	}
	switch {
	case unconfirmed:
		return approvals.StateUnconfirmed
	case failed:
		return approvals.StateFailed
	}
	return approvals.StatePublished
}

// settleActions name the action that moves a draft to the state its
// deliveries add up to.
var settleActions = map[approvals.State]approvals.Action{
	approvals.StatePublished:   approvals.ActSucceed,
	approvals.StateFailed:      approvals.ActFail,
	approvals.StateUnconfirmed: approvals.ActUnconfirm,
	approvals.StatePublishing:  approvals.ActRetry,
}

// settle returns the draft change that brings d to the state ds add up to,
// or nil when d is already there.
func settle(d approvals.Draft, ds []Delivery, actor herald.Actor, detail string, now time.Time) (*approvals.Change, error) {
	to := aggregate(ds)
	if d.State == to {
		return nil, nil
	}
	a := settleActions[to]
	if to == approvals.StatePublished && d.State != approvals.StatePublishing {
		a = approvals.ActConfirm
	}
	nd, e, err := approvals.Transition(d, actor, a, detail, now)
	if err != nil {
		return nil, err
	}
	nd.Version = d.Version
	return &approvals.Change{Draft: nd, Audit: []approvals.AuditEntry{e}}, nil
}
