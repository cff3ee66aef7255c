package query

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustIndex(tb testing.TB, queries map[int64]string) *Index {
	tb.Helper()
	m := map[int64]*Query{}
	for id, s := range queries {
		m[id] = mustQuery(tb, s)
	}
	return NewIndex(m)
}

// naive is what Index.Match must equal: each query's Match in turn.
func naive(watches map[int64]*Query, it *Item) []int64 {
	var out []int64
	for id, q := range watches {
		if q.Match(it) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func TestIndexMatch(t *testing.T) {
	ix := mustIndex(t, map[int64]string{
		1:  "acme",
		2:  `"acme corp"`,
		3:  "acme -job -hiring",
		4:  `(acme OR acmecorp) "new store"`,
		5:  "acme site:reddit.com",
		6:  "crédit agricole",
		7:  "acme OR -initech", // no cover: checked on every item
		8:  "initech lang:fr",
		9:  "acmecorp author:jane",
		10: `"corp acme" OR "acme inc"`,
		42: "-(-acme) source:hn",
	})
	tests := []struct {
		name string
		item Item
		want []int64
	}{
		{"OK", Item{Text: "ACME Corp opens a new store"}, []int64{1, 2, 3, 4, 7}},
		{"OKExcluded", Item{Text: "acme is hiring"}, []int64{1, 7}},
		{"OKFrench", Item{Title: "Le Crédit", Text: "AGRICOLE et l'acme"}, []int64{1, 3, 6, 7}},
		{"OKNoTerms", Item{Text: "nothing to see"}, []int64{7}},
		{"OKEmpty", Item{}, []int64{7}},
		{"OKNegatedOnly", Item{Text: "initech"}, nil},
		{"OKFilters", Item{Text: "initech acmecorp, new store", Lang: "fr", Author: "@jane", URL: "https://reddit.com/x"}, []int64{4, 8, 9}},
		{"OKSite", Item{Text: "acme", URL: "https://www.reddit.com/r/x", Source: "hn"}, []int64{1, 3, 5, 7, 42}},
		{"OKPhraseNotAcrossFields", Item{Title: "acme", Text: "corp"}, []int64{1, 3, 7}},
		{"OKPhraseSecondOccurrence", Item{Text: "acme acme inc"}, []int64{1, 3, 7, 10}},
		{"OKPhraseOverlap", Item{Text: "corp acme corp"}, []int64{1, 2, 3, 7, 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ix.Match(&tt.item)); diff != "" {
				t.Errorf("Match(%+v) (-want +got):\n%s", tt.item, diff)
			}
		})
	}
	t.Run("OKZeroQuery", func(t *testing.T) {
		ix := NewIndex(map[int64]*Query{1: {}, 2: nil, 3: mustQuery(t, "acme")})
		if got := ix.Match(&Item{Text: "acme"}); !cmp.Equal(got, []int64{3}) {
			t.Errorf("Match = %v, want [3]", got)
		}
		var q Query
		if q.Match(&Item{Text: "acme"}) || q.String() != "" || q.Terms() != nil || q.MatchedTerms(&Item{Text: "acme"}) != nil {
			t.Error("the zero Query matches or has terms")
		}
	})
	t.Run("OKNoWatches", func(t *testing.T) {
		if got := NewIndex(nil).Match(&Item{Text: "acme"}); got != nil {
			t.Errorf("empty index matched %v", got)
		}
	})
}

// vocabulary for random queries and texts: words that share prefixes,
// accents, phrases.
var testVocab = []string{"acme", "acmes", "acmecorp", "corp", "crédit", "credit", "été", "new", "store", "job", "hiring", "lyon", "œuvre", "l'acme", "acme-corp", "日本"}

func randomQuery(r *rand.Rand, depth int) string {
	pick := func() string { return testVocab[r.IntN(len(testVocab))] }
	atom := func() string {
		switch r.IntN(12) {
		case 0:
			return fmt.Sprintf("%q", pick()+" "+pick())
		case 1:
			return "site:" + []string{"reddit.com", "acme.fr", "news.ycombinator.com"}[r.IntN(3)]
		case 2:
			return "lang:" + []string{"fr", "en"}[r.IntN(2)]
		case 3:
			return "author:" + []string{"jane", "bob"}[r.IntN(2)]
		case 4:
			return "source:" + []string{"hn", "rss"}[r.IntN(2)]
		case 6:
			return "-" + pick() // inside an OR: a watch with no cover
		case 5:
			if depth < 3 {
				return "(" + randomQuery(r, depth+1) + ")"
			}
		}
		return pick()
	}
	var parts []string
	for n := 1 + r.IntN(3); n > 0; n-- {
		p := atom()
		for r.IntN(3) == 0 {
			p += " OR " + atom()
		}
		if r.IntN(4) == 0 {
			p = "-" + p
			if strings.Contains(p, " OR ") {
				p = "-(" + p[1:] + ")"
			}
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

func randomItem(r *rand.Rand) Item {
	var words []string
	for n := r.IntN(12); n > 0; n-- {
		w := testVocab[r.IntN(len(testVocab))]
		if r.IntN(3) == 0 {
			w = strings.ToUpper(w)
		}
		words = append(words, w)
		words = append(words, []string{" ", ", ", "! ", " #", " @", "-", "’"}[r.IntN(7)])
	}
	text := strings.Join(words, "")
	cut := r.IntN(len(text) + 1)
	for cut > 0 && cut < len(text) && text[cut]&0xC0 == 0x80 {
		cut--
	}
	return Item{
		Title:  text[:cut],
		Text:   text[cut:],
		URL:    []string{"", "https://www.reddit.com/r/x", "https://acme.fr/", "https://news.ycombinator.com/item?id=1"}[r.IntN(4)],
		Lang:   []string{"", "fr", "en"}[r.IntN(3)],
		Author: []string{"", "jane", "@bob@mastodon.social"}[r.IntN(3)],
		Source: []string{"hn", "rss", "reddit"}[r.IntN(3)],
	}
}

// TestIndexEqualsNaive is the property: for random watches and items, the
// index answers what each query's Match answers.
func TestIndexEqualsNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var matched, always int
	for round := 0; round < 50; round++ {
		watches := map[int64]*Query{}
		for id := int64(1); id <= 60; id++ {
			s := randomQuery(r, 0)
			q, err := parse(s)
			if err != nil {
				continue // e.g. only exclusions
			}
			watches[id*7%101] = q
		}
		ix := NewIndex(watches)
		always += len(ix.always)
		for i := 0; i < 100; i++ {
			it := randomItem(r)
			want, got := naive(watches, &it), ix.Match(&it)
			matched += len(got)
			for _, h := range ix.Hits(&it) {
				if terms := watches[h.Watch].MatchedTerms(&it); !cmp.Equal(terms, h.Terms) {
					t.Fatalf("item %+v, watch %d: Hits terms %q, MatchedTerms %q", it, h.Watch, h.Terms, terms)
				}
			}
			if !cmp.Equal(want, got) {
				for id, q := range watches {
					t.Logf("%d: %s", id, q)
				}
				t.Fatalf("item %+v: index %v, naive %v", it, got, want)
			}
		}
	}
	if matched < 1000 || always < 50 {
		t.Errorf("the random cases are too easy: %d matches, %d watches without a cover", matched, always)
	}
	t.Logf("%d matches, %d watches without a cover", matched, always)
}

func TestIndexConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	watches := map[int64]*Query{}
	for id := int64(1); id <= 200; id++ {
		if q, err := parse(randomQuery(r, 0)); err == nil {
			watches[id] = q
		}
	}
	ix := NewIndex(watches)
	items := make([]Item, 200)
	wants := make([][]int64, len(items))
	for i := range items {
		items[i] = randomItem(r)
		wants[i] = naive(watches, &items[i])
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Go(func() {
			for i := range items {
				if got := ix.Match(&items[i]); !cmp.Equal(wants[i], got) {
					t.Errorf("item %d: %v, want %v", i, got, wants[i])
				}
			}
		})
	}
	wg.Wait()
}

func FuzzMatch(f *testing.F) {
	f.Add("acme -job", `"acme corp" OR crédit`, "Acme Corp is hiring", "Le Crédit", "https://reddit.com")
	f.Add("acme OR -initech", "site:acme.fr l'acme", "", "l’ACME", "https://acme.fr/x")
	f.Add("日本 lang:fr", "(a OR b) -(c OR d)", "日本", "a c", "")
	f.Fuzz(func(t *testing.T, q1, q2, title, text, url string) {
		watches := map[int64]*Query{}
		for i, s := range []string{q1, q2, "acme", `"acme corp"`} {
			if q, err := parse(s); err == nil {
				watches[int64(i+1)] = q
			}
		}
		ix := NewIndex(watches)
		it := &Item{Title: title, Text: text, URL: url, Lang: "fr", Author: "jane", Source: "hn"}
		if want, got := naive(watches, it), ix.Match(it); !cmp.Equal(want, got) {
			t.Fatalf("index %v, naive %v", got, want)
		}
		for _, h := range ix.Hits(it) {
			if want := watches[h.Watch].MatchedTerms(it); !cmp.Equal(want, h.Terms) {
				t.Fatalf("watch %d: Hits terms %q, MatchedTerms %q", h.Watch, h.Terms, want)
			}
		}
	})
}

func TestIndexHits(t *testing.T) {
	watches := map[int64]*Query{
		1: mustQuery(t, `(Acme OR acmecorp) "new store" -job Crédit`),
		2: mustQuery(t, "acme OR -initech"),
		3: mustQuery(t, "initech"),
	}
	ix := NewIndex(watches)
	for _, it := range []Item{
		{Title: "ACME", Text: "a NEW store, credit"},
		{Text: "nothing"},
		{Text: "acmecorp new store crédit initech"},
	} {
		var want []Hit
		for _, id := range naive(watches, &it) {
			want = append(want, Hit{Watch: id, Terms: watches[id].MatchedTerms(&it)})
		}
		if diff := cmp.Diff(want, ix.Hits(&it)); diff != "" {
			t.Errorf("Hits(%+v) (-want +got):\n%s", it, diff)
		}
	}
}
