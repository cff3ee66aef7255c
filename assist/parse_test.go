package assist

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseVariants(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     []string
	}{
		{"OKSchema", `{"variants":[{"text":"a","targets":[],"note":""},{"text":"b","targets":[],"note":""}]}`, []string{"a", "b"}},
		{"OKFenceWithoutInfo", "```\n{\"variants\":[{\"text\":\"f\"}]}\n```", []string{"f"}},
		{"OKSecondFence", "```text\nhello\n```\n```json\n{\"variants\":[{\"text\":\"g\"}]}\n```", []string{"g"}},
		{"OKFencedPlainText", "```\nJust a post\n```", []string{"Just a post"}},
		{"OKEmptyTextsSkippedLater", `{"variants":[{"text":""},{"text":"x"}]}`, []string{"", "x"}},
		{"ErrUselessJSON", `{"answer":42}`, nil},
		{"ErrNothing", "   ", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, v := range parseVariants(tt.in) {
				got = append(got, v.Text)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("parseVariants(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzParseVariants: whatever a server answers, reading it never panics
// and gives valid text.
func FuzzParseVariants(f *testing.F) {
	for _, seed := range []string{`{"variants":[{"text":"a"}]}`, "```json\n{\"variants\":[]}\n```", `[{"text":"b"}]`, "plain", "{", "```", "}{", `{"reply":"r"}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, v := range parseVariants(in) {
			if !utf8.ValidString(v.Text) && utf8.ValidString(in) {
				t.Fatalf("invalid text %q from %q", v.Text, in)
			}
		}
		parseReply(in)
		parseTriage(in)
	})
}
