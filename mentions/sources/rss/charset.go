package rss

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"

	"github.com/heraldhq/herald/mentions/web"
)

// prepare makes data readable by encoding/xml before parsing. A byte
// order mark is honoured (UTF-16 is converted to UTF-8, as is UTF-16
// without one that starts with its "<?xml") and dropped; a
// document that declares no encoding is read in the HTTP response's
// charset, when it names one; a document in UTF-8 (declared or assumed)
// has its invalid sequences replaced, and one that declares nothing and
// has more invalid sequences than valid ones beyond ASCII is read as
// Windows-1252 (old feeds written in Latin-1 without saying so); control characters that XML
// forbids (one stray \x0c rejects a whole document) are removed. It
// reports whether it converted data to UTF-8 already, in which case the
// declaration's encoding must be ignored.
func prepare(data []byte, httpCharset string) ([]byte, bool) {
	converted := false
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		data = data[3:]
	case bytes.HasPrefix(data, []byte("\xfe\xff")), bytes.HasPrefix(data, []byte("\xff\xfe")):
		label := "utf-16be"
		if data[0] == 0xff {
			label = "utf-16le"
		}
		if out, err := convert(data[2:], label); err == nil {
			data, converted = out, true
		}
	case bytes.HasPrefix(data, []byte("\x00<\x00?")), bytes.HasPrefix(data, []byte("<\x00?\x00")):
		// UTF-16 without a byte order mark, told by its "<?" (XML 1.0,
		// appendix F).
		label := "utf-16be"
		if data[0] == '<' {
			label = "utf-16le"
		}
		if out, err := convert(data, label); err == nil {
			data, converted = out, true
		}
	}
	declared := declaredEncoding(data)
	httpCharset = strings.ToLower(strings.TrimSpace(httpCharset))
	if !converted && declared == "" && httpCharset != "" && !isUTF8(httpCharset) {
		if out, err := convert(data, httpCharset); err == nil {
			data, converted = out, true
		}
	}
	if !converted && (declared == "" || isUTF8(declared)) && !utf8.Valid(data) {
		if valid, invalid := utf8Share(data); declared == "" && invalid > valid {
			out, _ := io.ReadAll(&eightBit{r: bytes.NewReader(data), cp1252: true})
			data, converted = out, true
		} else {
			data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
		}
	}
	return stripControls(data, converted || declared == "" || isUTF8(declared)), converted
}

func convert(data []byte, label string) ([]byte, error) {
	r, err := charset.NewReaderLabel(label, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func isUTF8(label string) bool {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return true
	}
	return false
}

// declaredEncoding returns the encoding the XML declaration names, lower
// case, or "".
func declaredEncoding(data []byte) string {
	head := data[:min(len(data), 256)]
	if !bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(head, []byte("?>"))
	if end < 0 {
		return ""
	}
	decl := string(head[:end])
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	rest, ok := strings.CutPrefix(rest, "=")
	rest = strings.TrimLeft(rest, " \t\r\n")
	if !ok || rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	value, _, _ := strings.Cut(rest[1:], rest[:1])
	return strings.ToLower(strings.TrimSpace(value))
}

// utf8Share counts the valid UTF-8 sequences of more than one byte in
// data, and the invalid ones.
func utf8Share(data []byte) (valid, invalid int) {
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			invalid++
		} else {
			valid++
		}
		i += max(size, 1)
	}
	return valid, invalid
}

// stripControls removes the control characters XML 1.0 forbids (all
// below 0x20 but tab, line feed and carriage return): no ASCII-compatible
// charset uses those bytes inside a character. In UTF-8 (isUTF8) it also
// replaces U+FFFE and U+FFFF, which XML forbids too.
func stripControls(data []byte, isUTF8 bool) []byte {
	clean := true
	for _, c := range data {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			clean = false
			break
		}
	}
	if isUTF8 && (bytes.Contains(data, []byte("\uFFFE")) || bytes.Contains(data, []byte("\uFFFF"))) {
		data = bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\uFFFE"), []byte("\uFFFD")), []byte("\uFFFF"), []byte("\uFFFD"))
	}
	if clean {
		return data
	}
	out := make([]byte, 0, len(data))
	for _, c := range data {
		if c >= 0x20 || c == '\t' || c == '\n' || c == '\r' {
			out = append(out, c)
		}
	}
	return out
}

// charsetReader converts the charset a document declares to UTF-8:
// Latin-1 and Windows-1252 here (ISO-8859-1 stays ISO-8859-1, where the
// WHATWG tables would read it as Windows-1252), the others through
// golang.org/x/net/html/charset (Windows-125x, KOI8-R/U, ISO-8859-x,
// EUC-KR, GB2312/GBK/GB18030, Big5, Shift_JIS, EUC-JP...). A document
// that says UTF-16 but reached the decoder as bytes (no byte order mark)
// is read as UTF-8, what it must then be. An unknown charset is an error.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch l := strings.ToLower(strings.TrimSpace(label)); {
	case isUTF8(l), l == "utf-16", l == "utf-16le", l == "utf-16be":
		return input, nil
	case l == "iso-8859-1", l == "iso8859-1", l == "latin1", l == "latin-1", l == "l1":
		return &eightBit{r: input}, nil
	case l == "windows-1252", l == "cp1252":
		return &eightBit{r: input, cp1252: true}, nil
	}
	r, err := charset.NewReaderLabel(label, input)
	if err != nil {
		return nil, fmt.Errorf("unsupported charset %q", web.ClipBytes(label, 40))
	}
	return r, nil
}

// asIs is the charset reader of a document prepare converted already.
func asIs(_ string, input io.Reader) (io.Reader, error) { return input, nil }

// cp1252 maps the bytes 0x80–0x9F of Windows-1252 (0 where undefined).
var cp1252 = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}

// eightBit decodes ISO-8859-1 (or Windows-1252) to UTF-8.
type eightBit struct {
	r      io.Reader
	cp1252 bool
	buf    []byte // decoded, not yet returned
	in     [512]byte
}

func (e *eightBit) Read(p []byte) (int, error) {
	if len(e.buf) == 0 {
		n, err := e.r.Read(e.in[:])
		for _, b := range e.in[:n] {
			r := rune(b)
			if e.cp1252 && b >= 0x80 && b <= 0x9F {
				if r = cp1252[b-0x80]; r == 0 {
					r = utf8.RuneError
				}
			}
			e.buf = utf8.AppendRune(e.buf, r)
		}
		if n == 0 {
			return 0, err
		}
	}
	n := copy(p, e.buf)
	e.buf = e.buf[n:]
	return n, nil
}
