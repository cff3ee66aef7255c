package mentions

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Seen is the cursor of a source that searches by time (hn, reddit):
// the newest creation time seen and the ids of the items created within
// an overlap before it. A search index receives some items late, so each
// poll looks again from Since(overlap) and skips the ids Seen holds.
//
// Times are kept to the second (the sources' own resolution); the zero
// Seen has seen nothing. Its stored form (String, ReadSeen) is JSON:
// {"newest":UNIX,"seen":{"ID":UNIX,...}}. A Seen is not safe for
// concurrent use; a source makes one per poll.
type Seen struct {
	newest int64            // unix seconds; 0 when nothing was seen
	ids    map[string]int64 // id → its creation time, unix seconds
}

// seenJSON is the stored form of Seen.
type seenJSON struct {
	Newest int64            `json:"newest,omitempty"`
	Seen   map[string]int64 `json:"seen,omitempty"`
}

// ReadSeen reads a cursor String made. "" and a cursor that does not
// decode (damaged, or from another version) give the zero Seen: the
// source starts over, some items may come again (the pipeline dedupes
// them), none is lost and no poll fails for it. Ids with a time after
// the newest, or not positive, are dropped.
func ReadSeen(s string) Seen {
	var j seenJSON
	if s == "" || json.Unmarshal([]byte(s), &j) != nil || j.Newest < 0 {
		return Seen{}
	}
	c := Seen{newest: j.Newest}
	for id, at := range j.Seen {
		if at > 0 && at <= j.Newest {
			c.add(id, at)
		}
	}
	return c
}

// String returns the stored form of c, which ReadSeen reads back.
func (c Seen) String() string {
	b, _ := json.Marshal(seenJSON{Newest: c.newest, Seen: c.ids}) // int64s and strings always marshal
	return string(b)
}

// Newest is the newest creation time seen, to the second; the zero time
// when nothing was.
func (c Seen) Newest() time.Time {
	if c.newest == 0 {
		return time.Time{}
	}
	return time.Unix(c.newest, 0).UTC()
}

// Since is where a poll looks from: overlap before the newest time seen.
// Only items created after it can be new. The Unix epoch when nothing
// was seen.
func (c Seen) Since(overlap time.Duration) time.Time {
	return time.Unix(c.floor(overlap), 0).UTC()
}

// floor is Since in unix seconds.
func (c Seen) floor(overlap time.Duration) int64 {
	if c.newest == 0 {
		return 0
	}
	return c.newest - int64(overlap/time.Second)
}

// Has reports whether id was added.
func (c Seen) Has(id string) bool {
	_, ok := c.ids[id]
	return ok
}

// Len is how many ids c holds.
func (c Seen) Len() int { return len(c.ids) }

// Add records that id, created at at (after the Unix epoch), was seen,
// moves the newest time forward to at when it is later, and reports
// whether id is new (it was not added before). An id added again keeps
// its first time.
func (c *Seen) Add(id string, at time.Time) bool {
	return c.add(id, at.Unix())
}

func (c *Seen) add(id string, at int64) bool {
	c.newest = max(c.newest, at)
	if _, ok := c.ids[id]; ok {
		return false
	}
	if c.ids == nil {
		c.ids = map[string]int64{}
	}
	c.ids[id] = at
	return true
}

// Clamp keeps Since from running ahead of latest (a source passes its
// clock's now plus the skew it tolerates): a newest time after latest
// becomes latest. Without it one item dated in the future, or a damaged
// cursor, would move Since past every item yet to come and the source
// would find nothing again. The ids stay: an item from the future that
// is found again is still not new.
func (c *Seen) Clamp(latest time.Time) {
	c.newest = min(c.newest, max(latest.Unix(), 0))
}

// Trim forgets the ids created at or before Since(overlap), then all but
// the newest limit of the others (ties kept by id, in order). The
// newest time stays.
func (c *Seen) Trim(overlap time.Duration, limit int) {
	floor := c.floor(overlap)
	type entry struct {
		id string
		at int64
	}
	kept := make([]entry, 0, len(c.ids))
	for id, at := range c.ids {
		if at > floor {
			kept = append(kept, entry{id, at})
		}
	}
	if len(kept) > limit {
		slices.SortFunc(kept, func(a, b entry) int {
			return cmp.Or(cmp.Compare(b.at, a.at), strings.Compare(a.id, b.id))
		})
		kept = kept[:max(limit, 0)]
	}
	if len(kept) == len(c.ids) {
		return
	}
	c.ids = make(map[string]int64, len(kept))
	for _, e := range kept {
		c.ids[e.id] = e.at
	}
}

// SortNewestFirst sorts items by Published, newest first, then by
// ExternalID: the order searching sources return a batch in.
func SortNewestFirst(items []Item) {
	slices.SortFunc(items, func(a, b Item) int {
		return cmp.Or(b.Published.Compare(a.Published), strings.Compare(a.ExternalID, b.ExternalID))
	})
}
