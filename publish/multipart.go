package publish

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"strings"
)

// Part is one part of a multipart/form-data body: a field (Value) or a
// file (File, Size bytes, read only as the body is sent).
type Part struct {
	Field    string    // the form field's name
	Value    string    // a field's value (File nil)
	FileName string    // a file's name
	Type     string    // a file's Content-Type (a field's when set, e.g. application/json)
	File     io.Reader // a file's bytes; nil for a field
	Size     int64     // how many bytes File gives
}

// Multipart is a multipart/form-data body that streams: its length is
// known before a byte of a file is read, so the request carries a
// Content-Length (some networks refuse chunked uploads) and memory stays
// small whatever the files' sizes.
type Multipart struct {
	Body        io.Reader
	ContentType string
	Length      int64
}

// NewMultipart lays out parts. Files are read from their readers as the
// body is read; each must give exactly Size bytes (a short file fails the
// read, so a truncated upload is never sent as complete).
func NewMultipart(parts []Part) (Multipart, error) {
	var head bytes.Buffer
	w := multipart.NewWriter(&head)
	var rs []io.Reader
	var n int64
	flush := func() {
		b := bytes.Clone(head.Bytes())
		head.Reset()
		rs = append(rs, bytes.NewReader(b))
		n += int64(len(b))
	}
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		disp := fmt.Sprintf(`form-data; name="%s"`, escapeQuotes(p.Field))
		if p.File != nil {
			disp += fmt.Sprintf(`; filename="%s"`, escapeQuotes(p.FileName))
		}
		h.Set("Content-Disposition", disp)
		if p.Type != "" {
			h.Set("Content-Type", p.Type)
		} else if p.File != nil {
			h.Set("Content-Type", "application/octet-stream")
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			return Multipart{}, err
		}
		if p.File == nil {
			if _, err := io.WriteString(pw, p.Value); err != nil {
				return Multipart{}, err
			}
			continue
		}
		flush()
		rs = append(rs, &exact{r: p.File, left: p.Size, name: p.FileName})
		n += p.Size
	}
	if err := w.Close(); err != nil {
		return Multipart{}, err
	}
	flush()
	return Multipart{Body: io.MultiReader(rs...), ContentType: w.FormDataContentType(), Length: n}, nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }

// exact reads exactly left bytes from r: fewer is an error.
type exact struct {
	r    io.Reader
	left int64
	name string
}

func (e *exact) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if err == io.EOF {
		if e.left > 0 {
			return n, fmt.Errorf("%s ended %d bytes short of its size", e.name, e.left)
		}
		err = nil
	}
	return n, err
}
