package linkedin_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/linkedin"
	"github.com/heraldhq/herald/publish/targets/linkedin/linkedintest"
)

var alice = linkedintest.Member{Sub: "a1ice", Name: "Alice Martin", Pages: []string{"2414183"}}

// fixture is a fake LinkedIn, a publisher and a provider on it.
type fixture struct {
	clock *testclock.Clock
	li    *linkedintest.Server
	pub   *linkedin.Publisher
	prov  *linkedin.Provider
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clock := testclock.New(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
	li := linkedintest.New(clock, "app-id", "app-secret")
	t.Cleanup(li.Close)
	li.SetMember(alice)
	li.AddOrganization("2414183", "Acme SAS")
	o := linkedin.Options{APIURL: li.URL, AuthURL: li.URL, Clock: clock, ClientID: "app-id", ClientSecret: "app-secret",
		Client: httpx.New(httpx.Options{Trusted: true, Timeout: 10 * time.Second})}
	return &fixture{clock: clock, li: li, pub: linkedin.New(o), prov: linkedin.NewProvider(o)}
}

// consent follows the authorization URL as a browser would, and returns
// the query the fake sends back to redirect.
func (f *fixture) consent(t *testing.T, state string) url.Values {
	t.Helper()
	const redirect = "https://herald.example/oauth/callback"
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(f.prov.AuthURL(state, redirect, ""))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), redirect) {
		t.Fatalf("authorization: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query()
}

// connect goes through consent and the code exchange.
func (f *fixture) connect(t *testing.T) publish.Grant {
	t.Helper()
	q := f.consent(t, "st4te")
	if q.Get("state") != "st4te" {
		t.Fatalf("state came back as %q", q.Get("state"))
	}
	g, err := f.prov.Exchange(context.Background(), q.Get("code"), "https://herald.example/oauth/callback", "")
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func (f *fixture) post(g publish.Grant, author, text string) publish.Post {
	return publish.Post{DraftID: 1, Rev: 1, Target: herald.Target{Kind: "linkedin", Name: "acme"}, Text: text,
		Account: publish.Account{Target: herald.Target{Kind: "linkedin", Name: "acme"}, Handle: author, Secret: g.Access}}
}

func TestProvider(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	g := f.connect(t)
	if want := f.clock.Now().Add(60 * 24 * time.Hour); !g.Expires.Equal(want) || g.Refresh == "" || g.RefreshExpires.IsZero() {
		t.Errorf("grant: expires %v (want %v), refresh %q until %v", g.Expires, want, g.Refresh, g.RefreshExpires)
	}
	choices, err := f.prov.Accounts(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	want := []publish.Choice{{ID: "urn:li:person:a1ice", Name: "Alice Martin", Kind: "person"}, {ID: "urn:li:organization:2414183", Name: "Acme SAS", Kind: "organization"}}
	if diff := cmp.Diff(want, choices); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
	t.Run("ErrCodeTwice", func(t *testing.T) {
		q := f.consent(t, "x")
		redirect := "https://herald.example/oauth/callback"
		if _, err := f.prov.Exchange(ctx, q.Get("code"), redirect, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.prov.Exchange(ctx, q.Get("code"), redirect, ""); err == nil {
			t.Error("a code was exchanged twice")
		}
	})
	t.Run("Refresh", func(t *testing.T) {
		f.clock.Advance(55 * 24 * time.Hour)
		n, err := f.prov.Refresh(ctx, g)
		if err != nil {
			t.Fatal(err)
		}
		if n.Access == g.Access || !n.Expires.Equal(f.clock.Now().Add(60*24*time.Hour)) || n.Refresh != g.Refresh {
			t.Errorf("refreshed: %+v", n)
		}
		if err := f.prov.Check(ctx, n); err != nil {
			t.Errorf("check of a live token: %v", err)
		}
	})
	t.Run("ErrRevoked", func(t *testing.T) {
		f.li.Revoke("a1ice")
		if err := f.prov.Check(ctx, g); !publish.IsDead(err) {
			t.Errorf("check of a revoked token: %v, want dead", err)
		}
		if _, err := f.pub.Publish(ctx, f.post(g, "urn:li:organization:2414183", "hello")); !publish.IsDead(err) || !strings.Contains(publish.Classify(err).Message, "REVOKED_ACCESS_TOKEN") {
			t.Errorf("publish with a revoked token: %v", err)
		}
	})
}

func TestProviderNotReady(t *testing.T) {
	p := linkedin.NewProvider(linkedin.Options{})
	if he := herald.AsError(p.Ready()); he == nil || he.Reason != publish.ReasonNoApp {
		t.Errorf("Ready without an app: %v", p.Ready())
	}
}

func TestPublish(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	g := f.connect(t)
	text := "Launch (today) [v2] {beta} <3 @alice #news *bold* _it_ ~x~ a|b back\\slash"
	r, err := f.pub.Publish(ctx, f.post(g, "urn:li:organization:2414183", text))
	if err != nil {
		t.Fatal(err)
	}
	posts := f.li.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d posts", len(posts))
	}
	p := posts[0]
	if r.ID != p.ID || r.URL != linkedin.PostURL(p.ID) || p.Author != "urn:li:organization:2414183" {
		t.Errorf("receipt %+v for post %+v", r, p)
	}
	if p.Text != text || len(p.Mentions) != 0 || len(p.Hashtags) != 0 {
		t.Errorf("LinkedIn shows %q (mentions %v, hashtags %v); want %q as typed", p.Text, p.Mentions, p.Hashtags, text)
	}
	if p.Version != linkedin.Version {
		t.Errorf("LinkedIn-Version %q", p.Version)
	}
}

func TestPublishImages(t *testing.T) {
	f := newFixture(t)
	g := f.connect(t)
	pic := func(name string) publish.Media {
		data := []byte("\xff\xd8 picture " + name)
		return publish.Media{Item: media.Item{Type: "image/jpeg", Name: name, Alt: "alt of " + name, Size: int64(len(data))},
			Open: func(context.Context) (media.Blob, error) { return blob{bytes.NewReader(data)}, nil }}
	}
	for _, n := range []int{1, 3} {
		post := f.post(g, "urn:li:person:a1ice", "pictures")
		for i := range n {
			post.Media = append(post.Media, pic(string(rune('a'+i))+".jpg"))
		}
		if _, err := f.pub.Publish(context.Background(), post); err != nil {
			t.Fatal(err)
		}
		got := f.li.Posts()[len(f.li.Posts())-1]
		if len(got.Images) != n {
			t.Fatalf("%d pictures: the post has %v", n, got.Images)
		}
		if b := f.li.Image(got.Images[0]); !bytes.Contains(b, []byte("picture a.jpg")) {
			t.Errorf("uploaded bytes %q", b)
		}
	}
	post := f.post(g, "urn:li:person:a1ice", "video")
	post.Media = []publish.Media{{Item: media.Item{Type: "video/mp4", Name: "v.mp4"}}}
	if _, err := f.pub.Publish(context.Background(), post); publish.Classify(err).Outcome != publish.Rejected {
		t.Errorf("a video: %v", err)
	}
}

type blob struct{ *bytes.Reader }

func (b blob) Close() error { return nil }

var _ io.ReadSeekCloser = blob{}

func TestPublishErrors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	g := f.connect(t)
	post := f.post(g, "urn:li:person:a1ice", "hello")
	t.Run("ErrRateLimited", func(t *testing.T) {
		f.li.Fail("/rest/posts", 429, `{"status":429,"serviceErrorCode":101,"code":"TOO_MANY_REQUESTS","message":"Resource level throttle limit reached"}`, "120")
		_, err := f.pub.Publish(ctx, post)
		if e := publish.Classify(err); e.Outcome != publish.Transient || e.RetryAfter != 2*time.Minute || !strings.Contains(e.Message, "throttle") {
			t.Errorf("429: %+v", e)
		}
	})
	t.Run("ErrRefused", func(t *testing.T) {
		f.li.Fail("/rest/posts", 422, `{"status":422,"serviceErrorCode":100,"code":"UNPROCESSABLE_ENTITY","message":"Duplicate post is detected"}`, "")
		_, err := f.pub.Publish(ctx, post)
		if e := publish.Classify(err); e.Outcome != publish.Rejected || e.Dead || !strings.Contains(e.Message, "Duplicate post is detected") {
			t.Errorf("422: %+v", e)
		}
	})
	t.Run("ErrInvalidToken", func(t *testing.T) {
		p := post
		p.Account.Secret = "nope"
		if _, err := f.pub.Publish(ctx, p); !publish.IsDead(err) || !strings.Contains(publish.Classify(err).Message, "INVALID_ACCESS_TOKEN") {
			t.Errorf("401: %v", err)
		}
	})
	t.Run("ErrAmbiguousThenChecked", func(t *testing.T) {
		f.li.FailAfterPosting(504)
		p := f.post(g, "urn:li:person:a1ice", "made (despite) the 504")
		if _, err := f.pub.Publish(ctx, p); publish.Classify(err).Outcome != publish.Ambiguous {
			t.Fatalf("504 after sending: %v; want ambiguous (no idempotency key: never resent blindly)", err)
		}
		r, found, err := f.pub.Check(ctx, p)
		if err != nil || !found || r.ID != f.li.Posts()[len(f.li.Posts())-1].ID {
			t.Errorf("Check = %+v, %v, %v", r, found, err)
		}
		if _, found, err := f.pub.Check(ctx, f.post(g, "urn:li:person:a1ice", "never sent")); found || err == nil {
			t.Errorf("Check of a post not there = %v, %v; want not found with an error (a person decides)", found, err)
		}
	})
}

func TestValidate(t *testing.T) {
	p := linkedin.New(linkedin.Options{})
	for _, c := range []struct {
		name string
		text string
		ok   bool
	}{
		{"OK", strings.Repeat("a", 3000), true},
		{"ErrTooLong", strings.Repeat("a", 3001), false},
		{"OKReservedCountAsTyped", strings.Repeat("#", 3000), true},
		{"ErrEmojiCountTwice", strings.Repeat("😀", 1501), false},
		{"OKEmoji", strings.Repeat("😀", 1500), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := p.Validate(publish.Account{}, c.text)
			if (err == nil) != c.ok {
				t.Errorf("Validate(%d chars) = %v", len([]rune(c.text)), err)
			}
			if he := herald.AsError(err); err != nil && he.Reason != linkedin.ReasonTooLong {
				t.Errorf("reason %q", he.Reason)
			}
		})
	}
}

func TestCheckAccount(t *testing.T) {
	p := linkedin.New(linkedin.Options{})
	if err := p.CheckAccount(publish.Account{Handle: "urn:li:organization:1", Secret: "t"}); err != nil {
		t.Error(err)
	}
	if he := herald.AsError(p.CheckAccount(publish.Account{URL: "https://linkedin.com", Secret: "t"})); he == nil || he.Reason != publish.ReasonConnectOnly {
		t.Errorf("an account typed by hand: %v", he)
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain":        "plain",
		"(a)[b]{c}<d>": `\(a\)\[b\]\{c\}\<d\>`,
		"@x #y *z _w_": `\@x \#y \*z \_w\_`,
		`~|\`:          `\~\|\\`,
	} {
		if got := linkedin.Escape(in); got != want {
			t.Errorf("Escape(%q) = %q; want %q", in, got, want)
		}
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "hello", "#tag @[Bob](urn:li:person:1) {hashtag|\\#|x}", `\`, "a\\#b", "(x)", "😀 _*~|<>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // a post's text is valid UTF-8
		}
		got := linkedintest.Unescape(linkedin.Escape(s))
		if got.Text != s || len(got.Mentions) > 0 || len(got.Hashtags) > 0 {
			t.Errorf("Unescape(Escape(%q)) = %+v", s, got)
		}
	})
}

// TestAccountsWithoutPages: an app that may not list pages (403 on
// organizationAcls) connects the member alone; a page whose name cannot
// be read is offered by its id.
func TestAccountsWithoutPages(t *testing.T) {
	f := newFixture(t)
	g := f.connect(t)
	f.li.Fail("/rest/organizationAcls", 403, `{"status":403,"serviceErrorCode":100,"code":"ACCESS_DENIED","message":"Not enough permissions to access: organizationAcls.FINDER-roleAssignee"}`, "")
	cs, err := f.prov.Accounts(context.Background(), g)
	if err != nil || len(cs) != 1 || cs[0].Kind != "person" {
		t.Errorf("without organizationAcls: %+v, %v", cs, err)
	}
	f.li.Fail("/rest/organizations/", 404, `{"status":404,"code":"NOT_FOUND","message":"Not found"}`, "")
	cs, err = f.prov.Accounts(context.Background(), g)
	if err != nil || len(cs) != 2 || cs[1].Name != "organization 2414183" {
		t.Errorf("a page without its name: %+v, %v", cs, err)
	}
}

// TestUploadsReused: a picture uploaded by an attempt that failed before
// the post is recorded on the delivery, and the next attempt reuses it
// instead of uploading it again.
func TestUploadsReused(t *testing.T) {
	f := newFixture(t)
	g := f.connect(t)
	data := []byte("\xff\xd8 picture")
	post := f.post(g, "urn:li:person:a1ice", "with a picture")
	post.Media = []publish.Media{{Item: media.Item{SHA256: "abc", Type: "image/jpeg", Name: "a.jpg", Size: int64(len(data))},
		Open: func(context.Context) (media.Blob, error) { return blob{bytes.NewReader(data)}, nil }}}
	post.Uploads = map[string]publish.Upload{}
	post.Record = func(_ context.Context, u publish.Upload) error { post.Uploads[u.SHA256] = u; return nil }
	f.li.Fail("/rest/posts", 429, `{"status":429,"message":"throttled"}`, "1")
	if _, err := f.pub.Publish(context.Background(), post); publish.Classify(err).Outcome != publish.Transient {
		t.Fatalf("first attempt: %v", err)
	}
	if f.li.Images() != 1 || post.Uploads["abc"].ID == "" {
		t.Fatalf("after the first attempt: %d images, uploads %+v", f.li.Images(), post.Uploads)
	}
	if _, err := f.pub.Publish(context.Background(), post); err != nil {
		t.Fatal(err)
	}
	if n := f.li.Images(); n != 1 {
		t.Errorf("%d images registered; want the first one reused", n)
	}
	if ps := f.li.Posts(); len(ps) != 1 || len(ps[0].Images) != 1 || ps[0].Images[0] != post.Uploads["abc"].ID {
		t.Errorf("posts %+v", ps)
	}
}

func TestValidateMedia(t *testing.T) {
	p := linkedin.New(linkedin.Options{})
	pic := media.Item{Type: "image/png", Width: 1000, Height: 1000, Name: "p.png"}
	many := make([]media.Item, linkedin.MaxImages+1)
	for i := range many {
		many[i] = pic
	}
	for _, c := range []struct {
		name   string
		items  []media.Item
		reason string
	}{
		{"OK", []media.Item{pic, pic}, ""},
		{"OKTwenty", many[:linkedin.MaxImages], ""},
		{"ErrTooMany", many, publish.ReasonTooManyMedia},
		{"ErrVideo", []media.Item{{Type: "video/mp4", Name: "v.mp4"}}, publish.ReasonMediaType},
		{"ErrWebP", []media.Item{{Type: "image/webp", Name: "w.webp"}}, publish.ReasonMediaType},
		{"ErrPixels", []media.Item{{Type: "image/jpeg", Width: 6100, Height: 6000, Name: "big.jpg"}}, publish.ReasonMediaTooManyPx},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := p.ValidateMedia(publish.Account{}, c.items)
			if got := herald.AsError(err); (c.reason == "") != (err == nil) || (got != nil && got.Reason != c.reason) {
				t.Errorf("ValidateMedia = %v; want reason %q", err, c.reason)
			}
		})
	}
}
