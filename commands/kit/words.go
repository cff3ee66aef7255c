package kit

import (
	"fmt"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/when"
)

// StateLabel names a draft's state in l, e.g. "in review".
func StateLabel(l i18n.Lang, s approvals.State) string {
	switch s {
	case approvals.StateDraft:
		return l.T("draft")
	case approvals.StateInReview:
		return l.T("in review")
	case approvals.StateChangesRequested:
		return l.T("changes requested")
	case approvals.StateApproved:
		return l.T("approved")
	case approvals.StateRejected:
		return l.T("rejected")
	case approvals.StateScheduled:
		return l.T("scheduled")
	case approvals.StatePublishing:
		return l.T("publishing")
	case approvals.StatePublished:
		return l.T("published")
	case approvals.StateFailed:
		return l.T("failed")
	case approvals.StateUnconfirmed:
		return l.T("unconfirmed")
	case approvals.StateMissed:
		return l.T("missed")
	case approvals.StateCancelled:
		return l.T("cancelled")
	}
	return s.Label()
}

// ActionDone says in l what an action did, e.g. "sent back for changes".
func ActionDone(l i18n.Lang, a approvals.Action) string {
	switch a {
	case approvals.ActCreate:
		return l.T("created")
	case approvals.ActEdit:
		return l.T("edited")
	case approvals.ActSubmit:
		return l.T("submitted")
	case approvals.ActApprove:
		return l.T("approved")
	case approvals.ActComplete:
		return l.T("approved (review complete)")
	case approvals.ActRequestChanges:
		return l.T("sent back for changes")
	case approvals.ActReject:
		return l.T("rejected")
	case approvals.ActSchedule:
		return l.T("scheduled")
	case approvals.ActUnschedule:
		return l.T("unscheduled")
	case approvals.ActPublish, approvals.ActSucceed:
		return l.T("published")
	case approvals.ActFail:
		return l.T("marked failed")
	case approvals.ActUnconfirm:
		return l.T("marked unconfirmed")
	case approvals.ActConfirm:
		return l.T("marked as published")
	case approvals.ActRetry:
		return l.T("retried")
	case approvals.ActMiss:
		return l.T("missed")
	case approvals.ActCancel:
		return l.T("cancelled")
	}
	return a.Done()
}

// StageKind names a review stage's kind in l ("team", "client").
func StageKind(l i18n.Lang, kind string) string {
	switch kind {
	case "team":
		return l.T("team")
	case "client":
		return l.T("client")
	}
	return kind
}

// ProgressLabel describes a review's progress in l, e.g. "team 1/1,
// client 0/1".
func ProgressLabel(l i18n.Lang, pr approvals.Progress) string {
	if len(pr.Policy) == 0 {
		return l.T("no review required")
	}
	parts := make([]string, len(pr.Policy))
	for i, s := range pr.Policy {
		parts[i] = fmt.Sprintf("%s %d/%d", StageKind(l, s.Kind), pr.Have[i], s.Count)
	}
	return strings.Join(parts, ", ")
}

// FormatWhen shows an instant in a brand's zone for a reader of l.
// Every time a card or answer shows goes through it: "Mon 7 Dec 2026
// 09:00 CET", "lun. 7 déc. 2026 à 9 h 00". Cards are pure, so no clock is
// read: the year is always shown.
func FormatWhen(l i18n.Lang, t time.Time, loc *time.Location) string {
	return when.Format(t, loc, string(l), time.Time{})
}

// RoleLabel names a role in l, e.g. "editor" (typed as such in commands,
// whatever the language).
func RoleLabel(l i18n.Lang, r herald.Role) string {
	switch r {
	case herald.RoleAdmin:
		return l.T("admin")
	case herald.RoleEditor:
		return l.T("editor")
	case herald.RoleApprover:
		return l.T("approver")
	case herald.RoleClient:
		return l.T("client")
	case herald.RoleViewer:
		return l.T("viewer")
	}
	return string(r)
}
