package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/mentions/query"
)

// TallySQL is the SQL text of a store's dialect that Tally runs. Every
// query takes (brand id, from, to) first: milliseconds for the mentions,
// bucket numbers for the rollups.
type TallySQL struct {
	// NoMention selects a row when the brand has a mention found in [from, to).
	NoMention string
	// SumDays and SumHours select (state, sources, n summed as an integer)
	// from mention_day_counts and mention_counts over buckets [from, to),
	// grouped by state and sources.
	SumDays, SumHours string
	// RawCounts selects (state, sources, 1) for each mention found in [from, to).
	RawCounts string
	// RawAuthors selects the non-empty author of each mention found in
	// [from, to), in the order found (found_at, id).
	RawAuthors string
	// DayAuthors selects (author, folded, n) from mention_authors over days
	// [from, to) where n <> 0, by day then first_at; DayAuthorsIn the same
	// for only the folded authors given, with the arguments to add.
	DayAuthors   string
	DayAuthorsIn func(folded []string) (sqlText string, args []any)
	// TopAuthors selects (folded, n summed as an integer) from
	// mention_authors over days [from, to), most first, with a fourth
	// argument as LIMIT.
	TopAuthors string
}

// Window is [since, until) in milliseconds: until is exclusive, so a
// mention found in its millisecond but before it counts.
func Window(since, until time.Time) (lo, hi int64) {
	lo, hi = since.UnixMilli(), until.UnixMilli()
	if until.After(time.UnixMilli(hi)) {
		hi++
	}
	return lo, hi
}

// Tally counts the mentions of the brand found in [lo, hi) per state, per
// source and per author (see tallyAuthors for top), reading the rollups
// for the whole hours and days and the mentions for the rest. It leaves
// Newest to the store. Run it in one read transaction so the figures are
// those of one moment.
func Tally(ctx context.Context, q Querier, d *TallySQL, brandID, lo, hi int64, top int) (mentions.Tally, error) {
	t := mentions.Tally{ByState: map[mentions.State]int{}, BySource: map[string]int{}}
	if err := tallyCounts(ctx, q, d, brandID, lo, hi, &t); err != nil {
		return t, err
	}
	var err error
	t.Authors, err = tallyAuthors(ctx, q, d, brandID, lo, hi, top)
	return t, err
}

// period is [lo, hi) in milliseconds cut at multiples of size: the whole
// buckets [first, last) come from a rollup, the raw parts [lo, first*size)
// and [last*size, hi) from the mentions.
type period struct {
	lo, hi, size, first, last int64
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// cut cuts [lo, hi) into whole buckets of size and raw parts. A bucket
// only partly inside the period is still taken whole when the brand has
// no mention in its part outside (as the current hour or day, whose end
// is in the future): the raw parts then shrink to nothing.
func cut(ctx context.Context, q Querier, d *TallySQL, brandID, lo, hi, size int64) (period, error) {
	p := period{lo: lo, hi: hi, size: size, first: -floorDiv(-lo, size), last: floorDiv(hi, size)}
	if p.first > p.last {
		p.first, p.last = 0, 0
		return p, nil // inside one bucket
	}
	if p.first*size > lo {
		empty, err := noMention(ctx, q, d, brandID, (p.first-1)*size, lo)
		if err != nil {
			return p, err
		}
		if empty {
			p.first--
		}
	}
	if p.last*size < hi {
		empty, err := noMention(ctx, q, d, brandID, hi, (p.last+1)*size)
		if err != nil {
			return p, err
		}
		if empty {
			p.last++
		}
	}
	return p, nil
}

// head is the raw part before the whole buckets (all of p when there are
// none); tail the raw part after them. Either may be empty (from >= to).
func (p period) head() (from, to int64) {
	if p.first == p.last {
		return p.lo, p.hi
	}
	return p.lo, p.first * p.size
}

func (p period) tail() (from, to int64) {
	if p.first == p.last {
		return p.hi, p.hi
	}
	return p.last * p.size, p.hi
}

func noMention(ctx context.Context, q Querier, d *TallySQL, brandID, from, to int64) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, d.NoMention, brandID, from, to).Scan(&one)
	if err == sql.ErrNoRows {
		return true, nil
	}
	return false, err
}

// counter adds n mentions in state seen on the sources (a stored list).
type counter func(state, sources string, n int)

// tallyCounts adds the mentions of [lo, hi) per state and per source label
// to t: whole days from mention_day_counts, whole hours of the partial
// days from mention_counts, the rest from the mentions.
func tallyCounts(ctx context.Context, q Querier, d *TallySQL, brandID, lo, hi int64, t *mentions.Tally) error {
	add := func(state, sources string, n int) {
		t.ByState[mentions.State(state)] += n
		for _, src := range SplitList(sources) {
			t.BySource[src] += n
		}
	}
	p, err := cut(ctx, q, d, brandID, lo, hi, DayMS)
	if err != nil {
		return err
	}
	if err := sumBuckets(ctx, q, d.SumDays, brandID, p, add); err != nil {
		return err
	}
	for _, part := range [][2]int64{pair(p.head()), pair(p.tail())} {
		if err := tallyHours(ctx, q, d, brandID, part[0], part[1], add); err != nil {
			return err
		}
	}
	for st, n := range t.ByState {
		if n == 0 {
			delete(t.ByState, st)
		}
	}
	for src, n := range t.BySource {
		if n == 0 {
			delete(t.BySource, src)
		}
	}
	return nil
}

func pair(a, b int64) [2]int64 { return [2]int64{a, b} }

// sumBuckets adds the whole buckets of p from a rollup table (mention_counts
// by hour, mention_day_counts by day) to add.
func sumBuckets(ctx context.Context, q Querier, sqlText string, brandID int64, p period, add counter) error {
	if p.first >= p.last {
		return nil
	}
	return ScanRows(ctx, q, countRow(add), sqlText, brandID, p.first, p.last)
}

// countRow reads a row of (state, sources, n) into add.
func countRow(add counter) func(*sql.Rows) error {
	return func(rows *sql.Rows) error {
		var state, sources string
		var n int
		if err := rows.Scan(&state, &sources, &n); err != nil {
			return err
		}
		add(state, sources, n)
		return nil
	}
}

// tallyHours counts the mentions of [lo, hi) (nothing when lo >= hi):
// whole hours from mention_counts, the rest from the mentions.
func tallyHours(ctx context.Context, q Querier, d *TallySQL, brandID, lo, hi int64, add counter) error {
	if lo >= hi {
		return nil
	}
	p, err := cut(ctx, q, d, brandID, lo, hi, HourMS)
	if err != nil {
		return err
	}
	if err := sumBuckets(ctx, q, d.SumHours, brandID, p, add); err != nil {
		return err
	}
	for _, part := range [][2]int64{pair(p.head()), pair(p.tail())} {
		if part[0] >= part[1] {
			continue
		}
		err := ScanRows(ctx, q, countRow(add), d.RawCounts, brandID, part[0], part[1])
		if err != nil {
			return err
		}
	}
	return nil
}

// spelt is an author as spelt with a count, and the author folded.
type spelt struct {
	author, folded string
	n              int
}

// tallyAuthors counts the mentions of [lo, hi) per author as spelt, in
// the order first found: whole days from mention_authors, the rest from
// the mentions. With top > 0 it returns only the spellings of the folded
// authors that rank among the top (ties included): see topAuthors.
func tallyAuthors(ctx context.Context, q Querier, d *TallySQL, brandID, lo, hi int64, top int) ([]mentions.Count, error) {
	p, err := cut(ctx, q, d, brandID, lo, hi, DayMS)
	if err != nil {
		return nil, err
	}
	head, err := rawAuthors(ctx, q, d, brandID, pair(p.head()))
	if err != nil {
		return nil, err
	}
	tail, err := rawAuthors(ctx, q, d, brandID, pair(p.tail()))
	if err != nil {
		return nil, err
	}
	var keep map[string]bool // folded authors to return; nil: all
	if top > 0 && p.first < p.last {
		if keep, err = topAuthors(ctx, q, d, brandID, p, top, head, tail); err != nil {
			return nil, err
		}
	}
	var days []spelt
	if p.first < p.last && (keep == nil || len(keep) > 0) {
		sqlText, args := d.DayAuthors, []any{brandID, p.first, p.last}
		if keep != nil {
			folded := make([]string, 0, len(keep))
			for k := range keep {
				folded = append(folded, k)
			}
			var more []any
			sqlText, more = d.DayAuthorsIn(folded)
			args = append(args, more...)
		}
		err := ScanRows(ctx, q, func(rows *sql.Rows) error {
			var a spelt
			err := rows.Scan(&a.author, &a.folded, &a.n)
			days = append(days, a)
			return err
		}, sqlText, args...)
		if err != nil {
			return nil, err
		}
	}
	index := map[string]int{} // author → its index in out
	var out []mentions.Count
	for _, part := range [][]spelt{head, days, tail} {
		for _, a := range part {
			if keep != nil && !keep[a.folded] {
				continue
			}
			i, ok := index[a.author]
			if !ok {
				i, index[a.author] = len(out), len(out)
				out = append(out, mentions.Count{Key: a.author})
			}
			out[i].N += a.n
		}
	}
	return out, nil
}

// rawAuthors reads the authors of the mentions found in [r[0], r[1]), in
// the order found.
func rawAuthors(ctx context.Context, q Querier, d *TallySQL, brandID int64, r [2]int64) ([]spelt, error) {
	if r[0] >= r[1] {
		return nil, nil
	}
	var out []spelt
	err := ScanRows(ctx, q, func(rows *sql.Rows) error {
		var author string
		if err := rows.Scan(&author); err != nil {
			return err
		}
		out = append(out, spelt{author: author, folded: query.NormalizeAuthor(author), n: 1})
		return nil
	}, d.RawAuthors, brandID, r[0], r[1])
	return out, err
}

// topCandidates is how many folded authors beyond top topAuthors reads
// from the whole days: the margin that proves the top is among them.
const topCandidates = 20

// topAuthors returns the folded authors whose count in p reaches that of
// the top-th most frequent (so every author that ranks in the top, and
// any tied with the last of them), or nil when it cannot prove which
// they are without reading every author (the caller then reads all).
// The whole days give the top+topCandidates folded authors with the most
// mentions; an author not among them has at most as many in those days
// as the last of them, plus what the raw ends (head, tail) hold.
func topAuthors(ctx context.Context, q Querier, d *TallySQL, brandID int64, p period, top int, head, tail []spelt) (map[string]bool, error) {
	ends := map[string]int{}
	for _, part := range [][]spelt{head, tail} {
		for _, a := range part {
			ends[a.folded] += a.n
		}
	}
	limit := top + topCandidates
	total := map[string]int{}
	last, read := 0, 0
	err := ScanRows(ctx, q, func(rows *sql.Rows) error {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		total[k], last, read = n+ends[k], n, read+1
		return nil
	}, d.TopAuthors, brandID, p.first, p.last, limit)
	if err != nil {
		return nil, err
	}
	complete := read < limit // every author of the whole days was read
	if complete {
		last = 0
		for k, n := range ends {
			if _, ok := total[k]; !ok {
				total[k] = n
			}
		}
	}
	counts := make([]int, 0, len(total))
	for _, n := range total {
		counts = append(counts, n)
	}
	slices.SortFunc(counts, func(a, b int) int { return b - a })
	if len(counts) < top {
		return nil, nil // fewer authors than the top: all of them
	}
	bar := counts[top-1]
	if !complete {
		// An author not read has at most last mentions in the whole days.
		for k, n := range ends {
			if _, ok := total[k]; !ok && last+n >= bar {
				return nil, nil
			}
		}
		if last >= bar {
			return nil, nil
		}
	}
	keep := map[string]bool{}
	for k, n := range total {
		if n >= bar {
			keep[k] = true
		}
	}
	if len(keep) > 400 {
		return nil, nil // many ties: reading all is as cheap
	}
	return keep, nil
}
