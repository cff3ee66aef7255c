package mentions

import (
	"context"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/heraldhq/herald"
)

// SurgeOptions tune surge detection. Zero fields take the defaults.
type SurgeOptions struct {
	Window time.Duration // default 10 minutes
	// Alpha is the weight of the newest window in the baseline, an
	// exponentially weighted moving average of past windows (default 0.2).
	Alpha float64
	// Floor is the least baseline (mentions per window) a threshold is
	// computed from, so that a quiet brand is not alerted by a handful
	// (default 2).
	Floor float64
	// Factor times the baseline is a surge (default 4) ...
	Factor float64
	// ... and so is Min mentions at least (default 10).
	Min int
	// Sample is how many mentions an alert shows (default 5).
	Sample int
}

func (o SurgeOptions) withDefaults() SurgeOptions {
	if o.Window <= 0 {
		o.Window = 10 * time.Minute
	}
	if o.Alpha <= 0 || o.Alpha > 1 {
		o.Alpha = 0.2
	}
	if o.Floor <= 0 {
		o.Floor = 2
	}
	if o.Factor <= 0 {
		o.Factor = 4
	}
	if o.Min <= 0 {
		o.Min = 10
	}
	if o.Sample <= 0 {
		o.Sample = 5
	}
	return o
}

// Surge is an alert: a brand's mentions in the current window against its
// baseline.
type Surge struct {
	BrandID   int64
	Start     time.Time // start of the window that crossed the threshold
	Window    time.Duration
	Count     int     // mentions in that window when the alert was raised (surge) or in the last window (surge_over)
	Baseline  float64 // usual mentions per window
	Threshold int
	Over      bool      // the surge ended (surge_over)
	Sample    []Mention // a few of the window's mentions (surge only)
}

// surgeDetector counts new mentions per brand in fixed windows and raises
// one alert when a window crosses max(Min, Factor × baseline), then stays
// quiet until a whole window falls back under the threshold (one
// surge_over). The baseline is learnt from windows outside surges, so a
// surge does not teach itself as normal. State is in memory: after a
// restart the baseline starts from the floor. Safe for concurrent use.
type surgeDetector struct {
	opt SurgeOptions
	mu  sync.Mutex
	by  map[int64]*surgeState
}

type surgeState struct {
	start    time.Time // current window's start
	count    int
	baseline float64
	seeded   bool // baseline learnt from at least one window
	alerting bool
	sample   []Mention
}

// newSurgeDetector returns a detector with opt.
func newSurgeDetector(opt SurgeOptions) *surgeDetector {
	return &surgeDetector{opt: opt.withDefaults(), by: map[int64]*surgeState{}}
}

// Seed sets a brand's baseline (mentions per window) from history, unless
// the detector knows the brand already; the Service seeds each brand from
// the store the first time it sees it, so that a restart does not start
// from nothing.
func (d *surgeDetector) Seed(brandID int64, baseline float64, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.by[brandID]; ok {
		return
	}
	d.by[brandID] = &surgeState{start: now.Truncate(d.opt.Window), baseline: baseline, seeded: true}
}

// Known reports whether the detector has state for the brand.
func (d *surgeDetector) Known(brandID int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.by[brandID]
	return ok
}

// surgeHistory is how far back a brand's baseline is seeded from.
const surgeHistory = 6 * time.Hour

// seedSurge seeds the brand's baseline from its mentions of the last
// surgeHistory, the first time the process sees the brand.
func (s *Service) seedSurge(ctx context.Context, brandID int64, now time.Time) {
	if s.surge.Known(brandID) {
		return
	}
	sum, err := s.summary(ctx, brandID, now.Add(-surgeHistory), now.Truncate(s.surge.opt.Window))
	if err != nil {
		s.log.WarnContext(ctx, "surge baseline not seeded", "brand_id", brandID, "error", err)
		return
	}
	s.surge.Seed(brandID, float64(sum.Total)/float64(surgeHistory/s.surge.opt.Window), now)
}

func (d *surgeDetector) threshold(st *surgeState) int {
	return max(d.opt.Min, int(math.Ceil(d.opt.Factor*math.Max(st.baseline, d.opt.Floor))))
}

// Observe counts new mentions of a brand found at now and returns the
// alerts due: at most one surge_over (an earlier window ended the surge)
// and one surge.
func (d *surgeDetector) Observe(brandID int64, ms []Mention, now time.Time) []Surge {
	d.mu.Lock()
	defer d.mu.Unlock()
	st := d.by[brandID]
	if st == nil {
		st = &surgeState{start: now.Truncate(d.opt.Window)}
		d.by[brandID] = st
	}
	out := d.advance(brandID, st, now)
	st.count += len(ms)
	for _, m := range ms {
		if len(st.sample) < d.opt.Sample {
			st.sample = append(st.sample, m)
		}
	}
	if th := d.threshold(st); !st.alerting && st.count >= th {
		st.alerting = true
		out = append(out, Surge{BrandID: brandID, Start: st.start, Window: d.opt.Window, Count: st.count,
			Baseline: st.baseline, Threshold: th, Sample: append([]Mention(nil), st.sample...)})
	}
	return out
}

// Advance closes the windows that ended by now, for every brand, and
// returns the surge_over alerts due. Call it periodically (Service.Tick),
// so that a surge followed by silence ends too.
func (d *surgeDetector) Advance(now time.Time) []Surge {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []Surge
	for id, st := range d.by {
		out = append(out, d.advance(id, st, now)...)
		if !st.alerting && st.count == 0 && st.baseline < 0.01 && now.Sub(st.start) > 24*time.Hour {
			delete(d.by, id) // quiet for a day: forget
		}
	}
	return out
}

// advance closes st's windows that ended by now.
func (d *surgeDetector) advance(brandID int64, st *surgeState, now time.Time) []Surge {
	cur := now.Truncate(d.opt.Window)
	if !cur.After(st.start) {
		return nil
	}
	var out []Surge
	th := d.threshold(st)
	// The window that just closed.
	if st.alerting && st.count < th {
		st.alerting = false
		out = append(out, Surge{BrandID: brandID, Start: st.start, Window: d.opt.Window, Count: st.count, Baseline: st.baseline, Threshold: th, Over: true})
	}
	if !st.alerting {
		d.learn(st, float64(st.count))
	}
	// Empty windows since then.
	empty := int(cur.Sub(st.start)/d.opt.Window) - 1
	if empty > 0 {
		if st.alerting {
			st.alerting = false
			out = append(out, Surge{BrandID: brandID, Start: st.start.Add(d.opt.Window), Window: d.opt.Window, Baseline: st.baseline, Threshold: th, Over: true})
		}
		st.baseline *= math.Pow(1-d.opt.Alpha, float64(min(empty, 10000)))
	}
	st.start, st.count, st.sample = cur, 0, nil
	return out
}

func (d *surgeDetector) learn(st *surgeState, count float64) {
	if !st.seeded {
		st.baseline, st.seeded = count, true
		return
	}
	st.baseline = d.opt.Alpha*count + (1-d.opt.Alpha)*st.baseline
}

// Tick closes the surge windows that ended and relays the surge_over
// alerts due. The Poller calls it every tick.
func (s *Service) Tick(ctx context.Context) {
	cc := &channelCache{}
	for _, sg := range s.surge.Advance(s.now()) {
		s.notify(ctx, s.surgeEvent(ctx, sg, s.brand(ctx, sg.BrandID), cc))
	}
}

// surgeEvent routes a surge alert to the brand's watch channels and its
// channels.
func (s *Service) surgeEvent(ctx context.Context, sg Surge, brand herald.Brand, cc *channelCache) Event {
	kind := EventSurge
	if sg.Over {
		kind = EventSurgeOver
	}
	var watchIDs []int64
	wi, err := s.index(ctx)
	if err != nil {
		wi = &watchIndex{}
	}
	for id, w := range wi.watches {
		if w.BrandID == sg.BrandID {
			watchIDs = append(watchIDs, id)
		}
	}
	slices.Sort(watchIDs)
	if brand.ID == 0 {
		brand.ID = sg.BrandID
	}
	return Event{Kind: kind, Brand: brand, Surge: &sg, Routes: s.routesWith(ctx, wi, sg.BrandID, watchIDs, cc)}
}
