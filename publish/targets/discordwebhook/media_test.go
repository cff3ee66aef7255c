package discordwebhook_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/mediatest"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/publishtest"
	"github.com/heraldhq/herald/publish/targets/discordwebhook"
	"github.com/heraldhq/herald/publish/targets/discordwebhook/discordwebhooktest"
)

func mediaPost(url string) publish.Post {
	target := herald.Target{Kind: "discordwebhook", Name: "news"}
	return publish.Post{DraftID: 4, Rev: 1, Target: target, Account: publish.Account{Target: target, URL: url}, Text: "Opening day @everyone", Key: "k1"}
}

func TestPublishMedia(t *testing.T) {
	lib, store := publishtest.Library()
	photo := publishtest.Add(t, lib, "photo.jpg", mediatest.JPEG(t, 50, 40, 1), "A crowd at the store opening")
	clip := publishtest.Add(t, lib, "clip.mp4", mediatest.Video(mediatest.H264()), "")

	t.Run("OK", func(t *testing.T) {
		srv := discordwebhooktest.New()
		defer srv.Close()
		r, err := discordwebhook.New(loopback(), clock).Publish(t.Context(), publishtest.WithMedia(mediaPost(srv.URL()), store, &publishtest.Uploads{}, photo, clip))
		if err != nil {
			t.Fatalf("Publish: %v", err)
		}
		ms := srv.Messages()
		if len(ms) != 1 || ms[0].ID != r.ID {
			t.Fatalf("messages %+v, want one answering %s", ms, r.ID)
		}
		m := ms[0]
		if m.ContentType != "multipart/form-data" || m.ContentLength <= photo.Size+clip.Size || m.Content != "Opening day @everyone" {
			t.Errorf("message %+v, want multipart with a Content-Length and the text", m)
		}
		if !m.ParseSent || len(m.Parse) != 0 {
			t.Errorf("allowed_mentions.parse = %v (sent %v), want [] so nothing pings", m.Parse, m.ParseSent)
		}
		want := []discordwebhooktest.Attachment{
			{ID: 0, Filename: "photo.jpg", Description: photo.Alt, Type: "image/jpeg", Size: photo.Size, SHA256: photo.SHA256},
			{ID: 1, Filename: "clip.mp4", Type: "video/mp4", Size: clip.Size, SHA256: clip.SHA256},
		}
		if diff := cmp.Diff(want, m.Attachments, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("attachments (-want +got):\n%s", diff)
		}
	})

	t.Run("OKTextOnlyStaysJSON", func(t *testing.T) {
		srv := discordwebhooktest.New()
		defer srv.Close()
		if _, err := discordwebhook.New(loopback(), clock).Publish(t.Context(), mediaPost(srv.URL())); err != nil {
			t.Fatalf("Publish: %v", err)
		}
		if ms := srv.Messages(); len(ms) != 1 || ms[0].ContentType != "application/json" || len(ms[0].Attachments) != 0 || !ms[0].ParseSent {
			t.Errorf("messages %+v, want one JSON message without files", ms)
		}
	})

	t.Run("ErrTooLargeForTheServer", func(t *testing.T) {
		srv := discordwebhooktest.New()
		defer srv.Close()
		srv.SetMaxBytes(photo.Size) // smaller than the request
		_, err := discordwebhook.New(loopback(), clock).Publish(t.Context(), publishtest.WithMedia(mediaPost(srv.URL()), store, &publishtest.Uploads{}, photo))
		var pe *publish.Error
		if !errors.As(err, &pe) || pe.Outcome != publish.Rejected || !strings.Contains(pe.Message, "413") {
			t.Errorf("Publish past the upload limit = %v, want rejected with the 413", err)
		}
		if len(srv.Messages()) != 0 {
			t.Errorf("a message was posted")
		}
	})
}

func TestValidateMedia(t *testing.T) {
	img := func(size int64) media.Item {
		return media.Item{Type: "image/png", Size: size, Name: "p.png", Width: 1, Height: 1}
	}
	long := img(10)
	long.Alt = strings.Repeat("x", discordwebhook.MaxAlt+1)
	ten := make([]media.Item, 10)
	for i := range ten {
		ten[i] = img(1 << 20)
	}
	tests := []struct {
		name   string
		items  []media.Item
		reason string
	}{
		{"OKNone", nil, ""},
		{"OKTenOfOneMiB", ten, ""},
		{"OKOneAtTheLimit", []media.Item{img(discordwebhook.MaxTotal)}, ""},
		{"ErrEleven", append(ten, img(1)), publish.ReasonTooManyMedia},
		{"ErrOneTooBig", []media.Item{img(discordwebhook.MaxTotal + 1)}, publish.ReasonMediaTooBig},
		{"ErrTotal", []media.Item{img(6 << 20), img(6 << 20)}, publish.ReasonMediaTooBigTotal},
		{"ErrAlt", []media.Item{long}, publish.ReasonAltTooLong},
	}
	p := discordwebhook.New(loopback(), clock)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.ValidateMedia(publish.Account{}, tt.items)
			if got := herald.AsError(err); tt.reason == "" && err != nil || tt.reason != "" && (got == nil || got.Reason != tt.reason) {
				t.Errorf("ValidateMedia = %v, want reason %q", err, tt.reason)
			}
		})
	}
}
