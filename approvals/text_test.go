package approvals_test

import (
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
)

// TestDraftText: control characters other than line breaks and tabs are
// refused in a new draft and in an edit, with a plain sentence naming
// the character; Windows line breaks become plain ones.
func TestDraftText(t *testing.T) {
	e := newEnv(t, "team:1")
	ctx := t.Context()
	for _, tc := range []struct{ name, text, char string }{
		{"ErrNUL", "Our store\x00 opens Monday", "U+0000"},
		{"ErrNULAtEnd", "Our store opens Monday\x00", "U+0000"},
		{"ErrEscape", "Our \x1b[31mstore", "U+001B"},
		{"ErrBell", "Ding\x07", "U+0007"},
		{"ErrLoneCR", "Line one\rline two", "U+000D"},
		{"ErrDelete", "Oops\x7f", "U+007F"},
		{"ErrVerticalTab", "a\vb", "U+000B"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.CreateDraft(ctx, bob, acmeCh, approvals.NewDraft{Text: tc.text})
			x := herald.AsError(err)
			if x == nil || x.Code != herald.EINVALID || x.Reason != approvals.ReasonControlChar || x.Facts["char"] != tc.char {
				t.Fatalf("CreateDraft(%q) = %v; want EINVALID %s with char %s", tc.text, err, approvals.ReasonControlChar, tc.char)
			}
			if !strings.Contains(x.Message, tc.char) || strings.Contains(x.Message, "`") {
				t.Errorf("message %q: want a plain sentence naming %s", x.Message, tc.char)
			}
		})
	}
	t.Run("OKLineBreaksAndTabs", func(t *testing.T) {
		d := e.create(t, bob, "Line one\r\nline two\n\tindented")
		if d.Text != "Line one\nline two\n\tindented" {
			t.Errorf("text = %q; want CR LF as LF, tabs kept", d.Text)
		}
		_, err := e.svc.Edit(ctx, bob, d.ID, "New text\x00")
		if x := herald.AsError(err); x == nil || x.Reason != approvals.ReasonControlChar {
			t.Errorf("Edit with a NUL byte = %v; want %s", err, approvals.ReasonControlChar)
		}
	})
}
