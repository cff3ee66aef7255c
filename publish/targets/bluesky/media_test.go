package bluesky_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/publishtest"
	"github.com/heraldhq/herald/publish/targets/bluesky"
	"github.com/heraldhq/herald/publish/targets/bluesky/blueskytest"
)

func TestPublishImages(t *testing.T) {
	lib, store := publishtest.Library()
	photo, logo := publishtest.Photos(t, lib, 60, 40)

	t.Run("OK", func(t *testing.T) {
		srv := MustServer(t)
		rec := &publishtest.Uploads{}
		post := publishtest.WithMedia(newPost(srv, "k1", "Opening day"), store, rec, photo, logo)
		r, err := newPublisher(loopback()).Publish(t.Context(), post)
		if err != nil {
			t.Fatalf("Publish: %v", err)
		}
		if r != wantReceipt(post) {
			t.Errorf("receipt %+v, want %+v", r, wantReceipt(post))
		}
		blobs := srv.Blobs()
		if len(blobs) != 2 {
			t.Fatalf("%d blobs uploaded, want 2", len(blobs))
		}
		for i, it := range []media.Item{photo, logo} {
			b := blobs[i]
			if b.CID != blueskytest.CIDOf(store.Bytes(it.SHA256)) || b.MimeType != it.Type || b.Size != it.Size || b.ContentLength != it.Size {
				t.Errorf("blob %d = %+v, want the stored bytes of %s typed %s with their length", i, b, it.Name, it.Type)
			}
			if !b.Decoded || len(b.Leaks) > 0 {
				t.Errorf("blob %d decoded %v, leaks %v; want a picture without metadata", i, b.Decoded, b.Leaks)
			}
		}
		posts := srv.Posts()
		want := []blueskytest.Image{
			{Alt: photo.Alt, CID: blobs[0].CID, MimeType: "image/jpeg", Size: photo.Size, AspectRatio: &struct{ Width, Height int }{60, 40}},
			{Alt: "", CID: blobs[1].CID, MimeType: "image/png", Size: logo.Size, AspectRatio: &struct{ Width, Height int }{30, 20}},
		}
		if len(posts) != 1 {
			t.Fatalf("%d posts, want 1", len(posts))
		}
		if diff := cmp.Diff(want, posts[0].Images); diff != "" {
			t.Errorf("embedded images (-want +got):\n%s", diff)
		}
		ups := rec.List()
		if len(ups) != 2 || ups[0].SHA256 != photo.SHA256 || !strings.Contains(ups[0].ID, blobs[0].CID) || ups[0].Until.Sub(ups[0].At) != 10*time.Minute {
			t.Errorf("recorded uploads %+v, want each blob ref, kept 10 minutes", ups)
		}
	})

	t.Run("OKReusesRecordedBlobs", func(t *testing.T) {
		srv := MustServer(t)
		rec := &publishtest.Uploads{}
		post := publishtest.WithMedia(newPost(srv, "k1", "Again"), store, rec, photo)
		srv.Inject(blueskytest.Fault{NSID: "com.atproto.repo.createRecord", Status: 502, Body: `{"error":"UpstreamFailure"}`})
		if _, err := newPublisher(loopback()).Publish(t.Context(), post); err == nil {
			t.Fatal("Publish succeeded through a 502")
		}
		post.Uploads = rec.Valid()
		if _, err := newPublisher(loopback()).Publish(t.Context(), post); err != nil {
			t.Fatalf("Publish again: %v", err)
		}
		if n := len(srv.Blobs()); n != 1 {
			t.Errorf("%d blobs uploaded, want 1: the retry reuses the recorded one", n)
		}
		if ps := srv.Posts(); len(ps) != 1 || len(ps[0].Images) != 1 {
			t.Errorf("posts %+v, want one with the picture", ps)
		}
	})

	t.Run("OKUploadsAgainWhenThePDSForgot", func(t *testing.T) {
		srv := MustServer(t)
		rec := &publishtest.Uploads{}
		post := publishtest.WithMedia(newPost(srv, "k1", "Later"), store, rec, photo)
		srv.Inject(blueskytest.Fault{NSID: "com.atproto.repo.createRecord", Status: 503, Body: `{"error":"Unavailable"}`})
		if _, err := newPublisher(loopback()).Publish(t.Context(), post); err == nil {
			t.Fatal("Publish succeeded through a 503")
		}
		srv.ForgetBlobs()
		post.Uploads = rec.Valid()
		if _, err := newPublisher(loopback()).Publish(t.Context(), post); err != nil {
			t.Fatalf("Publish after the PDS forgot the blob: %v", err)
		}
		if n, ups := len(srv.Blobs()), rec.List(); n != 2 || len(ups) != 2 {
			t.Errorf("%d blobs uploaded, %d recorded; want the blob uploaded and recorded again", n, len(ups))
		}
	})

	t.Run("ErrVideo", func(t *testing.T) {
		srv := MustServer(t)
		vid := media.Item{SHA256: strings.Repeat("a", 64), Type: "video/mp4", Size: 1000, Name: "clip.mp4"}
		_, err := newPublisher(loopback()).Publish(t.Context(), publishtest.WithMedia(newPost(srv, "k1", "x"), store, &publishtest.Uploads{}, vid))
		if e := outcome(t, err); e.Outcome != publish.Rejected || !strings.Contains(e.Message, "not videos") {
			t.Errorf("Publish with a video = %v, want rejected", err)
		}
		if len(srv.Blobs())+len(srv.Posts()) != 0 {
			t.Errorf("something reached the PDS")
		}
	})
}

func TestValidateMedia(t *testing.T) {
	img := media.Item{Type: "image/jpeg", Size: bluesky.MaxImageSize, Width: 10, Height: 10, Name: "p.jpg"}
	big := img
	big.Size++
	vid := media.Item{Type: "video/mp4", Size: 1000, Name: "v.mp4"}
	tests := []struct {
		name   string
		items  []media.Item
		reason string
	}{
		{"OKNone", nil, ""},
		{"OKFourAtTheLimit", []media.Item{img, img, img, img}, ""},
		{"ErrFive", []media.Item{img, img, img, img, img}, publish.ReasonTooManyMedia},
		{"ErrTooBig", []media.Item{img, big}, publish.ReasonMediaTooBig},
		{"ErrVideo", []media.Item{vid}, publish.ReasonMediaType},
	}
	p := newPublisher(loopback())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.ValidateMedia(publish.Account{}, tt.items)
			if got := herald.AsError(err); tt.reason == "" && err != nil || tt.reason != "" && (got == nil || got.Reason != tt.reason || got.Code != herald.EINVALID) {
				t.Errorf("ValidateMedia = %v, want reason %q", err, tt.reason)
			}
		})
	}
}
