package mentions

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

// counting serves body and counts the requests it got.
func counting(t *testing.T, body string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// addrOf returns the address a test server listens on.
func addrOf(t *testing.T, srv *httptest.Server) netip.AddrPort {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return netip.MustParseAddrPort(u.Host)
}

func get(t *testing.T, c *http.Client, raw string) ([]byte, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, body, err := Fetch(context.Background(), c, req, 0)
	return body, err
}

func TestNewHTTPClientGuard(t *testing.T) {
	srv, hits := counting(t, "hello")
	port := addrOf(t, srv).Port()
	// Point a hostname at the loopback server: localhost resolves to
	// loopback on every machine.
	byName := fmt.Sprintf("http://localhost:%d/feed", port)

	t.Run("ErrPrivate", func(t *testing.T) {
		c := NewHTTPClient(HTTPOptions{})
		for _, raw := range []string{srv.URL, byName, fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/", port)} {
			_, err := get(t, c, raw)
			if !IsPrivateRefusal(err) || herald.ErrorCode(err) != herald.EINVALID {
				t.Errorf("%s: got %v, want a private-address refusal", raw, err)
			}
			var fe *FetchError
			if !errors.As(err, &fe) || fe.Status != 0 {
				t.Errorf("%s: got %#v, want a *FetchError with status 0", raw, err)
			}
		}
		if n := hits.Load(); n != 0 {
			t.Errorf("the loopback server got %d requests through the guard", n)
		}
	})
	t.Run("ErrPrivateNoDial", func(t *testing.T) {
		// The dial is refused before connect(2): no packet leaves for
		// these addresses.
		c := NewHTTPClient(HTTPOptions{})
		for _, raw := range []string{"http://10.0.0.1/feed", "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/"} {
			if _, err := get(t, c, raw); !IsPrivateRefusal(err) {
				t.Errorf("%s: got %v, want a private-address refusal", raw, err)
			}
		}
	})
	t.Run("OK", func(t *testing.T) {
		c := NewHTTPClient(HTTPOptions{AllowPrivate: true})
		for _, raw := range []string{srv.URL, byName} {
			body, err := get(t, c, raw)
			if err != nil || string(body) != "hello" {
				t.Errorf("%s: got %q, %v", raw, body, err)
			}
		}
	})
	t.Run("OKProxyIgnored", func(t *testing.T) {
		// A proxy from the environment would dial for us, past the guard.
		t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
		t.Setenv("http_proxy", "http://127.0.0.1:1")
		before := hits.Load()
		c := NewHTTPClient(HTTPOptions{AllowPrivate: true})
		if body, err := get(t, c, srv.URL); err != nil || string(body) != "hello" {
			t.Errorf("got %q, %v", body, err)
		}
		if hits.Load() != before+1 {
			t.Error("the request did not reach the server directly")
		}
	})
}

func TestNewHTTPClientRedirect(t *testing.T) {
	target, targetHits := counting(t, "private data")
	targetPort := addrOf(t, target).Port()
	var redirectTo atomic.Value
	public := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, redirectTo.Load().(string), http.StatusFound)
	}))
	defer public.Close()
	// The seam: the first server counts as public, nothing else does.
	publicAddr := addrOf(t, public)
	onlyPublic := func(ap netip.AddrPort) bool { return ap == publicAddr }

	t.Run("ErrRedirectToLoopback", func(t *testing.T) {
		c := NewHTTPClient(HTTPOptions{AllowAddr: onlyPublic})
		for _, to := range []string{target.URL + "/x", fmt.Sprintf("http://localhost:%d/x", targetPort)} {
			redirectTo.Store(to)
			_, err := get(t, c, public.URL)
			if !IsPrivateRefusal(err) {
				t.Errorf("redirect to %s: got %v, want a private-address refusal", to, err)
			}
		}
		if n := targetHits.Load(); n != 0 {
			t.Errorf("the redirect target got %d requests", n)
		}
	})
	t.Run("OKAllowPrivate", func(t *testing.T) {
		c := NewHTTPClient(HTTPOptions{AllowPrivate: true})
		redirectTo.Store(target.URL + "/x")
		body, err := get(t, c, public.URL)
		if err != nil || string(body) != "private data" {
			t.Errorf("got %q, %v", body, err)
		}
	})
	t.Run("ErrScheme", func(t *testing.T) {
		c := NewHTTPClient(HTTPOptions{AllowPrivate: true})
		redirectTo.Store("ftp://example.com/feed")
		if _, err := get(t, c, public.URL); err == nil || !strings.Contains(err.Error(), "redirect") {
			t.Errorf("got %v, want a refused redirect", err)
		}
	})
	t.Run("ErrTooManyRedirects", func(t *testing.T) {
		var n atomic.Int32
		loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			http.Redirect(w, r, "/again", http.StatusFound)
		}))
		defer loop.Close()
		// One slot per host: each hop must give its slot back first.
		c := NewHTTPClient(HTTPOptions{AllowPrivate: true, MaxRedirects: 3, PerHost: 1})
		if _, err := get(t, c, loop.URL); err == nil || !strings.Contains(err.Error(), "3 redirects") {
			t.Errorf("got %v, want stopped after 3 redirects", err)
		}
		if got := n.Load(); got != 4 {
			t.Errorf("server got %d requests, want 4 (the first and 3 redirects)", got)
		}
	})
}

func TestFetchBodyLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, strings.Repeat("x", 2048))
	}))
	defer srv.Close()
	req := func() *http.Request { r, _ := http.NewRequest(http.MethodGet, srv.URL, nil); return r }
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		c := NewHTTPClient(HTTPOptions{AllowPrivate: true, MaxBody: 2048})
		_, body, err := Fetch(ctx, c, req(), 2048)
		if err != nil || len(body) != 2048 {
			t.Errorf("got %d bytes, %v", len(body), err)
		}
	})
	t.Run("ErrClientLimit", func(t *testing.T) {
		c := NewHTTPClient(HTTPOptions{AllowPrivate: true, MaxBody: 1024})
		_, body, err := Fetch(ctx, c, req(), 0)
		if !errors.Is(err, ErrBodyTooLarge) || body != nil {
			t.Errorf("got %d bytes, %v; want ErrBodyTooLarge", len(body), err)
		}
		if err != nil && !strings.Contains(err.Error(), "1024 bytes") {
			t.Errorf("error %q does not say the limit", err)
		}
	})
	t.Run("ErrFetchLimit", func(t *testing.T) {
		c := NewHTTPClient(HTTPOptions{AllowPrivate: true})
		_, body, err := Fetch(ctx, c, req(), 2047)
		if !errors.Is(err, ErrBodyTooLarge) || body != nil {
			t.Errorf("got %d bytes, %v; want ErrBodyTooLarge", len(body), err)
		}
	})
}

func TestFetchTimeout(t *testing.T) {
	release := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/body" {
			// Headers and part of the body, then nothing.
			w.Header().Set("Content-Length", "100")
			fmt.Fprint(w, "start")
			w.(http.Flusher).Flush()
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hanging.Close()
	defer close(release)
	c := NewHTTPClient(HTTPOptions{AllowPrivate: true, Timeout: 100 * time.Millisecond})
	for _, path := range []string{"/headers", "/body"} {
		t.Run("Err"+path[1:], func(t *testing.T) {
			start := time.Now()
			_, err := get(t, c, hanging.URL+path)
			var fe *FetchError
			if !errors.As(err, &fe) || fe.Status != 0 {
				t.Errorf("got %v, want a *FetchError with status 0", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestFetchStatus(t *testing.T) {
	date := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", date.Format(http.TimeFormat))
		switch r.URL.Path {
		case "/304":
			w.WriteHeader(http.StatusNotModified)
		case "/429":
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, "slow down")
		case "/503":
			w.Header().Set("Retry-After", date.Add(90*time.Second).Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/reset":
			w.Header().Set("X-Ratelimit-Reset", "42")
			w.WriteHeader(http.StatusTooManyRequests)
		case "/500":
			w.WriteHeader(http.StatusInternalServerError)
		case "/ua":
			fmt.Fprint(w, r.Header.Get("User-Agent"))
		}
	}))
	defer srv.Close()
	c := NewHTTPClient(HTTPOptions{AllowPrivate: true, UserAgent: "Herald/test"})

	t.Run("OKNotModified", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/304", nil)
		resp, body, err := Fetch(context.Background(), c, req, 0)
		if err != nil || body != nil || resp.StatusCode != http.StatusNotModified {
			t.Errorf("got %v, %q, %v", resp, body, err)
		}
	})
	t.Run("OKUserAgent", func(t *testing.T) {
		if body, err := get(t, c, srv.URL+"/ua"); err != nil || string(body) != "Herald/test" {
			t.Errorf("got %q, %v", body, err)
		}
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/ua", nil)
		req.Header.Set("User-Agent", "linux:herald:1.0 (by /u/someone)")
		if _, body, err := Fetch(context.Background(), c, req, 0); err != nil || string(body) != "linux:herald:1.0 (by /u/someone)" {
			t.Errorf("got %q, %v", body, err)
		}
	})
	for _, tt := range []struct {
		path   string
		status int
		wait   time.Duration
	}{
		{"/429", 429, 120 * time.Second},
		{"/503", 503, 90 * time.Second},
		{"/reset", 429, 42 * time.Second},
		{"/500", 500, 0},
	} {
		t.Run("Err"+tt.path[1:], func(t *testing.T) {
			_, err := get(t, c, srv.URL+tt.path)
			var fe *FetchError
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want a *FetchError", err)
			}
			if fe.Status != tt.status || fe.RetryAfter != tt.wait || RetryAfter(err) != tt.wait {
				t.Errorf("got status %d wait %v, want %d %v", fe.Status, fe.RetryAfter, tt.status, tt.wait)
			}
			if strings.Contains(err.Error(), srv.URL+tt.path) {
				t.Errorf("error %q shows the full URL", err)
			}
		})
	}
}

func TestPerHostLimit(t *testing.T) {
	var inFlight, most atomic.Int32
	arrived := make(chan struct{}, 10)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	c := NewHTTPClient(HTTPOptions{AllowPrivate: true, PerHost: 2})

	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		wg.Go(func() {
			_, err := get(t, c, srv.URL)
			errs <- err
		})
	}
	<-arrived
	<-arrived
	// A third request waits for a slot: it gives up when its context ends.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	if _, _, err := Fetch(ctx, c, req, 0); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("third request: got %v, want it to wait for a slot until its deadline", err)
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if m := most.Load(); m != 2 {
		t.Errorf("at most %d requests in flight, want 2", m)
	}
	// The slots were given back: more requests go through.
	for range 3 {
		if _, err := get(t, c, srv.URL); err != nil {
			t.Error(err)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"120", 120 * time.Second},
		{" 5 ", 5 * time.Second},
		{"1.5", 1500 * time.Millisecond},
		{"0", 0},
		{"-3", 0},
		{"NaN", 0},
		{"Inf", 0},
		{"1e308", MaxRetryAfter},
		{"9999999", MaxRetryAfter},
		{"Thu, 03 Dec 2026 10:02:00 GMT", 2 * time.Minute},
		{"Thursday, 03-Dec-26 10:00:30 GMT", 30 * time.Second},
		{"Thu, 03 Dec 2026 09:00:00 GMT", 0}, // in the past
		{"2026-12-03T10:05:00Z", 5 * time.Minute},
		{"2026-12-03T11:05:00+01:00", 5 * time.Minute},
		{fmt.Sprint(now.Add(time.Minute).Unix()), time.Minute}, // a Unix timestamp
		{"2030-01-01T00:00:00Z", MaxRetryAfter},
		{"soon", 0},
		{"12 seconds", 0},
	}
	for _, tt := range tests {
		if got := ParseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"120", "1.5", "Thu, 03 Dec 2026 10:02:00 GMT", "2026-12-03T10:05:00Z", "1e308", "-0", "0x10"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if d := ParseRetryAfter(s, now); d < 0 || d > MaxRetryAfter {
			t.Errorf("ParseRetryAfter(%q) = %v, out of [0, MaxRetryAfter]", s, d)
		}
	})
}

func TestUnwrapRedirect(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://www.google.com/url?rct=j&sa=t&url=https://www.theconcordinsider.com/2021/06/04/this-week-in-concord-history-502/&ct=ga&cd=CAIyGjUwMjhiYWRmMWQ5M2MzMGE6Y29tOmVuOlVT&usg=AFQjCNGc3F9NBj810v400CL5oepfu5PTwQ",
			"https://www.theconcordinsider.com/2021/06/04/this-week-in-concord-history-502/"},
		{"https://www.google.com/url?rct=j&sa=t&url=https%3A%2F%2Fexample.com%2Fa%3Fb%3Dc%26d%3De&ct=ga", "https://example.com/a?b=c&d=e"},
		{"https://www.google.fr/url?q=https://acme.fr/actu&sa=U", "https://acme.fr/actu"},
		{"http://google.co.uk/url?url=http://example.co.uk/x", "http://example.co.uk/x"},
		{"https://www.google.com.br/url?url=https://example.com.br/", "https://example.com.br/"},
		{"https://alerts.talkwalker.com/alerts/redirect?url=https%3A%2F%2Fnews.example.com%2Fstory%3Fid%3D7&alert_id=abc", "https://news.example.com/story?id=7"},
		{"https://www.google.com/url?url=https%3A%2F%2Falerts.talkwalker.com%2Fr%3Furl%3Dhttps%253A%252F%252Freal.example%252F", "https://real.example/"},
		// Not wrappers, or wrappers around nothing usable: unchanged.
		{"https://www.google.com/url?url=javascript:alert(1)", "https://www.google.com/url?url=javascript:alert(1)"},
		{"https://www.google.com/url?url=/relative", "https://www.google.com/url?url=/relative"},
		{"https://www.google.com/url?sa=t", "https://www.google.com/url?sa=t"},
		{"https://www.google.com/search?q=https://example.com/", "https://www.google.com/search?q=https://example.com/"},
		{"https://google.evil.com/url?url=https://example.com/", "https://google.evil.com/url?url=https://example.com/"},
		{"https://example.com/url?url=https://other.example/", "https://example.com/url?url=https://other.example/"},
		{"https://news.ycombinator.com/item?id=1", "https://news.ycombinator.com/item?id=1"},
		{"not a url", "not a url"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := UnwrapRedirect(tt.in); got != tt.want {
			t.Errorf("UnwrapRedirect(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func FuzzUnwrapRedirect(f *testing.F) {
	for _, s := range []string{
		"https://www.google.com/url?rct=j&sa=t&url=https://example.com/&ct=ga",
		"https://alerts.talkwalker.com/alerts/redirect?url=https%3A%2F%2Fx.example%2F",
		"https://www.google.com/url?url=javascript:alert(1)",
		"http://%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := UnwrapRedirect(s)
		if got == s {
			return
		}
		u, err := url.Parse(got)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Errorf("UnwrapRedirect(%q) = %q: not an absolute http(s) URL", s, got)
		}
	})
}

func TestHTMLText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{"This week in <b>Concord</b> history", "This week in Concord history"},
		{"Samuel Bell ... <b>Philip Dick</b>,&nbsp;...", "Samuel Bell ... Philip Dick, ..."},
		{"<p>One</p><p>Two</p>", "One Two"},
		{"line<br>break<br/>again", "line break again"},
		{"<b>Con</b>cord", "Concord"},
		{"Caf&eacute; &amp; cr&#232;me &#x2014; &quot;ok&quot;", `Café & crème — "ok"`},
		{"&lt;b&gt;escaped&lt;/b&gt;", "<b>escaped</b>"},
		{"a < b and c > d", "a < b and c > d"},
		{"1<2", "1<2"},
		{"<script>alert('x')</script>visible", "visible"},
		{"<STYLE type=text/css>p{}</Style>shown", "shown"},
		{"<!-- hidden --> seen", "seen"},
		{"<!-- unclosed comment", ""},
		{`<a href="https://x.example/?a=1>2" title='>'>link</a>`, "link"},
		{"  many \n\t spaces   here ", "many spaces here"},
		{"<div>block</div>text", "block text"},
		{"<unclosed tag", ""},
		{"<?xml version='1.0'?><!DOCTYPE html>doc", "doc"},
		{"<script>never closed", ""},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"submitted by &#32; <a href=\"https://www.reddit.com/user/x\"> /u/x </a>", "submitted by /u/x"},
	}
	for _, tt := range tests {
		if got := HTMLText(tt.in); got != tt.want {
			t.Errorf("HTMLText(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func FuzzHTMLText(f *testing.F) {
	for _, s := range []string{"<b>x</b>", "<script>y</script>z", "<!--", "a < b", "&amp;&#x;&#99999999;", "<a href='>'>", "</"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := HTMLText(s)
		if strings.TrimSpace(got) != got || strings.Contains(got, "  ") {
			t.Errorf("HTMLText(%q) = %q: white space not collapsed", s, got)
		}
		if !strings.Contains(s, "<") && !strings.Contains(s, "&") && got != strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ") {
			t.Errorf("HTMLText(%q) = %q changed plain text", s, got)
		}
	})
}
