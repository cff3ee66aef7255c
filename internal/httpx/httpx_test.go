package httpx

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

	"github.com/heraldhq/herald/internal/retryafter"
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
		c := New(Options{})
		for _, raw := range []string{srv.URL, byName, fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/", port)} {
			_, err := get(t, c, raw)
			if ue := (*URLError)(nil); !IsPrivate(err) || !errors.As(err, &ue) {
				t.Errorf("%s: got %v, want a private-address refusal", raw, err)
			}
			var fe *Error
			if !errors.As(err, &fe) || fe.Status != 0 {
				t.Errorf("%s: got %#v, want a *Error with status 0", raw, err)
			}
		}
		if n := hits.Load(); n != 0 {
			t.Errorf("the loopback server got %d requests through the guard", n)
		}
	})
	t.Run("ErrPrivateNoDial", func(t *testing.T) {
		// The dial is refused before connect(2): no packet leaves for
		// these addresses.
		c := New(Options{})
		for _, raw := range []string{"http://10.0.0.1/feed", "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/"} {
			if _, err := get(t, c, raw); !IsPrivate(err) {
				t.Errorf("%s: got %v, want a private-address refusal", raw, err)
			}
		}
	})
	t.Run("OK", func(t *testing.T) {
		c := New(Options{AllowPrivate: true})
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
		c := New(Options{AllowPrivate: true})
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
		c := New(Options{AllowAddr: onlyPublic})
		for _, to := range []string{target.URL + "/x", fmt.Sprintf("http://localhost:%d/x", targetPort)} {
			redirectTo.Store(to)
			_, err := get(t, c, public.URL)
			if !IsPrivate(err) {
				t.Errorf("redirect to %s: got %v, want a private-address refusal", to, err)
			}
		}
		if n := targetHits.Load(); n != 0 {
			t.Errorf("the redirect target got %d requests", n)
		}
	})
	t.Run("OKAllowPrivate", func(t *testing.T) {
		c := New(Options{AllowPrivate: true})
		redirectTo.Store(target.URL + "/x")
		body, err := get(t, c, public.URL)
		if err != nil || string(body) != "private data" {
			t.Errorf("got %q, %v", body, err)
		}
	})
	t.Run("ErrScheme", func(t *testing.T) {
		c := New(Options{AllowPrivate: true})
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
		c := New(Options{AllowPrivate: true, MaxRedirects: 3, PerHost: 1})
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
		c := New(Options{AllowPrivate: true, MaxBody: 2048})
		_, body, err := Fetch(ctx, c, req(), 2048)
		if err != nil || len(body) != 2048 {
			t.Errorf("got %d bytes, %v", len(body), err)
		}
	})
	t.Run("ErrClientLimit", func(t *testing.T) {
		c := New(Options{AllowPrivate: true, MaxBody: 1024})
		_, body, err := Fetch(ctx, c, req(), 0)
		if !errors.Is(err, ErrBodyTooLarge) || body != nil {
			t.Errorf("got %d bytes, %v; want ErrBodyTooLarge", len(body), err)
		}
		if err != nil && !strings.Contains(err.Error(), "1024 bytes") {
			t.Errorf("error %q does not say the limit", err)
		}
	})
	t.Run("ErrFetchLimit", func(t *testing.T) {
		c := New(Options{AllowPrivate: true})
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
	c := New(Options{AllowPrivate: true, Timeout: 100 * time.Millisecond})
	for _, path := range []string{"/headers", "/body"} {
		t.Run("Err"+path[1:], func(t *testing.T) {
			start := time.Now()
			_, err := get(t, c, hanging.URL+path)
			var fe *Error
			if !errors.As(err, &fe) || fe.Status != 0 {
				t.Errorf("got %v, want a *Error with status 0", err)
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
	c := New(Options{AllowPrivate: true, UserAgent: "Herald/test"})

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
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want a *Error", err)
			}
			if fe.Status != tt.status || fe.RetryAfter != tt.wait {
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
	c := New(Options{AllowPrivate: true, PerHost: 2})

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

func TestRetryAfterParse(t *testing.T) {
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
		{"1e308", retryafter.Max},
		{"9999999", retryafter.Max},
		{"Thu, 03 Dec 2026 10:02:00 GMT", 2 * time.Minute},
		{"Thursday, 03-Dec-26 10:00:30 GMT", 30 * time.Second},
		{"Thu, 03 Dec 2026 09:00:00 GMT", 0}, // in the past
		{"2026-12-03T10:05:00Z", 5 * time.Minute},
		{"2026-12-03T11:05:00+01:00", 5 * time.Minute},
		{fmt.Sprint(now.Add(time.Minute).Unix()), time.Minute}, // a Unix timestamp
		{"2030-01-01T00:00:00Z", retryafter.Max},
		{"soon", 0},
		{"12 seconds", 0},
	}
	for _, tt := range tests {
		if got := retryafter.Parse(tt.in, now); got != tt.want {
			t.Errorf("retryafter.Parse(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzRetryAfterParse(f *testing.F) {
	for _, s := range []string{"120", "1.5", "Thu, 03 Dec 2026 10:02:00 GMT", "2026-12-03T10:05:00Z", "1e308", "-0", "0x10"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if d := retryafter.Parse(s, now); d < 0 || d > retryafter.Max {
			t.Errorf("retryafter.Parse(%q) = %v, out of [0, retryafter.Max]", s, d)
		}
	})
}

// answers is a resolver under the test's control: it answers each name
// from a table the test may change between two calls.
type answers struct {
	mu    sync.Mutex
	table map[string]string
}

func (a *answers) set(host, ip string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.table[host] = ip
}

// LookupNetIP implements Resolver.
func (a *answers) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	ip, ok := a.table[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	return []netip.Addr{netip.MustParseAddr(ip)}, nil
}

func TestNewDNSRebinding(t *testing.T) {
	canary, hits := counting(t, "internal data")
	port := addrOf(t, canary).Port()
	dns := &answers{table: map[string]string{"feed.example": "93.184.216.34"}}
	o := Options{Resolver: dns}
	raw := fmt.Sprintf("http://feed.example:%d/feed", port)
	// Public when checked...
	if err := o.CheckURL(context.Background(), raw); err != nil {
		t.Fatalf("CheckURL with a public answer: %v", err)
	}
	// ...loopback when dialled.
	dns.set("feed.example", "127.0.0.1")
	for _, c := range []*http.Client{New(o), NoRedirect(New(o))} {
		if _, err := get(t, c, raw); !IsPrivate(err) {
			t.Errorf("got %v, want a private-address refusal at dial time", err)
		}
	}
	if err := o.CheckURL(context.Background(), raw); !IsPrivate(err) {
		t.Errorf("CheckURL with a loopback answer: got %v, want a refusal", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the canary got %d requests", n)
	}
	// Allowed, the same name reaches it.
	o.AllowPrivate = true
	if body, err := get(t, New(o), raw); err != nil || string(body) != "internal data" {
		t.Errorf("with AllowPrivate: got %q, %v", body, err)
	}
}

func TestNewLegacyIPv4Forms(t *testing.T) {
	canary, hits := counting(t, "internal data")
	port := addrOf(t, canary).Port()
	c := New(Options{Resolver: &answers{table: map[string]string{}}})
	for _, host := range []string{"2130706433", "0x7f000001", "0177.0.0.1", "127.1"} {
		raw := fmt.Sprintf("http://%s:%d/", host, port)
		if _, err := get(t, c, raw); !IsPrivate(err) {
			t.Errorf("%s: got %v, want a private-address refusal", raw, err)
		}
		if err := (Options{}).CheckURL(context.Background(), raw); !IsPrivate(err) {
			t.Errorf("CheckURL(%s): got %v, want a private-address refusal", raw, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the canary got %d requests", n)
	}
}

func TestMayShow(t *testing.T) {
	srv, _ := counting(t, "hello")
	send := func(c *http.Client) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		resp, _, err := Send(c, req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if MayShow(send(New(Options{AllowPrivate: true}))) {
		t.Error("an allowed loopback answer may be shown; want only its status")
	}
	if !MayShow(send(New(Options{Trusted: true}))) {
		t.Error("a trusted endpoint's answer may not be shown")
	}
	public := addrOf(t, srv)
	if !MayShow(send(New(Options{AllowAddr: func(ap netip.AddrPort) bool { return ap == public }}))) {
		t.Error("an answer from an address the client counts as public may not be shown")
	}
	resp, err := srv.Client().Get(srv.URL) // not watched
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if MayShow(resp) {
		t.Error("an unwatched answer may be shown")
	}
}

func TestMessage(t *testing.T) {
	long := strings.Repeat("é", 400)
	for body, want := range map[string]string{
		`{"error":"invalid_token","error_description":"The token expired"}`: "The token expired",
		`{"message":"Missing Permissions"}`:                                 "Missing Permissions",
		`{"error":"Validation failed"}`:                                     "Validation failed",
		`{"ok":false}`:                                                      "",
		"plain text answer\n":                                               "plain text answer",
		"<html><body>oops</body></html>":                                    "",
		"":                                                                  "",
		"\xff\xfe":                                                          "",
		long:                                                                strings.Repeat("é", 300) + "…",
	} {
		if got := Message([]byte(body)); got != want {
			t.Errorf("Message(%.40q) = %.40q, want %.40q", body, got, want)
		}
	}
}
