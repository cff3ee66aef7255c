package mastodon_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/publishtest"
	"github.com/heraldhq/herald/publish/targets/mastodon"
	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
)

// sleeps is an injected sleep that records each wait and moves clock.
type sleeps struct {
	clock *testclock.Clock
	waits []time.Duration
	fail  int // fail the wait after this many (0: never)
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	if s.fail > 0 && len(s.waits) >= s.fail {
		return context.DeadlineExceeded
	}
	s.waits = append(s.waits, d)
	s.clock.Advance(d)
	return ctx.Err()
}

func TestPublishMedia(t *testing.T) {
	lib, store := publishtest.Library()
	photo, second := publishtest.Photos(t, lib, 64, 48)

	t.Run("OKUploadedStrippedWithAlt", func(t *testing.T) {
		srv := MustServer(t)
		clk := testclock.New(t0)
		rec := &publishtest.Uploads{}
		p := mastodon.New(loopback(), clk)
		r, err := p.Publish(t.Context(), publishtest.WithMedia(testPost(srv.URL(), "k1", "Opening day"), store, rec, photo, second))
		if err != nil {
			t.Fatalf("Publish: %v", err)
		}
		ms := srv.Media()
		if len(ms) != 2 {
			t.Fatalf("%d attachments, want 2", len(ms))
		}
		sts := srv.Statuses()
		if len(sts) != 1 || sts[0].ID != r.ID || !cmp.Equal(sts[0].MediaIDs, []string{ms[0].ID, ms[1].ID}) {
			t.Fatalf("statuses %+v, want one with media_ids %s, %s", sts, ms[0].ID, ms[1].ID)
		}
		for i, it := range []media.Item{photo, second} {
			m := ms[i]
			if m.Description != it.Alt || m.SHA256 != it.SHA256 || m.Size != it.Size || m.Type != it.Type || m.FileName != it.Name {
				t.Errorf("attachment %d = %+v, want description %q and the stored bytes of %s", i, m, it.Alt, it.Name)
			}
			if !m.Decoded || m.Width != it.Width || m.Height != it.Height {
				t.Errorf("attachment %d decoded %v as %d×%d, want %d×%d", i, m.Decoded, m.Width, m.Height, it.Width, it.Height)
			}
			if len(m.Leaks) > 0 {
				t.Errorf("attachment %d carries metadata: %v", i, m.Leaks)
			}
			if m.ContentLength <= it.Size {
				t.Errorf("attachment %d came with Content-Length %d; want the whole body's length", i, m.ContentLength)
			}
			if m.StatusID != r.ID {
				t.Errorf("attachment %d is attached to %q, want %q", i, m.StatusID, r.ID)
			}
		}
		want := []publish.Upload{{SHA256: photo.SHA256, ID: ms[0].ID, At: t0, Until: t0.Add(20 * time.Hour)},
			{SHA256: second.SHA256, ID: ms[1].ID, At: t0, Until: t0.Add(20 * time.Hour)}}
		if diff := cmp.Diff(want, rec.List()); diff != "" {
			t.Errorf("recorded uploads (-want +got):\n%s", diff)
		}
	})

	t.Run("OKProcessingPolledWithBackoff", func(t *testing.T) {
		srv := MustServer(t)
		srv.Processing(4)
		clk := testclock.New(t0)
		sl := &sleeps{clock: clk}
		rec := &publishtest.Uploads{}
		p := mastodon.New(loopback(), clk, mastodon.WithSleep(sl.sleep))
		if _, err := p.Publish(t.Context(), publishtest.WithMedia(testPost(srv.URL(), "k1", "Video soon"), store, rec, photo)); err != nil {
			t.Fatalf("Publish: %v", err)
		}
		if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}; !cmp.Equal(sl.waits, want) {
			t.Errorf("waits %v, want %v", sl.waits, want)
		}
		if len(rec.List()) != 1 || srv.MediaGets() != 4 || len(srv.Statuses()) != 1 {
			t.Errorf("%d uploads recorded, %d polls, %d statuses; want 1, 4, 1", len(rec.List()), srv.MediaGets(), len(srv.Statuses()))
		}
	})

	t.Run("OKReusesRecordedUpload", func(t *testing.T) {
		srv := MustServer(t)
		rec := &publishtest.Uploads{}
		p := mastodon.New(loopback(), testclock.New(t0))
		post := publishtest.WithMedia(testPost(srv.URL(), "k1", "Again"), store, rec, photo)
		srv.FailNext(503, `{"error":"busy"}`)
		if _, err := p.Publish(t.Context(), post); err == nil {
			t.Fatal("Publish succeeded through a 503")
		}
		post.Uploads = rec.Valid()
		if _, err := p.Publish(t.Context(), post); err != nil {
			t.Fatalf("Publish again: %v", err)
		}
		if srv.Uploads() != 1 || len(rec.List()) != 1 {
			t.Errorf("%d uploads (%d recorded), want 1: the second attempt reuses the first's", srv.Uploads(), len(rec.List()))
		}
		if sts := srv.Statuses(); len(sts) != 1 || !cmp.Equal(sts[0].MediaIDs, []string{rec.List()[0].ID}) {
			t.Errorf("statuses %+v, want one with the first upload", sts)
		}
	})

	t.Run("OKUploadsAgainWhenGone", func(t *testing.T) {
		srv := MustServer(t)
		rec := &publishtest.Uploads{}
		p := mastodon.New(loopback(), testclock.New(t0))
		post := publishtest.WithMedia(testPost(srv.URL(), "k1", "Gone"), store, rec, photo)
		post.Uploads = map[string]publish.Upload{photo.SHA256: {SHA256: photo.SHA256, ID: "999", At: t0}}
		if _, err := p.Publish(t.Context(), post); err != nil {
			t.Fatalf("Publish: %v", err)
		}
		if srv.Uploads() != 1 || len(rec.List()) != 1 || rec.List()[0].ID == "999" {
			t.Errorf("%d uploads, recorded %+v; want a new one", srv.Uploads(), rec.List())
		}
	})

	t.Run("ErrStillProcessing", func(t *testing.T) {
		srv := MustServer(t)
		srv.Processing(100)
		clk := testclock.New(t0)
		rec := &publishtest.Uploads{}
		p := mastodon.New(loopback(), clk, mastodon.WithSleep((&sleeps{clock: clk, fail: 3}).sleep))
		_, err := p.Publish(t.Context(), publishtest.WithMedia(testPost(srv.URL(), "k1", "Slow"), store, rec, photo))
		wantOutcome(t, err, publish.Transient, "still processing photo.jpg")
		if len(srv.Statuses()) != 0 || len(rec.List()) != 1 {
			t.Errorf("%d statuses, %d uploads recorded; want none and the upload recorded for the retry", len(srv.Statuses()), len(rec.List()))
		}
	})

	t.Run("ErrTokenRefused", func(t *testing.T) {
		srv := MustServer(t, mastodontest.WithToken("right"))
		_, err := mastodon.New(loopback(), clock).Publish(t.Context(), publishtest.WithMedia(testPost(srv.URL(), "k1", "x"), store, &publishtest.Uploads{}, photo))
		wantOutcome(t, err, publish.Rejected, "write:media")
		if len(srv.Statuses()) != 0 {
			t.Errorf("a status was made")
		}
	})

	t.Run("ErrFileMissing", func(t *testing.T) {
		srv := MustServer(t)
		gone := photo
		gone.SHA256 = strings.Repeat("0", 64)
		_, err := mastodon.New(loopback(), clock).Publish(t.Context(), publishtest.WithMedia(testPost(srv.URL(), "k1", "x"), store, &publishtest.Uploads{}, gone))
		wantOutcome(t, err, publish.Rejected, "no longer in Herald's media store")
	})
}

func TestValidateMedia(t *testing.T) {
	img := func(size int64, w, h int) media.Item {
		return media.Item{SHA256: "s", Type: "image/jpeg", Size: size, Width: w, Height: h, Name: "p.jpg"}
	}
	vid := media.Item{SHA256: "v", Type: "video/mp4", Size: 50 << 20, Width: 1920, Height: 1080, Duration: 30 * time.Second, Name: "v.mp4"}
	small := img(1<<20, 1080, 1350)
	long := small
	long.Alt = strings.Repeat("é", mastodon.MaxAlt+1)
	tests := []struct {
		name   string
		items  []media.Item
		reason string // "" when accepted
	}{
		{"OKNone", nil, ""},
		{"OKFourImages", []media.Item{small, small, small, small}, ""},
		{"OKOneVideo", []media.Item{vid}, ""},
		{"OKAltAtLimit", []media.Item{{Type: "image/png", Size: 10, Width: 1, Height: 1, Alt: strings.Repeat("é", mastodon.MaxAlt)}}, ""},
		{"ErrFiveImages", []media.Item{small, small, small, small, small}, publish.ReasonTooManyMedia},
		{"ErrVideoAndImage", []media.Item{small, vid}, publish.ReasonMixedMedia},
		{"ErrTwoVideos", []media.Item{vid, vid}, publish.ReasonMixedMedia},
		{"ErrImageTooBig", []media.Item{img(17<<20, 10, 10)}, publish.ReasonMediaTooBig},
		{"ErrVideoTooBig", []media.Item{{Type: "video/mp4", Size: 100 << 20, Width: 10, Height: 10}}, publish.ReasonMediaTooBig},
		{"ErrImagePixels", []media.Item{img(1<<20, 8000, 5000)}, publish.ReasonMediaTooManyPx},
		{"ErrVideoPixels", []media.Item{{Type: "video/mp4", Size: 1 << 20, Width: 4096, Height: 2160}}, publish.ReasonMediaTooManyPx},
		{"ErrAltTooLong", []media.Item{long}, publish.ReasonAltTooLong},
	}
	p := mastodon.New(loopback(), clock)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.ValidateMedia(publish.Account{}, tt.items)
			switch {
			case tt.reason == "" && err != nil:
				t.Fatalf("ValidateMedia = %v, want nil", err)
			case tt.reason == "":
			case herald.ErrorCode(err) != herald.EINVALID:
				t.Fatalf("ValidateMedia = %v, want EINVALID", err)
			case herald.AsError(err).Reason != tt.reason:
				t.Errorf("reason %q (%v), want %q", herald.AsError(err).Reason, err, tt.reason)
			}
		})
	}
	t.Run("OKInstanceLimits", func(t *testing.T) {
		srv := MustServer(t, mastodontest.WithInstance(mastodontest.Instance{MaxMedia: 6, ImageSize: 1 << 20}))
		err := p.ValidateMedia(publish.Account{URL: srv.URL()}, []media.Item{small, small, small, small, small, small})
		if err != nil {
			t.Errorf("six images on an instance that takes six: %v", err)
		}
		err = p.ValidateMedia(publish.Account{URL: srv.URL()}, []media.Item{img(1<<20+1, 10, 10)})
		if e := herald.AsError(err); e == nil || e.Reason != publish.ReasonMediaTooBig || e.Facts["max"] != int64(1<<20) {
			t.Errorf("an image over the instance's 1 MiB: %v, want %s with max 1 MiB", err, publish.ReasonMediaTooBig)
		}
	})
}
