package mastodon_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/mastodon"
	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
)

var (
	t0    = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	clock = testclock.New(t0)
)

// MustServer starts a fake instance, closed when the test ends.
func MustServer(tb testing.TB, opts ...mastodontest.Option) *mastodontest.Server {
	tb.Helper()
	srv := mastodontest.New(append([]mastodontest.Option{mastodontest.WithClock(clock)}, opts...)...)
	tb.Cleanup(srv.Close)
	return srv
}

func testPost(url, key, text string) publish.Post {
	target := herald.Target{Kind: "mastodon", Name: "main"}
	return publish.Post{
		DraftID: 7, Rev: 2, Brand: herald.Brand{ID: 1, Name: "Acme"}, Target: target,
		Account: publish.Account{BrandID: 1, Target: target, URL: url, Secret: "token-1"},
		Text:    text, Key: key, Due: t0,
	}
}

// wantOutcome fails unless err is a *publish.Error with outcome o whose
// message contains each of msgs.
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
		srv := MustServer(t, mastodontest.WithToken("token-1"))
		p := mastodon.New(loopback(), clock)
		got, err := p.Publish(context.Background(), testPost(srv.URL()+"/", "k1", "Hello & <welcome> 👋"))
		if err != nil {
			t.Fatal(err)
		}
		want := []mastodontest.Status{{
			Text: "Hello & <welcome> 👋", Visibility: "public", IdempotencyKey: "k1",
			Authorization: "Bearer token-1", CreatedAt: t0,
		}}
		sts := srv.Statuses()
		if diff := cmp.Diff(want, sts, cmpopts.IgnoreFields(mastodontest.Status{}, "ID", "URL")); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(publish.Receipt{ID: sts[0].ID, URL: sts[0].URL}, got); diff != "" {
			t.Errorf("receipt (-want +got):\n%s", diff)
		}
		if got.ID == "" || !strings.HasPrefix(got.URL, srv.URL()+"/@") {
			t.Errorf("receipt = %+v, want a status id and link", got)
		}
	})

	t.Run("OKSameKeySameStatus", func(t *testing.T) {
		srv := MustServer(t)
		p := mastodon.New(loopback(), clock)
		first, err := p.Publish(context.Background(), testPost(srv.URL(), "k1", "once"))
		if err != nil {
			t.Fatal(err)
		}
		again, err := p.Publish(context.Background(), testPost(srv.URL(), "k1", "once"))
		if err != nil {
			t.Fatal(err)
		}
		if first != again || srv.Count("k1") != 1 || srv.Attempts("k1") != 2 {
			t.Errorf("receipts %+v, %+v; count %d, attempts %d; want one status for two attempts", first, again, srv.Count("k1"), srv.Attempts("k1"))
		}
	})

	t.Run("ErrTransientThenOK", func(t *testing.T) {
		for _, record := range []bool{false, true} {
			srv := MustServer(t)
			srv.Inject(mastodontest.Fault{Status: 500, Body: `{"error":"Something went wrong"}`, Record: record})
			p := mastodon.New(loopback(), clock)
			post := testPost(srv.URL(), "k1", "retry me")
			_, err := p.Publish(context.Background(), post)
			wantOutcome(t, err, publish.Transient, "500", "Something went wrong")
			got, err := p.Publish(context.Background(), post)
			if err != nil {
				t.Fatal(err)
			}
			sts := srv.Statuses()
			if len(sts) != 1 || got.ID != sts[0].ID || srv.Requests() != 2 {
				t.Errorf("record=%v: statuses %+v, receipt %+v, requests %d; want one status, its receipt, two requests", record, sts, got, srv.Requests())
			}
		}
	})

	t.Run("ErrTimeoutAfterReceive", func(t *testing.T) {
		srv := MustServer(t)
		received := srv.HangAfterReceive(nil)
		p := mastodon.New(loopbackTimeout(200*time.Millisecond), clock)
		post := testPost(srv.URL(), "k1", "slow")
		_, err := p.Publish(context.Background(), post)
		wantOutcome(t, err, publish.Ambiguous, "after sending")
		<-received
		got, err := p.Publish(context.Background(), post)
		if err != nil {
			t.Fatal(err)
		}
		sts := srv.Statuses()
		if len(sts) != 1 || got.ID != sts[0].ID {
			t.Errorf("statuses %+v, receipt %+v; want the first status only", sts, got)
		}
	})

	t.Run("ErrCanceledAfterReceive", func(t *testing.T) {
		srv := MustServer(t)
		received := srv.HangAfterReceive(nil)
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-received; cancel() }()
		_, err := mastodon.New(loopback(), clock).Publish(ctx, testPost(srv.URL(), "k1", "cut short"))
		wantOutcome(t, err, publish.Ambiguous)
		if srv.Count("k1") != 1 {
			t.Errorf("count = %d, want 1", srv.Count("k1"))
		}
	})

	t.Run("ErrDropAfterReceive", func(t *testing.T) {
		srv := MustServer(t)
		srv.DropAfterReceive()
		_, err := mastodon.New(loopback(), clock).Publish(context.Background(), testPost(srv.URL(), "k1", "dropped"))
		wantOutcome(t, err, publish.Ambiguous)
		if srv.Count("k1") != 1 {
			t.Errorf("count = %d, want 1", srv.Count("k1"))
		}
	})

	t.Run("ErrDropOnReusedConnection", func(t *testing.T) {
		srv := MustServer(t)
		p := mastodon.New(loopback(), clock)
		if _, err := p.Publish(context.Background(), testPost(srv.URL(), "k0", "first")); err != nil {
			t.Fatal(err)
		}
		srv.DropAfterReceive()
		_, err := p.Publish(context.Background(), testPost(srv.URL(), "k1", "second"))
		wantOutcome(t, err, publish.Ambiguous)
		if srv.Attempts("k1") != 1 {
			t.Errorf("attempts = %d, want 1: the transport resent the post unrecorded", srv.Attempts("k1"))
		}
	})

	t.Run("ErrConnectionRefused", func(t *testing.T) {
		srv := mastodontest.New()
		url := srv.URL()
		srv.Close()
		_, err := mastodon.New(loopback(), clock).Publish(context.Background(), testPost(url, "k1", "nobody home"))
		wantOutcome(t, err, publish.Transient, "could not reach")
	})

	t.Run("ErrAccount", func(t *testing.T) {
		post := testPost("", "k1", "hi")
		_, err := mastodon.New(loopback(), clock).Publish(context.Background(), post)
		wantOutcome(t, err, publish.Rejected, "instance URL")
	})
}

// TestPublishAnswers covers how each answer is classified.
func TestPublishAnswers(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		header     http.Header
		body       string
		token      string // the token the server accepts; "" any
		text       string
		outcome    publish.Outcome
		msg        string
		retryAfter time.Duration
	}{
		{name: "ErrRateLimited", status: 429, header: http.Header{"Retry-After": {"30"}}, body: `{"error":"Too many requests"}`, outcome: publish.Transient, msg: "429", retryAfter: 30 * time.Second},
		{name: "ErrRateLimitedDate", status: 429, header: http.Header{"Retry-After": {t0.Add(time.Minute).Format(http.TimeFormat)}}, outcome: publish.Transient, retryAfter: time.Minute},
		{name: "ErrUnavailable", status: 503, body: "<html>down</html>", outcome: publish.Transient, msg: "503 Service Unavailable"},
		{name: "ErrUnauthorized", token: "other", outcome: publish.Rejected, msg: "Mastodon refused the access token"},
		{name: "ErrUnprocessable", status: 422, body: `{"error":"Validation failed: Text character limit of 500 exceeded"}`, outcome: publish.Rejected, msg: "Mastodon refused the post: Validation failed: Text character limit of 500 exceeded"},
		{name: "ErrBlank", text: " ", outcome: publish.Rejected, msg: "Mastodon refused the post: Validation failed: Text can't be blank"},
		{name: "ErrForbidden", status: 403, body: `{"error":"This action is outside the authorized scopes"}`, outcome: publish.Rejected, msg: "Mastodon refused the post: 403 Forbidden: This action is outside the authorized scopes"},
		{name: "ErrBadRequest", status: 400, body: `{"error":"bad"}`, outcome: publish.Rejected, msg: "400 Bad Request: bad"},
		{name: "ErrRedirect", status: 301, header: http.Header{"Location": {"https://elsewhere.example/api/v1/statuses"}}, outcome: publish.Rejected, msg: "redirects"},
		{name: "ErrNoStatusID", status: 200, body: `{}`, outcome: publish.Ambiguous, msg: "without a status id"},
		{name: "ErrNotJSON", status: 200, body: `ok`, outcome: publish.Ambiguous},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []mastodontest.Option
			if tt.token != "" {
				opts = append(opts, mastodontest.WithToken(tt.token))
			}
			srv := MustServer(t, opts...)
			if tt.status != 0 {
				srv.Inject(mastodontest.Fault{Status: tt.status, Header: tt.header, Body: tt.body})
			}
			text := tt.text
			if text == "" {
				text = "hello"
			}
			_, err := mastodon.New(loopback(), clock).Publish(context.Background(), testPost(srv.URL(), "k1", text))
			e := wantOutcome(t, err, tt.outcome, tt.msg)
			if e.RetryAfter != tt.retryAfter {
				t.Errorf("RetryAfter = %v, want %v", e.RetryAfter, tt.retryAfter)
			}
			if len(srv.Statuses()) != 0 {
				t.Errorf("statuses = %+v, want none", srv.Statuses())
			}
		})
	}
}

func TestPublishFollowsNoRedirect(t *testing.T) {
	var gets int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			gets++
			_, _ = w.Write([]byte(`{"id":"1"}`))
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	}))
	defer srv.Close()
	_, err := mastodon.New(srv.Client(), clock).Publish(context.Background(), testPost(srv.URL, "k1", "hi"))
	wantOutcome(t, err, publish.Rejected, "redirects")
	if gets != 0 {
		t.Errorf("the redirect was followed as a GET %d times", gets)
	}
}

func TestKeyWindow(t *testing.T) {
	w := mastodon.New(loopback(), nil).KeyWindow()
	if w <= 0 || w >= mastodontest.KeyWindow {
		t.Errorf("KeyWindow() = %v, want less than Mastodon's %v", w, mastodontest.KeyWindow)
	}
}

func TestLength(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"", 0},
		{"hello", 5},
		{"héllo wörld", 11},
		{"👋🏽", 2}, // two code points (Mastodon: one grapheme)
		{"https://example.com", 23},
		{"https://a.co", 23},
		{"https://example.com/" + strings.Repeat("x", 200), 23},
		{"HTTPS://EXAMPLE.COM/Path", 23},
		{"http://example.com", 23},
		{"see https://example.com/a?b=c.", 4 + 23 + 1},
		{"(https://example.com/a)", 1 + 23 + 1},
		{"https://a.io https://b.io", 23 + 1 + 23},
		{"line\nhttps://example.com\tend", 5 + 23 + 4},
		{"xhttps://example.com", 20},     // inside a word: not a link
		{"@https://example.com", 20},     // neither
		{"—https://example.com", 1 + 23}, // punctuation before: a link
		{"http://localhost/abc", 20},     // no dot in the host
		{"https://", 8},
		{"ftp://example.com", 17},
		{"https://example.com…", 23 + 1},
		{"http and https", 14},
	}
	for _, tt := range tests {
		if got := mastodon.Length(tt.text); got != tt.want {
			t.Errorf("Length(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	link := "https://example.com/" + strings.Repeat("p", 80) // counts 23
	tests := []struct {
		name string
		text string
		want string // "" when valid, else a part of the message
	}{
		{name: "OK", text: "Launch day!"},
		{name: "OKExactly500", text: strings.Repeat("a", 500)},
		{name: "OK500Accented", text: strings.Repeat("é", 500)},
		{name: "OK500Emoji", text: strings.Repeat("🚀", 500)},
		{name: "OKLinkCounts23", text: strings.Repeat("a", 476) + " " + link},
		{name: "ErrTooLong", text: strings.Repeat("a", 501), want: "limited to 500 characters (each link counts as 23); this one has 501"},
		{name: "ErrTooLongEmoji", text: strings.Repeat("🚀", 501), want: "this one has 501"},
		{name: "ErrShortLinkCounts23", text: strings.Repeat("a", 478) + " https://a.co", want: "this one has 502"},
		{name: "ErrLinkOneOver", text: strings.Repeat("a", 477) + " " + link, want: "this one has 501"},
		{name: "ErrEmpty", text: "", want: "needs some text"},
		{name: "ErrBlank", text: " \n\t", want: "needs some text"},
	}
	p := mastodon.New(loopback(), nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Validate(publish.Account{}, tt.text)
			checkInvalid(t, err, tt.want)
		})
	}
}

func TestCheckAccount(t *testing.T) {
	tests := []struct {
		name   string
		url    string
		secret string
		want   string
	}{
		{name: "OK", url: "https://mastodon.social", secret: "t"},
		{name: "OKTrailingSlash", url: "https://mastodon.social/", secret: "t"},
		{name: "OKHTTPPort", url: "http://127.0.0.1:3000", secret: "t"},
		{name: "ErrNoURL", url: "", secret: "t", want: "needs the instance URL, e.g. https://mastodon.social"},
		{name: "ErrNoScheme", url: "mastodon.social", secret: "t", want: "http(s) address with a host"},
		{name: "ErrScheme", url: "ftp://mastodon.social", secret: "t", want: "http(s) address"},
		{name: "ErrNoHost", url: "https://", secret: "t", want: "with a host"},
		{name: "ErrNoHostPort", url: "https://:443", secret: "t", want: "with a host"},
		{name: "ErrUnparsable", url: "https://mastodon.social/%zz", secret: "t", want: "http(s) address"},
		{name: "ErrQuery", url: "https://mastodon.social/?lang=en", secret: "t", want: "not a profile or post link"},
		{name: "ErrEmptyQuery", url: "https://mastodon.social/?", secret: "t", want: "not a profile or post link"},
		{name: "ErrFragment", url: "https://mastodon.social/#top", secret: "t", want: "not a profile or post link"},
		{name: "ErrProfile", url: "https://mastodon.social/@herald", secret: "t", want: "not a profile or post link"},
		{name: "ErrUserInfo", url: "https://me:pw@mastodon.social", secret: "t", want: "not a profile or post link"},
		{name: "ErrNoSecret", url: "https://mastodon.social", secret: " ", want: "needs an access token with the write:statuses scope"},
	}
	p := mastodon.New(loopback(), nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.CheckAccount(publish.Account{URL: tt.url, Secret: tt.secret})
			checkInvalid(t, err, tt.want)
		})
	}
}

// checkInvalid fails unless err is nil (want "") or an EINVALID error
// whose message contains want.
func checkInvalid(tb testing.TB, err error, want string) {
	tb.Helper()
	switch {
	case want == "" && err != nil:
		tb.Errorf("error = %v, want none", err)
	case want == "":
	case herald.ErrorCode(err) != herald.EINVALID:
		tb.Errorf("error = %v (code %q), want EINVALID", err, herald.ErrorCode(err))
	case !strings.Contains(herald.ErrorMessage(err), want):
		tb.Errorf("message %q does not contain %q", herald.ErrorMessage(err), want)
	}
}
