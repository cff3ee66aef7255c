package query

import (
	"encoding/binary"
	"slices"
	"strings"
	"sync"
)

// Index matches many watches' queries against an item in one pass over its
// text. It is immutable once built and safe for concurrent use.
//
// How: matching is on whole folded words, so the automaton that finds
// every watch's terms in a text is a dictionary of words. Every term of
// every query (a word, or a phrase keyed by its first word) gets an id; the
// item's title and text are folded once, and each word of it is looked up
// once; a phrase is confirmed by comparing the words that follow. That pass
// yields the set of terms present. Each watch has a cover: a few of its
// terms at least one of which occurs in any text it matches (one term of an
// AND, every branch of an OR). Only watches whose cover was hit, plus the
// rare watches with no cover (such as `acme OR -job`), have their query
// evaluated, and that evaluation reads the set of terms present instead of
// the text.
type Index struct {
	ids   []int64  // watch ids, ascending; a watch is known by its position here
	progs []*cnode // each watch's query, its terms replaced by term ids
	// positive holds each watch's Query.Terms, with their term ids.
	positive [][]posTerm
	always   []int32   // watches with no cover, evaluated on every item
	covers   [][]int32 // by term id: the watches whose cover holds the term
	words    wordTable // folded word → the terms it starts
	nterms   int
	pool     sync.Pool // of *scratch
}

// posTerm is a term a query looks for, as Terms gives it, and its id.
type posTerm struct {
	term int32
	text string
}

// cnode is a query node with its term's id.
type cnode struct {
	kind nodeKind
	term int32 // kindTerm
	n    *node // kindField: the filter
	kids []cnode
}

// wordEntry is a term a word starts: the word itself when pat is "", else
// the phrase pattern " w1 w2 ... " to confirm.
type wordEntry struct {
	term int32
	pat  string
}

// NewIndex builds the index of watches, keyed by watch id. Nil queries are
// ignored.
func NewIndex(watches map[int64]*Query) *Index {
	ix := &Index{}
	for id, q := range watches {
		if q != nil && q.root != nil {
			ix.ids = append(ix.ids, id)
		}
	}
	slices.Sort(ix.ids)
	terms := map[string]int32{} // pattern → term id
	words := map[string][]wordEntry{}
	ix.progs = make([]*cnode, len(ix.ids))
	ix.positive = make([][]posTerm, len(ix.ids))
	for w, id := range ix.ids {
		var compile func(n *node) cnode
		compile = func(n *node) cnode {
			c := cnode{kind: n.kind}
			switch n.kind {
			case kindTerm:
				t, ok := terms[n.key]
				if !ok {
					t = int32(len(terms))
					terms[n.key] = t
					first, _, phrase := strings.Cut(n.key[1:len(n.key)-1], " ")
					e := wordEntry{term: t}
					if phrase {
						e.pat = n.key
					}
					words[first] = append(words[first], e)
				}
				c.term = t
			case kindField:
				c.n = n
			default:
				c.kids = make([]cnode, len(n.kids))
				for i, k := range n.kids {
					c.kids[i] = compile(k)
				}
			}
			return c
		}
		q := watches[id]
		prog := compile(q.root)
		ix.progs[w] = &prog
		for _, n := range q.positive() {
			ix.positive[w] = append(ix.positive[w], posTerm{term: terms[n.key], text: n.text})
		}
		cov, ok := cover(&prog)
		if !ok {
			ix.always = append(ix.always, int32(w))
			continue
		}
		if len(ix.covers) < len(terms) {
			ix.covers = append(ix.covers, make([][]int32, len(terms)-len(ix.covers))...)
		}
		for _, t := range cov {
			if l := ix.covers[t]; len(l) == 0 || l[len(l)-1] != int32(w) {
				ix.covers[t] = append(l, int32(w))
			}
		}
	}
	ix.nterms = len(terms)
	ix.covers = append(ix.covers, make([][]int32, ix.nterms-len(ix.covers))...)
	ix.words = newWordTable(words)
	ix.pool.New = func() any {
		return &scratch{seen: make([]uint32, ix.nterms), cand: make([]uint32, len(ix.ids))}
	}
	return ix
}

// cover returns terms at least one of which occurs in any text the node
// matches, choosing the fewest; ok is false when there are none (the node
// can match with none of its terms present).
func cover(c *cnode) (terms []int32, ok bool) {
	switch c.kind {
	case kindTerm:
		return []int32{c.term}, true
	case kindAnd:
		var best []int32
		for i := range c.kids {
			if t, ok := cover(&c.kids[i]); ok && (best == nil || len(t) < len(best)) {
				best = t
			}
		}
		return best, best != nil
	case kindOr:
		var all []int32
		for i := range c.kids {
			t, ok := cover(&c.kids[i])
			if !ok {
				return nil, false
			}
			all = append(all, t...)
		}
		return all, true
	}
	return nil, false // filters and exclusions need no term
}

// scratch is the per-call state of Match, reused through the pool. seen
// and cand hold, by term and by watch, the generation that last set them,
// so nothing is cleared between calls.
type scratch struct {
	f     folded
	gen   uint32
	seen  []uint32 // by term id: present in this item when == gen
	cand  []uint32 // by watch: a candidate for this item when == gen
	cands []int32
	hits  []int32 // watches that matched
	facts itemFacts
}

// Len returns the number of watches in the index.
func (ix *Index) Len() int { return len(ix.ids) }

// Match returns the ids of the watches whose query matches the item, in
// ascending order; the same answer as calling each query's Match.
func (ix *Index) Match(it *Item) (out []int64) {
	ix.matched(it, func(s *scratch) {
		out = make([]int64, len(s.hits))
		for i, w := range s.hits {
			out[i] = ix.ids[w]
		}
	})
	return out
}

// matched runs the item through the index with a pooled scratch and, when
// a watch matched, lets read take the results from it before it goes back.
func (ix *Index) matched(it *Item, read func(s *scratch)) {
	if len(ix.ids) == 0 {
		return
	}
	s := ix.pool.Get().(*scratch)
	defer ix.pool.Put(s)
	ix.run(it, s)
	if len(s.hits) > 0 {
		read(s)
	}
}

// Hit is a watch an item matched, with the terms of the watch's query
// that occur in the item.
type Hit struct {
	Watch int64
	Terms []string // as Query.MatchedTerms gives them
}

// Hits is Match with each watch's matched terms (what a mention card
// highlights), found in the same pass instead of folding the item again
// for each watch's MatchedTerms.
func (ix *Index) Hits(it *Item) (out []Hit) {
	ix.matched(it, func(s *scratch) {
		out = make([]Hit, len(s.hits))
		for i, w := range s.hits {
			out[i].Watch = ix.ids[w]
			for _, t := range ix.positive[w] {
				if s.seen[t.term] == s.gen {
					out[i].Terms = append(out[i].Terms, t.text)
				}
			}
		}
	})
	return out
}

// run matches the item, leaving the matching watches in s.hits (ascending)
// and the terms present in s.seen (== s.gen).
func (ix *Index) run(it *Item, s *scratch) {
	s.gen++
	if s.gen == 0 { // wrapped: forget every old generation
		clear(s.seen)
		clear(s.cand)
		s.gen = 1
	}
	gen := s.gen
	s.cands, s.hits = s.cands[:0], s.hits[:0]
	s.f.reset()
	s.f.add(it.Title)
	s.f.add(it.Text)
	buf := s.f.buf
	fb := s.f.fb
	for k := 0; k+1 < len(fb); k += 2 {
		fs, fe := fb[k], fb[k+1]
		for _, e := range ix.words.lookup(buf[fs:fe]) {
			if s.seen[e.term] == gen {
				continue
			}
			if e.pat != "" && !hasPrefix(buf[fs-1:], e.pat) {
				continue
			}
			s.seen[e.term] = gen
			for _, w := range ix.covers[e.term] {
				if s.cand[w] != gen {
					s.cand[w] = gen
					s.cands = append(s.cands, w)
				}
			}
		}
	}
	for _, w := range ix.always {
		if s.cand[w] != gen {
			s.cand[w] = gen
			s.cands = append(s.cands, w)
		}
	}
	if len(s.cands) == 0 {
		return
	}
	slices.Sort(s.cands)
	s.facts.reset(it)
	for _, w := range s.cands {
		if ix.progs[w].eval(s.seen, gen, &s.facts) {
			s.hits = append(s.hits, w)
		}
	}
	s.facts.reset(nil)
}

// hasPrefix is bytes.HasPrefix for a string prefix, without converting it.
func hasPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == p
}

func (c *cnode) eval(seen []uint32, gen uint32, f *itemFacts) bool {
	switch c.kind {
	case kindTerm:
		return seen[c.term] == gen
	case kindField:
		return c.n.matchField(f)
	case kindNot:
		return !c.kids[0].eval(seen, gen, f)
	case kindAnd:
		for i := range c.kids {
			if !c.kids[i].eval(seen, gen, f) {
				return false
			}
		}
		return true
	case kindOr:
		for i := range c.kids {
			if c.kids[i].eval(seen, gen, f) {
				return true
			}
		}
	}
	return false
}

// wordTable is the dictionary of words: open addressing over a power of
// two slots, each holding a word's 64-bit hash (0 for an empty slot) and
// its index in words and ents, so that a probe for a word that is not
// there (most words of most texts) touches one 16-byte slot and compares
// no bytes.
type wordTable struct {
	// quick has a bit set for the quickKey of every word in the table:
	// most words of a text are rejected by one load from this bitmap
	// (16 KB, which stays in cache) before any hashing.
	quick []uint64
	slots []wordSlot
	mask  uint64
	words []string
	ents  [][]wordEntry
}

type wordSlot struct {
	h uint64
	i int32
}

func newWordTable(m map[string][]wordEntry) wordTable {
	size := 16
	for size < 2*len(m) {
		size *= 2
	}
	t := wordTable{quick: make([]uint64, quickBits/64), slots: make([]wordSlot, size), mask: uint64(size - 1)}
	for w, es := range m {
		k := quickKey([]byte(w))
		t.quick[k/64] |= 1 << (k % 64)
		h := hashWord([]byte(w))
		j := h & t.mask
		for t.slots[j].h != 0 {
			j = (j + 1) & t.mask
		}
		t.slots[j] = wordSlot{h: h, i: int32(len(t.words))}
		t.words = append(t.words, w)
		t.ents = append(t.ents, es)
	}
	return t
}

// quickBits is the size of wordTable.quick in bits.
const quickBits = 1 << 17

// quickKey mixes a word's first two bytes, last byte and length into a
// number below quickBits. w is not empty.
func quickKey(w []byte) uint32 {
	x := uint32(w[0]) | uint32(w[len(w)/2])<<8 | uint32(w[len(w)-1])<<16 | uint32(len(w))<<24
	return (x * 0x9E3779B1) >> (32 - 17)
}

func (t *wordTable) lookup(w []byte) []wordEntry {
	if k := quickKey(w); t.quick[k/64]&(1<<(k%64)) == 0 {
		return nil
	}
	h := hashWord(w)
	for j := h & t.mask; ; j = (j + 1) & t.mask {
		s := t.slots[j]
		if s.h == 0 {
			return nil
		}
		if s.h == h && t.words[s.i] == string(w) {
			return t.ents[s.i]
		}
	}
}

// hashWord hashes a word eight bytes at a time (a multiply-xorshift mix
// of little-endian words and the length); never 0, the empty slot.
func hashWord(w []byte) uint64 {
	h := uint64(len(w)) * 0x9E3779B97F4A7C15
	for len(w) >= 8 {
		h = (h ^ binary.LittleEndian.Uint64(w)) * 0xff51afd7ed558ccd
		h ^= h >> 29
		w = w[8:]
	}
	var x uint64
	for i, c := range w {
		x |= uint64(c) << (8 * i)
	}
	h = (h ^ x) * 0xc4ceb9fe1a85ec53
	h ^= h >> 32
	return h | 1
}
