package assist

import (
	"encoding/json"
	"strings"
)

// jsonCandidates returns the pieces of an LLM's answer that may be the
// JSON asked for, most likely first: the whole answer, the body of each
// ```json fence, then the span from the first { (or [) to the last } (or
// ]). Servers that ignore response_format wrap JSON in prose or fences.
func jsonCandidates(s string) []string {
	s = strings.TrimSpace(s)
	out := []string{s}
	rest := s
	for {
		i := strings.Index(rest, "```")
		if i < 0 {
			break
		}
		body := rest[i+3:]
		j := strings.Index(body, "```")
		if j < 0 {
			break
		}
		fence := body[:j]
		if nl := strings.IndexByte(fence, '\n'); nl >= 0 && !strings.ContainsAny(fence[:nl], "{[") {
			fence = fence[nl+1:] // the info string: json, JSON, ...
		}
		out = append(out, strings.TrimSpace(fence))
		rest = body[j+3:]
	}
	for _, pair := range [][2]string{{"{", "}"}, {"[", "]"}} {
		if i, j := strings.Index(s, pair[0]), strings.LastIndex(s, pair[1]); i >= 0 && j > i {
			out = append(out, s[i:j+1])
		}
	}
	return out
}

// decodeFirst decodes the first candidate that is valid JSON for v and
// that ok accepts. Unknown fields are ignored: whatever else the model
// adds changes nothing.
func decodeFirst[T any](s string, ok func(T) bool) (T, bool) {
	for _, c := range jsonCandidates(s) {
		var v T
		if json.Unmarshal([]byte(c), &v) == nil && ok(v) {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// variantsOut is the JSON schema of the variants answer. No field has
// omitempty: strict structured output wants every field required.
type variantsOut struct {
	Variants []variantOut `json:"variants" description:"one to three variants of the post"`
}

type variantOut struct {
	Text    string   `json:"text" description:"the complete post"`
	Targets []string `json:"targets" description:"the targets this variant is shaped for, as kind:name; empty for all"`
	Note    string   `json:"note" description:"how this variant differs, in a few words"`
}

// parseVariants reads the variants from an answer: the schema's object, a
// bare array of variants, or one variant; as a last resort the whole
// answer is one variant's text.
func parseVariants(s string) []variantOut {
	hasText := func(vs []variantOut) bool {
		for _, v := range vs {
			if strings.TrimSpace(v.Text) != "" {
				return true
			}
		}
		return false
	}
	if v, ok := decodeFirst(s, func(v variantsOut) bool { return hasText(v.Variants) }); ok {
		return v.Variants
	}
	if v, ok := decodeFirst(s, hasText); ok {
		return v
	}
	if v, ok := decodeFirst(s, func(v variantOut) bool { return strings.TrimSpace(v.Text) != "" }); ok {
		return []variantOut{v}
	}
	if text := plainText(s); text != "" {
		return []variantOut{{Text: text}}
	}
	return nil
}

// plainText is an answer used as text: without a fence around it, and not
// if it is JSON that said nothing usable.
func plainText(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "```") {
		s = strings.TrimPrefix(s, "```")
		if nl := strings.IndexByte(s, '\n'); nl >= 0 && nl < 12 {
			s = s[nl+1:]
		}
		s = strings.TrimSuffix(strings.TrimSpace(s), "```")
	}
	s = strings.TrimSpace(s)
	if json.Valid([]byte(s)) && (strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[")) {
		return ""
	}
	return s
}

type replyOut struct {
	Reply string `json:"reply" description:"the suggested reply"`
}

func parseReply(s string) string {
	if v, ok := decodeFirst(s, func(v replyOut) bool { return strings.TrimSpace(v.Reply) != "" }); ok {
		return strings.TrimSpace(v.Reply)
	}
	return plainText(s)
}

type triageOut struct {
	Sentiment string `json:"sentiment" enum:"positive,neutral,negative"`
	Urgency   string `json:"urgency" enum:"low,medium,high"`
}

func parseTriage(s string) (triageOut, bool) {
	return decodeFirst(s, func(v triageOut) bool {
		return sentiments[strings.ToLower(v.Sentiment)] && urgencies[strings.ToLower(v.Urgency)]
	})
}

var (
	sentiments = map[string]bool{"positive": true, "neutral": true, "negative": true}
	urgencies  = map[string]bool{"low": true, "medium": true, "high": true}
)
