// Package webhook is the inbound mention webhook: any listening tool that
// can POST JSON (Brand24, Mention, Zapier, n8n, a script) pushes mentions
// to POST /hooks/mentions/{token}, where the token names the brand's
// webhook source.
//
// # Schema
//
// The body is JSON (Content-Type: application/json), at most 1 MiB by
// default, either one mention object or {"mentions": [ ... ]} with 1 to 100
// mention objects. A mention object has these fields, all strings; unknown
// fields are refused so that a typo ("link" for "url") is not silently lost:
//
//	url           required  the mention's own link: an absolute http or https URL, at most 2048 bytes
//	text          required unless title is given; plain text, at most 10000 characters
//	title         optional  plain text, at most 500 characters
//	author        optional  the author's handle or name, at most 200 characters
//	author_url    optional  an absolute http or https URL, at most 2048 bytes
//	lang          optional  a language tag ("fr", "en-GB"); only its primary subtag is kept
//	published_at  optional  RFC 3339 ("2026-12-01T09:00:00Z", "2026-12-01T10:00:00+01:00")
//	source        optional  a free label for the sending tool ("brand24"), at most 64 characters:
//	                        letters, digits, '.', '_' and '-'
//	id            optional  the mention's id in the sending tool, at most 512 characters;
//	                        defaults to url. With source, it is kept as "source:id" so that
//	                        two tools' ids never collide.
//
// A null field is the same as an absent one. Text fields are trimmed.
//
// # Answers
//
// 202 {"accepted": N} where N is how many mentions were new; 400
// {"error": "mentions[2].url: ..."} when the body is not valid (nothing of
// it is stored); 404 for an unknown token; 405 for a method other than
// POST; 413 for a body over the limit; 415 for another content type; 500
// when Herald failed (the body says nothing more).
package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/mentions"
	"github.com/heraldhq/herald/mentions/web"
)

// Kind is the mentions.Item Source of every item this package makes.
const Kind = "webhook"

// The limits of the schema.
const (
	DefaultMaxBody = 1 << 20 // bytes of a request body, unless the Handler is given another
	MaxMentions    = 100     // mentions in one request

	maxURL    = 2048  // bytes
	maxText   = 10000 // characters
	maxTitle  = 500   // characters
	maxAuthor = 200   // characters
	maxLang   = 35    // bytes (BCP 47's longest useful tag)
	maxLabel  = 64    // bytes
	maxID     = 512   // characters
)

// known reports whether k is a key of a mention object.
func known(k string) bool {
	switch k {
	case "url", "text", "title", "author", "author_url", "lang", "published_at", "source", "id":
		return true
	}
	return false
}

// Parse reads a webhook body (one mention object or {"mentions": [...]})
// into items whose Source is "webhook". Any fault makes it return no items
// and a herald EINVALID error naming the field and, for a list, its index
// ("mentions[2].url: ..."); a valid body gives at least one item.
func Parse(body []byte) ([]mentions.Item, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, invalid("", "the body is empty; send a JSON mention object or {\"mentions\": [...]}")
	}
	if body[0] != '{' {
		return nil, invalid("", "the body must be a JSON object: one mention or {\"mentions\": [...]}")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, invalid("", "the body is not valid JSON: "+jsonReason(err))
	}
	raw, isList := top["mentions"]
	if !isList {
		it, err := parseMention("", top)
		if err != nil {
			return nil, err
		}
		return []mentions.Item{it}, nil
	}
	for k := range top {
		if k != "mentions" {
			return nil, invalid("", fmt.Sprintf("unexpected field %q beside \"mentions\"; send one mention object or {\"mentions\": [...]}", clip(k, 40)))
		}
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil || list == nil {
		return nil, invalid("mentions", "must be an array of mention objects")
	}
	switch {
	case len(list) == 0:
		return nil, invalid("mentions", "is empty; send at least one mention")
	case len(list) > MaxMentions:
		return nil, invalid("mentions", fmt.Sprintf("has %d mentions; at most %d are accepted in one request", len(list), MaxMentions))
	}
	items := make([]mentions.Item, 0, len(list))
	for i, r := range list {
		at := fmt.Sprintf("mentions[%d]", i)
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(r, &obj); err != nil || obj == nil {
			return nil, invalid(at, "must be a mention object")
		}
		it, err := parseMention(at+".", obj)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, nil
}

// fields are a mention object's string fields, trimmed ("" when absent or
// null).
type fields struct{ url, text, title, author, authorURL, lang, published, source, id string }

// readFields reads the fields of one mention object, refusing unknown
// ones and values that are not strings; prefix names it in errors.
func readFields(prefix string, obj map[string]json.RawMessage) (fields, error) {
	var m fields
	for k := range obj {
		if !known(k) {
			return m, invalid(strings.TrimSuffix(prefix, "."), fmt.Sprintf("unknown field %q; the fields are url, text, title, author, author_url, lang, published_at, source, id", clip(k, 40)))
		}
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"url", &m.url}, {"text", &m.text}, {"title", &m.title}, {"author", &m.author},
		{"author_url", &m.authorURL}, {"lang", &m.lang}, {"published_at", &m.published},
		{"source", &m.source}, {"id", &m.id},
	} {
		raw, ok := obj[f.name]
		if !ok || string(raw) == "null" {
			continue
		}
		if err := json.Unmarshal(raw, f.dst); err != nil {
			return m, invalid(prefix+f.name, "must be a string")
		}
		*f.dst = strings.TrimSpace(*f.dst)
	}
	return m, nil
}

// parseMention validates one mention object; prefix names it in errors
// ("" for a lone mention, "mentions[2]." in a list).
func parseMention(prefix string, obj map[string]json.RawMessage) (mentions.Item, error) {
	m, err := readFields(prefix, obj)
	if err != nil {
		return mentions.Item{}, err
	}
	it := mentions.Item{Source: Kind}
	if m.url == "" {
		return it, invalid(prefix+"url", "is required: the mention's own http or https link")
	}
	if it.URL, err = webURL(m.url); err != nil {
		return it, invalid(prefix+"url", err.Error())
	}
	if m.text == "" && m.title == "" {
		return it, invalid(prefix+"text", "is required unless title is given")
	}
	checks := []struct {
		name, val string
		max       int
		dst       *string
	}{
		{"text", m.text, maxText, &it.Text},
		{"title", m.title, maxTitle, &it.Title},
		{"author", m.author, maxAuthor, &it.Author},
	}
	for _, c := range checks {
		if n := utf8.RuneCountInString(c.val); n > c.max {
			return it, invalid(prefix+c.name, fmt.Sprintf("is %d characters long; at most %d are accepted", n, c.max))
		}
		*c.dst = c.val
	}
	if m.authorURL != "" {
		if it.AuthorURL, err = webURL(m.authorURL); err != nil {
			return it, invalid(prefix+"author_url", err.Error())
		}
	}
	if m.lang != "" {
		if it.Lang, err = primaryLang(m.lang); err != nil {
			return it, invalid(prefix+"lang", err.Error())
		}
	}
	if m.published != "" {
		t, err := time.Parse(time.RFC3339, m.published)
		if err != nil {
			return it, invalid(prefix+"published_at", "must be an RFC 3339 time such as 2026-12-01T09:00:00Z")
		}
		it.Published = t
	}
	if m.source != "" && !validLabel(m.source) {
		return it, invalid(prefix+"source", fmt.Sprintf("must be at most %d letters, digits, '.', '_' or '-'", maxLabel))
	}
	if n := utf8.RuneCountInString(m.id); n > maxID {
		return it, invalid(prefix+"id", fmt.Sprintf("is %d characters long; at most %d are accepted", n, maxID))
	}
	switch {
	case m.id == "":
		it.ExternalID = it.URL
	case m.source != "":
		it.ExternalID = strings.ToLower(m.source) + ":" + m.id
	default:
		it.ExternalID = m.id
	}
	return it, nil
}

// webURL checks that s is an absolute http or https URL with a host.
func webURL(s string) (string, error) {
	if len(s) > maxURL {
		return "", fmt.Errorf("is %d bytes long; at most %d are accepted", len(s), maxURL)
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return "", fmt.Errorf("must be a URL without spaces")
	}
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() {
		return "", fmt.Errorf("must be an absolute http or https URL")
	}
	if sc := strings.ToLower(u.Scheme); sc != "http" && sc != "https" {
		return "", fmt.Errorf("must be an http or https URL, not %q", clip(u.Scheme, 20))
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("must name a host")
	}
	return s, nil
}

// primaryLang checks a BCP 47-shaped tag (alphanumeric subtags joined by
// '-' or '_', the first of 2 or 3 letters) and returns its primary subtag
// in lower case (web.PrimaryLang).
func primaryLang(s string) (string, error) {
	bad := fmt.Errorf("must be a language tag such as \"fr\" or \"en-GB\"")
	if len(s) > maxLang {
		return "", bad
	}
	for _, sub := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '_' }) {
		if len(sub) > 8 {
			return "", bad
		}
		for i := 0; i < len(sub); i++ {
			if c := sub[i]; !isAlpha(c) && (c < '0' || c > '9') {
				return "", bad
			}
		}
	}
	primary := web.PrimaryLang(s)
	if primary == "" {
		return "", bad
	}
	return primary, nil
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func validLabel(s string) bool {
	if len(s) > maxLabel {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && (c < '0' || c > '9') && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// invalid is the EINVALID error for a field ("" for the whole body).
func invalid(field, why string) error {
	if field == "" {
		return herald.Errorf(herald.EINVALID, "%s", why)
	}
	return herald.Errorf(herald.EINVALID, "%s: %s", clip(field, 80), why)
}

// jsonReason says where JSON went wrong without echoing the body.
func jsonReason(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "the body must be a JSON object"
	}
	return "it could not be read"
}

// clip shortens s to n bytes at a rune boundary, for echoing names.
func clip(s string, n int) string {
	if c := web.ClipBytes(s, n); len(c) < len(s) {
		return c + "…"
	}
	return s
}
