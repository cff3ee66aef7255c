package linkedin

import "strings"

// Reserved are the characters of LinkedIn's "little" text format (the
// Posts API's commentary): mentions @[Name](urn), hashtags #tag and
// templates {…|…}. Each is escaped with a backslash so that it prints as
// typed.
const Reserved = `\|{}@[]()<>#*_~`

// Escape returns text as the commentary of a post that shows exactly
// text: every reserved character is escaped, so no part of it becomes a
// mention, a hashtag or a template.
func Escape(text string) string {
	var b strings.Builder
	b.Grow(len(text) + len(text)/8)
	for _, r := range text {
		if strings.ContainsRune(Reserved, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
