package publish_test

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/heraldhq/herald/publish"
)

func TestMultipart(t *testing.T) {
	file := bytes.Repeat([]byte("0123456789"), 100_000) // 1 MB
	t.Run("OK", func(t *testing.T) {
		m, err := publish.NewMultipart([]publish.Part{
			{Field: "payload_json", Value: `{"content":"hi"}`, Type: "application/json"},
			{Field: "files[0]", FileName: `a "quoted".mp4`, Type: "video/mp4", File: bytes.NewReader(file), Size: int64(len(file))},
			{Field: "description", Value: "alt text"},
		})
		if err != nil {
			t.Fatalf("NewMultipart: %v", err)
		}
		body, err := io.ReadAll(m.Body)
		if err != nil {
			t.Fatalf("reading the body: %v", err)
		}
		if int64(len(body)) != m.Length {
			t.Errorf("Length = %d, the body has %d bytes", m.Length, len(body))
		}
		_, params, err := mime.ParseMediaType(m.ContentType)
		if err != nil || !strings.HasPrefix(m.ContentType, "multipart/form-data") {
			t.Fatalf("ContentType %q: %v", m.ContentType, err)
		}
		r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		want := []struct{ name, file, typ, value string }{
			{"payload_json", "", "application/json", `{"content":"hi"}`},
			{"files[0]", `a "quoted".mp4`, "video/mp4", string(file)},
			{"description", "", "", "alt text"},
		}
		for _, w := range want {
			p, err := r.NextPart()
			if err != nil {
				t.Fatalf("NextPart (%s): %v", w.name, err)
			}
			got, _ := io.ReadAll(p)
			if p.FormName() != w.name || p.FileName() != w.file || p.Header.Get("Content-Type") != w.typ || string(got) != w.value {
				t.Errorf("part %q file %q type %q (%d bytes), want %q %q %q (%d bytes)", p.FormName(), p.FileName(), p.Header.Get("Content-Type"), len(got), w.name, w.file, w.typ, len(w.value))
			}
		}
		if _, err := r.NextPart(); err != io.EOF {
			t.Errorf("after the parts: %v, want EOF", err)
		}
	})
	t.Run("ErrShortFile", func(t *testing.T) {
		m, err := publish.NewMultipart([]publish.Part{{Field: "file", FileName: "a.jpg", File: bytes.NewReader(file[:10]), Size: 11}})
		if err != nil {
			t.Fatalf("NewMultipart: %v", err)
		}
		if _, err := io.ReadAll(m.Body); err == nil || !strings.Contains(err.Error(), "short") {
			t.Errorf("reading a body whose file is short: %v, want an error", err)
		}
	})
}
