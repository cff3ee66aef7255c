package publish_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

// memSource is a MediaSource over bytes in memory.
type memSource map[string][]byte

type memBlob struct{ *bytes.Reader }

func (memBlob) Close() error { return nil }

func (m memSource) add(name, typ string, b []byte) media.Item {
	sum := sha256.Sum256(b)
	it := media.Item{SHA256: hex.EncodeToString(sum[:]), Type: typ, Size: int64(len(b)), Width: 1080, Height: 1350, Name: name, Alt: "alt of " + name}
	m[it.SHA256] = b
	return it
}

func (m memSource) Open(_ context.Context, sum string) (media.Blob, error) {
	b, ok := m[sum]
	if !ok {
		return nil, herald.Errorf(herald.ENOTFOUND, "no media %s", sum)
	}
	return memBlob{bytes.NewReader(b)}, nil
}

func (m memSource) Link(it media.Item) (string, time.Time) {
	return "https://herald.example/media/" + it.SHA256[:8], start.Add(24 * time.Hour)
}

// uploadNet uploads each item of a post (reusing the uploads recorded by
// earlier attempts), records the upload before posting, and answers from
// the script of fakeNet. It refuses more than max items (ValidateMedia).
type uploadNet struct {
	*fakeNet
	clock   herald.Clock
	keep    time.Duration // how long an upload stays valid
	max     int
	umu     sync.Mutex
	uploads map[string]int    // uploads per SHA-256
	bodies  map[string][]byte // what was read, by SHA-256
	used    [][]string        // the media ids of each attempt
}

func newUploadNet(clock herald.Clock) *uploadNet {
	return &uploadNet{fakeNet: newNet(), clock: clock, keep: time.Hour, max: 4, uploads: map[string]int{}, bodies: map[string][]byte{}}
}

func (u *uploadNet) Publish(ctx context.Context, p publish.Post) (publish.Receipt, error) {
	var ids []string
	for _, m := range p.Media {
		if up, ok := p.Uploaded(m.SHA256); ok {
			ids = append(ids, up.ID)
			continue
		}
		b, err := m.Open(ctx)
		if err != nil {
			return publish.Receipt{}, publish.Rejectedf("open: %v", err)
		}
		data, err := io.ReadAll(b)
		b.Close()
		if err != nil {
			return publish.Receipt{}, publish.TransientError(err, 0)
		}
		u.umu.Lock()
		u.uploads[m.SHA256]++
		u.bodies[m.SHA256] = data
		id := fmt.Sprintf("media-%s-%d", m.SHA256[:6], u.uploads[m.SHA256])
		u.umu.Unlock()
		now := u.clock.Now()
		if err := p.RecordUpload(ctx, publish.Upload{SHA256: m.SHA256, ID: id, At: now, Until: now.Add(u.keep)}); err != nil {
			return publish.Receipt{}, publish.TransientError(err, 0)
		}
		ids = append(ids, id)
	}
	u.umu.Lock()
	u.used = append(u.used, ids)
	u.umu.Unlock()
	return u.fakeNet.Publish(ctx, p)
}

func (u *uploadNet) ValidateMedia(_ publish.Account, items []media.Item) error {
	if len(items) > u.max {
		return herald.Errorf(herald.EINVALID, "at most %d items, this has %d", u.max, len(items)).
			Because("test.too_many_media", herald.Facts{"max": u.max, "count": len(items)})
	}
	return nil
}

func (u *uploadNet) Uploads(sum string) int {
	u.umu.Lock()
	defer u.umu.Unlock()
	return u.uploads[sum]
}

func (u *uploadNet) Used() [][]string {
	u.umu.Lock()
	defer u.umu.Unlock()
	return u.used
}

func mediaEnv(t *testing.T) (*env, *uploadNet, memSource) {
	t.Helper()
	src := memSource{}
	e := newEnv(t, config{opt: publish.Options{Media: src}})
	net := newUploadNet(e.clock)
	e.svc.Register("webhook", net)
	return e, net, src
}

// approvedWith returns a draft with items approved by carol.
func (e *env) approvedWith(t *testing.T, text, targets string, items ...media.Item) approvals.Draft {
	t.Helper()
	d, err := e.drafts.CreateDraft(t.Context(), bob, acmeCh, approvals.NewDraft{Text: text, Targets: mustTargets(t, targets), Media: items})
	if err != nil {
		t.Fatalf("CreateDraft: %v", err)
	}
	if _, err := e.drafts.Submit(t.Context(), bob, d.ID); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	v, err := e.drafts.Approve(t.Context(), carol, d.ID, approvals.Decide{})
	if err != nil {
		t.Fatalf("Approve: %v", err)
	}
	return v.Draft
}

func TestPublishMedia(t *testing.T) {
	t.Run("OKFilledAndUploadedOnce", func(t *testing.T) {
		e, net, src := mediaEnv(t)
		a := src.add("a.jpg", "image/jpeg", []byte("jpeg bytes a"))
		b := src.add("b.png", "image/png", []byte("png bytes b"))
		net.script("webhook:a", fail500) // after the uploads: the retry must reuse them
		d := e.approvedWith(t, "With pictures", "webhook:a", a, b)
		if _, err := e.svc.PublishNow(t.Context(), bob, d.ID); err != nil {
			t.Fatalf("PublishNow: %v", err)
		}
		e.tick(t)
		e.clock.Advance(time.Minute)
		e.tick(t)
		e.wantState(t, d.ID, approvals.StatePublished)
		calls := net.Calls()
		if len(calls) != 2 {
			t.Fatalf("%d attempts, want 2", len(calls))
		}
		last := calls[1]
		if got, want := []media.Item{last.Media[0].Item, last.Media[1].Item}, []media.Item{a, b}; !cmp.Equal(got, want) {
			t.Errorf("Post.Media items = %+v, want %+v", got, want)
		}
		if link, exp := src.Link(a); last.Media[0].Link != link || !last.Media[0].Expires.Equal(exp) {
			t.Errorf("Post.Media[0] links %q until %v, want %q until %v", last.Media[0].Link, last.Media[0].Expires, link, exp)
		}
		for _, it := range []media.Item{a, b} {
			if n := net.Uploads(it.SHA256); n != 1 {
				t.Errorf("%s uploaded %d times, want once (the retry reuses the recorded upload)", it.Name, n)
			}
			if string(net.bodies[it.SHA256]) != string(src[it.SHA256]) {
				t.Errorf("%s: the network read %q, want the stored bytes", it.Name, net.bodies[it.SHA256])
			}
		}
		used := net.Used()
		if !cmp.Equal(used[0], used[1]) {
			t.Errorf("media ids of the two attempts: %v then %v, want the same", used[0], used[1])
		}
	})
	t.Run("OKExpiredUploadIsUploadedAgain", func(t *testing.T) {
		e, net, src := mediaEnv(t)
		a := src.add("a.jpg", "image/jpeg", []byte("jpeg bytes a"))
		net.keep = 30 * time.Second
		net.script("webhook:a", step{err: publish.TransientError(fmt.Errorf("503"), 10*time.Minute)})
		d := e.approvedWith(t, "With a picture", "webhook:a", a)
		if _, err := e.svc.PublishNow(t.Context(), bob, d.ID); err != nil {
			t.Fatalf("PublishNow: %v", err)
		}
		e.tick(t)
		e.clock.Advance(10 * time.Minute)
		e.tick(t)
		e.wantState(t, d.ID, approvals.StatePublished)
		if n := net.Uploads(a.SHA256); n != 2 {
			t.Errorf("uploaded %d times, want 2 (the network no longer kept the first)", n)
		}
		us, err := e.store.Uploads(t.Context(), d.ID, d.Rev, herald.Target{Kind: "webhook", Name: "a"})
		if err != nil || len(us) != 1 || us[0].ID != "media-"+a.SHA256[:6]+"-2" {
			t.Errorf("recorded uploads = %+v, %v; want the second one only", us, err)
		}
	})
	t.Run("ErrNoMediaSource", func(t *testing.T) {
		e := newEnv(t, config{})
		net := newUploadNet(e.clock)
		e.svc.Register("webhook", net)
		d := e.approvedWith(t, "With a picture", "webhook:a", memSource{}.add("a.jpg", "image/jpeg", []byte("x")))
		if _, err := e.svc.PublishNow(t.Context(), bob, d.ID); err != nil {
			t.Fatalf("PublishNow: %v", err)
		}
		e.tick(t)
		e.wantState(t, d.ID, approvals.StateFailed)
		if len(net.Calls()) != 0 {
			t.Errorf("the network was called without a media store")
		}
	})
}

func TestMediaLimitsBeforeReview(t *testing.T) {
	e, net, src := mediaEnv(t)
	net.max = 1
	d, err := e.drafts.CreateDraft(t.Context(), bob, acmeCh, approvals.NewDraft{Text: "Two pictures", Targets: mustTargets(t, "webhook:a"),
		Media: []media.Item{src.add("a.jpg", "image/jpeg", []byte("a")), src.add("b.jpg", "image/jpeg", []byte("b"))}})
	if err != nil {
		t.Fatalf("CreateDraft: %v", err)
	}
	_, err = e.drafts.Submit(t.Context(), bob, d.ID)
	he := herald.AsError(err)
	if he == nil || he.Reason != approvals.ReasonBlocked {
		t.Fatalf("Submit = %v, want a refusal with reason %s", err, approvals.ReasonBlocked)
	}
	fs, _ := he.Facts["findings"].([]approvals.Finding)
	want := []approvals.Finding{{Message: "webhook:a: at most 1 items, this has 2", Blocking: true, Reason: "test.too_many_media",
		Facts: herald.Facts{"target": "webhook:a", "draft": d.ID, "max": 1, "count": 2}}}
	if diff := cmp.Diff(want, fs); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	e.wantState(t, d.ID, approvals.StateDraft)
	if _, err := e.drafts.RemoveMedia(t.Context(), bob, d.ID, 2); err != nil {
		t.Fatalf("RemoveMedia: %v", err)
	}
	if _, err := e.drafts.Submit(t.Context(), bob, d.ID); err != nil {
		t.Errorf("Submit with one picture: %v", err)
	}
}

// captionNet is an uploadNet whose network takes at most 10 characters
// under pictures (a Telegram caption, shortened).
type captionNet struct{ *uploadNet }

func (captionNet) ValidateCaption(_ publish.Account, text string, items []media.Item) error {
	if len(items) > 0 && len(text) > 10 {
		return herald.Errorf(herald.EINVALID, "at most 10 characters under a picture").Because("test.caption", herald.Facts{"max": 10})
	}
	return nil
}

// TestCaptionBeforeReview: a text too long to be the caption of a post
// with pictures blocks the review; the same text alone goes.
func TestCaptionBeforeReview(t *testing.T) {
	src := memSource{}
	e := newEnv(t, config{opt: publish.Options{Media: src}})
	e.svc.Register("webhook", captionNet{newUploadNet(e.clock)})
	d, err := e.drafts.CreateDraft(t.Context(), bob, acmeCh, approvals.NewDraft{Text: "Eleven char", Targets: mustTargets(t, "webhook:a"),
		Media: []media.Item{src.add("a.jpg", "image/jpeg", []byte("a"))}})
	if err != nil {
		t.Fatalf("CreateDraft: %v", err)
	}
	_, err = e.drafts.Submit(t.Context(), bob, d.ID)
	he := herald.AsError(err)
	if he == nil || he.Reason != approvals.ReasonBlocked {
		t.Fatalf("Submit = %v, want a refusal with reason %s", err, approvals.ReasonBlocked)
	}
	if fs, _ := he.Facts["findings"].([]approvals.Finding); len(fs) != 1 || fs[0].Reason != "test.caption" {
		t.Errorf("findings = %+v, want the caption's", fs)
	}
	e.wantState(t, d.ID, approvals.StateDraft)
	if _, err := e.drafts.RemoveMedia(t.Context(), bob, d.ID, 1); err != nil {
		t.Fatalf("RemoveMedia: %v", err)
	}
	if _, err := e.drafts.Submit(t.Context(), bob, d.ID); err != nil {
		t.Errorf("Submit without pictures: %v", err)
	}
}
