package media_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/mediatest"
)

var linkKey = bytes.Repeat([]byte{7}, 32)

func TestLinkVerify(t *testing.T) {
	clock := testclock.New(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
	links := media.NewLinks("https://herald.example.com/", linkKey, clock)
	item := media.Item{SHA256: mediatest.Sum([]byte("x")), Type: "image/png"}
	link := links.Link(item, time.Hour)
	token, ok := strings.CutPrefix(link, "https://herald.example.com/media/")
	if !ok || token == "" || strings.ContainsAny(token, "/?#=+") {
		t.Fatalf("Link = %q", link)
	}
	sum, typ, ok := links.Verify(token)
	if !ok || sum != item.SHA256 || typ != "image/png" {
		t.Errorf("Verify = %q %q %v", sum, typ, ok)
	}
	other := media.NewLinks("https://herald.example.com", bytes.Repeat([]byte{8}, 32), clock)
	if _, _, ok := other.Verify(token); ok {
		t.Error("a token verified under another key")
	}
	tampered := []byte(token)
	tampered[3] ^= 1
	if _, _, ok := links.Verify(string(tampered)); ok {
		t.Error("a tampered token verified")
	}
	for _, bad := range []string{"", "x", token + "A", token[:len(token)-1]} {
		if _, _, ok := links.Verify(bad); ok {
			t.Errorf("Verify(%q) ok", bad)
		}
	}
	clock.Advance(time.Hour)
	if _, _, ok := links.Verify(token); ok {
		t.Error("an expired token verified")
	}
	if l := links.Link(media.Item{SHA256: "nope", Type: "image/png"}, time.Hour); l != "" {
		t.Errorf("Link of a bad sum = %q", l)
	}
}

func TestLinkHandler(t *testing.T) {
	clock := testclock.New(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
	lib, st := newLibrary(t, 0)
	item, err := lib.Add(context.Background(), "clip.mp4", bytes.NewReader(mediatest.Video(mediatest.H264())))
	if err != nil {
		t.Fatal(err)
	}
	stored := stored(t, st, item.SHA256)
	links := media.NewLinks("http://herald.test", linkKey, clock)
	mux := http.NewServeMux()
	mux.Handle("GET /media/{token}", links.Handler(st))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	token := strings.TrimPrefix(links.Link(item, 10*time.Minute), "http://herald.test")
	get := func(path, rng string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if rng != "" {
			req.Header.Set("Range", rng)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := get(token, "")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "video/mp4" || !bytes.Equal(body, stored) {
		t.Errorf("GET: %d %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	resp = get(token, "bytes=100-199")
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, stored[100:200]) ||
		resp.Header.Get("Content-Range") != "bytes 100-199/"+strconv.Itoa(len(stored)) {
		t.Errorf("range: %d %q %d bytes", resp.StatusCode, resp.Header.Get("Content-Range"), len(body))
	}
	missing := strings.TrimPrefix(links.Link(media.Item{SHA256: mediatest.Sum([]byte("gone")), Type: "image/png"}, time.Hour), "http://herald.test")
	clockLater := token
	for name, path := range map[string]string{"bad": "/media/abc", "listing": "/media/", "missing": missing} {
		if resp := get(path, ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", name, resp.StatusCode)
		}
	}
	clock.Advance(11 * time.Minute)
	resp = get(clockLater, "")
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusNotFound || strings.Contains(strings.ToLower(string(body)), "expired") {
		t.Errorf("expired: %d %q", resp.StatusCode, body)
	}
}
