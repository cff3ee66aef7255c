package approvals_test

import (
	"context"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
)

// targetChecker blocks any draft going to bluesky, and records the
// targets it was asked about.
type targetChecker struct{ seen [][]herald.Target }

func (c *targetChecker) CheckDraft(_ context.Context, _ herald.Brand, ts []herald.Target, _ string) ([]approvals.Finding, error) {
	c.seen = append(c.seen, ts)
	for _, t := range ts {
		if t.Kind == "bluesky" {
			return []approvals.Finding{{Message: "Too long for Bluesky.", Blocking: true}}, nil
		}
	}
	return nil, nil
}

// Issue 19: changing targets is a new revision, like a text edit: the
// audit says what changed, approvals of the old revision stop counting,
// the checks run again for the new targets, and the revision keeps them.
func TestReviseTargets(t *testing.T) {
	e := newEnv(t, "team:1")
	ctx := t.Context()
	mastodon := []herald.Target{{Kind: "mastodon", Name: "acme"}}
	d, err := e.svc.CreateDraft(ctx, bob, acmeCh, approvals.NewDraft{Text: "Hello", Targets: mastodon})
	if err != nil {
		t.Fatal(err)
	}
	e.must(t, "Submit", func() (approvals.View, error) { return e.svc.Submit(ctx, bob, d.ID) })
	v := e.approve(t, carol, d.ID)
	if v.Draft.State != approvals.StateApproved {
		t.Fatalf("state %s, want approved", v.Draft.State)
	}
	both := append(append([]herald.Target(nil), mastodon...), herald.Target{Kind: "webhook", Name: "acme"})
	v = e.must(t, "Revise", func() (approvals.View, error) {
		return e.svc.Revise(ctx, bob, d.ID, approvals.Revise{Targets: both, SetTargets: true})
	})
	if v.Draft.Rev != 2 || v.Draft.Text != "Hello" || herald.FormatTargets(v.Draft.Targets) != "mastodon:acme, webhook:acme" {
		t.Errorf("after revise: rev %d, text %q, targets %v", v.Draft.Rev, v.Draft.Text, v.Draft.Targets)
	}
	if v.Draft.State != approvals.StateInReview || v.Progress.Current() != 0 {
		t.Errorf("after revise: state %s, stage %d; want in review at its first stage (approvals reset)", v.Draft.State, v.Progress.Current())
	}
	r := e.record(t, d.ID)
	last := r.Audit[len(r.Audit)-1]
	if !strings.Contains(last.Detail, "targets: mastodon:acme → mastodon:acme, webhook:acme") || !strings.Contains(last.Detail, "approvals of revision 1 cleared (1)") {
		t.Errorf("audit detail %q", last.Detail)
	}
	// The stored draft reads its targets from its current revision.
	if got := herald.FormatTargets(r.Draft.Targets); got != "mastodon:acme, webhook:acme" {
		t.Errorf("stored targets %q", got)
	}
	// The same targets again change nothing.
	e.refuse(t, d.ID, herald.EINVALID, func() error {
		_, err := e.svc.Revise(ctx, bob, d.ID, approvals.Revise{Targets: both, SetTargets: true})
		return err
	})
	// Checks run again for new targets: a blocking finding refuses the change.
	c := &targetChecker{}
	e.svc.AddChecker(c)
	e.refuse(t, d.ID, herald.EINVALID, func() error {
		_, err := e.svc.Revise(ctx, bob, d.ID, approvals.Revise{Targets: []herald.Target{{Kind: "bluesky", Name: "acme"}}, SetTargets: true})
		return err
	})
	if len(c.seen) != 1 || herald.FormatTargets(c.seen[0]) != "bluesky:acme" {
		t.Errorf("checker saw %v; want the new targets", c.seen)
	}
	// A client (no edit right) cannot change where a post goes.
	e.refuse(t, d.ID, herald.EFORBIDDEN, func() error {
		_, err := e.svc.Revise(ctx, dave, d.ID, approvals.Revise{SetTargets: true})
		return err
	})
}
