package mentions

// TEMPORARY placeholder for H1's query API (branch wt-query: query.go,
// match.go), so that this branch compiles until that branch is merged.
// DELETE THIS FILE when merging wt-query. It is not the query language.

import "strings"

type Query struct{ terms []string }

func ParseQuery(s string) (*Query, error) {
	return &Query{terms: strings.Fields(strings.ToLower(s))}, nil
}

func (q *Query) String() string      { return strings.Join(q.terms, " ") }
func (q *Query) Terms() []string     { return q.terms }
func (q *Query) Match(it *Item) bool { return len(q.MatchedTerms(it)) > 0 }
func (q *Query) MatchedTerms(it *Item) []string {
	text := strings.ToLower(it.Title + " " + it.Text)
	var out []string
	for _, t := range q.terms {
		if strings.Contains(text, t) {
			out = append(out, t)
		}
	}
	return out
}

type Index struct{ qs map[int64]*Query }

func NewIndex(qs map[int64]*Query) *Index { return &Index{qs: qs} }

func (ix *Index) Match(it *Item) []int64 {
	var out []int64
	for id, q := range ix.qs {
		if q.Match(it) {
			out = append(out, id)
		}
	}
	return out
}
