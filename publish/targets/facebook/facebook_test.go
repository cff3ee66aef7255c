package facebook_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/facebook"
	"github.com/heraldhq/herald/publish/targets/meta"
	"github.com/heraldhq/herald/publish/targets/meta/metatest"
)

type fixture struct {
	fb   *metatest.Server
	pub  *facebook.Publisher
	acct publish.Account
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clock := testclock.New(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
	fb := metatest.New(clock, "app", "secret")
	t.Cleanup(fb.Close)
	fb.SetPerson(metatest.Person{ID: "1001", Name: "Alice Martin", Pages: []string{"501", "502"}})
	fb.AddPage(metatest.Page{ID: "501", Name: "Acme SAS"})
	fb.AddPage(metatest.Page{ID: "502", Name: "Acme Kids"})
	o := meta.Options{APIURL: fb.URL + "/v24.0", AuthURL: fb.URL + "/v24.0", Clock: clock, AppID: "app", AppSecret: "secret",
		Client: httpx.New(httpx.Options{Trusted: true, Timeout: 10 * time.Second})}
	a, cs, err := metatest.Connect(t.Context(), meta.NewProvider(o, meta.Pages), "501")
	if err != nil {
		t.Fatal(err)
	}
	want := []publish.Choice{{ID: "501", Name: "Acme SAS", Kind: "page"}, {ID: "502", Name: "Acme Kids", Kind: "page"}}
	if diff := cmp.Diff(want, cs); diff != "" {
		t.Fatalf("the Pages offered (-want +got):\n%s", diff)
	}
	if !a.Conn.Expires.IsZero() || a.Conn.Refresh != "" {
		t.Errorf("a Page token from a long-lived user token does not expire: %+v", a.Conn)
	}
	a.Target = herald.Target{Kind: "facebook", Name: "acme"}
	return &fixture{fb: fb, pub: facebook.New(o), acct: a}
}

type recorder = metatest.Uploads

func (f *fixture) post(text string, rec recorder, ms ...publish.Media) publish.Post {
	return metatest.Delivery(f.acct, text, rec, ms...)
}

type blob struct{ *bytes.Reader }

func (blob) Close() error  { return nil }
func (b blob) Size() int64 { return b.Reader.Size() }

func photo(sum, link string) publish.Media {
	data := []byte("\xff\xd8\xff jpeg " + sum)
	return publish.Media{Item: media.Item{SHA256: sum, Type: "image/jpeg", Size: int64(len(data)), Width: 1080, Height: 1080, Name: sum + ".jpg", Alt: "a " + sum},
		Link: link, Open: func(context.Context) (media.Blob, error) { return blob{bytes.NewReader(data)}, nil }}
}

func TestValidateText(t *testing.T) {
	p := facebook.New(meta.Options{})
	if err := p.Validate(publish.Account{}, strings.Repeat("é", facebook.MaxChars)); err != nil {
		t.Errorf("63,206 characters: %v", err)
	}
	err := p.Validate(publish.Account{}, strings.Repeat("é", facebook.MaxChars+1))
	if he := herald.AsError(err); he == nil || he.Reason != facebook.ReasonTooLong || he.Facts["length"] != facebook.MaxChars+1 {
		t.Errorf("63,207 characters: %v", err)
	}
}

func TestValidateMedia(t *testing.T) {
	p := facebook.New(meta.Options{})
	img := media.Item{Type: "image/jpeg", Size: 1000, Name: "a.jpg"}
	vid := media.Item{Type: "video/mp4", Size: 1000, Name: "v.mp4"}
	big := img
	big.Size = 4<<20 + 1
	for _, c := range []struct {
		name   string
		items  []media.Item
		reason string
	}{
		{"OK/TenPictures", []media.Item{img, img, img, img, img, img, img, img, img, img}, ""},
		{"OK/OneVideo", []media.Item{vid}, ""},
		{"ErrEleven", []media.Item{img, img, img, img, img, img, img, img, img, img, img}, publish.ReasonTooManyMedia},
		{"ErrMixed", []media.Item{img, vid}, publish.ReasonMixedMedia},
		{"ErrTooBig", []media.Item{big}, publish.ReasonMediaTooBig},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := p.ValidateMedia(publish.Account{}, c.items)
			if got := herald.AsError(err); c.reason == "" && err != nil || c.reason != "" && (got == nil || got.Reason != c.reason) {
				t.Errorf("ValidateMedia = %v, want reason %q", err, c.reason)
			}
		})
	}
}

func TestPublishTextAndLink(t *testing.T) {
	f := newFixture(t)
	r, err := f.pub.Publish(t.Context(), f.post("Open Monday: https://acme.example/store.", recorder{}))
	if err != nil {
		t.Fatal(err)
	}
	ps := f.fb.Posts()
	if len(ps) != 1 || ps[0].Account != "501" || ps[0].Link != "https://acme.example/store" || r.ID != ps[0].ID || r.URL != "https://www.facebook.com/"+ps[0].ID {
		t.Errorf("posts %+v, receipt %+v", ps, r)
	}
}

func TestPublishPhotos(t *testing.T) {
	t.Run("OK/ByLink", func(t *testing.T) {
		f := newFixture(t)
		rec := recorder{}
		_, err := f.pub.Publish(t.Context(), f.post("two", rec, photo("aa", "https://herald.example/media/t1"), photo("bb", "https://herald.example/media/t2")))
		if err != nil {
			t.Fatal(err)
		}
		ps := f.fb.Posts()
		if len(ps) != 1 || len(ps[0].Photos) != 2 || rec["aa"].ID != ps[0].Photos[0] || rec["bb"].ID != ps[0].Photos[1] {
			t.Errorf("posts %+v, uploads %+v", ps, rec)
		}
	})
	t.Run("OK/Bytes", func(t *testing.T) {
		f := newFixture(t)
		if _, err := f.pub.Publish(t.Context(), f.post("bytes", recorder{}, photo("cc", ""))); err != nil {
			t.Fatal(err)
		}
		if ps := f.fb.Posts(); len(ps) != 1 || len(ps[0].Photos) != 1 {
			t.Errorf("posts %+v", ps)
		}
	})
	t.Run("OK/RetryReusesUploads", func(t *testing.T) {
		f := newFixture(t)
		rec := recorder{}
		f.fb.Fail("/feed", 400, 32, 0, "(#32) Page request limit reached", false)
		_, err := f.pub.Publish(t.Context(), f.post("later", rec, photo("dd", "https://herald.example/media/t4")))
		if e := publish.Classify(err); e.Outcome != publish.Transient || e.RetryAfter < meta.RateLimitWait || !strings.Contains(e.Message, "Page request limit reached") {
			t.Fatalf("a rate limit: %+v", e)
		}
		if _, err := f.pub.Publish(t.Context(), f.post("later", rec, photo("dd", "https://herald.example/media/t4"))); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range f.fb.Calls() {
			if strings.HasSuffix(c, "/photos") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d photo uploads; want 1 (the retry reuses it)", n)
		}
	})
}

func TestPublishVideo(t *testing.T) {
	f := newFixture(t)
	v := publish.Media{Item: media.Item{SHA256: "vv", Type: "video/mp4", Size: 10, Name: "v.mp4"}, Link: "https://herald.example/media/v",
		Open: func(context.Context) (media.Blob, error) { return blob{bytes.NewReader([]byte("0123456789"))}, nil }}
	r, err := f.pub.Publish(t.Context(), f.post("our video", recorder{}, v))
	if err != nil {
		t.Fatal(err)
	}
	if ps := f.fb.Posts(); len(ps) != 1 || ps[0].Video != v.Link || ps[0].Text != "our video" || !strings.Contains(r.URL, "/videos/") {
		t.Errorf("posts %+v receipt %+v", ps, r)
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		name         string
		status, code int
		outcome      publish.Outcome
		dead         bool
		words        string
	}{
		{"ErrDeadToken", 400, 190, publish.Rejected, true, "Error validating access token"},
		{"ErrRateLimit", 400, 4, publish.Transient, false, "Application request limit reached"},
		{"ErrUserRateLimit", 400, 17, publish.Transient, false, "User request limit reached"},
		{"ErrCallLimit", 400, 613, publish.Transient, false, "Calls to this api have exceeded the rate limit"},
		{"ErrRefused", 400, 368, publish.Rejected, false, "The action attempted has been deemed abusive"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.fb.Fail("/feed", c.status, c.code, 0, c.words, false)
			_, err := f.pub.Publish(t.Context(), f.post("hello", recorder{}))
			e := publish.Classify(err)
			if e.Outcome != c.outcome || e.Dead != c.dead || !strings.Contains(e.Message, c.words) {
				t.Errorf("error %+v; want %v dead=%v with %q", e, c.outcome, c.dead, c.words)
			}
		})
	}
}

func TestRevokedToken(t *testing.T) {
	f := newFixture(t)
	f.fb.Revoke("501")
	_, err := f.pub.Publish(t.Context(), f.post("hello", recorder{}))
	if !publish.IsDead(err) || !strings.Contains(publish.Classify(err).Message, "code 190") {
		t.Errorf("a revoked Page token: %v", err)
	}
}

// TestAmbiguous: Facebook fails after making the post; Check finds it in
// the Page's feed; a post not there is not taken as absent.
func TestAmbiguous(t *testing.T) {
	f := newFixture(t)
	f.fb.Fail("/feed", 500, 2, 0, "Service temporarily unavailable", true)
	post := f.post("made despite the 500", recorder{})
	_, err := f.pub.Publish(t.Context(), post)
	if e := publish.Classify(err); e.Outcome != publish.Ambiguous {
		t.Fatalf("a 500 after posting: %+v", e)
	}
	r, found, err := f.pub.Check(t.Context(), post)
	if err != nil || !found || r.ID != f.fb.Posts()[0].ID {
		t.Errorf("Check = %+v, %v, %v", r, found, err)
	}
	_, found, err = f.pub.Check(t.Context(), f.post("never posted", recorder{}))
	if found || publish.Classify(err).Outcome != publish.Ambiguous {
		t.Errorf("Check of a post not there = %v, %v; want an error (a person decides)", found, err)
	}
}

func TestCheckAccount(t *testing.T) {
	p := facebook.New(meta.Options{})
	a := publish.Account{Target: herald.Target{Kind: "facebook", Name: "acme"}, URL: "https://facebook.com/acme", Secret: "tok"}
	if err := p.CheckAccount(a); herald.AsError(err) == nil || herald.AsError(err).Reason != publish.ReasonConnectOnly {
		t.Errorf("a Page typed by hand: %v", err)
	}
}
