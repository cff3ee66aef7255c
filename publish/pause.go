package publish

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/brands"
)

// PauseView is a brand's pause as its card shows it: who paused, why,
// until when, how many posts it holds; once it has ended, who ended it and
// the posts whose time passed during it (now missed).
type PauseView struct {
	Brand   herald.Brand
	Pause   Pause
	Held    int
	Ended   bool
	EndedBy herald.Actor
	EndedAt time.Time
	Missed  []approvals.Draft
}

// maxReason bounds a pause's reason.
const maxReason = 500

// Pause stops a brand's publishing: once it returns, the scheduler starts
// no post of the brand until Resume or until (when not zero).
func (s *Service) Pause(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand, reason string, until time.Time) (PauseView, error) {
	b, err := s.pausable(ctx, actor, ch, brand)
	if err != nil {
		return PauseView{}, err
	}
	now := s.now()
	if !until.IsZero() && !until.After(now) {
		return PauseView{}, herald.Errorf(herald.EINVALID, "That time has passed; a pause must end later than now.").Because(ReasonPauseInPast, nil)
	}
	reason = strings.TrimSpace(reason)
	if r := []rune(reason); len(r) > maxReason {
		reason = string(r[:maxReason])
	}
	p := Pause{BrandID: b.ID, Reason: reason, By: actor, At: now, Until: until.UTC()}
	e := approvals.AuditEntry{BrandID: b.ID, Action: brands.AuditPause, Actor: actor, Detail: pauseDetail(p, b), At: now}
	if err := s.store.Pause(ctx, p, e); err != nil {
		if herald.ErrorCode(err) == herald.ECONFLICT {
			return PauseView{}, herald.Errorf(herald.ECONFLICT, "Publishing for %s is already paused.", b.Name).
				Because(ReasonAlreadyPaused, herald.Facts{"brand": b.Name})
		}
		return PauseView{}, err
	}
	return s.pauseView(ctx, b, p)
}

// pausable resolves the brand whose publishing actor pauses or resumes.
func (s *Service) pausable(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string) (herald.Brand, error) {
	b, m, err := s.brands.Resolve(ctx, actor, ch, brand)
	if err != nil {
		return b, err
	}
	return b, brands.Need(m, brands.PausePosts)
}

func pauseDetail(p Pause, b herald.Brand) string {
	d := p.Reason
	if !p.Until.IsZero() {
		d = strings.TrimSpace(d + " (until " + p.Until.In(b.Location()).Format("2006-01-02 15:04 MST") + ")")
	}
	return d
}

func (s *Service) pauseView(ctx context.Context, b herald.Brand, p Pause) (PauseView, error) {
	n, err := s.store.HeldCount(ctx, b.ID, p.Until)
	return PauseView{Brand: b, Pause: p, Held: n}, err
}

// Resume ends a brand's pause. Posts whose time passed during it become
// missed (they were written for another mood): the view lists them; posts
// still ahead keep their times.
func (s *Service) Resume(ctx context.Context, actor herald.Actor, ch herald.ChannelRef, brand string) (PauseView, error) {
	b, err := s.pausable(ctx, actor, ch, brand)
	if err != nil {
		return PauseView{}, err
	}
	p, err := s.store.BrandPause(ctx, b.ID)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return PauseView{}, herald.Errorf(herald.ECONFLICT, "Publishing for %s is not paused.", b.Name).
			Because(ReasonNotPaused, herald.Facts{"brand": b.Name})
	}
	if err != nil {
		return PauseView{}, err
	}
	defer s.wake()
	return s.endPause(ctx, b, p, actor, s.now())
}

// endPause ends p at at: drafts of the brand still scheduled at or before
// at become missed, in the same transaction.
func (s *Service) endPause(ctx context.Context, b herald.Brand, p Pause, actor herald.Actor, at time.Time) (PauseView, error) {
	now := s.now()
	v := PauseView{Brand: b, Pause: p, Ended: true, EndedBy: actor, EndedAt: at}
	miss := func(d approvals.Draft) (approvals.Change, error) {
		nd, e, err := approvals.Transition(d, actor, approvals.ActMiss, "its time passed while publishing was paused", now)
		nd.Version = d.Version
		return approvals.Change{Draft: nd, Audit: []approvals.AuditEntry{e}}, err
	}
	audit := func(missed []approvals.Draft) approvals.AuditEntry {
		ids := make([]string, len(missed))
		for i, d := range missed {
			ids[i] = fmt.Sprintf("#%d", d.ID)
		}
		detail := "no post missed"
		if len(ids) > 0 {
			detail = "missed: " + strings.Join(ids, ", ")
		}
		if actor.Key() == System.Key() {
			detail = "its time was up; " + detail
		}
		return approvals.AuditEntry{BrandID: b.ID, Action: brands.AuditResume, Actor: actor, Detail: detail, At: now}
	}
	missed, err := s.store.EndPause(ctx, p, at, miss, audit)
	if err != nil {
		if herald.ErrorCode(err) == herald.ECONFLICT {
			return v, herald.Errorf(herald.ECONFLICT, "Publishing for %s was resumed meanwhile.", b.Name).
				Because(ReasonNotPaused, herald.Facts{"brand": b.Name})
		}
		return v, err
	}
	v.Missed = missed
	return v, nil
}

// endExpiredPauses ends the pauses whose time is up, as System at their
// Until, and returns their views.
func (s *Service) endExpiredPauses(ctx context.Context) ([]PauseView, error) {
	ps, err := s.store.ExpiredPauses(ctx, s.now())
	if err != nil {
		return nil, err
	}
	var out []PauseView
	for _, p := range ps {
		b, err := s.store.Brand(ctx, p.BrandID)
		if err != nil {
			return out, err
		}
		v, err := s.endPause(ctx, b, p, System, p.Until)
		if herald.ErrorCode(err) == herald.ECONFLICT {
			continue // resumed meanwhile by someone
		}
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// BrandPause returns the pause of a brand, if it is paused now. It checks
// nothing: callers have shown the actor the brand.
func (s *Service) BrandPause(ctx context.Context, brandID int64) (Pause, bool, error) {
	p, err := s.store.BrandPause(ctx, brandID)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return Pause{}, false, nil
	}
	return p, err == nil, err
}

// Why is the pause's reason, or "publishing paused" when none was given.
func (p Pause) Why() string {
	if p.Reason == "" {
		return "publishing paused"
	}
	return p.Reason
}

// HeldDetail says why a brand's posts are held: "held: the reason".
func HeldDetail(p Pause) string { return "held: " + p.Why() }
