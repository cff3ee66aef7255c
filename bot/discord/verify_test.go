package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/internal/testclock"
)

// TestVerifyVector checks the self-generated vector of the platform brief
// (§2.2): seed 0x07×32, timestamp 1700000000, body {"type":1}.
func TestVerifyVector(t *testing.T) {
	pub, err := ParsePublicKey("ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pub, testKey.Public().(ed25519.PublicKey)) {
		t.Fatal("the test key is not the brief's")
	}
	h := http.Header{}
	h.Set(headerSignature, "f7caed702889e902c2cde4a4fb00f601284aa47ff4caf84588d7c8c3d8fe7183fd73e13e30d0c07d1515b6684f7b3cfaa231c421768d9667b104f760cf0da302")
	h.Set(headerTimestamp, "1700000000")
	v := Verifier{PublicKey: pub, Clock: testclock.New(time.Unix(1700000000, 0))}
	if err := v.Verify(h, []byte(`{"type":1}`)); err != nil {
		t.Fatalf("Verify(brief vector) = %v", err)
	}
}

func TestParsePublicKey(t *testing.T) {
	for _, k := range []string{"", "xyz", strings.Repeat("ab", 31), strings.Repeat("zz", 32)} {
		if _, err := ParsePublicKey(k); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("ParsePublicKey(%q) = %v, want EINVALID", k, err)
		}
	}
}

// TestInteractionsEndpointSignatures sends the endpoint a valid
// interaction and invalid ones: the valid one is accepted; a wrong key, a
// tampered body, a missing header, a stale or future timestamp each get
// 401 and change nothing; PING gets PONG.
func TestInteractionsEndpointSignatures(t *testing.T) {
	var d countingDispatcher
	h2 := newHarness(t, func(*harness) bot.Dispatcher { return &d })
	now := strconv.FormatInt(time.Now().Unix(), 10)
	body := `{"id":"42","application_id":"100","type":2,"token":"tok","version":1,"channel_id":"C1","guild_id":"G1",` +
		`"member":{"user":{"id":"1001","username":"alice"},"roles":[]},` +
		`"data":{"id":"1","name":"herald","type":1,"options":[{"name":"help","type":1}]}}`
	_, otherKey, _ := ed25519.GenerateKey(nil)
	tampered := strings.Replace(body, "help", "drafts", 1)
	cases := []struct {
		name   string
		body   string
		header http.Header
		want   int
	}{
		{"OK", body, sign(testKey, now, body), http.StatusAccepted},
		{"ErrWrongKey", body, sign(otherKey, now, body), http.StatusUnauthorized},
		{"ErrTamperedBody", tampered, sign(testKey, now, body), http.StatusUnauthorized},
		{"ErrMissingSignature", body, func() http.Header { h := sign(testKey, now, body); h.Del(headerSignature); return h }(), http.StatusUnauthorized},
		{"ErrMissingTimestamp", body, func() http.Header { h := sign(testKey, now, body); h.Del(headerTimestamp); return h }(), http.StatusUnauthorized},
		{"ErrStaleTimestamp", body, sign(testKey, strconv.FormatInt(time.Now().Add(-6*time.Minute).Unix(), 10), body), http.StatusUnauthorized},
		{"ErrFutureTimestamp", body, sign(testKey, strconv.FormatInt(time.Now().Add(6*time.Minute).Unix(), 10), body), http.StatusUnauthorized},
		{"ErrMalformedSignature", body, func() http.Header { h := sign(testKey, now, body); h.Set(headerSignature, "zz"); return h }(), http.StatusUnauthorized},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := d.count()
			calls := h2.fake.count()
			req, _ := http.NewRequest(http.MethodPost, h2.web.URL+PathInteractions, strings.NewReader(c.body))
			req.Header = c.header
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, msg, c.want)
			}
			if c.want != http.StatusUnauthorized {
				h2.callbackOf("42")
				if d.count() != before+1 {
					t.Errorf("dispatched %d times, want once", d.count()-before)
				}
				return
			}
			// A refusal starts nothing: the handler answered before any work.
			if d.count() != before || h2.fake.count() != calls {
				t.Errorf("a refused request was acted on: %d dispatches, %d REST calls", d.count()-before, h2.fake.count()-calls)
			}
		})
	}
	t.Run("OKPing", func(t *testing.T) {
		ping := `{"id":"1","application_id":"100","type":1,"token":"t","version":1}`
		req, _ := http.NewRequest(http.MethodPost, h2.web.URL+PathInteractions, strings.NewReader(ping))
		req.Header = sign(testKey, now, ping)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(got)) != `{"type":1}` || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("PING → %d %s %q, want 200 application/json {\"type\":1}", resp.StatusCode, resp.Header.Get("Content-Type"), got)
		}
	})
}

// TestVerifierWindow drives the clock: a timestamp 5 minutes old passes,
// one a second older does not.
func TestVerifierWindow(t *testing.T) {
	base := time.Unix(1700000000, 0)
	body := []byte(`{"type":1}`)
	h := sign(testKey, "1700000000", string(body))
	v := Verifier{PublicKey: testKey.Public().(ed25519.PublicKey)}
	for _, c := range []struct {
		name string
		now  time.Time
		ok   bool
	}{
		{"OKNow", base, true},
		{"OKFiveMinutes", base.Add(5 * time.Minute), true},
		{"ErrStale", base.Add(5*time.Minute + time.Second), false},
		{"ErrFuture", base.Add(-5*time.Minute - time.Second), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			v.Clock = testclock.New(c.now)
			err := v.Verify(h, body)
			if (err == nil) != c.ok {
				t.Errorf("Verify at %s = %v", c.now, err)
			}
			if err != nil && herald.ErrorCode(err) != herald.EFORBIDDEN {
				t.Errorf("code %s, want forbidden", herald.ErrorCode(err))
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	v := Verifier{PublicKey: testKey.Public().(ed25519.PublicKey)}
	called := false
	srv := httptest.NewServer(v.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true })))
	defer srv.Close()
	big := strings.Repeat("x", MaxBody+1)
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(big))
	req.Header = sign(testKey, strconv.FormatInt(time.Now().Unix(), 10), big)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || called {
		t.Errorf("oversized body → %d (handler called %v), want 413", resp.StatusCode, called)
	}
}

// countingDispatcher answers every call with "ok" and counts them.
type countingDispatcher struct {
	mu    sync.Mutex
	calls []commands.Call
}

func (d *countingDispatcher) Dispatch(_ context.Context, c commands.Call) commands.Response {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls = append(d.calls, c)
	return commands.Response{Text: "ok", Ephemeral: true}
}

func (d *countingDispatcher) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.calls)
}
