package kit

import (
	"regexp"
	"strings"

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
		return l.F("for %s, the time asked for when drafted", m[1])
	}
	if m := detailPassed.FindStringSubmatch(p); m != nil {
		return l.F("the time asked for (%s) has passed, so it is not scheduled", m[1])
	}
	return p
}
