package kit

import (
	"regexp"
	"strings"
	"time"

	"github.com/heraldhq/herald/commands/i18n"
)

// The details the review writes in the audit log, as stored (in English,
// with people's comments after a colon): AuditDetail says them in l.
var (
	detailPolicy   = regexp.MustCompile(`^review policy (.+)$`)
	detailStage    = regexp.MustCompile(`^(team|client) stage, ((?:(?:team|client) \d+/\d+(?:, )?)+)(: .*)?$`)
	detailComplete = regexp.MustCompile(`^every review stage approved revision (\d+)$`)
	detailAsked    = regexp.MustCompile(`^for (.+), the time asked for when drafted$`)
	detailPassed   = regexp.MustCompile(`^the time asked for \((.+)\) has passed, so it is not scheduled$`)
	stageCount     = regexp.MustCompile(`\b(team|client) (\d+/\d+)`)
	// a revision's media (issue 15)
	detailAdded   = regexp.MustCompile(`^added (.+)$`)
	detailRemoved = regexp.MustCompile(`^removed (.+)$`)
	detailMoved   = regexp.MustCompile(`^moved (\d+) to (\d+)$`)
	detailAlt     = regexp.MustCompile(`^alt text of (\d+) \((.*)\) (set|removed|changed)$`)
	detailCleared = regexp.MustCompile(`^approvals of revision (\d+) cleared \((\d+)\)$`)
)

// AuditDetail says an audit row's detail in l: the review's own words are
// translated, anything else (a reason, a comment) is shown as written.
func AuditDetail(l i18n.Lang, detail string) string {
	if l == i18n.English {
		return detail
	}
	parts := strings.Split(detail, "; ")
	for i, p := range parts {
		parts[i] = detailPart(l, p)
	}
	return strings.Join(parts, "; ")
}

func detailPart(l i18n.Lang, p string) string {
	if m := detailPolicy.FindStringSubmatch(p); m != nil {
		return l.F("review policy %s", m[1])
	}
	if m := detailStage.FindStringSubmatch(p); m != nil {
		counts := stageCount.ReplaceAllStringFunc(m[2], func(s string) string {
			kind, n, _ := strings.Cut(s, " ")
			return StageKind(l, kind) + " " + n
		})
		return l.F("%s stage, %s", StageKind(l, m[1]), counts) + m[3]
	}
	if m := detailComplete.FindStringSubmatch(p); m != nil {
		return l.F("every review stage approved revision %s", m[1])
	}
	if m := detailAsked.FindStringSubmatch(p); m != nil {
		return l.F("for %s, the time asked for when drafted", storedTime(l, m[1]))
	}
	if w, ok := mediaDetail(l, p); ok {
		return w
	}
	if m := detailPassed.FindStringSubmatch(p); m != nil {
		return l.F("the time asked for (%s) has passed, so it is not scheduled", storedTime(l, m[1]))
	}
	return p
}

// storedTime says in l a time stored in an audit detail as the brand's
// wall clock ("2026-11-23 09:00 CET"), keeping that wall clock; text that
// is not such a time is shown as written.
func storedTime(l i18n.Lang, s string) string {
	for _, layout := range []string{"2006-01-02 15:04 MST", "2006-01-02 15:04:05 MST"} {
		if t, err := time.Parse(layout, s); err == nil {
			return StampIn(l, t, t.Location())
		}
	}
	return s
}

// mediaDetail says in l an audit detail of a change to a draft's media.
func mediaDetail(l i18n.Lang, p string) (string, bool) {
	if m := detailAdded.FindStringSubmatch(p); m != nil {
		return l.F("added %s", l.Sizes(m[1])), true
	}
	if m := detailRemoved.FindStringSubmatch(p); m != nil {
		return l.F("removed %s", m[1]), true
	}
	if m := detailMoved.FindStringSubmatch(p); m != nil {
		return l.F("moved %s to %s", m[1], m[2]), true
	}
	if m := detailAlt.FindStringSubmatch(p); m != nil {
		switch m[3] {
		case "set":
			return l.F("alt text of %s (%s) set", m[1], m[2]), true
		case "removed":
			return l.F("alt text of %s (%s) removed", m[1], m[2]), true
		}
		return l.F("alt text of %s (%s) changed", m[1], m[2]), true
	}
	if m := detailCleared.FindStringSubmatch(p); m != nil {
		return l.F("approvals of revision %s cleared (%s)", m[1], m[2]), true
	}
	return "", false
}

// blockedWhat is what the review refused (approvals.Blocking's "what"),
// said in l.
var blockedWhat = regexp.MustCompile(`^Draft #(\d+) (cannot go to review yet|cannot take this text|cannot take this change to its media)$`)

// BlockedWhat says in l what a blocking refusal refused; other words are
// shown as written.
func BlockedWhat(l i18n.Lang, what string) string {
	m := blockedWhat.FindStringSubmatch(what)
	if m == nil || l == i18n.English {
		return what
	}
	switch m[2] {
	case "cannot go to review yet":
		return l.F("Draft #%s cannot go to review yet", m[1])
	case "cannot take this text":
		return l.F("Draft #%s cannot take this text", m[1])
	}
	return l.F("Draft #%s cannot take this change to its media", m[1])
}
