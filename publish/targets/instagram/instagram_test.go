package instagram_test

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
	"github.com/heraldhq/herald/publish/targets/instagram"
	"github.com/heraldhq/herald/publish/targets/meta"
	"github.com/heraldhq/herald/publish/targets/meta/metatest"
)

type fixture struct {
	clock *testclock.Clock
	ig    *metatest.Server
	pub   *instagram.Publisher
	acct  publish.Account
	slept time.Duration
}

// newFixture connects the Instagram account of Acme's Page; the
// publisher polls on a test clock that each wait advances.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{clock: testclock.New(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))}
	f.ig = metatest.New(f.clock, "app", "secret")
	t.Cleanup(f.ig.Close)
	f.ig.SetPerson(metatest.Person{ID: "1001", Name: "Alice Martin", Pages: []string{"501", "502"}})
	f.ig.AddPage(metatest.Page{ID: "501", Name: "Acme SAS", IGID: "17841405822304914", IGName: "acme"})
	f.ig.AddPage(metatest.Page{ID: "502", Name: "No Instagram"})
	o := meta.Options{APIURL: f.ig.URL + "/v24.0", AuthURL: f.ig.URL + "/v24.0", Clock: f.clock, AppID: "app", AppSecret: "secret",
		Client: httpx.New(httpx.Options{Trusted: true, Timeout: 10 * time.Second}),
		Sleep:  func(_ context.Context, d time.Duration) error { f.slept += d; f.clock.Advance(d); return nil }}
	a, cs, err := metatest.Connect(t.Context(), meta.NewProvider(o, meta.Instagram), "17841405822304914")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Name != "acme" || cs[0].Kind != "instagram" {
		t.Errorf("the accounts offered: %+v; want the one linked to a Page", cs)
	}
	a.Target = herald.Target{Kind: "instagram", Name: "acme"}
	f.acct = a
	f.pub = instagram.New(instagram.Options{Options: o, PublicLinks: true})
	return f
}

type recorder = metatest.Uploads

func (f *fixture) post(text string, rec recorder, ms ...publish.Media) publish.Post {
	return metatest.Delivery(f.acct, text, rec, ms...)
}

func jpeg(sum string, w, h int) publish.Media {
	return publish.Media{Item: media.Item{SHA256: sum, Type: "image/jpeg", Size: 1000, Width: w, Height: h, Name: sum + ".jpg"},
		Link: "https://herald.example/media/" + sum}
}

func reason(err error) string {
	if he := herald.AsError(err); he != nil {
		return he.Reason
	}
	return ""
}

func TestValidateText(t *testing.T) {
	p := instagram.New(instagram.Options{PublicLinks: true})
	tags := func(n int) string { return strings.Repeat("#tag ", n) }
	ments := func(n int) string { return strings.Repeat("@someone ", n) }
	for _, c := range []struct {
		name, text, reason string
	}{
		{"OK/2200", strings.Repeat("é", instagram.MaxChars), ""},
		{"ErrTooLong/2201", strings.Repeat("é", instagram.MaxChars+1), instagram.ReasonTooLong},
		{"OK/30Hashtags", tags(30), ""},
		{"ErrHashtags/31", tags(31), instagram.ReasonTooManyTags},
		{"OK/20Mentions", ments(20), ""},
		{"ErrMentions/21", ments(21), instagram.ReasonTooManyMention},
		{"OK/NotTags", "C# and a#b and mail@acme.example", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := reason(p.Validate(publish.Account{}, c.text)); got != c.reason {
				t.Errorf("reason %q, want %q", got, c.reason)
			}
		})
	}
	if n := instagram.Mentions("hi @a.b @c, mail x@y.z"); n != 2 {
		t.Errorf("Mentions = %d, want 2", n)
	}
}

func TestValidateMedia(t *testing.T) {
	p := instagram.New(instagram.Options{PublicLinks: true})
	it := func(typ string, w, h int) media.Item {
		return media.Item{Type: typ, Width: w, Height: h, Size: 1000, Name: "x"}
	}
	many := make([]media.Item, 11)
	for i := range many {
		many[i] = it("image/jpeg", 1080, 1080)
	}
	for _, c := range []struct {
		name   string
		items  []media.Item
		reason string
	}{
		{"ErrNoMedia", nil, publish.ReasonMediaRequired},
		{"OK/Portrait4:5", []media.Item{it("image/jpeg", 1080, 1350)}, ""},
		{"ErrTallerThan4:5", []media.Item{it("image/jpeg", 1079, 1350)}, publish.ReasonAspectRatio},
		{"OK/Landscape1.91", []media.Item{it("image/jpeg", 1910, 1000)}, ""},
		{"ErrWiderThan1.91", []media.Item{it("image/jpeg", 1911, 1000)}, publish.ReasonAspectRatio},
		{"ErrPNG", []media.Item{it("image/png", 1080, 1080)}, publish.ReasonMediaType},
		{"OK/Reel9:16", []media.Item{it("video/mp4", 1080, 1920)}, ""},
		{"ErrElevenItems", many, publish.ReasonTooManyMedia},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := reason(p.ValidateMedia(publish.Account{}, c.items)); got != c.reason {
				t.Errorf("reason %q, want %q", got, c.reason)
			}
		})
	}
	t.Run("ErrNoPublicURL", func(t *testing.T) {
		p := instagram.New(instagram.Options{})
		err := p.ValidateMedia(publish.Account{}, []media.Item{it("image/jpeg", 1080, 1080)})
		if reason(err) != publish.ReasonNoPublicMedia || !strings.Contains(herald.ErrorMessage(err), "HERALD_PUBLIC_URL") {
			t.Errorf("without a public address: %v", err)
		}
	})
}

// TestPublishPolls: the container is polled on the injected clock until
// FINISHED, then published; its id was recorded before the wait.
func TestPublishPolls(t *testing.T) {
	f := newFixture(t)
	f.ig.Polls = 3
	rec := recorder{}
	m := jpeg("aa", 1080, 1350)
	m.Alt = "a red bicycle"
	r, err := f.pub.Publish(t.Context(), f.post("Spring #sale", rec, m))
	if err != nil {
		t.Fatal(err)
	}
	if f.slept != 3*5*time.Second {
		t.Errorf("waited %v on the clock; want 3 polls of 5s", f.slept)
	}
	ps := f.ig.Posts()
	if len(ps) != 1 || ps[0].Text != "Spring #sale" || len(ps[0].Media) != 1 || ps[0].Media[0].URL != m.Link || ps[0].Media[0].Alt != m.Alt {
		t.Fatalf("posts %+v", ps)
	}
	if r.ID != ps[0].ID || !strings.HasPrefix(r.URL, "https://www.instagram.com/p/") || rec[meta.ContainerKey].ID == "" {
		t.Errorf("receipt %+v, recorded %+v", r, rec)
	}
}

func TestPublishReel(t *testing.T) {
	f := newFixture(t)
	v := publish.Media{Item: media.Item{SHA256: "vv", Type: "video/mp4", Size: 1000, Width: 1080, Height: 1920, Name: "v.mp4"}, Link: "https://herald.example/media/vv"}
	if _, err := f.pub.Publish(t.Context(), f.post("reel", recorder{}, v)); err != nil {
		t.Fatal(err)
	}
	if ps := f.ig.Posts(); len(ps) != 1 || ps[0].Type != "REELS" || ps[0].Media[0].Kind != "VIDEO" {
		t.Errorf("posts %+v", ps)
	}
}

func TestPublishCarousel(t *testing.T) {
	f := newFixture(t)
	f.ig.Polls = 1
	rec := recorder{}
	if _, err := f.pub.Publish(t.Context(), f.post("three", rec, jpeg("a1", 1080, 1080), jpeg("a2", 1080, 1080), jpeg("a3", 1080, 1080))); err != nil {
		t.Fatal(err)
	}
	ps := f.ig.Posts()
	if len(ps) != 1 || ps[0].Type != "CAROUSEL" || len(ps[0].Media) != 3 || ps[0].Media[2].URL != "https://herald.example/media/a3" {
		t.Fatalf("posts %+v", ps)
	}
	if len(rec) != 4 {
		t.Errorf("recorded %d containers; want the 3 children and the carousel", len(rec))
	}
}

// TestContainerStates: a container still in progress after the wait is
// Transient and the retry waits for the same one; ERROR is refused with
// Instagram's words; EXPIRED makes a new container.
func TestContainerStates(t *testing.T) {
	f := newFixture(t)
	f.ig.Polls = 100
	rec := recorder{}
	_, err := f.pub.Publish(t.Context(), f.post("slow", rec, jpeg("bb", 1080, 1080)))
	if e := publish.Classify(err); e.Outcome != publish.Transient || !strings.Contains(e.Message, "still preparing") || f.slept < 2*time.Minute {
		t.Fatalf("a container still in progress: %+v after %v", e, f.slept)
	}
	first := rec[meta.ContainerKey].ID
	f.ig.SetStatus(first, "EXPIRED")
	f.ig.Polls = 0
	if _, err := f.pub.Publish(t.Context(), f.post("slow", rec, jpeg("bb", 1080, 1080))); err != nil {
		t.Fatal(err)
	}
	if rec[meta.ContainerKey].ID == first || len(f.ig.Containers()) != 2 {
		t.Errorf("an expired container is not replaced: %+v", rec)
	}

	f.ig.Polls = 1
	rec = recorder{}
	f.ig.Fail("/media_publish", 400, 9007, 2207027, "Media ID is not available", false)
	if _, err := f.pub.Publish(t.Context(), f.post("not ready", rec, jpeg("cc", 1080, 1080))); err != nil {
		t.Errorf("9007 is waited out: %v", err)
	}

	rec = recorder{}
	f.ig.Polls = 100
	_, _ = f.pub.Publish(t.Context(), f.post("broken", rec, jpeg("dd", 1080, 1080)))
	f.ig.SetStatus(rec[meta.ContainerKey].ID, "ERROR")
	_, err = f.pub.Publish(t.Context(), f.post("broken", rec, jpeg("dd", 1080, 1080)))
	if e := publish.Classify(err); e.Outcome != publish.Rejected || !strings.Contains(e.Message, "Media download has failed") {
		t.Errorf("a container in ERROR: %+v", e)
	}
}

// TestExactlyOnce: media_publish fails after publishing (a 500); the
// check finds the container PUBLISHED and settles; a retry with the
// recorded container never makes a second post.
func TestExactlyOnce(t *testing.T) {
	f := newFixture(t)
	rec := recorder{}
	f.ig.Fail("/media_publish", 500, 2, 0, "Service temporarily unavailable", true)
	_, err := f.pub.Publish(t.Context(), f.post("once", rec, jpeg("cc", 1080, 1080)))
	if e := publish.Classify(err); e.Outcome != publish.Ambiguous {
		t.Fatalf("a 500 from media_publish: %+v", e)
	}
	r, found, err := f.pub.Check(t.Context(), f.post("once", rec, jpeg("cc", 1080, 1080)))
	ps := f.ig.Posts()
	if err != nil || !found || len(ps) != 1 || r.ID != ps[0].ID {
		t.Fatalf("Check = %+v %v %v; posts %+v", r, found, err, ps)
	}
	r, err = f.pub.Publish(t.Context(), f.post("once", rec, jpeg("cc", 1080, 1080)))
	if err != nil || r.ID != ps[0].ID || len(f.ig.Posts()) != 1 {
		t.Errorf("a retry with the published container: %+v %v, %d posts", r, err, len(f.ig.Posts()))
	}
	// A container recorded but not published: the check says not there,
	// and the retry publishes that container.
	rec2 := recorder{}
	f.ig.Fail("/media_publish", 400, 4, 0, "Application request limit reached", false)
	if _, err := f.pub.Publish(t.Context(), f.post("twice?", rec2, jpeg("dd", 1080, 1080))); publish.Classify(err).Outcome != publish.Transient {
		t.Fatalf("a rate limit: %v", err)
	}
	if _, found, err := f.pub.Check(t.Context(), f.post("twice?", rec2, jpeg("dd", 1080, 1080))); found || err != nil {
		t.Errorf("Check of an unpublished container = %v, %v", found, err)
	}
	if _, err := f.pub.Publish(t.Context(), f.post("twice?", rec2, jpeg("dd", 1080, 1080))); err != nil {
		t.Fatal(err)
	}
	if n := len(f.ig.Containers()); n != 2 {
		t.Errorf("%d containers; want 2 (the retry reused its container)", n)
	}
}

func TestPublishingLimit(t *testing.T) {
	f := newFixture(t)
	f.ig.SetQuota(100, 100)
	rec := recorder{}
	_, err := f.pub.Publish(t.Context(), f.post("full", rec, jpeg("ee", 1080, 1080)))
	e := publish.Classify(err)
	if e.Outcome != publish.Transient || e.RetryAfter != time.Hour || !strings.Contains(e.Message, "limit of 100 posts in 24 hours") {
		t.Fatalf("an exhausted limit: %+v", e)
	}
	if len(f.ig.Posts()) != 0 {
		t.Fatal("posted past the limit")
	}
	f.ig.SetQuota(99, 100)
	if _, err := f.pub.Publish(t.Context(), f.post("full", rec, jpeg("ee", 1080, 1080))); err != nil || len(f.ig.Containers()) != 1 {
		t.Errorf("after the limit: %v, %d containers (the first reused)", err, len(f.ig.Containers()))
	}
}

func TestDeadToken(t *testing.T) {
	f := newFixture(t)
	f.ig.Revoke("501")
	_, err := f.pub.Publish(t.Context(), f.post("x", recorder{}, jpeg("ff", 1080, 1080)))
	if !publish.IsDead(err) {
		t.Errorf("a revoked token: %v", err)
	}
}

func TestPublishWithoutLink(t *testing.T) {
	f := newFixture(t)
	m := jpeg("gg", 1080, 1080)
	m.Link = ""
	_, err := f.pub.Publish(t.Context(), f.post("x", recorder{}, m))
	if e := publish.Classify(err); e.Outcome != publish.Rejected || !strings.Contains(e.Message, "HERALD_PUBLIC_URL") {
		t.Errorf("without a link: %+v", e)
	}
}

// FuzzCounts: the hashtag and mention counters never count more than
// the text has # or @, and a text within the rules stays within them
// once a word is appended after a space.
func FuzzCounts(f *testing.F) {
	for _, s := range []string{"#a #b", "@a.b @c_", "C# a#b x@y.z", "#1 #é_ @.", "##x @@y", "#\u00e9t\u00e9 @anne."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, m := instagram.Hashtags(s), instagram.Mentions(s)
		if h > strings.Count(s, "#") || m > strings.Count(s, "@") {
			t.Errorf("%q: %d hashtags, %d mentions", s, h, m)
		}
		if instagram.Hashtags(s+" plain") != h || instagram.Mentions(s+" plain") != m {
			t.Errorf("%q: a plain word changes the counts", s)
		}
	})
}
