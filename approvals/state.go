package approvals

import "sort"

// State is where a draft stands in its life.
type State string

// The draft states of PRODUCT.md.
const (
	StateDraft            State = "draft"
	StateInReview         State = "in_review"
	StateChangesRequested State = "changes_requested"
	StateApproved         State = "approved"
	StateRejected         State = "rejected"
	StateScheduled        State = "scheduled"
	StatePublishing       State = "publishing"
	StatePublished        State = "published"
	StateFailed           State = "failed"
	StateUnconfirmed      State = "unconfirmed"
	StateMissed           State = "missed" // its time passed while Herald was down, beyond the grace period
	StateCancelled        State = "cancelled"
)

// States lists every state, in life order.
var States = []State{
	StateDraft, StateInReview, StateChangesRequested, StateApproved, StateRejected,
	StateScheduled, StatePublishing, StatePublished, StateFailed, StateUnconfirmed, StateMissed, StateCancelled,
}

// Action is something that happens to a draft. Actions are also the audit
// log's vocabulary.
type Action string

// The actions. Create is audit-only: it has no "from" state.
const (
	ActCreate         Action = "create"
	ActEdit           Action = "edit"
	ActSubmit         Action = "submit"
	ActApprove        Action = "approve"  // one approval; the draft stays in review
	ActComplete       Action = "complete" // the last stage is complete: approved
	ActRequestChanges Action = "request_changes"
	ActReject         Action = "reject"
	ActSchedule       Action = "schedule"
	ActUnschedule     Action = "unschedule"
	ActPublish        Action = "publish"
	ActSucceed        Action = "succeed"
	ActFail           Action = "fail"
	ActUnconfirm      Action = "unconfirm"
	ActConfirm        Action = "confirm" // a person marks an unconfirmed post as published
	ActRetry          Action = "retry"
	ActMiss           Action = "miss" // the scheduled time passed beyond the grace period
	ActCancel         Action = "cancel"
)

// Actions lists every action that moves a draft (ActCreate excluded).
var Actions = []Action{
	ActEdit, ActSubmit, ActApprove, ActComplete, ActRequestChanges, ActReject,
	ActSchedule, ActUnschedule, ActPublish, ActSucceed, ActFail, ActUnconfirm,
	ActConfirm, ActRetry, ActMiss, ActCancel,
}

// transitions is the state machine: for each state, the actions allowed and
// the state each leads to. Anything absent is refused.
var transitions = map[State]map[Action]State{
	StateDraft: {
		ActEdit:   StateDraft,
		ActSubmit: StateInReview,
		ActCancel: StateCancelled,
	},
	StateInReview: {
		ActEdit:           StateInReview, // a new revision: earlier approvals no longer count
		ActApprove:        StateInReview,
		ActComplete:       StateApproved,
		ActRequestChanges: StateChangesRequested,
		ActReject:         StateRejected,
		ActCancel:         StateCancelled,
	},
	StateChangesRequested: {
		ActEdit:   StateChangesRequested,
		ActSubmit: StateInReview,
		ActCancel: StateCancelled,
	},
	StateApproved: {
		ActEdit:     StateInReview, // an edit after approval goes back to review
		ActSchedule: StateScheduled,
		ActPublish:  StatePublishing,
		ActCancel:   StateCancelled,
	},
	StateScheduled: {
		ActEdit:       StateInReview,
		ActSchedule:   StateScheduled, // a new time
		ActUnschedule: StateApproved,
		ActPublish:    StatePublishing,
		ActMiss:       StateMissed,
		ActCancel:     StateCancelled,
	},
	StateMissed: {
		ActEdit:     StateInReview,
		ActSchedule: StateScheduled,
		ActPublish:  StatePublishing,
		ActCancel:   StateCancelled,
	},
	// A draft being published follows its targets: publishing while any
	// target is still being tried, then unconfirmed while a person must say
	// whether a post arrived, failed while a target refused it, published
	// when every target has it.
	StatePublishing: {
		ActSucceed:   StatePublished,
		ActFail:      StateFailed,
		ActUnconfirm: StateUnconfirmed,
	},
	StateUnconfirmed: {
		ActConfirm: StatePublished,
		ActFail:    StateFailed, // the unconfirmed targets were settled; a refused one remains
		ActRetry:   StatePublishing,
	},
	StateFailed: {
		ActRetry:   StatePublishing,
		ActConfirm: StatePublished, // a person posted it by hand
		ActCancel:  StateCancelled, // give up on the targets that refused it
	},
	StateRejected:  {},
	StatePublished: {},
	StateCancelled: {},
}

// Next returns the state that action a leads to from s, and whether a is
// allowed in s at all.
func Next(s State, a Action) (State, bool) {
	to, ok := transitions[s][a]
	return to, ok
}

// Allowed lists the actions allowed in s, sorted.
func Allowed(s State) []Action {
	var out []Action
	for a := range transitions[s] {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Terminal reports whether nothing more can happen to a draft in s.
func Terminal(s State) bool { return len(transitions[s]) == 0 }

// Label is the state as people read it.
func (s State) Label() string {
	switch s {
	case StateInReview:
		return "in review"
	case StateChangesRequested:
		return "changes requested"
	}
	return string(s)
}

// doneWords say what an action did, in the past participle: "Draft #3 was
// approved", "cannot be approved", "carol approved".
var doneWords = map[Action]string{
	ActCreate: "created", ActEdit: "edited", ActSubmit: "submitted", ActApprove: "approved",
	ActComplete: "approved (review complete)", ActRequestChanges: "sent back for changes",
	ActReject: "rejected", ActSchedule: "scheduled", ActUnschedule: "unscheduled",
	ActPublish: "published", ActSucceed: "published", ActFail: "marked failed",
	ActUnconfirm: "marked unconfirmed", ActConfirm: "marked as published", ActRetry: "retried",
	ActMiss: "missed", ActCancel: "cancelled",
}

// Done says what the action did, e.g. "sent back for changes".
func (a Action) Done() string {
	if w, ok := doneWords[a]; ok {
		return w
	}
	return string(a)
}
