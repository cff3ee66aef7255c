package mentions

import (
	"context"
	"sort"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions/query"
)

// Count is one row of a summary's ranking.
type Count struct {
	Key string
	N   int
}

// Summary is a brand's listening over a period: `mentions today|week` and
// the daily digest.
type Summary struct {
	BrandID    int64
	Since      time.Time
	Until      time.Time
	Total      int
	ByState    map[State]int
	BySource   []Count // by source label, most first
	TopAuthors []Count // most first, at most SummaryTop
	Unhandled  int     // new or claimed, among Total
	Newest     []Mention
}

// SummaryTop bounds the rankings and the newest unhandled mentions of a
// Summary.
const SummaryTop = 5

// Tally is what the store counts of a brand's mentions over a period, as
// stored: summarize folds and ranks it into a Summary.
type Tally struct {
	ByState  map[State]int
	BySource map[string]int // by source label
	Authors  []Count        // by author as spelt, in the order first read (only those that can rank: see Store.Tally)
	Newest   []Mention      // the newest unhandled, newest first
}

// Summary counts the brand's mentions found since since (until now):
// `mentions today|week`.
func (s *Service) Summary(ctx context.Context, actor herald.Actor, brand herald.Brand, since time.Time) (Summary, error) {
	if err := s.require(ctx, actor, brand.ID, permRead); err != nil {
		return Summary{}, err
	}
	return s.summary(ctx, brand.ID, since, s.now().Add(time.Nanosecond))
}

// summary counts the brand's mentions found in [since, until).
func (s *Service) summary(ctx context.Context, brandID int64, since, until time.Time) (Summary, error) {
	t, err := s.store.Tally(ctx, brandID, since, until, SummaryTop)
	if err != nil {
		return Summary{BrandID: brandID, Since: since, Until: until, ByState: map[State]int{}}, err
	}
	return summarize(brandID, since, until, t), nil
}

// summarize makes a tally a Summary: totals, the sources ranked, and the
// authors folded (query.NormalizeAuthor: "Ann" and "@ann" are one author, shown
// as first spelt) and ranked, at most SummaryTop.
func summarize(brandID int64, since, until time.Time, t Tally) Summary {
	sum := Summary{BrandID: brandID, Since: since, Until: until, ByState: t.ByState, Newest: t.Newest}
	if sum.ByState == nil {
		sum.ByState = map[State]int{}
	}
	for st, n := range sum.ByState {
		sum.Total += n
		if st.Unhandled() {
			sum.Unhandled += n
		}
	}
	sum.BySource = ranking(t.BySource, nil, 0)
	byAuthor, names := map[string]int{}, map[string]string{} // folded author → count, first spelling
	for _, a := range t.Authors {
		k := query.NormalizeAuthor(a.Key)
		if _, ok := names[k]; !ok {
			names[k] = a.Key
		}
		byAuthor[k] += a.N
	}
	sum.TopAuthors = ranking(byAuthor, names, SummaryTop)
	return sum
}

// ranking orders counts, most first then by key, at most top (0: all);
// a key with a name in names is shown by it.
func ranking(counts map[string]int, names map[string]string, top int) []Count {
	out := make([]Count, 0, len(counts))
	for k, n := range counts {
		if name, ok := names[k]; ok {
			k = name
		}
		out = append(out, Count{Key: k, N: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Key < out[j].Key
	})
	if top > 0 && len(out) > top {
		out = out[:top]
	}
	return out
}
