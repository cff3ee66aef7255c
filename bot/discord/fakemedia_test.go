package discord

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
)

// fakePart is one part of a multipart/form-data request.
type fakePart struct {
	Name, FileName, ContentType string
	Body                        []byte
}

// multipartParts reads a multipart/form-data body as Discord does; nil
// for another content type.
func multipartParts(contentType string, raw []byte) []fakePart {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" {
		return nil
	}
	mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
	out := []fakePart{}
	for {
		p, err := mr.NextPart()
		if err != nil {
			if err != io.EOF {
				return []fakePart{{Name: "unreadable: " + err.Error()}}
			}
			return out
		}
		b, _ := io.ReadAll(p)
		out = append(out, fakePart{Name: p.FormName(), FileName: p.FileName(), ContentType: p.Header.Get("Content-Type"), Body: b})
	}
}

// cdnURL makes b downloadable from the fake CDN (on the fake's host, as
// DISCORD_API_URL is in tests) and returns its URL, signed as Discord's
// are.
func (f *fakeDiscord) cdnURL(name string, b []byte) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	p := "/attachments/" + chNewsA + "/" + strconv.Itoa(8000+f.nextID) + "/" + name
	f.files[p] = b
	return f.srv.URL + p + "?ex=6790&is=678e&hm=abcdef"
}

// cdn answers CDN downloads, recording who asked (and with which
// Authorization); false for other requests.
func (f *fakeDiscord) cdn(w http.ResponseWriter, r *http.Request) bool {
	if !strings.HasPrefix(r.URL.Path, "/attachments/") {
		return false
	}
	f.mu.Lock()
	f.fetches = append(f.fetches, apiCall{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization")})
	b, ok := f.files[r.URL.Path]
	f.mu.Unlock()
	if !ok || r.URL.Query().Get("hm") == "" {
		http.Error(w, "This content is no longer available.", http.StatusNotFound)
		return true
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Write(b)
	return true
}
