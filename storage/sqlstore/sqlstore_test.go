package sqlstore

import (
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestWindow(t *testing.T) {
	t0 := time.UnixMilli(1_700_000_000_000).UTC()
	tests := []struct {
		name         string
		since, until time.Time
		lo, hi       int64
	}{
		{"OK whole milliseconds", t0, t0.Add(time.Hour), t0.UnixMilli(), t0.UnixMilli() + HourMS},
		{"OK until inside a millisecond counts it", t0, t0.Add(time.Millisecond + time.Microsecond), t0.UnixMilli(), t0.UnixMilli() + 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lo, hi := Window(tt.since, tt.until)
			if lo != tt.lo || hi != tt.hi {
				t.Errorf("Window = [%d, %d), want [%d, %d)", lo, hi, tt.lo, tt.hi)
			}
		})
	}
}

func TestFloorDiv(t *testing.T) {
	for _, tt := range []struct{ a, b, want int64 }{{7, 2, 3}, {-7, 2, -4}, {-8, 2, -4}, {0, 5, 0}, {7, -2, -4}} {
		if got := floorDiv(tt.a, tt.b); got != tt.want {
			t.Errorf("floorDiv(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestLists(t *testing.T) {
	if got := SplitList(""); got != nil {
		t.Errorf(`SplitList("") = %q, want nil`, got)
	}
	in := []string{"hn", "rss", "a b"}
	if got := SplitList(JoinList(in)); !cmp.Equal(got, in) {
		t.Errorf("SplitList(JoinList(%q)) = %q", in, got)
	}
}

func TestRollup(t *testing.T) {
	r := NewRollup()
	found := 3*DayMS + 5*HourMS + 7
	r.Mention(1, found, "new", "hn", "Ann", 1)
	r.Mention(1, found-1, "new", "hn", "Ann", 1)
	r.Count(1, found, "new", "hn", -1)
	r.Author(1, found, "", 1) // no author: nothing
	want := &Rollup{
		Counts: map[CountKey]int{
			{HourMS, 1, 3*24 + 5, "new", "hn"}: 1,
			{DayMS, 1, 3, "new", "hn"}:         1,
		},
		Authors: map[AuthorKey]*AuthorDelta{{1, 3, "Ann"}: {FirstAt: found - 1, N: 2}},
	}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("Rollup (-want +got):\n%s", diff)
	}
}

func TestReadMigrations(t *testing.T) {
	fsys := fstest.MapFS{
		"migrations/0010_b.sql": {Data: []byte("B")},
		"migrations/0002_a.sql": {Data: []byte("A")},
	}
	got, err := ReadMigrations(fsys)
	want := []Migration{{2, "0002_a.sql", "A"}, {10, "0010_b.sql", "B"}}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("ReadMigrations = %v, %v; want %v", got, err, want)
	}
	t.Run("ErrBadName", func(t *testing.T) {
		fsys["migrations/init.sql"] = &fstest.MapFile{Data: []byte("C")}
		if _, err := ReadMigrations(fsys); err == nil {
			t.Error("ReadMigrations with a file not numbered: no error")
		}
	})
}

func TestMS(t *testing.T) {
	if MS(time.Time{}) != 0 || !FromMS(0).IsZero() {
		t.Errorf("the zero time: MS = %d, FromMS(0) = %v; want 0 and the zero time", MS(time.Time{}), FromMS(0))
	}
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	if got := FromMS(MS(at)); !got.Equal(at) || got.Location() != time.UTC {
		t.Errorf("FromMS(MS(%v)) = %v, want the same instant in UTC", at, got)
	}
}
