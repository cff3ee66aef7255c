package x

import (
	_ "embed"
	"regexp"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// URLs are found as twitter-text finds them (its extractUrl expression
// and isValidUrl): after a character that is not a letter, digit, @, $
// or #; with http:// or https://, or without for an ASCII domain; labels
// of domain characters (anything but punctuation, spaces and
// directional marks) ending in a top-level domain twitter-text knows
// (tld_lib.yml), each label at most 63 characters once punycode-encoded;
// then a port, a path (balanced parentheses, ending on a letter, digit
// or one of +-=_#/) and a query.

//go:embed tld_lib.yml
var tldYAML []byte

// tlds are the top-level domains, lower case; maxTLD the longest, in runes.
var tlds, maxTLD = loadTLDs()

func loadTLDs() (map[string]bool, int) {
	var lists struct {
		Country []string `yaml:"country"`
		Generic []string `yaml:"generic"`
	}
	if err := yaml.Unmarshal(tldYAML, &lists); err != nil {
		panic("x: tld_lib.yml: " + err.Error())
	}
	set, longest := map[string]bool{}, 0
	for _, t := range append(lists.Country, lists.Generic...) {
		set[strings.ToLower(t)] = true
		longest = max(longest, utf8.RuneCountInString(t))
	}
	return set, longest
}

const maxURLLength = 4096 // twitter-text's MAX_URL_LENGTH, protocol included

var tcoURL = regexp.MustCompile(`(?i)^https?://t\.co/([a-z0-9]+)(?:\?[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]*[a-z0-9\-_&=#/])?`)

// extractURLs returns the URLs of rs, by start index → end index (in
// runes).
func extractURLs(rs []rune) map[int]int {
	out := map[int]int{}
	if !containsRune(rs, '.') {
		return out
	}
	for pos := 0; pos < len(rs); {
		s := nextStart(rs, pos)
		if s < 0 {
			break
		}
		m, ok, skip := matchURL(rs, s)
		if !ok {
			pos = max(s+1, skip)
			continue
		}
		pos = max(m.end, s+1)
		if start, end, ok := m.accept(rs); ok {
			out[start] = end
		}
	}
	return out
}

func containsRune(rs []rune, r rune) bool {
	for _, c := range rs {
		if c == r {
			return true
		}
	}
	return false
}

// nextStart is the first index from pos where a URL may begin: at the
// start, or after a character allowed before a URL.
func nextStart(rs []rune, pos int) int {
	for s := pos; s < len(rs); s++ {
		if s == 0 || precedingOK(rs[s-1]) {
			return s
		}
	}
	return -1
}

func precedingOK(r rune) bool {
	switch {
	case r < 0x80 && (isASCIIAlnum(r) || r == '@' || r == '$' || r == '#'):
		return false
	case r == '＠' || r == '＃' || invalidChar(r):
		return false
	}
	return true
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// match is what the URL expression matched at a start.
type match struct {
	start, end         int // the URL
	proto              int // the protocol's length (0: none)
	domStart, domEnd   int
	pathStart, pathEnd int // pathStart == pathEnd: no path
}

// matchURL matches the URL expression at s: the protocol (optional), the
// domain, a port, a path and a query. Without a match, skip is where the
// next may begin (0: anywhere).
func matchURL(rs []rune, s int) (m match, ok bool, skip int) {
	for _, proto := range []int{protoLen(rs[s:]), 0} {
		m := match{start: s, proto: proto, domStart: s + proto}
		end, ok, skip := matchDomain(rs, m.domStart)
		if !ok {
			if proto == 0 {
				return m, false, skip
			}
			continue
		}
		m.domEnd = end
		if end+1 < len(rs) && rs[end] == ':' && isDigit(rs[end+1]) {
			for end++; end < len(rs) && isDigit(rs[end]); end++ {
			}
		}
		m.pathStart, m.pathEnd = end, end
		if end < len(rs) && rs[end] == '/' {
			end = matchPath(rs, end+1)
			m.pathEnd = end
		}
		if end < len(rs) && rs[end] == '?' {
			end = matchQuery(rs, end+1, end)
		}
		m.end = end
		return m, true, 0
	}
	return match{}, false, 0
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func protoLen(rs []rune) int {
	for _, p := range []string{"https://", "http://"} {
		if len(rs) >= len(p) && strings.EqualFold(string(rs[:len(p)]), p) {
			return len(p)
		}
	}
	return 0
}

// accept applies isValidUrl and the rules of URLs without a protocol;
// it returns the URL's extent.
func (m match) accept(rs []rune) (int, int, bool) {
	domain := string(rs[m.domStart:m.domEnd])
	url := rs[m.start:m.end]
	proto := m.proto
	if proto == 0 {
		proto = len("https://")
	}
	if !validIDN(domain) || proto+units(url) > maxURLLength {
		return 0, 0, false
	}
	if m.proto == 0 {
		if m.start > 0 && strings.ContainsRune("-_./", rs[m.start-1]) || !asciiDomain(domain) {
			return 0, 0, false
		}
		if m.pathEnd == m.pathStart {
			return m.start, m.domEnd, true
		}
		return m.start, m.end, true
	}
	if t := tcoURL.FindStringSubmatch(string(url)); t != nil {
		if len(t[1]) > 40 {
			return 0, 0, false
		}
		return m.start, m.start + utf8.RuneCountInString(t[0]), true
	}
	return m.start, m.end, true
}
