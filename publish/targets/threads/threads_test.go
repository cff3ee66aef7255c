package threads_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/meta"
	"github.com/heraldhq/herald/publish/targets/meta/metatest"
	"github.com/heraldhq/herald/publish/targets/threads"
)

type fixture struct {
	clock *testclock.Clock
	th    *metatest.Server
	pub   *threads.Publisher
	prov  *threads.Provider
	acct  publish.Account
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{clock: testclock.New(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))}
	f.th = metatest.New(f.clock, "th-app", "th-secret")
	t.Cleanup(f.th.Close)
	f.th.SetPerson(metatest.Person{ID: "1001", Name: "Alice Martin", ThreadsID: "2602", ThreadsName: "acme"})
	o := threads.Options{Options: meta.Options{APIURL: f.th.URL + "/v1.0", AuthURL: f.th.URL, Clock: f.clock, AppID: "th-app", AppSecret: "th-secret",
		Client: httpx.New(httpx.Options{Trusted: true, Timeout: 10 * time.Second}),
		Sleep:  func(_ context.Context, d time.Duration) error { f.clock.Advance(d); return nil }}, PublicLinks: true}
	f.prov = threads.NewProvider(o)
	a, cs, err := metatest.Connect(t.Context(), f.prov, "2602")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Name != "acme" {
		t.Errorf("accounts %+v", cs)
	}
	if want := f.clock.Now().Add(metatest.ThreadsTTL); !a.Conn.Expires.Equal(want) || a.Conn.Refresh != a.Secret || !a.Conn.RefreshExpires.Equal(want) {
		t.Errorf("a long-lived token for 60 days, refreshed by itself: %+v", a.Conn)
	}
	a.Target = herald.Target{Kind: "threads", Name: "acme"}
	f.acct = a
	f.pub = threads.New(o)
	return f
}

type recorder = metatest.Uploads

func (f *fixture) post(text string, rec recorder, ms ...publish.Media) publish.Post {
	return metatest.Delivery(f.acct, text, rec, ms...)
}

func TestValidate(t *testing.T) {
	p := threads.New(threads.Options{})
	if err := p.Validate(publish.Account{}, strings.Repeat("é", 500)); err != nil {
		t.Errorf("500 characters: %v", err)
	}
	if he := herald.AsError(p.Validate(publish.Account{}, strings.Repeat("é", 501))); he == nil || he.Reason != threads.ReasonTooLong {
		t.Errorf("501 characters: %v", he)
	}
	img := media.Item{Type: "image/jpeg", Size: 100, Name: "a.jpg"}
	if err := p.ValidateMedia(publish.Account{}, nil); err != nil {
		t.Errorf("a text post needs no public address: %v", err)
	}
	if he := herald.AsError(p.ValidateMedia(publish.Account{}, []media.Item{img})); he == nil || he.Reason != publish.ReasonNoPublicMedia {
		t.Errorf("media without a public address: %v", he)
	}
	p = threads.New(threads.Options{PublicLinks: true})
	gif := media.Item{Type: "image/gif", Size: 100, Name: "a.gif"}
	if he := herald.AsError(p.ValidateMedia(publish.Account{}, []media.Item{img, gif})); he == nil || he.Reason != publish.ReasonMediaType {
		t.Errorf("a GIF: %v", he)
	}
}

func TestPublishText(t *testing.T) {
	f := newFixture(t)
	rec := recorder{}
	r, err := f.pub.Publish(t.Context(), f.post("Hello Threads", rec))
	if err != nil {
		t.Fatal(err)
	}
	ps := f.th.Posts()
	if len(ps) != 1 || ps[0].Type != "TEXT" || ps[0].Text != "Hello Threads" || r.ID != ps[0].ID || rec[meta.ContainerKey].ID == "" {
		t.Errorf("posts %+v receipt %+v recorded %+v", ps, r, rec)
	}
}

func TestPublishCarousel(t *testing.T) {
	f := newFixture(t)
	f.th.Polls = 2
	ms := []publish.Media{
		{Item: media.Item{SHA256: "a", Type: "image/png", Size: 10, Name: "a.png"}, Link: "https://herald.example/media/a"},
		{Item: media.Item{SHA256: "b", Type: "video/mp4", Size: 10, Name: "b.mp4"}, Link: "https://herald.example/media/b"},
	}
	if _, err := f.pub.Publish(t.Context(), f.post("two", recorder{}, ms...)); err != nil {
		t.Fatal(err)
	}
	if ps := f.th.Posts(); len(ps) != 1 || ps[0].Type != "CAROUSEL" || len(ps[0].Media) != 2 || ps[0].Media[1].Kind != "VIDEO" {
		t.Errorf("posts %+v", ps)
	}
}

// TestExactlyOnce: threads_publish times out after publishing; the check
// finds the container published, and no second post is made.
func TestExactlyOnce(t *testing.T) {
	f := newFixture(t)
	rec := recorder{}
	f.th.Fail("/threads_publish", 502, 1, 0, "An unknown error occurred", true)
	_, err := f.pub.Publish(t.Context(), f.post("once", rec))
	if publish.Classify(err).Outcome != publish.Ambiguous {
		t.Fatalf("a 502 after publishing: %v", err)
	}
	r, found, err := f.pub.Check(t.Context(), f.post("once", rec))
	if err != nil || !found || r.ID != f.th.Posts()[0].ID {
		t.Errorf("Check = %+v %v %v", r, found, err)
	}
	if _, err := f.pub.Publish(t.Context(), f.post("once", rec)); err != nil || len(f.th.Posts()) != 1 {
		t.Errorf("a retry: %v, %d posts", err, len(f.th.Posts()))
	}
}

// TestRefresh: the long-lived token is refreshed with th_refresh_token;
// a revoked one is dead.
func TestRefresh(t *testing.T) {
	f := newFixture(t)
	f.clock.Advance(53 * 24 * time.Hour)
	g, err := f.prov.Refresh(t.Context(), publish.Grant{Access: f.acct.Secret, Refresh: f.acct.Conn.Refresh})
	if err != nil || g.Access == f.acct.Secret || !g.Expires.Equal(f.clock.Now().Add(metatest.ThreadsTTL)) || g.Refresh != g.Access {
		t.Fatalf("Refresh = %+v, %v", g, err)
	}
	if err := f.prov.Check(t.Context(), g); err != nil {
		t.Errorf("Check of a fresh token: %v", err)
	}
	f.th.Revoke("2602")
	if _, err := f.prov.Refresh(t.Context(), g); !publish.IsDead(err) {
		t.Errorf("refreshing a revoked token: %v", err)
	}
	if err := f.prov.Check(t.Context(), g); !publish.IsDead(err) {
		t.Errorf("Check of a revoked token: %v", err)
	}
}

func TestAuthURL(t *testing.T) {
	p := threads.NewProvider(threads.Options{Options: meta.Options{AppID: "id", AppSecret: "s"}})
	u := p.AuthURL("st", "https://h.example/oauth/callback", "")
	if !strings.HasPrefix(u, "https://threads.net/oauth/authorize?") || !strings.Contains(u, "scope=threads_basic%2Cthreads_content_publish") {
		t.Errorf("AuthURL = %s", u)
	}
	if err := threads.NewProvider(threads.Options{}).Ready(); !strings.Contains(herald.ErrorMessage(err), "THREADS_APP_ID") {
		t.Errorf("Ready without an app: %v", err)
	}
}
