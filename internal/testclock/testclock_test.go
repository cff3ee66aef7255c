package testclock_test

import (
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/testclock"
)

var _ herald.Clock = (*testclock.Clock)(nil)

var start = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func TestClock(t *testing.T) {
	tests := []struct {
		name string
		do   func(c *testclock.Clock)
		want []time.Time // what successive Now calls tell
	}{
		{"OKStill", func(*testclock.Clock) {}, []time.Time{start, start}},
		{"OKAdvance", func(c *testclock.Clock) { c.Advance(90 * time.Second) }, []time.Time{start.Add(90 * time.Second)}},
		{"OKAdvanceBack", func(c *testclock.Clock) { c.Advance(-time.Hour) }, []time.Time{start.Add(-time.Hour)}},
		{"OKSet", func(c *testclock.Clock) { c.Advance(time.Hour); c.Set(start.Add(time.Minute)) }, []time.Time{start.Add(time.Minute)}},
		{"OKStep", func(c *testclock.Clock) { c.Step(time.Second) }, []time.Time{start, start.Add(time.Second), start.Add(2 * time.Second)}},
		{"OKStepOff", func(c *testclock.Clock) { c.Step(time.Second); c.Now(); c.Step(0) }, []time.Time{start.Add(time.Second), start.Add(time.Second)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testclock.New(start)
			tt.do(c)
			for i, want := range tt.want {
				if got := c.Now(); !got.Equal(want) {
					t.Errorf("Now #%d = %v, want %v", i+1, got, want)
				}
			}
		})
	}
}

// TestClockConcurrent: Advance and Now from many goroutines lose no move
// (run with -race).
func TestClockConcurrent(t *testing.T) {
	c := testclock.New(start)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				c.Advance(time.Millisecond)
				c.Now()
			}
		})
	}
	wg.Wait()
	if got, want := c.Now(), start.Add(800*time.Millisecond); !got.Equal(want) {
		t.Errorf("Now = %v, want %v", got, want)
	}
}
