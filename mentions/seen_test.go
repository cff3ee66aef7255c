package mentions

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSeen(t *testing.T) {
	const overlap = 10 * time.Second
	type add struct {
		id  string
		at  int64
		new bool // what Add must report
	}
	tests := []struct {
		name   string
		cursor string // read with ReadSeen first
		adds   []add
		limit  int    // Trim(overlap, limit) after the adds; 0: no Trim
		since  int64  // Since(overlap), before the adds
		want   string // String() at the end
		has    []string
		hasNot []string
	}{
		{name: "OKEmpty", since: 0, want: `{}`},
		{
			name:  "OKFirstPoll",
			adds:  []add{{"a", 100, true}, {"b", 95, true}, {"a", 100, false}},
			since: 0, want: `{"newest":100,"seen":{"a":100,"b":95}}`,
			has: []string{"a", "b"}, hasNot: []string{"c"},
		},
		{
			name:   "OKResume",
			cursor: `{"newest":100,"seen":{"a":100,"b":95}}`,
			adds:   []add{{"a", 100, false}, {"c", 100, true}, {"d", 104, true}},
			limit:  10,
			since:  90, want: `{"newest":104,"seen":{"a":100,"b":95,"c":100,"d":104}}`,
			has: []string{"a", "b", "c", "d"},
		},
		{
			name:   "OKTrimOverlap",
			cursor: `{"newest":101,"seen":{"a":101,"b":95,"old":90}}`,
			adds:   []add{{"e", 110, true}},
			limit:  10,
			since:  91, want: `{"newest":110,"seen":{"a":101,"e":110}}`, // b at 95 and old at 90 are not after 110-10
			hasNot: []string{"b", "old"},
		},
		{
			name:   "OKTrimLimitKeepsNewest",
			cursor: `{"newest":100,"seen":{"a":100,"b":99,"c":99,"d":98}}`,
			limit:  3,
			since:  90, want: `{"newest":100,"seen":{"a":100,"b":99,"c":99}}`,
		},
		{
			name:   "OKTrimLimitZero",
			cursor: `{"newest":100,"seen":{"a":100}}`,
			limit:  -1,
			since:  90, want: `{"newest":100}`,
		},
		{
			name:   "OKIDLaterThanNewestDropped",
			cursor: `{"newest":100,"seen":{"a":100,"future":5000000000,"neg":-3}}`,
			since:  90, want: `{"newest":100,"seen":{"a":100}}`,
		},
		{name: "ErrDamagedStartsOver", cursor: `{"newest":`, want: `{}`},
		{name: "ErrWrongTypesStartsOver", cursor: `{"newest":"x","seen":[1]}`, want: `{}`},
		{name: "ErrNegativeNewestStartsOver", cursor: `{"newest":-5,"seen":{"a":-6}}`, want: `{}`},
		{name: "ErrNotJSONStartsOver", cursor: `etag-123`, want: `{}`},
		{name: "ErrOtherCursorStartsOver", cursor: `{"t":"2026-12-01T09:00:00Z","uris":["at://x"]}`, want: `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ReadSeen(tt.cursor)
			if got := c.Since(overlap).Unix(); got != tt.since {
				t.Errorf("Since = %d, want %d", got, tt.since)
			}
			for _, a := range tt.adds {
				if got := c.Add(a.id, time.Unix(a.at, 0)); got != a.new {
					t.Errorf("Add(%q, %d) = %v, want %v", a.id, a.at, got, a.new)
				}
			}
			if tt.limit != 0 {
				c.Trim(overlap, max(tt.limit, 0))
			}
			if got := c.String(); got != tt.want {
				t.Errorf("String = %s, want %s", got, tt.want)
			}
			for _, id := range tt.has {
				if !c.Has(id) {
					t.Errorf("Has(%q) = false", id)
				}
			}
			for _, id := range tt.hasNot {
				if c.Has(id) {
					t.Errorf("Has(%q) = true", id)
				}
			}
			if again := ReadSeen(c.String()); again.String() != c.String() {
				t.Errorf("round trip: %s, want %s", again, c)
			}
		})
	}
}

func TestSeenNewest(t *testing.T) {
	var c Seen
	if !c.Newest().IsZero() || c.Len() != 0 {
		t.Errorf("zero Seen: Newest %v, Len %d", c.Newest(), c.Len())
	}
	c.Add("a", time.Date(2026, 12, 1, 9, 0, 0, 999, time.UTC))
	c.Add("b", time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	if want := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC); !c.Newest().Equal(want) || c.Len() != 2 {
		t.Errorf("Newest %v, Len %d; want %v, 2 (to the second)", c.Newest(), c.Len(), want)
	}
}

// TestSeenTrimBounded: many ids in the window are cut to the limit, the
// newest kept, and one older than the window is forgotten.
func TestSeenTrimBounded(t *testing.T) {
	const limit = 500
	c := ReadSeen(`{"newest":1000049,"seen":{"ancient":5}}`)
	for i := range limit + 100 {
		c.Add(strconv.Itoa(i), time.Unix(1_000_000+int64(i%50), 0))
	}
	c.Trim(10*time.Minute, limit)
	if c.Len() != limit {
		t.Errorf("kept %d, want %d", c.Len(), limit)
	}
	if c.Has("ancient") {
		t.Error("kept an id older than the overlap")
	}
	for i := 49; i < limit+100; i += 50 {
		if !c.Has(strconv.Itoa(i)) {
			t.Errorf("dropped %d, one of the newest", i)
		}
	}
}

func TestSortNewestFirst(t *testing.T) {
	at := func(s int64) time.Time { return time.Unix(s, 0).UTC() }
	items := []Item{
		{ExternalID: "b", Published: at(10)},
		{ExternalID: "z", Published: at(30)},
		{ExternalID: "a", Published: at(10)},
		{ExternalID: "u"},
	}
	SortNewestFirst(items)
	var got []string
	for _, it := range items {
		got = append(got, it.ExternalID)
	}
	if diff := cmp.Diff([]string{"z", "a", "b", "u"}, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

// FuzzReadSeen: any cursor reads without panicking, into a Seen whose
// String reads back to itself and whose ids are no later than its newest.
func FuzzReadSeen(f *testing.F) {
	f.Add(`{"newest":100,"seen":{"a":100,"b":95}}`)
	f.Add(`{"newest":1,"seen":{"":1}}`)
	f.Add(`{"seen":{"a":9223372036854775807}}`)
	f.Add(`{"newest":-1}`)
	f.Add(`null`)
	f.Add(``)
	f.Fuzz(func(t *testing.T, s string) {
		c := ReadSeen(s)
		out := c.String()
		if again := ReadSeen(out).String(); again != out {
			t.Fatalf("ReadSeen(%q) = %s, read back as %s", s, out, again)
		}
		for id, at := range c.ids {
			if at <= 0 || at > c.newest {
				t.Errorf("id %q at %d with newest %d", id, at, c.newest)
			}
		}
		c.Trim(time.Minute, 3)
		if c.Len() > 3 {
			t.Errorf("Trim kept %d", c.Len())
		}
	})
}

func TestSeenClamp(t *testing.T) {
	const overlap = 10 * time.Second
	tests := []struct {
		name   string
		cursor string
		latest int64
		since  int64 // Since(overlap) after Clamp
		newest int64 // Newest after Clamp
	}{
		{"OKBehind", `{"newest":100,"seen":{"a":100}}`, 200, 90, 100},
		{"OKEqual", `{"newest":100,"seen":{"a":100}}`, 100, 90, 100},
		{"OKAhead", `{"newest":5000,"seen":{"a":100,"f":5000}}`, 200, 190, 200},
		{"OKEmpty", ``, 200, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ReadSeen(tt.cursor)
			n := c.Len()
			c.Clamp(time.Unix(tt.latest, 0))
			if got := c.Since(overlap).Unix(); got != tt.since {
				t.Errorf("Since = %d, want %d", got, tt.since)
			}
			if got := c.Newest().Unix(); tt.newest != 0 && got != tt.newest {
				t.Errorf("Newest = %d, want %d", got, tt.newest)
			}
			if c.Len() != n {
				t.Errorf("Clamp dropped ids: %d, had %d", c.Len(), n)
			}
		})
	}
}
