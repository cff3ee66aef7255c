package linkedintest

import (
	"strings"
	"unicode"
)

// Little is commentary in LinkedIn's "little" format as LinkedIn reads
// it: the text people see, and the mentions and hashtags it makes.
type Little struct {
	Text     string
	Mentions []string // URNs of @[Name](urn)
	Hashtags []string // #tag and {hashtag|\#|tag}
}

// Unescape reads commentary as LinkedIn does: "\x" is x; "@[Name](urn)"
// is a mention showing Name; "#tag" (a letter or digit after an unescaped
// #) and the template "{hashtag|\#|tag}" are hashtags.
func Unescape(c string) Little {
	var out Little
	var b strings.Builder
	rs := []rune(c)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\\' && i+1 < len(rs):
			i++
			b.WriteRune(rs[i])
		case r == '@' && i+1 < len(rs) && rs[i+1] == '[':
			name, urn, n, ok := mention(rs[i:])
			if !ok {
				b.WriteRune(r)
				continue
			}
			out.Mentions = append(out.Mentions, urn)
			b.WriteString(name)
			i += n - 1
		case r == '#' && i+1 < len(rs) && isTag(rs[i+1]):
			j := i + 1
			for j < len(rs) && isTag(rs[j]) {
				j++
			}
			out.Hashtags = append(out.Hashtags, string(rs[i+1:j]))
			b.WriteString(string(rs[i:j]))
			i = j - 1
		case r == '{':
			tag, n, ok := template(rs[i:])
			if !ok {
				b.WriteRune(r)
				continue
			}
			out.Hashtags = append(out.Hashtags, tag)
			b.WriteString("#" + tag)
			i += n - 1
		default:
			b.WriteRune(r)
		}
	}
	out.Text = b.String()
	return out
}

func isTag(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// mention reads "@[Name](urn:li:...)" at the start of rs.
func mention(rs []rune) (name, urn string, n int, ok bool) {
	s := string(rs)
	end := strings.Index(s, "](")
	if end < 0 {
		return "", "", 0, false
	}
	close := strings.IndexByte(s[end:], ')')
	if close < 0 || !strings.HasPrefix(s[end+2:], "urn:li:") {
		return "", "", 0, false
	}
	name, urn = s[2:end], s[end+2:end+close]
	return name, urn, len([]rune(s[:end+close+1])), true
}

// template reads "{hashtag|\#|tag}" at the start of rs.
func template(rs []rune) (tag string, n int, ok bool) {
	s := string(rs)
	const open = `{hashtag|\#|`
	if !strings.HasPrefix(s, open) {
		return "", 0, false
	}
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return "", 0, false
	}
	return s[len(open):end], len([]rune(s[:end+1])), true
}
