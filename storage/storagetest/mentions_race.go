package storagetest

import (
	"sync/atomic"
	"testing"
)

// testDigestRace: processes sending the same day's digest at once (on
// several replicas) — exactly one marks it and sends it.
func testDigestRace(t *testing.T, open func(*testing.T) MentionsStore) {
	s := open(t)
	b := mustBrand(t, s, "Acme", alice)
	for _, day := range []string{"2026-03-02", "2026-03-03"} {
		prev := ""
		if day == "2026-03-03" {
			prev = "2026-03-02"
		}
		var won atomic.Int32
		n := raceN(6, func() error {
			ok, err := s.MarkDigest(t.Context(), b.ID, prev, day)
			if ok {
				won.Add(1)
			}
			return err
		})
		if n != 6 || won.Load() != 1 {
			t.Errorf("MarkDigest(%s) by 6 at once: %d won, %d without error; want 1 winner, no error", day, won.Load(), n)
		}
	}
	if st, err := s.Settings(t.Context(), b.ID); err != nil || st.LastDigest != "2026-03-03" {
		t.Errorf("Settings after the digests = %+v, %v", st, err)
	}
}
