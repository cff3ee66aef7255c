package discordwebhook_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/discordwebhook"
)

var clock = testclock.New(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))

const token = "s3cr3t-T0ken_abc"

// request is what the fake received.
type request struct {
	Method, Path, Query, ContentType, Body string
}

// fakeDiscord speaks Discord's webhook execution: it records each request
// and answers the next canned answer, or a message object.
type fakeDiscord struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
	answers  []answer
	guild    string
}

type answer struct {
	status int
	header http.Header
	body   string
	hang   chan struct{} // closed when the request arrived; then no answer until the client leaves
}

// MustFake starts a fake Discord; guild is the guild_id it puts in its
// answers ("" for none).
func MustFake(tb testing.TB, guild string) *fakeDiscord {
	tb.Helper()
	f := &fakeDiscord{guild: guild}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(func() { f.CloseClientConnections(); f.Close() })
	return f
}

// WebhookURL is the fake's webhook URL.
func (f *fakeDiscord) WebhookURL() string { return f.URL + "/api/webhooks/123456789012345678/" + token }

func (f *fakeDiscord) Requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.requests...)
}

func (f *fakeDiscord) Next(a answer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers = append(f.answers, a)
}

func (f *fakeDiscord) serve(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, request{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"), string(b)})
	var a *answer
	if len(f.answers) > 0 {
		a = &f.answers[0]
		f.answers = f.answers[1:]
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case a == nil:
		guild := ""
		if f.guild != "" {
			guild = `"guild_id":"` + f.guild + `",`
		}
		_, _ = io.WriteString(w, `{"id":"1100000000000000001",`+guild+`"channel_id":"900","webhook_id":"123456789012345678","content":"x","type":0}`)
	case a.hang != nil:
		close(a.hang)
		<-r.Context().Done()
	default:
		for k, vs := range a.header {
			w.Header()[k] = vs
		}
		w.WriteHeader(a.status)
		_, _ = io.WriteString(w, a.body)
	}
}

func testPost(url, text string) publish.Post {
	target := herald.Target{Kind: "discord-webhook", Name: "news"}
	return publish.Post{
		DraftID: 1, Rev: 1, Brand: herald.Brand{ID: 1, Name: "Acme"}, Target: target,
		Account: publish.Account{BrandID: 1, Target: target, URL: url},
		Text:    text, Key: "k1", Due: clock.Now(),
	}
}

// wantOutcome fails unless err is a *publish.Error with outcome o whose
// message contains each of msgs, and never shows the webhook token.
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
	if strings.Contains(err.Error(), token) || strings.Contains(e.Message, token) {
		tb.Errorf("error %q shows the webhook token", err)
	}
	return e
}

func TestPublish(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		f := MustFake(t, "555")
		got, err := discordwebhook.New(loopback(), clock).Publish(context.Background(), testPost(f.WebhookURL(), "Hello @everyone <@123> & \"you\""))
		if err != nil {
			t.Fatal(err)
		}
		want := publish.Receipt{ID: "1100000000000000001", URL: "https://discord.com/channels/555/900/1100000000000000001"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("receipt (-want +got):\n%s", diff)
		}
		wantReq := []request{{
			Method: "POST", Path: "/api/webhooks/123456789012345678/" + token, Query: "wait=true", ContentType: "application/json",
			Body: `{"content":"Hello @everyone \u003c@123\u003e \u0026 \"you\"","allowed_mentions":{"parse":[]}}`,
		}}
		if diff := cmp.Diff(wantReq, f.Requests()); diff != "" {
			t.Errorf("requests (-want +got):\n%s", diff)
		}
	})

	t.Run("OKNoGuild", func(t *testing.T) {
		f := MustFake(t, "")
		got, err := discordwebhook.New(loopback(), clock).Publish(context.Background(), testPost(f.WebhookURL(), "hi"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(publish.Receipt{ID: "1100000000000000001"}, got); diff != "" {
			t.Errorf("receipt (-want +got):\n%s", diff)
		}
	})

	t.Run("OKThreadQueryKept", func(t *testing.T) {
		f := MustFake(t, "")
		if _, err := discordwebhook.New(loopback(), clock).Publish(context.Background(), testPost(f.WebhookURL()+"/?thread_id=77", "hi")); err != nil {
			t.Fatal(err)
		}
		if r := f.Requests(); r[0].Query != "thread_id=77&wait=true" || !strings.HasSuffix(r[0].Path, token) {
			t.Errorf("request = %+v, want the thread kept and wait=true", r[0])
		}
	})

	t.Run("ErrTransientThenOK", func(t *testing.T) {
		f := MustFake(t, "555")
		f.Next(answer{status: 502, body: "<html>bad gateway</html>"})
		p := discordwebhook.New(loopback(), clock)
		_, err := p.Publish(context.Background(), testPost(f.WebhookURL(), "hi"))
		wantOutcome(t, err, publish.Transient, "502 Bad Gateway")
		if _, err := p.Publish(context.Background(), testPost(f.WebhookURL(), "hi")); err != nil {
			t.Fatal(err)
		}
		if n := len(f.Requests()); n != 2 {
			t.Errorf("requests = %d, want 2", n)
		}
	})

	t.Run("ErrTimeoutAfterReceive", func(t *testing.T) {
		f := MustFake(t, "")
		received := make(chan struct{})
		f.Next(answer{hang: received})
		_, err := discordwebhook.New(loopbackTimeout(200*time.Millisecond), clock).Publish(context.Background(), testPost(f.WebhookURL(), "hi"))
		wantOutcome(t, err, publish.Ambiguous, "after sending")
		<-received
	})

	t.Run("ErrCanceledAfterReceive", func(t *testing.T) {
		f := MustFake(t, "")
		received := make(chan struct{})
		f.Next(answer{hang: received})
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-received; cancel() }()
		_, err := discordwebhook.New(loopback(), clock).Publish(ctx, testPost(f.WebhookURL(), "hi"))
		wantOutcome(t, err, publish.Ambiguous)
	})

	t.Run("ErrConnectionRefused", func(t *testing.T) {
		f := httptest.NewServer(http.NotFoundHandler())
		url := f.URL + "/api/webhooks/1/" + token
		f.Close()
		_, err := discordwebhook.New(loopback(), clock).Publish(context.Background(), testPost(url, "hi"))
		wantOutcome(t, err, publish.Transient, "could not reach")
	})

	t.Run("ErrAccount", func(t *testing.T) {
		_, err := discordwebhook.New(loopback(), clock).Publish(context.Background(), testPost("https://discord.com/api/webhooks/abc/"+token, "hi"))
		wantOutcome(t, err, publish.Rejected, "not a Discord webhook URL")
	})
}

func TestPublishAnswers(t *testing.T) {
	tests := []struct {
		name       string
		answer     answer
		outcome    publish.Outcome
		msg        string
		retryAfter time.Duration
	}{
		{name: "ErrDeleted", answer: answer{status: 404, body: `{"message":"Unknown Webhook","code":10015}`}, outcome: publish.Rejected, msg: "the Discord webhook no longer exists (deleted?)"},
		{name: "ErrBadToken", answer: answer{status: 401, body: `{"message":"Invalid Webhook Token","code":50027}`}, outcome: publish.Rejected, msg: "refused the webhook's token"},
		{name: "ErrInvalidForm", answer: answer{status: 400, body: `{"message":"Invalid Form Body","code":50035}`}, outcome: publish.Rejected, msg: "Discord refused the post: 400 Bad Request: Invalid Form Body"},
		{name: "ErrForbidden", answer: answer{status: 403, body: `{"message":"Missing Access","code":50001}`}, outcome: publish.Rejected, msg: "Missing Access"},
		{name: "ErrRedirect", answer: answer{status: 308, header: http.Header{"Location": {"/x"}}}, outcome: publish.Rejected, msg: "redirects elsewhere (308)"},
		{name: "ErrRateLimited", answer: answer{status: 429, header: http.Header{"Retry-After": {"3"}}, body: `{"message":"You are being rate limited.","retry_after":2.5,"global":false}`}, outcome: publish.Transient, msg: "You are being rate limited.", retryAfter: 3 * time.Second},
		{name: "ErrRateLimitedBodyOnly", answer: answer{status: 429, body: `{"message":"You are being rate limited.","retry_after":2.5,"global":false}`}, outcome: publish.Transient, msg: "429", retryAfter: 2500 * time.Millisecond},
		{name: "ErrServer", answer: answer{status: 500, body: `{"message":"Internal Server Error","code":0}`}, outcome: publish.Transient, msg: "500"},
		{name: "ErrNoMessageID", answer: answer{status: 200, body: `{}`}, outcome: publish.Ambiguous, msg: "without a message id"},
		{name: "ErrNoContent", answer: answer{status: 204}, outcome: publish.Ambiguous, msg: "without a message id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := MustFake(t, "")
			f.Next(tt.answer)
			_, err := discordwebhook.New(loopback(), clock).Publish(context.Background(), testPost(f.WebhookURL(), "hi"))
			e := wantOutcome(t, err, tt.outcome, tt.msg)
			if e.RetryAfter != tt.retryAfter {
				t.Errorf("RetryAfter = %v, want %v", e.RetryAfter, tt.retryAfter)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{name: "OK", text: "Launch day!"},
		{name: "OKExactly2000", text: strings.Repeat("a", 2000)},
		{name: "OK2000Emoji", text: strings.Repeat("🚀", 2000)},
		{name: "OKLinksCountInFull", text: "https://example.com/" + strings.Repeat("a", 1980)},
		{name: "ErrTooLong", text: strings.Repeat("a", 2001), want: "limited to 2000 characters; this one has 2001"},
		{name: "ErrTooLongEmoji", text: strings.Repeat("🚀", 2001), want: "this one has 2001"},
		{name: "ErrLinkOneOver", text: "https://example.com/" + strings.Repeat("a", 1981), want: "this one has 2001"},
		{name: "ErrEmpty", text: "", want: "needs some text"},
		{name: "ErrBlank", text: "\n \t", want: "needs some text"},
	}
	p := discordwebhook.New(loopback(), nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkInvalid(t, p.Validate(publish.Account{}, tt.text), tt.want)
		})
	}
}

func TestCheckAccount(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want string
	}{
		{name: "OK", url: "https://discord.com/api/webhooks/123456789012345678/" + token},
		{name: "OKVersioned", url: "https://discord.com/api/v10/webhooks/123456789012345678/" + token},
		{name: "OKOtherHost", url: "https://canary.discordapp.com/api/webhooks/1/" + token},
		{name: "OKFake", url: "http://127.0.0.1:8080/api/webhooks/1/" + token},
		{name: "OKTrailingSlash", url: "https://discord.com/api/webhooks/1/" + token + "/"},
		{name: "OKThread", url: "https://discord.com/api/webhooks/1/" + token + "?thread_id=2"},
		{name: "OKID20Digits", url: "https://discord.com/api/webhooks/" + strings.Repeat("9", 20) + "/" + token},
		{name: "ErrEmpty", url: "", want: "needs the webhook URL"},
		{name: "ErrNoScheme", url: "discord.com/api/webhooks/1/" + token, want: "not a Discord webhook URL"},
		{name: "ErrScheme", url: "ftp://discord.com/api/webhooks/1/" + token, want: "not a Discord webhook URL"},
		{name: "ErrNoHost", url: "https:///api/webhooks/1/" + token, want: "not a Discord webhook URL"},
		{name: "ErrFragment", url: "https://discord.com/api/webhooks/1/" + token + "#x", want: "not a Discord webhook URL"},
		{name: "ErrUserInfo", url: "https://u:" + token + "@discord.com/api/webhooks/1/" + token, want: "not a Discord webhook URL"},
		{name: "ErrIDNotNumeric", url: "https://discord.com/api/webhooks/12a/" + token, want: "must end in /webhooks/ID/TOKEN"},
		{name: "ErrID21Digits", url: "https://discord.com/api/webhooks/" + strings.Repeat("9", 21) + "/" + token, want: "must end in /webhooks/ID/TOKEN"},
		{name: "ErrNoToken", url: "https://discord.com/api/webhooks/123/", want: "must end in /webhooks/ID/TOKEN"},
		{name: "ErrTokenChars", url: "https://discord.com/api/webhooks/123/" + token + "%21", want: "must end in /webhooks/ID/TOKEN"},
		{name: "ErrExtraSegment", url: "https://discord.com/api/webhooks/123/" + token + "/github", want: "must end in /webhooks/ID/TOKEN"},
		{name: "ErrChannelURL", url: "https://discord.com/channels/1/2", want: "must end in /webhooks/ID/TOKEN"},
		{name: "ErrSlackWebhook", url: "https://hooks.slack.com/services/T0/B0/" + token, want: "must end in /webhooks/ID/TOKEN"},
	}
	p := discordwebhook.New(loopback(), nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.CheckAccount(publish.Account{URL: tt.url})
			checkInvalid(t, err, tt.want)
			if err != nil && strings.Contains(err.Error(), token) {
				t.Errorf("error %q shows the token", err)
			}
		})
	}
}

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
