package approvals

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
)

// Stage is one step of a review policy: Count distinct people holding one of
// the stage's roles must approve the same revision.
type Stage struct {
	Kind  string // "team" or "client"
	Count int
}

// stageActions names, for each stage kind, the action of the permission
// table (package brands) that deciding at it is.
var stageActions = map[string]brands.Action{
	"team":   brands.ReviewTeam,
	"client": brands.ReviewClient,
}

// Roles returns the roles that may approve at this stage.
func (s Stage) Roles() []herald.Role { return brands.Roles(stageActions[s.Kind]) }

// Allows reports whether role r may decide at this stage.
func (s Stage) Allows(r herald.Role) bool { return brands.Can(r, stageActions[s.Kind]) }

func (s Stage) String() string { return fmt.Sprintf("%s:%d", s.Kind, s.Count) }

// Policy is a brand's ordered review stages. An empty policy means a
// submitted draft is approved at once.
type Policy []Stage

const (
	maxStages     = 5
	maxStageCount = 10
	policyHelp    = `a policy is a list of stages such as "team:1 client:1", "team:2" or "none"; team stages are decided by approvers and admins, client stages by clients`
)

// ParsePolicy reads a policy such as "team:1 client:1" or "none".
//
// Its errors' Reason is ReasonBadPolicy.
func ParsePolicy(s string) (Policy, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "" || s == "none" {
		return Policy{}, nil
	}
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '>' })
	if len(fields) > maxStages {
		return nil, herald.Errorf(herald.EINVALID, "A policy has at most %d stages; %s.", maxStages, policyHelp).
			Because(ReasonBadPolicy, herald.Facts{"stage": "", "max": maxStages})
	}
	p := make(Policy, 0, len(fields))
	for _, f := range fields {
		kind, count, hasCount := strings.Cut(f, ":")
		n := 1
		if hasCount {
			var err error
			if n, err = strconv.Atoi(count); err != nil || n < 1 || n > maxStageCount {
				return nil, herald.Errorf(herald.EINVALID, "%q: the number of approvals must be between 1 and %d; %s.", f, maxStageCount, policyHelp).
					Because(ReasonBadPolicy, herald.Facts{"stage": f, "max": maxStageCount})
			}
		}
		if _, ok := stageActions[kind]; !ok {
			return nil, herald.Errorf(herald.EINVALID, "%q is not a stage; %s.", f, policyHelp).
				Because(ReasonBadPolicy, herald.Facts{"stage": f})
		}
		p = append(p, Stage{Kind: kind, Count: n})
	}
	return p, nil
}

// String returns the policy as users type it ("none" when empty).
func (p Policy) String() string {
	if len(p) == 0 {
		return "none"
	}
	parts := make([]string, len(p))
	for i, s := range p {
		parts[i] = s.String()
	}
	return strings.Join(parts, " ")
}

// Progress counts, for each stage, the approvals given on one revision.
// Stages complete in order: an approval counts toward the first incomplete
// stage when it was given.
type Progress struct {
	Policy Policy
	Have   []int
}

// NewProgress tallies approvals (already filtered to one revision) by the
// stage index recorded with each.
func NewProgress(p Policy, approvals []Approval) Progress {
	pr := Progress{Policy: p, Have: make([]int, len(p))}
	for _, a := range approvals {
		if a.Stage >= 0 && a.Stage < len(p) {
			pr.Have[a.Stage]++
		}
	}
	return pr
}

// Current returns the index of the first incomplete stage, or -1 when every
// stage is complete.
func (pr Progress) Current() int {
	for i, s := range pr.Policy {
		if pr.Have[i] < s.Count {
			return i
		}
	}
	return -1
}

// String describes the progress, e.g. "team 1/1, client 0/1".
func (pr Progress) String() string {
	if len(pr.Policy) == 0 {
		return "no review required"
	}
	parts := make([]string, len(pr.Policy))
	for i, s := range pr.Policy {
		parts[i] = fmt.Sprintf("%s %d/%d", s.Kind, pr.Have[i], s.Count)
	}
	return strings.Join(parts, ", ")
}
