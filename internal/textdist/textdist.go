// Package textdist finds the word a person probably meant: the edit
// distance between two words and the nearest of a list of candidates.
// Commands ("drafs" → drafts), WHEN words ("demian" → demain), time zones
// and flags use it alike.
//
// It imports only the standard library, so every package may use it.
package textdist

import "unicode/utf8"

// maxRunes bounds the words compared, so a huge input costs little.
const maxRunes = 64

// Distance is the edit distance between a and b counted in characters
// (insertions, deletions, substitutions and swaps of two neighbours, the
// optimal string alignment distance), or a large number when either is
// longer than 64 characters.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > maxRunes || len(rb) > maxRunes {
		return 1 << 20
	}
	before := make([]int, len(rb)+1) // row i-2, for swaps
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], before[j-2]+1)
			}
		}
		before, prev, cur = prev, cur, before
	}
	return prev[len(rb)]
}

// Nearest returns the candidate closest to word in edit distance, if it
// is at most maxDist; on a tie, one that word is a shortening of (a letter
// left out, the commonest slip: "drafs" is drafts, not draft), then the one
// whose length is closest to word's, then the first listed. ok is false when none is close enough or word is
// one of the candidates.
func Nearest(word string, candidates []string, maxDist int) (best string, ok bool) {
	bestD, bestL, bestSub := maxDist+1, 0, false
	n := utf8.RuneCountInString(word)
	for _, c := range candidates {
		d := Distance(word, c)
		if d == 0 {
			return "", false
		}
		l, sub := abs(utf8.RuneCountInString(c)-n), isSubsequence(word, c)
		better := d < bestD
		if d == bestD && ok {
			better = (sub && !bestSub) || (sub == bestSub && l < bestL)
		}
		if better {
			best, bestD, bestL, bestSub, ok = c, d, l, sub, true
		}
	}
	return best, ok
}

// isSubsequence reports whether the characters of short appear in long in
// order.
func isSubsequence(short, long string) bool {
	rs := []rune(short)
	i := 0
	for _, r := range long {
		if i < len(rs) && rs[i] == r {
			i++
		}
	}
	return i == len(rs)
}

// Budget is how many edits a word of its length may be off by and still
// be recognised: 1 for up to 4 characters, 2 up to 8, then 3.
func Budget(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n <= 4:
		return 1
	case n <= 8:
		return 2
	}
	return 3
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
