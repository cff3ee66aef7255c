package mentions

import (
	"testing"
	"time"
)

// feed sends n mentions per minute for the given minutes from start and
// returns the alerts raised, with Advance called every minute as the
// poller's ticks would.
func feed(d *surgeDetector, start time.Time, perMinute []int) []Surge {
	var out []Surge
	for i, n := range perMinute {
		now := start.Add(time.Duration(i) * time.Minute)
		out = append(out, d.Advance(now)...)
		if n > 0 {
			out = append(out, d.Observe(1, make([]Mention, n), now)...)
		}
	}
	return out
}

func repeat(n, times int) []int {
	out := make([]int, times)
	for i := range out {
		out[i] = n
	}
	return out
}

func kinds(ss []Surge) []string {
	var out []string
	for _, s := range ss {
		if s.Over {
			out = append(out, "over")
		} else {
			out = append(out, "surge")
		}
	}
	return out
}

func TestSurge(t *testing.T) {
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	opt := SurgeOptions{Window: 10 * time.Minute, Alpha: 0.2, Floor: 2, Factor: 4, Min: 10, Sample: 3}
	t.Run("SteadyTrafficNone", func(t *testing.T) {
		d := newSurgeDetector(opt)
		d.Seed(1, 10, start) // 10 a window in the history
		// 1 a minute (10 a window) for 6 hours.
		if got := feed(d, start, repeat(1, 360)); len(got) != 0 {
			t.Errorf("steady traffic raised %v", kinds(got))
		}
	})
	t.Run("ColdStartBelowMinNone", func(t *testing.T) {
		d := newSurgeDetector(opt)
		// No history: 5 a window for 6 hours stays under Min.
		traffic := repeat(0, 360)
		for i := range traffic {
			if i%2 == 0 {
				traffic[i] = 1
			}
		}
		if got := feed(d, start, traffic); len(got) != 0 {
			t.Errorf("steady traffic from a cold start raised %v", kinds(got))
		}
	})
	t.Run("BurstRaisesOne", func(t *testing.T) {
		d := newSurgeDetector(opt)
		quiet := repeat(0, 60)
		quiet[5], quiet[25], quiet[45] = 1, 1, 1
		traffic := append(quiet, repeat(20, 30)...) // 200 a window for 3 windows
		got := feed(d, start, traffic)
		if len(got) != 1 || got[0].Over {
			t.Fatalf("burst raised %v, want exactly one surge", kinds(got))
		}
		s := got[0]
		if s.Count < s.Threshold || len(s.Sample) != 3 || s.BrandID != 1 {
			t.Errorf("surge = count %d threshold %d sample %d brand %d", s.Count, s.Threshold, len(s.Sample), s.BrandID)
		}
		// Then quiet: one surge_over, once.
		more := feed(d, start.Add(90*time.Minute), repeat(0, 60))
		if len(more) != 1 || !more[0].Over {
			t.Fatalf("after the burst: %v, want one surge_over", kinds(more))
		}
	})
	t.Run("SecondBurstRaisesSecond", func(t *testing.T) {
		d := newSurgeDetector(opt)
		traffic := append(repeat(0, 30), repeat(20, 20)...)
		traffic = append(traffic, repeat(0, 60)...)
		traffic = append(traffic, repeat(20, 20)...)
		got := kinds(feed(d, start, traffic))
		want := []string{"surge", "over", "surge"}
		if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Errorf("two bursts raised %v, want %v", got, want)
		}
	})
	t.Run("BrandsApart", func(t *testing.T) {
		d := newSurgeDetector(opt)
		now := start
		if got := d.Observe(2, make([]Mention, 50), now); len(got) != 1 {
			t.Fatalf("brand 2 burst: %v", kinds(got))
		}
		if got := d.Observe(1, make([]Mention, 5), now); len(got) != 0 {
			t.Errorf("brand 1 alerted by brand 2's burst: %v", kinds(got))
		}
	})
	t.Run("SlowRampLearnt", func(t *testing.T) {
		d := newSurgeDetector(opt)
		// From 1 to 3 a window over a day: never a surge.
		var traffic []int
		for i := range 24 * 60 {
			if i%(10/(1+i/(8*60))+1) == 0 {
				traffic = append(traffic, 1)
			} else {
				traffic = append(traffic, 0)
			}
		}
		if got := feed(d, start, traffic); len(got) != 0 {
			t.Errorf("slow ramp raised %v", kinds(got))
		}
	})
}
