package approvals

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/heraldhq/herald"
)

// cleanText is a draft's text as stored: trimmed, its Windows line breaks
// (CR LF) made plain ones. It refuses an empty text, invalid UTF-8, a
// text over MaxTextLength, and control characters other than line breaks
// and tabs (C0 and DEL: a NUL byte, a lone CR, an escape sequence), which
// networks refuse or show as garbage.
func cleanText(t string) (string, error) {
	t = strings.TrimSpace(strings.ReplaceAll(t, "\r\n", "\n"))
	switch {
	case t == "":
		return "", herald.Errorf(herald.EINVALID, "A draft needs some text.").Because(ReasonNoText, nil)
	case !utf8.ValidString(t):
		return "", herald.Errorf(herald.EINVALID, "The text is not valid UTF-8.").Because(ReasonBadUTF8, herald.Facts{"what": "text"})
	case utf8.RuneCountInString(t) > MaxTextLength:
		return "", herald.Errorf(herald.EINVALID, "A draft has at most %d characters; this one has %d.", MaxTextLength, utf8.RuneCountInString(t)).
			Because(ReasonTextTooLong, herald.Facts{"max": MaxTextLength, "length": utf8.RuneCountInString(t)})
	}
	return t, checkControl(t)
}

// checkControl refuses a text holding a control character other than
// line breaks and tabs.
func checkControl(t string) error {
	if i := strings.IndexFunc(t, func(r rune) bool { return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f }); i >= 0 {
		u := fmt.Sprintf("U+%04X", t[i])
		return herald.Errorf(herald.EINVALID, "The text holds a control character (%s%s) that no network can show; remove it and send the text again.", u, controlNames[t[i]]).
			Because(ReasonControlChar, herald.Facts{"char": u})
	}
	return nil
}

// controlNames name the control characters people meet, after their code.
var controlNames = map[byte]string{0: ", a NUL byte", '\r': ", a carriage return", 0x1b: ", an escape", 0x7f: ", a delete"}
