package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald/media/mediatest"
)

// TestMediaAddLinkThroughMain: media add with a link to a loopback server
// through Main. Without HERALD_ALLOW_PRIVATE_SOURCES the private address
// is refused and nothing is stored; with it a plain http link is fetched
// (the operator's test setups), stored once when added twice, the GPS of the JPEG is not in the stored
// file, a page named .jpg is refused for what it is, and a body larger
// than HERALD_MEDIA_MAX, sent without a length, is cut at the limit —
// none of the refusals makes a revision.
func TestMediaAddLinkThroughMain(t *testing.T) {
	photo := mediatest.JPEG(t, 60, 40, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/photo.jpg":
			w.Write(photo)
		case "/page.jpg":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write([]byte("<!doctype html><html><body>not a picture</body></html>"))
		case "/huge.jpg":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(photo[:len(photo)-2])
			for range 20 { // 2 MB more, chunked: no Content-Length to refuse it early
				w.Write(make([]byte, 100_000))
				w.(http.Flusher).Flush()
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	stored := func(dir string) (files [][]byte) {
		filepath.WalkDir(filepath.Join(dir, "herald-media"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := os.ReadFile(p)
				files = append(files, b)
			}
			return nil
		})
		return files
	}
	script := strings.Join([]string{"brand add Acme", `draft "Opening day"`,
		"media add 1 " + srv.URL + "/photo.jpg", "media add 1 " + srv.URL + "/photo.jpg", "media add 1 " + srv.URL + "/page.jpg", "media add 1 " + srv.URL + "/huge.jpg",
		"media add 1 " + srv.URL + "/missing.jpg", "media add 1 ftp://example.com/photo.jpg", "media list 1"}, "\n") + "\n"
	t.Run("ErrPrivate", func(t *testing.T) {
		dir := t.TempDir()
		env := map[string]string{"HERALD_DATABASE": "sqlite:" + filepath.Join(dir, "herald.db"), "HERALD_HTTP_ADDR": "off"}
		https := strings.Replace(script, srv.URL, "https://"+strings.TrimPrefix(srv.URL, "http://"), 1)
		out := MustRunMain(t, env, strings.NewReader(https))
		for _, want := range []string{"points to a private address; Herald fetches only public links.",
			"✗ Give an https link without a user name or password", "Draft #1 has no pictures or videos."} {
			if !strings.Contains(out, want) {
				t.Errorf("the console lacks %q:\n%s", want, out)
			}
		}
		if n := len(stored(dir)); n != 0 {
			t.Errorf("%d files stored after refusals; want none", n)
		}
	})
	t.Run("OK", func(t *testing.T) {
		dir := t.TempDir()
		env := map[string]string{"HERALD_DATABASE": "sqlite:" + filepath.Join(dir, "herald.db"), "HERALD_HTTP_ADDR": "off",
			"HERALD_ALLOW_PRIVATE_SOURCES": "true", "HERALD_MEDIA_MAX": "1MB"}
		out := MustRunMain(t, env, strings.NewReader(script))
		for _, want := range []string{
			"you added photo.jpg, 60×40,",
			"✗ page.jpg is a file Herald does not recognise: Herald takes JPEG, PNG, GIF and WebP pictures, and MP4 or MOV videos",
			"✗ huge.jpg is larger than 1.0 MB, the most Herald takes; send a smaller file.",
			"answered 404 Not Found for that link.",
			"✗ Give an https link without a user name or password",
			"to draft #1 (revision 3). Items 1 and 2 have no alt text: `media alt 1 N TEXT` describes each.",
			"Draft #1, revision 3: 2 of at most 10 pictures and videos.",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("the console lacks %q:\n%s", want, out)
			}
		}
		files := stored(dir)
		if len(files) != 1 {
			t.Fatalf("%d files stored; want the photo alone, once", len(files))
		}
		if leaks := mediatest.Leaks("image/jpeg", files[0]); len(leaks) > 0 || bytes.Contains(files[0], []byte("48.85N")) {
			t.Errorf("the stored photo keeps %v", leaks)
		}
	})
}
