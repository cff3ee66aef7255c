package publish

import (
	"context"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
)

// Quiet hours, in each brand's time zone: no reminder goes out at night.
const (
	dayStarts = 8  // 08:00
	dayEnds   = 20 // 20:00
)

// remind reminds the reviewers of drafts that have waited in review longer
// than their brand's limit, once per period, in daytime for the brand.
// It looks at most once a minute.
func (s *Scheduler) remind(ctx context.Context) error {
	now := s.now()
	s.mu.Lock() // Tick may run concurrently with itself
	soon := now.Sub(s.lastRem) < time.Minute
	if !soon {
		s.lastRem = now
	}
	s.mu.Unlock()
	if soon {
		return nil
	}
	ds, err := s.store.Drafts(ctx, approvals.DraftFilter{States: []approvals.State{approvals.StateInReview}})
	if err != nil {
		return err
	}
	brands := map[int64]herald.Brand{}
	for _, d := range ds {
		b, ok := brands[d.BrandID]
		if !ok {
			if b, err = s.store.Brand(ctx, d.BrandID); err != nil {
				return err
			}
			brands[d.BrandID] = b
		}
		if err := s.remindDraft(ctx, d, b, now); err != nil {
			return err
		}
	}
	return nil
}

func (s *Scheduler) remindDraft(ctx context.Context, d approvals.Draft, b herald.Brand, now time.Time) error {
	limit := b.RemindAfter
	if limit == 0 {
		limit = s.opt.RemindAfter
	}
	waited := now.Sub(d.UpdatedAt)
	if limit < 0 || waited < limit {
		return nil
	}
	if h := now.In(b.Location()).Hour(); h < dayStarts || h >= dayEnds {
		return nil
	}
	last, err := s.store.Reminder(ctx, d.ID)
	if err != nil && herald.ErrorCode(err) != herald.ENOTFOUND {
		return err
	}
	if err == nil && last.Version == d.Version && now.Sub(last.At) < limit {
		return nil
	}
	stage, who, err := s.reviewers(ctx, d)
	if err != nil || stage == "" {
		return err
	}
	if err := s.store.PutReminder(ctx, Reminder{DraftID: d.ID, Version: d.Version, At: now}); err != nil {
		return err
	}
	s.emit(ctx, Event{Kind: EventReminder, DraftID: d.ID, Waiting: waited, Stage: stage, Remind: who})
	return nil
}

// reviewers returns the stage a draft waits at and the members who may
// decide there (its authors excluded).
func (s *Scheduler) reviewers(ctx context.Context, d approvals.Draft) (string, []brands.Member, error) {
	p, err := approvals.ParsePolicy(d.Policy)
	if err != nil {
		return "", nil, err
	}
	aps, err := s.store.Approvals(ctx, d.ID)
	if err != nil {
		return "", nil, err
	}
	var cur []approvals.Approval
	for _, a := range aps {
		if a.Rev == d.Rev {
			cur = append(cur, a)
		}
	}
	i := approvals.NewProgress(p, cur).Current()
	if i < 0 {
		return "", nil, nil
	}
	revs, err := s.store.Revisions(ctx, d.ID)
	if err != nil {
		return "", nil, err
	}
	authors := map[string]bool{d.Author.Key(): true}
	for _, r := range revs {
		authors[r.Author.Key()] = true
	}
	for _, a := range cur {
		authors[a.Actor.Key()] = true // already approved this revision
	}
	ms, err := s.store.Members(ctx, d.BrandID)
	if err != nil {
		return "", nil, err
	}
	var who []brands.Member
	for _, m := range ms {
		if p[i].Allows(m.Role) && !authors[m.Actor.Key()] {
			who = append(who, m)
		}
	}
	return p[i].Kind, who, nil
}
