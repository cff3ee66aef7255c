package commands

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text layout shared by the chat adapters, whose platforms limit every
// piece of a message.

// RuneCost counts each character as one.
func RuneCost(rune) int { return 1 }

// Fitting returns the length in bytes of the longest prefix of s whose
// cost (the sum of cost over its characters) is at most max.
func Fitting(s string, max int, cost func(rune) int) int {
	total := 0
	for i, r := range s {
		if total += cost(r); total > max {
			return i
		}
	}
	return len(s)
}

// SplitText cuts s into pieces that each cost at most max; joined, they
// give s back exactly. A piece ends after a line break when one lies in
// its second half, else after the last space, else at the last character
// that fits; a single character costing more than max is a piece alone.
func SplitText(s string, max int, cost func(rune) int) []string {
	var out []string
	for s != "" {
		end := Fitting(s, max, cost)
		if end == len(s) {
			return append(out, s)
		}
		if end == 0 {
			_, end = utf8.DecodeRuneInString(s)
		}
		cutAt := end
		if i := strings.LastIndexByte(s[:end], '\n'); i >= 0 && i+1 >= end/2 {
			cutAt = i + 1
		} else if i := strings.LastIndexAny(s[:end], " \n"); i > 0 {
			cutAt = i + 1
		}
		out = append(out, s[:cutAt])
		s = s[cutAt:]
	}
	return out
}

// Cut shortens s to max characters, ending with "…" when it had to cut.
func Cut(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return strings.TrimRightFunc(s[:Fitting(s, max-1, RuneCost)], unicode.IsSpace) + "…"
}
