package mentions

import (
	"testing"
	"time"
)

func TestWindowSet(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	t.Run("OK", func(t *testing.T) {
		w := newWindowSet(10*time.Minute, 10, 1024)
		const a, b = 0xA000_0000_0000_0001, 0xA000_0000_0000_0002 // one probe run
		w.add(t0, a)
		w.add(t0.Add(time.Minute), a)
		w.add(t0.Add(time.Minute), b)
		if got := w.count(t0.Add(2*time.Minute), a); got != 2 {
			t.Errorf("count(a) = %d, want 2", got)
		}
		n := 0
		w.each(t0.Add(2*time.Minute), a, ^uint64(0xFF), func(uint64) { n++ })
		if n != 3 {
			t.Errorf("each under the mask saw %d, want 3", n)
		}
		if !w.hasNow(t0.Add(time.Minute+time.Second), b) || w.hasNow(t0.Add(2*time.Minute), b) {
			t.Error("hasNow does not look at the current slice only")
		}
		// 10 minutes on, the slice of t0 has left the window; the
		// minute after it has not.
		if got := w.count(t0.Add(10*time.Minute), a); got != 1 {
			t.Errorf("count(a) 10 minutes on = %d, want 1", got)
		}
		if got := w.count(t0.Add(11*time.Minute), a); got != 0 {
			t.Errorf("count(a) 11 minutes on = %d, want 0", got)
		}
	})
	t.Run("Bounded", func(t *testing.T) {
		w := newWindowSet(10*time.Minute, 10, 1024)
		for i := range 200_000 {
			w.add(t0.Add(time.Duration(i)*5*time.Millisecond), uint64(i)*0x9E3779B97F4A7C15|1)
		}
		if got, most := w.bytes(), 10*1024*8; got > most {
			t.Errorf("%d bytes held, want at most %d", got, most)
		}
		if w.overflow == 0 {
			t.Error("200,000 fingerprints in 1,000 s fit in 10 slices of 768: none refused")
		}
		if got := w.held(t0.Add(999 * time.Second)); got > 10*768 {
			t.Errorf("%d fingerprints held, want at most %d", got, 10*768)
		}
	})
}
