package mentions

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald/mentions/web"
)

// Bounds applied to what sources give, in characters.
const (
	maxTitle      = 300
	maxText       = 5000
	maxAuthor     = 200
	maxExternalID = 300
	// maxWebhookItems bounds one webhook delivery.
	maxWebhookItems = 100
)

// Why an item produced no mention, besides the spam reasons.
const (
	dropEmpty = "empty" // no title and no text after normalising
)

// normalise cleans an item in place: valid UTF-8 without control
// characters, trimmed, lengths bounded, links kept only when http(s), the
// language reduced to a lowercase tag. It reports false when nothing is
// left to read.
func normalise(it *Item, spec Spec) bool {
	it.Source, it.SourceID = spec.Kind, spec.ID
	it.ExternalID = externalID(oneLine(it.ExternalID))
	it.URL = web.WebURL(oneLine(it.URL))
	it.AuthorURL = web.WebURL(oneLine(it.AuthorURL))
	it.Title = clip(oneLine(it.Title), maxTitle)
	it.Text = clip(cleanText(it.Text), maxText)
	it.Author = clip(oneLine(it.Author), maxAuthor)
	it.Lang = web.PrimaryLang(it.Lang)
	if !it.Published.IsZero() {
		it.Published = it.Published.UTC()
	}
	return it.Title != "" || it.Text != ""
}

// externalID keeps an item's id as its dedupe key: one longer than
// maxExternalID is replaced by its SHA-256, never cut, so that two long
// ids sharing a prefix stay two items.
func externalID(id string) string {
	if len(id) <= maxExternalID {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// cleanText makes s valid UTF-8, drops control characters but newlines and
// tabs, collapses runs of blank lines, and trims.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, func(r rune) bool {
		return (unicode.IsControl(r) && r != '\n' && r != '\t') || r == '\u2028' || r == '\u2029'
	}) >= 0 {
		s = strings.Map(func(r rune) rune {
			switch {
			case r == '\r':
				return -1
			case r == '\u2028' || r == '\u2029':
				return '\n'
			case unicode.IsControl(r) && r != '\n' && r != '\t':
				return -1
			}
			return r
		}, s)
	}
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return strings.TrimSpace(s)
}

// oneLine makes s valid UTF-8 on one line, spaces collapsed, trimmed.
func oneLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) && r != ' ' }) < 0 && !strings.Contains(s, "  ") {
		return strings.TrimSpace(s)
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
}

// clip bounds s to n characters, ending with "…" when cut.
func clip(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
