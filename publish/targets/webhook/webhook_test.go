package webhook_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/webhook"
	"github.com/heraldhq/herald/publish/targets/webhook/webhooktest"
)

const secret = "whsec-0123456789abcdef"

var (
	t0    = time.Date(2026, 11, 22, 9, 0, 4, 500_000_000, time.UTC)
	due   = time.Date(2026, 11, 22, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	clock = testclock.New(t0)
)

// MustServer starts a fake receiver on the test clock, closed when the test ends.
func MustServer(tb testing.TB, opts ...webhooktest.Option) *webhooktest.Server {
	tb.Helper()
	srv := webhooktest.New(secret, append([]webhooktest.Option{webhooktest.WithClock(clock)}, opts...)...)
	tb.Cleanup(srv.Close)
	return srv
}

func testPost(url, key string) publish.Post {
	target := herald.Target{Kind: "webhook", Name: "zapier"}
	return publish.Post{
		DraftID: 42, Rev: 3, Brand: herald.Brand{ID: 1, Name: "Acme"}, Target: target,
		Account: publish.Account{BrandID: 1, Target: target, URL: url, Secret: secret},
		Text:    "We launch on Monday! <b>&</b>", Key: key, Due: due,
	}
}

func wantOutcome(tb testing.TB, err error, o publish.Outcome, msgs ...string) *publish.Error {
	tb.Helper()
	var e *publish.Error
	if !errors.As(err, &e) {
		tb.Fatalf("error = %v (%T), want a *publish.Error", err, err)
	}
	if e.Outcome != o {
		tb.Fatalf("outcome = %v (%v), want %v", e.Outcome, err, o)
	}
	for _, m := range msgs {
		if !strings.Contains(e.Message, m) {
			tb.Errorf("message %q does not contain %q", e.Message, m)
		}
	}
	return e
}

func TestPublish(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		srv := MustServer(t)
		got, err := webhook.New(loopback(), clock).Publish(context.Background(), testPost(srv.URL(), "k1"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(publish.Receipt{ID: "k1"}, got); diff != "" {
			t.Errorf("receipt (-want +got):\n%s", diff)
		}
		ds := srv.Deliveries()
		if len(ds) != 1 {
			t.Fatalf("deliveries = %d, want 1", len(ds))
		}
		d := ds[0]
		ts := strconv.FormatInt(t0.Unix(), 10)
		wantHeader := map[string]string{
			"Content-Type":       "application/json",
			"Idempotency-Key":    "k1",
			"X-Herald-Timestamp": ts,
			"X-Herald-Signature": webhook.Sign(secret, ts, d.Body),
		}
		for k, v := range wantHeader {
			if got := d.Header.Get(k); got != v {
				t.Errorf("header %s = %q, want %q", k, got, v)
			}
		}
		if !d.Valid || !d.Processed {
			t.Errorf("delivery valid %v, processed %v; want both", d.Valid, d.Processed)
		}
		want := `{"id":"k1","draft_id":42,"revision":3,"brand":"Acme","target":"webhook:zapier",` +
			`"text":"We launch on Monday! \u003cb\u003e\u0026\u003c/b\u003e","due_at":"2026-11-22T09:00:00Z","sent_at":"2026-11-22T09:00:04Z"}`
		if diff := cmp.Diff(want, string(d.Body)); diff != "" {
			t.Errorf("body (-want +got):\n%s", diff)
		}
		wantPayload := webhook.Payload{
			ID: "k1", DraftID: 42, Revision: 3, Brand: "Acme", Target: "webhook:zapier",
			Text: "We launch on Monday! <b>&</b>", DueAt: due.UTC(), SentAt: t0.Truncate(time.Second),
		}
		if diff := cmp.Diff(wantPayload, d.Payload); diff != "" {
			t.Errorf("payload (-want +got):\n%s", diff)
		}
	})

	t.Run("ErrTransientThenOK", func(t *testing.T) {
		srv := MustServer(t)
		srv.FailNext(500, `{"message":"Zap is paused"}`)
		p := webhook.New(loopback(), clock)
		_, err := p.Publish(context.Background(), testPost(srv.URL(), "k1"))
		wantOutcome(t, err, publish.Transient, "500", "Zap is paused")
		if _, err := p.Publish(context.Background(), testPost(srv.URL(), "k1")); err != nil {
			t.Fatal(err)
		}
		if srv.Count("k1") != 1 || srv.Requests() != 2 {
			t.Errorf("count %d, requests %d; want 1, 2", srv.Count("k1"), srv.Requests())
		}
	})

	t.Run("ErrTimeoutAfterReceive", func(t *testing.T) {
		srv := MustServer(t)
		received := srv.HangAfterReceive(nil)
		p := webhook.New(loopbackTimeout(200*time.Millisecond), clock)
		_, err := p.Publish(context.Background(), testPost(srv.URL(), "k1"))
		wantOutcome(t, err, publish.Ambiguous, "after sending")
		<-received
		if srv.Count("k1") != 1 {
			t.Errorf("count = %d, want 1", srv.Count("k1"))
		}
	})

	t.Run("ErrCanceledAfterReceive", func(t *testing.T) {
		srv := MustServer(t)
		received := srv.HangAfterReceive(nil)
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-received; cancel() }()
		_, err := webhook.New(loopback(), clock).Publish(ctx, testPost(srv.URL(), "k1"))
		wantOutcome(t, err, publish.Ambiguous)
	})

	// net/http resends a request with an Idempotency-Key by itself when a
	// reused connection breaks; a receiver that ignores the key would post
	// twice while Publish reported one success.
	t.Run("ErrDropOnReusedConnection", func(t *testing.T) {
		srv := MustServer(t)
		p := webhook.New(loopback(), clock)
		if _, err := p.Publish(context.Background(), testPost(srv.URL(), "k0")); err != nil {
			t.Fatal(err)
		}
		srv.DropAfterReceive()
		_, err := p.Publish(context.Background(), testPost(srv.URL(), "k1"))
		wantOutcome(t, err, publish.Ambiguous)
		if srv.Count("k1") != 1 {
			t.Errorf("count = %d, want 1: the transport resent the delivery", srv.Count("k1"))
		}
	})

	t.Run("ErrConnectionRefused", func(t *testing.T) {
		srv := webhooktest.New(secret)
		url := srv.URL()
		srv.Close()
		_, err := webhook.New(loopback(), clock).Publish(context.Background(), testPost(url, "k1"))
		wantOutcome(t, err, publish.Transient, "could not reach")
	})

	t.Run("ErrWrongSecret", func(t *testing.T) {
		srv := MustServer(t)
		post := testPost(srv.URL(), "k1")
		post.Account.Secret = strings.Repeat("x", 32)
		_, err := webhook.New(loopback(), clock).Publish(context.Background(), post)
		wantOutcome(t, err, publish.Rejected, "the webhook refused the post: 401 Unauthorized", "bad signature")
		if d := srv.Deliveries(); len(d) != 1 || d[0].Valid || d[0].Processed {
			t.Errorf("deliveries = %+v, want one invalid", d)
		}
	})

	t.Run("ErrAccount", func(t *testing.T) {
		post := testPost("https://hooks.example/secret-path", "k1")
		post.Account.Secret = "short"
		_, err := webhook.New(loopback(), clock).Publish(context.Background(), post)
		e := wantOutcome(t, err, publish.Rejected, "signing secret")
		if strings.Contains(e.Error(), "secret-path") {
			t.Errorf("error %q shows the URL", e)
		}
	})
}

func TestPublishAnswers(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		header     http.Header
		body       string
		outcome    publish.Outcome
		msg        string
		retryAfter time.Duration
	}{
		{name: "ErrRateLimited", status: 429, header: http.Header{"Retry-After": {"12"}}, outcome: publish.Transient, msg: "429", retryAfter: 12 * time.Second},
		{name: "ErrBadGateway", status: 502, body: "upstream down", outcome: publish.Transient, msg: "502 Bad Gateway: upstream down"},
		{name: "ErrBadRequest", status: 400, body: `{"message":"missing field text"}`, outcome: publish.Rejected, msg: "the webhook refused the post: 400 Bad Request: missing field text"},
		{name: "ErrGone", status: 410, body: `{"status":"error","message":"hook deleted"}`, outcome: publish.Rejected, msg: "410 Gone: hook deleted"},
		{name: "ErrRedirect", status: 302, header: http.Header{"Location": {"/elsewhere"}}, outcome: publish.Rejected, msg: "redirects elsewhere (302)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := MustServer(t)
			srv.Inject(webhooktest.Fault{Status: tt.status, Header: tt.header, Body: tt.body})
			_, err := webhook.New(loopback(), clock).Publish(context.Background(), testPost(srv.URL(), "k1"))
			e := wantOutcome(t, err, tt.outcome, tt.msg)
			if e.RetryAfter != tt.retryAfter {
				t.Errorf("RetryAfter = %v, want %v", e.RetryAfter, tt.retryAfter)
			}
			if srv.Count("k1") != 0 {
				t.Errorf("count = %d, want 0", srv.Count("k1"))
			}
		})
	}
}

func TestPublishReceipt(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   publish.Receipt
	}{
		{name: "OKIDAndURL", status: 200, body: `{"id":"zap-1","url":"https://example.com/p/1"}`, want: publish.Receipt{ID: "zap-1", URL: "https://example.com/p/1"}},
		{name: "OKNumericID", status: 201, body: `{"id":12345678901234567890}`, want: publish.Receipt{ID: "12345678901234567890"}},
		{name: "OKURLOnly", status: 200, body: `{"url":"https://example.com/p/1"}`, want: publish.Receipt{ID: "k1", URL: "https://example.com/p/1"}},
		{name: "OKEmptyID", status: 200, body: `{"id":""}`, want: publish.Receipt{ID: "k1"}},
		{name: "OKText", status: 200, body: `Accepted`, want: publish.Receipt{ID: "k1"}},
		{name: "OKNoContent", status: 204, want: publish.Receipt{ID: "k1"}},
		{name: "OKArray", status: 202, body: `[{"id":"x"}]`, want: publish.Receipt{ID: "k1"}},
		{name: "OKOtherFields", status: 200, body: `{"status":"success","request_id":"r-1"}`, want: publish.Receipt{ID: "k1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := MustServer(t, webhooktest.WithAnswer(tt.status, tt.body))
			got, err := webhook.New(loopback(), clock).Publish(context.Background(), testPost(srv.URL(), "k1"))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("receipt (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPublishFollowsNoRedirect(t *testing.T) {
	var gets int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			gets++
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusMovedPermanently)
	}))
	defer srv.Close()
	_, err := webhook.New(srv.Client(), clock).Publish(context.Background(), testPost(srv.URL, "k1"))
	wantOutcome(t, err, publish.Rejected, "redirects")
	if gets != 0 {
		t.Errorf("the redirect was followed as a GET %d times", gets)
	}
}

func TestCheckAccount(t *testing.T) {
	tests := []struct {
		name   string
		url    string
		secret string
		want   string
	}{
		{name: "OK", url: "https://hooks.zapier.com/hooks/catch/123/abc/", secret: secret},
		{name: "OKQuery", url: "https://hook.eu1.make.com/abc?x=1", secret: secret},
		{name: "OKHTTP", url: "http://n8n.local:5678/webhook/abc", secret: secret},
		{name: "OKSecretExactly16", url: "https://example.com", secret: strings.Repeat("s", 16)},
		{name: "OKSecret16Runes", url: "https://example.com", secret: strings.Repeat("é", 16)},
		{name: "ErrNoURL", url: " ", secret: secret, want: "needs the URL to deliver to"},
		{name: "ErrRelative", url: "/hooks/catch", secret: secret, want: "absolute http(s) URL with a host"},
		{name: "ErrNoScheme", url: "hooks.zapier.com/hooks", secret: secret, want: "absolute http(s) URL"},
		{name: "ErrScheme", url: "ftp://example.com", secret: secret, want: "absolute http(s) URL"},
		{name: "ErrNoHost", url: "https:///path", secret: secret, want: "with a host"},
		{name: "ErrUnparsable", url: "https://example.com/%zz", secret: secret, want: "absolute http(s) URL"},
		{name: "ErrNoSecret", url: "https://example.com", secret: "", want: "signing secret of at least 16 characters"},
		{name: "ErrSecret15", url: "https://example.com", secret: strings.Repeat("s", 15), want: "at least 16"},
	}
	p := webhook.New(loopback(), nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.CheckAccount(publish.Account{URL: tt.url, Secret: tt.secret})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("error = %v, want none", err)
			case tt.want == "":
			case herald.ErrorCode(err) != herald.EINVALID:
				t.Errorf("error = %v, want EINVALID", err)
			case !strings.Contains(herald.ErrorMessage(err), tt.want):
				t.Errorf("message %q does not contain %q", herald.ErrorMessage(err), tt.want)
			}
		})
	}
}

// TestSign checks a vector made with
// printf '%s' '1700000000.{"id":"k1"}' | openssl dgst -sha256 -hmac 'whsec-0123456789abcdef'
func TestSign(t *testing.T) {
	got := webhook.Sign(secret, "1700000000", []byte(`{"id":"k1"}`))
	want := "sha256=ed9057b27b9a7697d956e33d6f536fb060c6c18c47645d67580a824f52fd81e6"
	if got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	body := []byte(`{"id":"k1"}`)
	now := time.Unix(1700000000, 0)
	ts := "1700000000"
	sig := webhook.Sign(secret, ts, body)
	tests := []struct {
		name      string
		secret    string
		timestamp string
		signature string
		body      []byte
		now       time.Time
		maxAge    time.Duration
		want      string // "" when valid
	}{
		{name: "OK", timestamp: ts, signature: sig, now: now},
		{name: "OKAtMaxAge", timestamp: ts, signature: sig, now: now.Add(time.Minute), maxAge: time.Minute},
		{name: "OKAtMaxAgeAhead", timestamp: ts, signature: sig, now: now.Add(-time.Minute), maxAge: time.Minute},
		{name: "OKDefaultMaxAge", timestamp: ts, signature: sig, now: now.Add(webhook.DefaultMaxAge)},
		{name: "ErrStale", timestamp: ts, signature: sig, now: now.Add(time.Minute + time.Nanosecond), maxAge: time.Minute, want: "stale timestamp"},
		{name: "ErrStaleDefault", timestamp: ts, signature: sig, now: now.Add(webhook.DefaultMaxAge + time.Second), want: "stale timestamp"},
		{name: "ErrFuture", timestamp: ts, signature: sig, now: now.Add(-time.Minute - time.Second), maxAge: time.Minute, want: "future timestamp"},
		{name: "ErrBodyChanged", timestamp: ts, signature: sig, body: []byte(`{"id":"k2"}`), now: now, want: "bad signature"},
		{name: "ErrTimestampChanged", timestamp: "1700000001", signature: sig, now: now, want: "bad signature"},
		{name: "ErrWrongSecret", secret: secret + "x", timestamp: ts, signature: sig, now: now, want: "bad signature"},
		{name: "ErrNoSecret", secret: "-", timestamp: ts, signature: sig, now: now, want: "no signing secret"},
		{name: "ErrNoSignature", timestamp: ts, now: now, want: "missing"},
		{name: "ErrNoTimestamp", signature: sig, now: now, want: "missing"},
		{name: "ErrNegativeTimestamp", timestamp: "-1700000000", signature: sig, now: now, want: "malformed X-Herald-Timestamp"},
		{name: "ErrFractionTimestamp", timestamp: "1700000000.5", signature: sig, now: now, want: "malformed X-Herald-Timestamp"},
		{name: "ErrHugeTimestamp", timestamp: strings.Repeat("9", 30), signature: sig, now: now, want: "malformed X-Herald-Timestamp"},
		{name: "ErrNoPrefix", timestamp: ts, signature: strings.TrimPrefix(sig, "sha256="), now: now, want: "malformed X-Herald-Signature"},
		{name: "ErrOtherScheme", timestamp: ts, signature: "v0=" + strings.TrimPrefix(sig, "sha256="), now: now, want: "malformed X-Herald-Signature"},
		{name: "ErrShortSignature", timestamp: ts, signature: sig[:len(sig)-2], now: now, want: "malformed X-Herald-Signature"},
		{name: "ErrNotHex", timestamp: ts, signature: "sha256=" + strings.Repeat("zz", 32), now: now, want: "malformed X-Herald-Signature"},
		{name: "ErrUpperCaseHexStillChecked", timestamp: ts, signature: "sha256=" + strings.Repeat("AB", 32), now: now, want: "bad signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := secret
			switch tt.secret {
			case "":
			case "-":
				s = ""
			default:
				s = tt.secret
			}
			b := body
			if tt.body != nil {
				b = tt.body
			}
			err := webhook.Verify(s, tt.timestamp, tt.signature, b, tt.now, tt.maxAge)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Verify = %v, want nil", err)
			case tt.want == "":
			case herald.ErrorCode(err) != herald.EFORBIDDEN:
				t.Errorf("Verify = %v, want EFORBIDDEN", err)
			case !strings.Contains(err.Error(), tt.want):
				t.Errorf("Verify = %q, want it to mention %q", err, tt.want)
			}
		})
	}
}

func FuzzVerify(f *testing.F) {
	f.Add("whsec-0123456789abcdef", int64(1700000000), []byte(`{"id":"k1"}`), "sha256=00", uint(0))
	f.Add("", int64(0), []byte{}, "", uint(3))
	f.Add("s", int64(-5), []byte("\xff\x00"), "sha256="+strings.Repeat("0", 64), uint(1))
	f.Fuzz(func(t *testing.T, secret string, unix int64, body []byte, sig string, at uint) {
		now := time.Unix(1700000000, 0)
		ts := strconv.FormatInt(unix, 10)
		// Arbitrary input never panics.
		_ = webhook.Verify(secret, ts, sig, body, now, time.Minute)
		_ = webhook.Verify(secret, sig, ts, body, now, 0)
		if secret == "" {
			return
		}
		// A signed body verifies at its own time...
		good := webhook.Sign(secret, "1700000000", body)
		if err := webhook.Verify(secret, "1700000000", good, body, now, time.Minute); err != nil {
			t.Fatalf("a signed body does not verify: %v", err)
		}
		// ...and no longer when one byte changes.
		if len(body) == 0 {
			return
		}
		changed := append([]byte(nil), body...)
		changed[at%uint(len(changed))] ^= 1
		if err := webhook.Verify(secret, "1700000000", good, changed, now, time.Minute); err == nil {
			t.Fatalf("a body changed at byte %d verifies", at%uint(len(changed)))
		}
	})
}
