package bot

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/heraldhq/herald"
)

func TestDownloader(t *testing.T) {
	var foreign atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { foreign.Add(1) }))
	defer other.Close()
	var auth atomic.Value
	own := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth.Store(r.Header.Get("Authorization"))
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/x", http.StatusFound)
		case "/here":
			http.Redirect(w, r, "/file", http.StatusFound)
		case "/big":
			io.WriteString(w, strings.Repeat("x", 2000)) // no Content-Length announced beforehand: chunked
			w.(http.Flusher).Flush()
			io.WriteString(w, strings.Repeat("x", 2000))
		default:
			io.WriteString(w, "bytes")
		}
	}))
	defer own.Close()
	host := HostOf(own.URL)
	d := Downloader{Hosts: []string{"files.slack.com", host}, Plain: []string{host}, Auth: "Bearer xoxb-1", Max: 3000}
	read := func(raw string, announced int64) (string, error) {
		rc, err := d.Open(context.Background(), raw, announced)
		if err != nil {
			return "", err
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		return string(b), err
	}
	t.Run("OKOwnHostWithAuth", func(t *testing.T) {
		got, err := read(own.URL+"/file", 5)
		if err != nil || got != "bytes" || auth.Load() != "Bearer xoxb-1" {
			t.Errorf("read %q, %v, auth %v", got, err, auth.Load())
		}
	})
	t.Run("OKRedirectOnTheHost", func(t *testing.T) {
		if got, err := read(own.URL+"/here", 0); err != nil || got != "bytes" {
			t.Errorf("read %q, %v", got, err)
		}
	})
	for _, tc := range []struct{ name, url string }{
		{"ErrForeignHost", other.URL + "/file"},
		{"ErrRedirectAway", own.URL + "/away"},
		{"ErrHTTPSHostOverHTTP", "http://files.slack.com/x"},
		{"ErrUserInfo", "http://user:pw@" + host + "/file"},
		{"ErrNotAURL", "::"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := read(tc.url, 0)
			if herald.ErrorCode(err) != herald.EINVALID {
				t.Errorf("error %v; want EINVALID", err)
			}
			if foreign.Load() != 0 {
				t.Errorf("the foreign host got %d requests", foreign.Load())
			}
		})
	}
	t.Run("ErrAnnouncedTooBig", func(t *testing.T) {
		if _, err := read(own.URL+"/file", 3001); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("error %v; want EINVALID before downloading", err)
		}
	})
	t.Run("ErrCutAtMax", func(t *testing.T) {
		got, err := read(own.URL+"/big", 0)
		if herald.ErrorCode(err) != herald.EINVALID || len(got) > 3001 {
			t.Errorf("read %d bytes, %v; want a refusal at 3000", len(got), err)
		}
	})
}

// FuzzAllowed: a URL is allowed only on the listed hosts, over https, or
// over http on the plain hosts; never with user info.
func FuzzAllowed(f *testing.F) {
	for _, s := range []string{"https://files.slack.com/files-pri/T1-F1/a.jpg", "http://127.0.0.1:8080/x", "https://cdn.discordapp.com.evil.example/x",
		"https://files.slack.com@evil.example/", "HTTPS://FILES.SLACK.COM/x", "https://files.slack.com:443/x", "//files.slack.com/x", "javascript:x", "https://[::1]:8080/"} {
		f.Add(s)
	}
	d := Downloader{Hosts: []string{"files.slack.com", "127.0.0.1:8080"}, Plain: []string{"127.0.0.1:8080"}}
	f.Fuzz(func(t *testing.T, raw string) {
		if !d.Allowed(raw) {
			return
		}
		u, err := url.Parse(raw)
		if err != nil || u.User != nil {
			t.Fatalf("allowed %q: %v, user %v", raw, err, u.User)
		}
		host := strings.ToLower(u.Host)
		if !slices.Contains(d.Hosts, host) || (u.Scheme != "https" && !(u.Scheme == "http" && slices.Contains(d.Plain, host))) {
			t.Fatalf("allowed %q (host %q, scheme %q)", raw, host, u.Scheme)
		}
	})
}
