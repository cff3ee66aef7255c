package mentions

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/heraldhq/herald"
)

// Retention: a brand keeps its mentions for Settings.Keep after they were
// found (DefaultKeep unless it set another with SetKeep, or forever); the
// Pruner deletes older ones in small batches. A mention a reply draft is
// linked to is kept as long as the draft may be opened from it, that is
// always: drafts, revisions and the audit are never deleted, and the
// draft's "in reply to mention #N" must keep meaning something. The audit
// rows of a deleted mention stay (who did what stays answerable).
const (
	day = 24 * time.Hour
	// DefaultKeep is how long a brand that set nothing keeps its mentions.
	DefaultKeep = 180 * day
	// minKeep and maxKeep bound what SetKeep takes (besides forever): a
	// week at least, since summaries and digests look back that far.
	minKeep = 7 * day
	maxKeep = 3650 * day
	// pruneBatch is how many mentions one retention transaction deletes,
	// so that a long prune never holds the writer for long.
	pruneBatch = 500
)

// ReasonBadKeep is the Reason of the error of a retention SetKeep cannot
// read (Facts: "value").
const ReasonBadKeep = "mentions.bad_keep"

// parseKeep reads a retention: days ("90d", "90"), weeks ("12w"), or
// forever ("forever", "off", "never"), which is 0. EINVALID (ReasonBadKeep)
// for anything else or outside [minKeep, maxKeep].
func parseKeep(s string) (time.Duration, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	switch v {
	case "forever", "off", "never", "always":
		return 0, nil
	}
	unit := day
	switch {
	case strings.HasSuffix(v, "d"):
		v = strings.TrimSuffix(v, "d")
	case strings.HasSuffix(v, "w"):
		v, unit = strings.TrimSuffix(v, "w"), 7*day
	}
	n, err := strconv.Atoi(v)
	keep := time.Duration(n) * unit
	if err != nil || n <= 0 || keep < minKeep || keep > maxKeep {
		return 0, herald.Errorf(herald.EINVALID, "%q is not a retention: give a number of days from %d to %d, such as 90d, or forever.",
			s, minKeep/day, maxKeep/day).Because(ReasonBadKeep, herald.Facts{"value": s})
	}
	return keep, nil
}

// KeepText says a retention in words: "90 days", "forever".
func KeepText(keep time.Duration) string {
	if keep <= 0 {
		return "forever"
	}
	return fmt.Sprintf("%d days", keep/day)
}

// SetKeep sets how long the brand keeps its mentions (see parseKeep).
func (s *Service) SetKeep(ctx context.Context, actor herald.Actor, brand herald.Brand, value string) (Settings, error) {
	keep, err := parseKeep(value)
	if err != nil {
		return Settings{}, err
	}
	return s.setSettings(ctx, actor, brand, "keep "+KeepText(keep), func(st *Settings) { st.Keep = keep })
}

// Pruner deletes the mentions each brand keeps no longer (see Keep), in
// transactions of at most pruneBatch mentions.
type Pruner struct {
	svc *Service
	log *slog.Logger
}

// NewPruner returns a Pruner over svc's store and clock.
func NewPruner(svc *Service) *Pruner { return &Pruner{svc: svc, log: svc.log} }

// Tick deletes, for every brand that does not keep its mentions forever,
// those found before the clock's now minus its Keep, batch after batch
// until none is left or ctx ends. It returns how many it deleted.
func (p *Pruner) Tick(ctx context.Context) (int, error) {
	s := p.svc
	now := s.now()
	all, err := s.store.KeepSettings(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, st := range all {
		if st.Keep <= 0 {
			continue
		}
		n, err := p.prune(ctx, st.BrandID, now.Add(-st.Keep))
		total += n
		if n > 0 {
			p.log.InfoContext(ctx, "old mentions deleted", "brand_id", st.BrandID, "keep_days", int(st.Keep/day), "deleted", n)
		}
		if err != nil {
			return total, err
		}
	}
	return total, ctx.Err()
}

// prune deletes the brand's mentions found before before, batch after
// batch, and returns how many.
func (p *Pruner) prune(ctx context.Context, brandID int64, before time.Time) (int, error) {
	total := 0
	for ctx.Err() == nil {
		n, err := p.svc.store.PruneMentions(ctx, brandID, before, pruneBatch)
		total += n
		if err != nil || n < pruneBatch {
			return total, err
		}
	}
	return total, nil
}

// Run prunes every hour (gocron drives the ticks, the first at once) until
// ctx is done.
func (p *Pruner) Run(ctx context.Context, opts ...gocron.SchedulerOption) error {
	return runEvery(ctx, time.Hour, "herald-retention", p.log, "retention tick failed", func(ctx context.Context) error {
		_, err := p.Tick(ctx)
		return err
	}, opts...)
}
