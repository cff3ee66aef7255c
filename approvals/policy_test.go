package approvals_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
)

func TestParsePolicy(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   approvals.Policy
		wantS  string // String() of the parsed policy
		errMsg string // a fragment of the error message; "" for OK
	}{
		{name: "OK", in: "team:1 client:1", want: approvals.Policy{{Kind: "team", Count: 1}, {Kind: "client", Count: 1}}, wantS: "team:1 client:1"},
		{name: "OKOneStage", in: "team:2", want: approvals.Policy{{Kind: "team", Count: 2}}, wantS: "team:2"},
		{name: "OKNone", in: "none", want: approvals.Policy{}, wantS: "none"},
		{name: "OKEmpty", in: "", want: approvals.Policy{}, wantS: "none"},
		{name: "OKBlank", in: "   ", want: approvals.Policy{}, wantS: "none"},
		{name: "OKUpperCase", in: "TEAM:1", want: approvals.Policy{{Kind: "team", Count: 1}}, wantS: "team:1"},
		{name: "OKNoneUpperCase", in: " None ", want: approvals.Policy{}, wantS: "none"},
		{name: "OKCountDefaultsToOne", in: "team", want: approvals.Policy{{Kind: "team", Count: 1}}, wantS: "team:1"},
		{name: "OKCommasAndArrows", in: "team:2, client:1", want: approvals.Policy{{Kind: "team", Count: 2}, {Kind: "client", Count: 1}}, wantS: "team:2 client:1"},
		{name: "OKArrow", in: "team:1>client:2", want: approvals.Policy{{Kind: "team", Count: 1}, {Kind: "client", Count: 2}}, wantS: "team:1 client:2"},
		{name: "OKMaxCount", in: "client:10", want: approvals.Policy{{Kind: "client", Count: 10}}, wantS: "client:10"},
		{name: "OKFiveStages", in: "team:1 team:1 team:1 team:1 client:1", want: approvals.Policy{{Kind: "team", Count: 1}, {Kind: "team", Count: 1}, {Kind: "team", Count: 1}, {Kind: "team", Count: 1}, {Kind: "client", Count: 1}}, wantS: "team:1 team:1 team:1 team:1 client:1"},
		{name: "ErrZero", in: "team:0", errMsg: "between 1 and 10"},
		{name: "ErrTooMany", in: "team:11", errMsg: "between 1 and 10"},
		{name: "ErrNegative", in: "team:-1", errMsg: "between 1 and 10"},
		{name: "ErrNotANumber", in: "team:two", errMsg: "between 1 and 10"},
		{name: "ErrEmptyCount", in: "team:", errMsg: "between 1 and 10"},
		{name: "ErrUnknownStage", in: "boss:1", errMsg: `"boss:1" is not a stage`},
		{name: "ErrUnknownStageAfterGood", in: "team:1 boss", errMsg: `"boss" is not a stage`},
		{name: "ErrSixStages", in: "team:1 team:1 team:1 team:1 team:1 client:1", errMsg: "at most 5 stages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := approvals.ParsePolicy(tt.in)
			if tt.errMsg != "" {
				if code := herald.ErrorCode(err); code != herald.EINVALID {
					t.Fatalf("ParsePolicy(%q) = %v, %v; want an %s error", tt.in, got, err, herald.EINVALID)
				}
				if msg := herald.ErrorMessage(err); !strings.Contains(msg, tt.errMsg) {
					t.Errorf("ParsePolicy(%q) message %q does not contain %q", tt.in, msg, tt.errMsg)
				}
				if got != nil {
					t.Errorf("ParsePolicy(%q) returned %v with its error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePolicy(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParsePolicy(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			if s := got.String(); s != tt.wantS {
				t.Errorf("String() = %q, want %q", s, tt.wantS)
			}
			// Round trip: the canonical form parses back to the same policy.
			again, err := approvals.ParsePolicy(got.String())
			if err != nil {
				t.Fatalf("ParsePolicy(%q) (round trip): %v", got.String(), err)
			}
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("round trip mismatch (-first +second):\n%s", diff)
			}
		})
	}
}

func TestStageAllows(t *testing.T) {
	tests := []struct {
		kind string
		role herald.Role
		want bool
	}{
		{"team", herald.RoleAdmin, true},
		{"team", herald.RoleApprover, true},
		{"team", herald.RoleEditor, false},
		{"team", herald.RoleClient, false},
		{"team", herald.RoleViewer, false},
		{"client", herald.RoleClient, true},
		{"client", herald.RoleAdmin, false},
		{"client", herald.RoleApprover, false},
		{"client", herald.RoleEditor, false},
		{"client", herald.RoleViewer, false},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"/"+string(tt.role), func(t *testing.T) {
			s := approvals.Stage{Kind: tt.kind, Count: 1}
			if got := s.Allows(tt.role); got != tt.want {
				t.Errorf("Stage{%s}.Allows(%s) = %v, want %v", tt.kind, tt.role, got, tt.want)
			}
		})
	}
}

func TestProgress(t *testing.T) {
	teamClient := approvals.Policy{{Kind: "team", Count: 1}, {Kind: "client", Count: 1}}
	team2 := approvals.Policy{{Kind: "team", Count: 2}}
	ap := func(stage int) approvals.Approval { return approvals.Approval{Stage: stage} }
	tests := []struct {
		name        string
		policy      approvals.Policy
		approvals   []approvals.Approval
		wantCurrent int
		wantString  string
	}{
		{name: "OKNothingYet", policy: teamClient, wantCurrent: 0, wantString: "team 0/1, client 0/1"},
		{name: "OKTeamDone", policy: teamClient, approvals: []approvals.Approval{ap(0)}, wantCurrent: 1, wantString: "team 1/1, client 0/1"},
		{name: "OKAllDone", policy: teamClient, approvals: []approvals.Approval{ap(0), ap(1)}, wantCurrent: -1, wantString: "team 1/1, client 1/1"},
		{name: "OKHalfway", policy: team2, approvals: []approvals.Approval{ap(0)}, wantCurrent: 0, wantString: "team 1/2"},
		{name: "OKTwoOfTwo", policy: team2, approvals: []approvals.Approval{ap(0), ap(0)}, wantCurrent: -1, wantString: "team 2/2"},
		{name: "OKNoPolicy", policy: approvals.Policy{}, wantCurrent: -1, wantString: "no review required"},
		{name: "OKOutOfRangeStagesIgnored", policy: team2, approvals: []approvals.Approval{ap(-1), ap(1), ap(7)}, wantCurrent: 0, wantString: "team 0/2"},
		// Stages complete in order: a later stage's approvals do not
		// complete an earlier one.
		{name: "OKLaterStageOnly", policy: teamClient, approvals: []approvals.Approval{ap(1)}, wantCurrent: 0, wantString: "team 0/1, client 1/1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := approvals.NewProgress(tt.policy, tt.approvals)
			if got := pr.Current(); got != tt.wantCurrent {
				t.Errorf("Current() = %d, want %d", got, tt.wantCurrent)
			}
			if got := pr.String(); got != tt.wantString {
				t.Errorf("String() = %q, want %q", got, tt.wantString)
			}
		})
	}
}
