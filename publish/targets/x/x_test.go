package x_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/x"
	"github.com/heraldhq/herald/publish/targets/x/xtest"
)

var epoch = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)

type fixture struct {
	clock *testclock.Clock
	srv   *xtest.Server
	opt   x.Options
	pub   *x.Publisher
	prov  *x.Provider
	slept []time.Duration
}

func newFixture(t *testing.T, secret string) *fixture {
	t.Helper()
	f := &fixture{clock: testclock.New(epoch)}
	f.srv = xtest.New(f.clock, "client-1", secret, xtest.User{ID: "2244994945", Name: "Acme", Username: "acme"})
	t.Cleanup(f.srv.Close)
	f.opt = x.Options{APIURL: f.srv.URL(), AuthURL: f.srv.AuthURL(), Clock: f.clock, ClientID: "client-1", ClientSecret: secret,
		Client: httpx.NoRedirect(httpx.New(httpx.Options{Trusted: true, Timeout: 10 * time.Second})),
		Sleep: func(_ context.Context, d time.Duration) error {
			f.slept = append(f.slept, d)
			f.clock.Advance(d)
			return nil
		}}
	f.pub, f.prov = x.New(f.opt), x.NewProvider(f.opt)
	return f
}

const redirect = "https://herald.example/oauth/callback"

// connect goes through X's authorization page and the code exchange, as
// the connect flow does, and returns the account.
func (f *fixture) connect(t *testing.T) publish.Account {
	t.Helper()
	verifier := "verifier-0123456789-0123456789-0123456789-0123456789"
	sum := sha256.Sum256([]byte(verifier))
	u := f.prov.AuthURL("state-1", redirect, base64.RawURLEncoding.EncodeToString(sum[:]))
	resp, err := f.opt.Client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || back.Query().Get("state") != "state-1" {
		t.Fatalf("redirect %q (%d)", resp.Header.Get("Location"), resp.StatusCode)
	}
	g, err := f.prov.Exchange(context.Background(), back.Query().Get("code"), redirect, verifier)
	if err != nil {
		t.Fatal(err)
	}
	choices, err := f.prov.Accounts(context.Background(), g)
	if err != nil || len(choices) != 1 || choices[0].Name != "@acme" || choices[0].ID != "2244994945" {
		t.Fatalf("accounts %v, %v", choices, err)
	}
	return publish.Account{BrandID: 1, Target: herald.Target{Kind: "x", Name: "main"}, Handle: choices[0].ID, Secret: g.Access,
		Conn: publish.Connection{As: "@acme", Refresh: g.Refresh, Granted: epoch, Expires: g.Expires}}
}

func post(a publish.Account, text string) publish.Post {
	return publish.Post{DraftID: 3, Rev: 1, Target: a.Target, Account: a, Text: text, Key: "k3", Due: epoch}
}

func TestConnect(t *testing.T) {
	for _, secret := range []string{"secret-1", ""} {
		t.Run("Secret"+strconv.Quote(secret), func(t *testing.T) {
			f := newFixture(t, secret)
			a := f.connect(t)
			if want := "tweet.read tweet.write users.read offline.access media.write"; f.srv.Scopes != want {
				t.Errorf("scopes %q, want %q", f.srv.Scopes, want)
			}
			if a.Conn.Expires != epoch.Add(2*time.Hour) || a.Conn.Refresh == "" {
				t.Errorf("grant %+v", a.Conn)
			}
			if err := f.prov.Check(context.Background(), publish.Grant{Access: a.Secret}); err != nil {
				t.Errorf("Check: %v", err)
			}
		})
	}
}

func TestRefreshRotates(t *testing.T) {
	f := newFixture(t, "secret-1")
	a := f.connect(t)
	f.clock.Advance(2*time.Hour + time.Second)
	if err := f.prov.Check(context.Background(), publish.Grant{Access: a.Secret}); !publish.IsDead(err) {
		t.Errorf("an expired token: %v, want dead", err)
	}
	g, err := f.prov.Refresh(context.Background(), publish.Grant{Refresh: a.Conn.Refresh})
	if err != nil || g.Refresh == "" || g.Refresh == a.Conn.Refresh || g.Expires != f.clock.Now().UTC().Add(2*time.Hour) {
		t.Fatalf("refresh: %+v, %v", g, err)
	}
	if err := f.prov.Check(context.Background(), g); err != nil {
		t.Errorf("the new token: %v", err)
	}
	_, err = f.prov.Refresh(context.Background(), publish.Grant{Refresh: a.Conn.Refresh})
	if !publish.IsDead(err) || !strings.Contains(err.Error(), "Value passed for the token was invalid") {
		t.Errorf("the old refresh token again: %v, want dead with X's words", err)
	}
}

func TestReady(t *testing.T) {
	if err := x.NewProvider(x.Options{}).Ready(); herald.ErrorCode(err) != herald.EUNAVAILABLE {
		t.Errorf("no app: %v", err)
	}
	if u := x.NewProvider(x.Options{ClientID: "c"}).AuthURL("s", redirect, "ch"); !strings.HasPrefix(u, x.AuthURL+"?") ||
		!strings.Contains(u, "code_challenge_method=S256") || !strings.Contains(u, "scope=tweet.read+tweet.write+users.read+offline.access+media.write") {
		t.Errorf("AuthURL %s", u)
	}
}

func TestPublishText(t *testing.T) {
	f := newFixture(t, "secret-1")
	a := f.connect(t)
	r, err := f.pub.Publish(context.Background(), post(a, "Hello from Herald <3 & more https://acme.example/launch"))
	if err != nil {
		t.Fatal(err)
	}
	tw := f.srv.Tweets()
	if len(tw) != 1 || tw[0].Text != "Hello from Herald <3 & more https://acme.example/launch" || tw[0].AuthorID != "2244994945" {
		t.Fatalf("tweets %+v", tw)
	}
	if r.ID != tw[0].ID || r.URL != "https://x.com/acme/status/"+tw[0].ID {
		t.Errorf("receipt %+v", r)
	}
}

type blob struct{ *bytes.Reader }

func (blob) Close() error { return nil }

func item(typ, name string, data []byte) publish.Media {
	return publish.Media{Item: media.Item{Type: typ, Name: name, Size: int64(len(data)), Alt: "alt of " + name},
		Open: func(context.Context) (media.Blob, error) { return blob{bytes.NewReader(data)}, nil }}
}

func TestPublishPictures(t *testing.T) {
	f := newFixture(t, "secret-1")
	a := f.connect(t)
	p := post(a, "pictures")
	p.Media = []publish.Media{item("image/jpeg", "a.jpg", []byte("JPEG-A")), item("image/png", "b.png", []byte("PNG-B"))}
	if _, err := f.pub.Publish(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	tw := f.srv.Tweets()[0]
	if len(tw.MediaIDs) != 2 {
		t.Fatalf("media %v", tw.MediaIDs)
	}
	for i, want := range []string{"JPEG-A", "PNG-B"} {
		m, _ := f.srv.Media(tw.MediaIDs[i])
		if string(m.Data) != want || m.Category != "tweet_image" || m.Alt != p.Media[i].Alt {
			t.Errorf("media %d: %+v", i, m)
		}
	}
}

func TestPublishVideoChunkedWithPolling(t *testing.T) {
	f := newFixture(t, "secret-1")
	a := f.connect(t)
	data := bytes.Repeat([]byte("v"), 9<<20) // three chunks of 4 MB at most
	p := post(a, "a video")
	p.Media = []publish.Media{item("video/mp4", "v.mp4", data)}
	if _, err := f.pub.Publish(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	tw := f.srv.Tweets()[0]
	m, _ := f.srv.Media(tw.MediaIDs[0])
	if !bytes.Equal(m.Data, data) || m.Segments != 3 || m.Category != "tweet_video" || !m.Finalized {
		t.Errorf("video uploaded as %d bytes in %d segments (%s)", len(m.Data), m.Segments, m.Category)
	}
	if len(f.slept) != 2 || f.slept[0] != 5*time.Second {
		t.Errorf("waited %v, want twice check_after_secs", f.slept)
	}
}

func TestPublishVideoProcessingFails(t *testing.T) {
	f := newFixture(t, "secret-1")
	a := f.connect(t)
	p := post(a, "a broken video")
	p.Media = []publish.Media{item("video/mp4", "v.mp4", []byte("not a video"))}
	f.opt.Sleep = func(context.Context, time.Duration) error {
		for _, req := range f.srv.Requests {
			if id, ok := strings.CutSuffix(strings.TrimPrefix(req, "POST /2/media/upload/"), "/finalize"); ok {
				f.srv.FailProcessing(id, "Unsupported video format")
			}
		}
		return nil
	}
	_, err := x.New(f.opt).Publish(context.Background(), p)
	if e := publish.Classify(err); e.Outcome != publish.Rejected || !strings.Contains(e.Message, "Unsupported video format") {
		t.Errorf("got %v", err)
	}
	if len(f.srv.Tweets()) != 0 {
		t.Error("a post was made")
	}
}

func TestPublishErrors(t *testing.T) {
	reset := strconv.FormatInt(epoch.Add(15*time.Minute).Unix(), 10)
	tests := []struct {
		name    string
		status  int
		body    string
		header  http.Header
		outcome publish.Outcome
		retry   time.Duration
		dead    bool
		words   string
	}{
		{"ErrRateLimited", 429, `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`,
			http.Header{"X-Rate-Limit-Reset": {reset}}, publish.Transient, 15 * time.Minute, false, "Too Many Requests"},
		{"ErrServer", 503, `{"title":"Service Unavailable","detail":"Service Unavailable","type":"about:blank","status":503}`, nil, publish.Transient, 0, false, "Service Unavailable"},
		{"ErrForbidden", 403, `{"title":"Forbidden","detail":"You are not permitted to perform this action.","type":"about:blank","status":403}`, nil, publish.Rejected, 0, false, "You are not permitted"},
		{"ErrUnauthorized", 401, `{"title":"Unauthorized","detail":"Unauthorized","type":"about:blank","status":401}`, nil, publish.Rejected, 0, true, "Unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "secret-1")
			a := f.connect(t)
			f.srv.FailNext("/2/tweets", tt.status, tt.body, tt.header)
			_, err := f.pub.Publish(context.Background(), post(a, "hello"))
			e := publish.Classify(err)
			if e.Outcome != tt.outcome || e.RetryAfter != tt.retry || e.Dead != tt.dead || !strings.Contains(e.Message, tt.words) {
				t.Errorf("got %v (outcome %v, retry %v, dead %v)", err, e.Outcome, e.RetryAfter, e.Dead)
			}
		})
	}
}
