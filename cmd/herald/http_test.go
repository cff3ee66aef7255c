package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHTTPSlowBody: clients that send a request's body slowly (here not
// at all after its first byte) are cut at the body deadline, the
// connection closed, while /healthz keeps answering; a body that arrives
// in time is served. The deadline is shortened so the test is fast; the
// figures in production are DefaultHTTPTimeouts.
func TestHTTPSlowBody(t *testing.T) {
	const body = 300 * time.Millisecond
	pr, pw := io.Pipe()
	defer pw.Close()
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr = pr, io.Discard, io.Discard
	m.HTTPTimeouts = HTTPTimeouts{Body: body, Upload: body}
	env := map[string]string{"HERALD_DATABASE": "sqlite:" + filepath.Join(t.TempDir(), "herald.db"), "HERALD_HTTP_ADDR": "127.0.0.1:0"}
	if err := m.ParseFlags(nil, envOf(env)); err != nil {
		t.Fatal(err)
	}
	defer serveUntilListening(t, m, pw)()

	// 20 slow clients: headers, then one byte of a 1,000-byte body.
	const slow = 20
	conns := make([]net.Conn, slow)
	began := time.Now()
	for i := range conns {
		c, err := net.Dial("tcp", m.HTTPAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "POST /hooks/mentions/tok HTTP/1.1\r\nHost: herald\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
		conns[i] = c
	}
	// /healthz answers meanwhile.
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + m.HTTPAddr + "/healthz")
	if err != nil {
		t.Fatalf("/healthz while slow clients hold connections: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %s", resp.Status)
	}
	// Each slow connection is answered and closed by the server, soon
	// after the deadline (the client would wait 5 s).
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		got, err := io.ReadAll(c)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("slow client %d: the server still holds the connection after %v", i, time.Since(began))
		}
		if i == 0 && !strings.HasPrefix(string(got), "HTTP/1.1 400") {
			t.Errorf("slow client: answered %q; want 400 and the connection closed", firstLine(got))
		}
	}
	if took := time.Since(began); took > body+2*time.Second {
		t.Errorf("the slow clients were cut after %v; want about %v", took, body)
	}

	// A body sent in time is read: the webhook parses it, then answers
	// that the token is unknown (404).
	c, err := net.Dial("tcp", m.HTTPAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const ok = `{"mentions":[{"url":"https://example.com/post/1","text":"Acme is great"}]}`
	fmt.Fprintf(c, "POST /hooks/mentions/tok HTTP/1.1\r\nHost: herald\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(ok), ok)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	r, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusNotFound {
		t.Errorf("a body sent in time: %s; want it read", r.Status)
	}
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\r\n")
	return s
}

// TestHTTPLongHandler: the body deadline bounds the body only. A handler
// that keeps working after reading its body, or one without a body,
// answers past the deadline with its context alive. (Network deadlines
// follow the wall clock, so this test waits a few hundred milliseconds.)
func TestHTTPLongHandler(t *testing.T) {
	const body = 100 * time.Millisecond
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		select {
		case <-time.After(3 * body):
		case <-r.Context().Done():
			http.Error(w, "cancelled", http.StatusServiceUnavailable)
			return
		}
		w.Write(append([]byte("read "), b...))
	})
	srv := HTTPTimeouts{Header: body, Body: body, Upload: body, Write: 5 * time.Second, Idle: time.Second}.server(h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	for name, do := range map[string]func() (*http.Response, error){
		"POST": func() (*http.Response, error) { return http.Post(base+"/x", "text/plain", strings.NewReader("hello")) },
		"GET":  func() (*http.Response, error) { return http.Get(base + "/calendar/x.ics") },
	} {
		resp, err := do()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(got), "read ") {
			t.Errorf("%s past the body deadline: %s %q; want it answered", name, resp.Status, got)
		}
	}
}
