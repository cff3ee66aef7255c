package media_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/local"
	"github.com/heraldhq/herald/media/mediatest"
)

// fakeRefs is the storage's side of the sweeper: the sums revisions refer
// to.
type fakeRefs struct {
	used  map[string]bool
	asked chan []string
	err   error
}

func (f *fakeRefs) MediaReferenced(ctx context.Context, sums []string) (map[string]bool, error) {
	if f.asked != nil {
		f.asked <- sums
	}
	out := map[string]bool{}
	for _, s := range sums {
		if f.used[s] {
			out[s] = true
		}
	}
	return out, f.err
}

func putAged(t *testing.T, st *local.Store, data string, at time.Time) string {
	t.Helper()
	sum := mediatest.Sum([]byte(data))
	if err := st.Put(context.Background(), sum, bytes.NewReader([]byte(data)), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Join(st.Dir, sum[:2], sum[2:4], sum), at, at); err != nil {
		t.Fatal(err)
	}
	return sum
}

func exists(st media.Store, sum string) bool {
	b, err := st.Open(context.Background(), sum)
	if err == nil {
		b.Close()
	}
	return err == nil
}

func TestSweep(t *testing.T) {
	now := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	clock := testclock.New(now)
	st, _ := local.Open(t.TempDir())
	orphan := putAged(t, st, "orphan", now.Add(-8*24*time.Hour))
	used := putAged(t, st, "used", now.Add(-30*24*time.Hour))
	young := putAged(t, st, "young", now.Add(-6*24*time.Hour))
	refs := &fakeRefs{used: map[string]bool{used: true}}
	sw := &media.Sweeper{Store: st, Refs: refs, Clock: clock}
	n, err := sw.Sweep(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v; want 1 removed", n, err)
	}
	if exists(st, orphan) || !exists(st, used) || !exists(st, young) {
		t.Errorf("after the sweep: orphan %v, used %v, young %v; want false true true", exists(st, orphan), exists(st, used), exists(st, young))
	}
	clock.Advance(2 * 24 * time.Hour) // young is now 8 days old
	if n, _ := sw.Sweep(context.Background()); n != 1 || exists(st, young) {
		t.Errorf("second sweep removed %d; young still there: %v", n, exists(st, young))
	}
}

func TestSweepKeepsAllWhenStorageFails(t *testing.T) {
	now := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	st, _ := local.Open(t.TempDir())
	old := putAged(t, st, "old", now.Add(-9*24*time.Hour))
	sw := &media.Sweeper{Store: st, Refs: &fakeRefs{err: errors.New("database is locked")}, Clock: testclock.New(now)}
	if _, err := sw.Sweep(context.Background()); err == nil {
		t.Error("Sweep hid the storage's error")
	}
	if !exists(st, old) {
		t.Error("removed an item while the storage could not tell its references")
	}
}

func TestSweeperRunsOnEveryTick(t *testing.T) {
	now := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	st, _ := local.Open(t.TempDir())
	refs := &fakeRefs{asked: make(chan []string)}
	sw := &media.Sweeper{Store: st, Refs: refs, Clock: testclock.New(now)}
	ctx, cancel := context.WithCancel(context.Background())
	tick := make(chan time.Time)
	done := make(chan error)
	putAged(t, st, "first", now.Add(-8*24*time.Hour))
	go func() { done <- sw.Run(ctx, tick) }()
	if got := <-refs.asked; len(got) != 1 {
		t.Fatalf("first sweep asked about %d sums", len(got))
	}
	putAged(t, st, "second", now.Add(-8*24*time.Hour))
	tick <- now
	if got := <-refs.asked; len(got) != 1 {
		t.Fatalf("second sweep asked about %d sums, want the new one", len(got))
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// raceRefs answers MediaReferenced as fakeRefs does, after running
// meanwhile: what happens between the sweeper's question and its removal.
type raceRefs struct {
	fakeRefs
	meanwhile func()
}

func (r *raceRefs) MediaReferenced(ctx context.Context, sums []string) (map[string]bool, error) {
	used, err := r.fakeRefs.MediaReferenced(ctx, sums)
	if r.meanwhile != nil {
		r.meanwhile()
		r.meanwhile = nil
	}
	return used, err
}

// An old orphan added again while the sweeper runs (the same bytes, whose
// new revision is about to refer to them) is kept: the sweeper asks the
// store once more before removing, so no revision is left pointing at
// bytes that are gone. The other old orphan goes.
func TestSweepKeepsItemStoredAgain(t *testing.T) {
	now := time.Now()
	clock := testclock.New(now)
	st, _ := local.Open(t.TempDir())
	again := putAged(t, st, "added again", now.Add(-9*24*time.Hour))
	orphan := putAged(t, st, "orphan", now.Add(-9*24*time.Hour))
	refs := &raceRefs{fakeRefs: fakeRefs{used: map[string]bool{}}, meanwhile: func() {
		if err := st.Put(context.Background(), again, bytes.NewReader([]byte("added again")), int64(len("added again"))); err != nil {
			t.Error(err)
		}
	}}
	n, err := (&media.Sweeper{Store: st, Refs: refs, Clock: clock}).Sweep(context.Background())
	if err != nil || n != 1 || !exists(st, again) || exists(st, orphan) {
		t.Errorf("Sweep = %d, %v; the item added again kept %v, the orphan kept %v; want 1, the first kept, the second removed", n, err, exists(st, again), exists(st, orphan))
	}
}
