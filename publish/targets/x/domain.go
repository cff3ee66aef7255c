package x

import (
	"strings"
)

// domainChar reports twitter-text's validDomainChars: anything but its
// punctuation, spaces, invalid characters and directional marks.
func domainChar(r rune) bool {
	if r < 0x80 {
		return !strings.ContainsRune("!'#%&()*+,\\-./:;<=>?@[]^_{|}~$", r) && !(r >= 0x09 && r <= 0x0D || r == 0x20)
	}
	switch {
	case r == 0x85 || r == 0xA0 || r == 0x1680 || r == 0x180E || r >= 0x2000 && r <= 0x200A,
		r == 0x2028 || r == 0x2029 || r == 0x202F || r == 0x205F || r == 0x3000:
		return false
	case invalidChar(r), r >= 0x202A && r <= 0x202E, r == 0x061C || r == 0x200E || r == 0x200F,
		r >= 0x2066 && r <= 0x2069:
		return false
	}
	return true
}

// matchDomain matches subdomains, a domain name and a top-level domain
// from d, as the expression does (greedy: the most labels first); it
// returns the domain's end. When no label after the first starts with a
// top-level domain, no domain starts anywhere in the run of domain
// characters either: skip is the run's end.
func matchDomain(rs []rune, d int) (end int, ok bool, skip int) {
	end = d
	for end < len(rs) && (domainChar(rs[end]) || rs[end] == '-' || rs[end] == '_' || rs[end] == '.') {
		end++
	}
	var starts []int // each label's start
	for i := d; i <= end; {
		starts = append(starts, i)
		j := i
		for j < end && rs[j] != '.' {
			j++
		}
		i = j + 1
	}
	labelEnd := func(k int) int {
		if k+1 < len(starts) {
			return starts[k+1] - 1
		}
		return end
	}
	label := func(k int) []rune { return rs[starts[k]:labelEnd(k)] }
	firstBadSub := len(starts) // the first label that cannot be a subdomain
	for k := range starts {
		if !labelOK(label(k), true) {
			firstBadSub = k
			break
		}
	}
	anyTLD := false
	for n := len(starts) - 1; n >= 1; n-- {
		e, ok := tldAt(rs, starts[n], labelEnd(n))
		anyTLD = anyTLD || ok
		if ok && n <= firstBadSub+1 && labelOK(label(n-1), false) {
			return e, true, 0
		}
	}
	if !anyTLD {
		return 0, false, end
	}
	return 0, false, 0
}

// labelOK checks a label before the top-level domain: domain
// characters and - (and _ in a subdomain), neither first nor last.
func labelOK(l []rune, sub bool) bool {
	if len(l) == 0 || !domainChar(l[0]) || !domainChar(l[len(l)-1]) {
		return false
	}
	for _, r := range l {
		if !domainChar(r) && r != '-' && (r != '_' || !sub) {
			return false
		}
	}
	return true
}

// tldAt matches a top-level domain at the start of the label rs[s:e]:
// the longest one known followed by a character that is not a letter,
// digit, @, + or - (or the end), or punycode (xn--…).
func tldAt(rs []rune, s, e int) (int, bool) {
	if e-s > 4 && strings.EqualFold(string(rs[s:s+4]), "xn--") {
		j := s + 4
		for j < len(rs) && (isASCIIAlnum(rs[j]) || rs[j] == '-') {
			j++
		}
		if j > s+4 {
			return j, true
		}
	}
	for n := min(maxTLD, e-s); n >= 1; n-- {
		if !tlds[strings.ToLower(string(rs[s:s+n]))] {
			continue
		}
		if after := s + n; after == len(rs) || !tldFollower(rs[after]) {
			return s + n, true
		}
	}
	return 0, false
}

func tldFollower(r rune) bool { return isASCIIAlnum(r) || r == '@' || r == '+' || r == '-' }

// pathChar and pathEnding are validGeneralUrlPathChars and
// validUrlPathEndingChars (without the parentheses).
func pathChar(r rune) bool {
	return isASCIIAlnum(r) || strings.ContainsRune("!*';:=+,.$/%#[]-–_~@|&", r) || cyrillic(r) || latinAccent(r)
}

func pathEnding(r rune) bool {
	return isASCIIAlnum(r) || strings.ContainsRune("+-=_#/", r) || cyrillic(r) || latinAccent(r)
}

func cyrillic(r rune) bool { return r >= 0x400 && r <= 0x4FF }

func latinAccent(r rune) bool {
	switch {
	case r >= 0xC0 && r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x24F, r >= 0x300 && r <= 0x36F, r >= 0x1E00 && r <= 0x1EFF:
		return true
	}
	switch r {
	case 0x253, 0x254, 0x256, 0x257, 0x259, 0x25B, 0x263, 0x268, 0x26F, 0x272, 0x289, 0x28B, 0x2BB:
		return true
	}
	return false
}

// matchPath matches a path after its first /: path characters and
// balanced parentheses (one level nested), up to the last that may end a
// path; it returns the path's end (p when only the / is taken).
func matchPath(rs []rune, p int) int {
	end := p
	for i := p; i < len(rs); {
		if rs[i] == '(' {
			j, ok := parens(rs, i)
			if !ok {
				break
			}
			i, end = j, j
			continue
		}
		if !pathChar(rs[i]) {
			break
		}
		if pathEnding(rs[i]) {
			end = i + 1
		}
		i++
	}
	return end
}

// parens matches balanced parentheses at i: (chars) or (chars(chars)chars).
func parens(rs []rune, i int) (int, bool) {
	j := i + 1
	inner := 0
	for j < len(rs) {
		switch {
		case rs[j] == '(' && inner == 0:
			inner = 1
		case rs[j] == ')' && inner == 1:
			inner = 2
		case rs[j] == ')':
			return j + 1, j > i+1 && rs[j-1] != '('
		case !pathChar(rs[j]) || rs[j] == '(':
			return 0, false
		}
		j++
	}
	return 0, false
}

// matchQuery matches a query after its ?: query characters up to the
// last that may end one; without one the ? is not taken (q is returned).
func matchQuery(rs []rune, p, q int) int {
	end := q
	for i := p; i < len(rs) && strings.ContainsRune("!?*'@();:&=+$/%#[]-_.,~|", rs[i]) || i < len(rs) && isASCIIAlnum(rs[i]); i++ {
		if isASCIIAlnum(rs[i]) || strings.ContainsRune("-_&=#/", rs[i]) {
			end = i + 1
		}
	}
	return end
}

// asciiDomain reports whether domain is twitter-text's validAsciiDomain
// as a whole: letters a-z, Latin accents, digits and -.
func asciiDomain(domain string) bool {
	for _, r := range domain {
		if !(isASCIIAlnum(r) || r == '-' || r == '.' || latinAccent(r)) {
			return false
		}
	}
	return true
}

// validIDN is twitter-text's idna.toAscii check: each label, punycode
// encoded, is 1 to 63 characters; an xn-- domain is ASCII.
func validIDN(domain string) bool {
	if strings.HasPrefix(domain, "xn--") && !asciiDomain(domain) {
		return false
	}
	for _, l := range strings.Split(domain, ".") {
		if n := punycodeLen(l); n < 1 || n > 63 {
			return false
		}
	}
	return true
}
