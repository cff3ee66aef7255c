package mentions

import (
	"math/bits"
	"time"
)

// windowSet remembers 64-bit fingerprints seen within a sliding window, in
// bounded memory: the window is cut into slices, each a hash table of
// fingerprints (open addressing, linear probing, duplicates kept) that
// grows with its traffic up to maxSlots and is cleared when its slice
// falls out of the window. A look-up at now sees the current slice and
// the slices-1 before it, so the window it covers is between
// (slices-1)/slices and the whole of the configured window: an event at
// the window's far edge may be forgotten early, never remembered late.
// When a slice's table is full, further fingerprints of that slice are
// not recorded (counted in overflow): under a load beyond what it was
// sized for, the set forgets (lets spam through) rather than grows.
//
// Fingerprints are never 0 (0 marks an empty slot). Not safe for
// concurrent use: the spam filter holds its lock.
type windowSet struct {
	slice    time.Duration
	maxSlots int // per slice, a power of two
	tables   []fpTable
	overflow uint64 // fingerprints not recorded because a table was full
}

// fpTable is one slice's fingerprints.
type fpTable struct {
	epoch int64 // the slice's index (time / slice); meaningful when slots != nil
	n     int   // fingerprints held
	slots []uint64
}

// minSlots is a slice's first table size.
const minSlots = 256

// newWindowSet returns a set over window cut into slices slices, each
// holding at most maxSlots fingerprints' slots (rounded up to a power of
// two); 3/4 of them are used at most.
func newWindowSet(window time.Duration, slices, maxSlots int) *windowSet {
	slice := max(window/time.Duration(slices), time.Nanosecond)
	maxSlots = max(1<<bits.Len(uint(maxSlots-1)), minSlots)
	return &windowSet{slice: slice, maxSlots: maxSlots, tables: make([]fpTable, slices)}
}

// epoch is the index of the slice holding now.
func (w *windowSet) epoch(now time.Time) int64 {
	return now.UnixNano() / int64(w.slice)
}

// live returns the table of epoch e if it holds that slice's fingerprints.
func (w *windowSet) live(e int64) *fpTable {
	t := &w.tables[int(uint64(e)%uint64(len(w.tables)))]
	if t.slots == nil || t.epoch != e {
		return nil
	}
	return t
}

// each calls fn with every fingerprint v of the window at now such that
// v&mask == fp&mask, once per time it was added. The bits mask keeps must
// include the top bits that place a fingerprint in its table (the top 20
// at least), so that fingerprints alike under mask share a probe run.
func (w *windowSet) each(now time.Time, fp, mask uint64, fn func(v uint64)) {
	cur := w.epoch(now)
	for e := cur - int64(len(w.tables)) + 1; e <= cur; e++ {
		t := w.live(e)
		if t == nil {
			continue
		}
		size := uint64(len(t.slots))
		for i := fp >> (64 - bits.TrailingZeros64(size)); ; i = (i + 1) & (size - 1) {
			v := t.slots[i]
			if v == 0 {
				break
			}
			if v&mask == fp&mask {
				fn(v)
			}
		}
	}
}

// count reports how many times fp was added within the window at now.
func (w *windowSet) count(now time.Time, fp uint64) int {
	n := 0
	w.each(now, fp, ^uint64(0), func(uint64) { n++ })
	return n
}

// hasNow reports whether fp was added in the slice of now.
func (w *windowSet) hasNow(now time.Time, fp uint64) bool {
	t := w.live(w.epoch(now))
	if t == nil {
		return false
	}
	size := uint64(len(t.slots))
	for i := fp >> (64 - bits.TrailingZeros64(size)); t.slots[i] != 0; i = (i + 1) & (size - 1) {
		if t.slots[i] == fp {
			return true
		}
	}
	return false
}

// add records fp (not 0) at now, in the slice of now; false when that
// slice's table is full.
func (w *windowSet) add(now time.Time, fp uint64) bool {
	e := w.epoch(now)
	t := &w.tables[int(uint64(e)%uint64(len(w.tables)))]
	if t.slots == nil || t.epoch != e {
		t.reset(e)
	}
	if (t.n+1)*4 > len(t.slots)*3 {
		if len(t.slots) >= w.maxSlots {
			w.overflow++
			return false
		}
		t.grow()
	}
	t.put(fp)
	return true
}

// reset empties t for the slice e, keeping its memory.
func (t *fpTable) reset(e int64) {
	if t.slots == nil {
		t.slots = make([]uint64, minSlots)
	} else if t.n > 0 {
		clear(t.slots)
	}
	t.epoch, t.n = e, 0
}

// grow doubles t's slots.
func (t *fpTable) grow() {
	old := t.slots
	t.slots, t.n = make([]uint64, 2*len(old)), 0
	for _, v := range old {
		if v != 0 {
			t.put(v)
		}
	}
}

// put stores v in the first empty slot of its probe run.
func (t *fpTable) put(v uint64) {
	size := uint64(len(t.slots))
	i := v >> (64 - bits.TrailingZeros64(size))
	for t.slots[i] != 0 {
		i = (i + 1) & (size - 1)
	}
	t.slots[i] = v
	t.n++
}

// held is how many fingerprints the tables of the window at now hold.
func (w *windowSet) held(now time.Time) int {
	n := 0
	cur := w.epoch(now)
	for e := cur - int64(len(w.tables)) + 1; e <= cur; e++ {
		if t := w.live(e); t != nil {
			n += t.n
		}
	}
	return n
}

// bytes is the memory the tables hold now (their slots).
func (w *windowSet) bytes() int {
	n := 0
	for i := range w.tables {
		n += 8 * len(w.tables[i].slots)
	}
	return n
}
