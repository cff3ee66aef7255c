package storagetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/mentions/query"
)

// testTallyAgrees checks that Tally (which may read rollups kept beside
// the mentions) agrees with a full count of the mentions, over periods
// that start and end anywhere (inside an hour, on an hour, across days,
// in the future), after new mentions, merges (a new mention whose key is
// taken, a mention seen again on another source) and state changes.
func testTallyAgrees(t *testing.T, open func(*testing.T) MentionsStore) {
	s := open(t)
	acme := mustBrand(t, s, "Acme", alice)
	globex := mustBrand(t, s, "Globex", bob)
	r := rand.New(rand.NewPCG(14, 9))
	authors := []string{"Ann", "@ann", "ann", "Ben", "u/ben", "Cy", "Dee", ""}
	sources := []string{"hn", "reddit", "rss:x.com", "webhook"}
	start := t0.Add(-72 * time.Hour)
	var urls []string
	for batch := range 6 {
		for _, b := range []herald.Brand{acme, globex} {
			c := &mentions.Commit{BrandID: b.ID, At: t0}
			for i := range 40 {
				url := fmt.Sprintf("https://e.com/%d/%d/%d", b.ID, batch, i)
				author := authors[r.IntN(len(authors))]
				if r.IntN(2) == 0 { // a long tail of authors, a few of them frequent
					author = fmt.Sprintf("user%d", int(60*r.Float64()*r.Float64()))
				}
				m := newMention(b, url, url, author, sources[r.IntN(len(sources))])
				// Distinct times, in any order, over three days and a bit.
				m.FoundAt = start.Add(time.Duration(r.IntN(80*60))*time.Minute + time.Duration(batch*40+i)*time.Millisecond)
				m.State = []mentions.State{mentions.StateNew, mentions.StateNew, mentions.StateClaimed, mentions.StateHandled, mentions.StateIgnored}[r.IntN(5)]
				c.New = append(c.New, mentions.NewMention{Mention: m, Keys: []string{"url:" + url}})
				if b.ID == acme.ID {
					urls = append(urls, url)
				}
			}
			if batch > 0 && b.ID == acme.ID {
				c.New = append(c.New, tallyMerges(r, acme, urls, sources)...)
			}
			if err := s.SaveBatch(t.Context(), c); err != nil {
				t.Fatal(err)
			}
		}
		again := &mentions.Commit{BrandID: acme.ID, At: t0}
		all := mustAllMentions(t, s, acme.ID)
		for _, m := range all[:5] {
			again.Again = append(again.Again, mentions.SeenAgain{ID: m.ID, Source: sources[r.IntN(len(sources))], WatchIDs: []int64{7}})
		}
		if err := s.SaveBatch(t.Context(), again); err != nil {
			t.Fatal(err)
		}
		tallyStateChanges(t, s, r, all)
	}
	checkTallies(t, s, r, acme.ID, start)
}

// tallyMerges returns new mentions whose key an earlier mention holds,
// from another source: SaveBatch merges them into the holder.
func tallyMerges(r *rand.Rand, b herald.Brand, urls, sources []string) []mentions.NewMention {
	var out []mentions.NewMention
	for range 3 {
		url := urls[r.IntN(len(urls))]
		m := newMention(b, url, "again", "Zed", sources[r.IntN(len(sources))])
		m.FoundAt = t0
		out = append(out, mentions.NewMention{Mention: m, Keys: []string{"url:" + url}})
	}
	return out
}

// tallyStateChanges moves a few mentions along the state machine.
func tallyStateChanges(t *testing.T, s MentionsStore, r *rand.Rand, ms []mentions.Mention) {
	t.Helper()
	for range 15 {
		m := ms[r.IntN(len(ms))]
		cur, err := s.Mention(t.Context(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []mentions.Action{mentions.ActClaim, mentions.ActDone, mentions.ActIgnore, mentions.ActReopen} {
			if to, ok := mentions.Next(cur.State, a); ok && r.IntN(2) == 0 {
				cur.State, cur.UpdatedAt = to, t0
				e := mentions.AuditEntry{BrandID: cur.BrandID, MentionID: cur.ID, Action: a, Actor: alice, From: m.State, To: to, At: t0}
				if err := s.ApplyMention(t.Context(), cur, e); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
	}
}

func mustAllMentions(t *testing.T, s MentionsStore, brandID int64) []mentions.Mention {
	t.Helper()
	all, err := s.RecentMentions(t.Context(), brandID, time.Unix(0, 0), 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// fullTally counts ms found in [since, until) as Tally does, without
// Newest: authors as spelt, in the order first found.
func fullTally(ms []mentions.Mention, since, until time.Time) mentions.Tally {
	t := mentions.Tally{ByState: map[mentions.State]int{}, BySource: map[string]int{}}
	var in []mentions.Mention
	for _, m := range ms {
		if !m.FoundAt.Before(since) && m.FoundAt.Before(until) {
			in = append(in, m)
		}
	}
	slices.SortFunc(in, func(a, b mentions.Mention) int { return a.FoundAt.Compare(b.FoundAt) })
	index := map[string]int{}
	for _, m := range in {
		t.ByState[m.State]++
		for _, src := range m.Sources {
			t.BySource[src]++
		}
		if m.Author == "" {
			continue
		}
		i, ok := index[m.Author]
		if !ok {
			i, index[m.Author] = len(t.Authors), len(t.Authors)
			t.Authors = append(t.Authors, mentions.Count{Key: m.Author})
		}
		t.Authors[i].N++
	}
	return t
}

// checkTallies compares Tally with the full count over many periods.
func checkTallies(t *testing.T, s MentionsStore, r *rand.Rand, brandID int64, start time.Time) {
	t.Helper()
	all := mustAllMentions(t, s, brandID)
	day := 24 * time.Hour
	periods := [][2]time.Time{
		{start.Add(-time.Hour), t0.Add(day)},                                          // everything
		{start.Truncate(day), start.Truncate(day).Add(2 * day)},                       // whole days
		{start.Truncate(time.Hour).Add(5 * time.Hour), start.Add(30 * time.Hour)},     // from an hour
		{start.Add(90 * time.Minute), start.Add(90*time.Minute + 20*time.Minute)},     // inside an hour
		{start.Add(23 * time.Hour), start.Add(26 * time.Hour)},                        // across midnight
		{start.Add(47*time.Hour + 7*time.Minute), t0.Add(time.Hour)},                  // to the future
		{start.Add(time.Duration(r.IntN(60)) * time.Hour), t0.Add(-time.Millisecond)}, // a random start
	}
	for range 20 {
		a := start.Add(time.Duration(r.Int64N(int64(80 * time.Hour))))
		periods = append(periods, [2]time.Time{a, a.Add(time.Duration(r.Int64N(int64(50 * time.Hour))))})
	}
	for _, p := range periods {
		got, err := s.Tally(t.Context(), brandID, p[0], p[1], 0)
		if err != nil {
			t.Fatal(err)
		}
		got.Newest = nil
		full := fullTally(all, p[0], p[1])
		if diff := cmp.Diff(full, got, cmpTally); diff != "" {
			t.Errorf("Tally [%s, %s) differs from a full count (-full +tally):\n%s", p[0].Format(time.RFC3339Nano), p[1].Format(time.RFC3339Nano), diff)
		}
		// Asked for the top 5, it may leave out authors that cannot rank.
		top, err := s.Tally(t.Context(), brandID, p[0], p[1], 5)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(topAuthors(full.Authors, 5), topAuthors(top.Authors, 5)); diff != "" {
			t.Errorf("Tally [%s, %s) top 5 authors differ from a full count's (-full +tally):\n%s", p[0].Format(time.RFC3339Nano), p[1].Format(time.RFC3339Nano), diff)
		}
	}
}

// topAuthors folds and ranks authors as summaries do: folded by
// query.NormalizeAuthor, shown as first spelt, most first then by name, at
// most n.
func topAuthors(authors []mentions.Count, n int) []mentions.Count {
	index := map[string]int{}
	var out []mentions.Count
	for _, a := range authors {
		k := query.NormalizeAuthor(a.Key)
		i, ok := index[k]
		if !ok {
			i, index[k] = len(out), len(out)
			out = append(out, mentions.Count{Key: a.Key})
		}
		out[i].N += a.N
	}
	slices.SortFunc(out, func(a, b mentions.Count) int {
		if a.N != b.N {
			return b.N - a.N
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out[:min(n, len(out))]
}

// cmpTally treats empty and missing maps and lists alike.
var cmpTally = cmp.Transformer("tally", func(t mentions.Tally) map[string]any {
	out := map[string]any{}
	for st, n := range t.ByState {
		out["state:"+string(st)] = n
	}
	for src, n := range t.BySource {
		out["source:"+src] = n
	}
	out["authors"] = fmt.Sprint(t.Authors)
	return out
})
