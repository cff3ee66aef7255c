package commands

import (
	"strings"
)

// maxDiffCells bounds the work of a word diff (words of a × words of b);
// beyond it the diff shows the whole old and new texts.
const maxDiffCells = 1 << 22

// WordDiff shows how b differs from a, word by word: removed words as
// [-old-], added words as {+new+}, unchanged words as they are.
func WordDiff(a, b string) string {
	wa, wb := strings.Fields(a), strings.Fields(b)
	if len(wa)*len(wb) > maxDiffCells {
		return "[-" + a + "-] {+" + b + "+}"
	}
	// lcs[i][j] is the length of the longest common subsequence of wa[i:] and wb[j:].
	lcs := make([][]int, len(wa)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(wb)+1)
	}
	for i := len(wa) - 1; i >= 0; i-- {
		for j := len(wb) - 1; j >= 0; j-- {
			if wa[i] == wb[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	var del, add []string
	flush := func() {
		if len(del) > 0 {
			out = append(out, "[-"+strings.Join(del, " ")+"-]")
		}
		if len(add) > 0 {
			out = append(out, "{+"+strings.Join(add, " ")+"+}")
		}
		del, add = nil, nil
	}
	i, j := 0, 0
	for i < len(wa) || j < len(wb) {
		switch {
		case i < len(wa) && j < len(wb) && wa[i] == wb[j]:
			flush()
			out = append(out, wa[i])
			i++
			j++
		case j < len(wb) && (i == len(wa) || lcs[i][j+1] >= lcs[i+1][j]):
			add = append(add, wb[j])
			j++
		default:
			del = append(del, wa[i])
			i++
		}
	}
	flush()
	return strings.Join(out, " ")
}
