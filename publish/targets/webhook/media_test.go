package webhook_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/webhook"
)

func TestPublishMedia(t *testing.T) {
	exp := time.Date(2026, 11, 23, 9, 0, 4, 0, time.UTC)
	photo := media.Item{SHA256: strings.Repeat("ab", 32), Type: "image/jpeg", Size: 412_000, Width: 1080, Height: 1350, Name: "photo.jpg", Alt: "A crowd at the store opening"}
	clip := media.Item{SHA256: strings.Repeat("cd", 32), Type: "video/mp4", Size: 52_000_000, Width: 1920, Height: 1080, Duration: 12500 * time.Millisecond, Name: "clip.mp4"}
	t.Run("OK", func(t *testing.T) {
		srv := MustServer(t)
		post := testPost(srv.URL(), "k1")
		post.Media = []publish.Media{
			{Item: photo, Link: "https://herald.example/media/tok1", Expires: exp},
			{Item: clip}, // no public address: no link
		}
		if _, err := webhook.New(loopback(), clock).Publish(context.Background(), post); err != nil {
			t.Fatal(err)
		}
		ds := srv.Deliveries()
		if len(ds) != 1 || !ds[0].Valid {
			t.Fatalf("deliveries %+v, want one correctly signed", ds)
		}
		want := []webhook.Media{
			{URL: "https://herald.example/media/tok1", ExpiresAt: &exp, SHA256: photo.SHA256, Type: "image/jpeg", Size: 412_000, Width: 1080, Height: 1350, Name: "photo.jpg", Alt: photo.Alt},
			{SHA256: clip.SHA256, Type: "video/mp4", Size: 52_000_000, Width: 1920, Height: 1080, DurationMS: 12500, Name: "clip.mp4"},
		}
		if diff := cmp.Diff(want, ds[0].Payload.Media); diff != "" {
			t.Errorf("media (-want +got):\n%s", diff)
		}
		for _, field := range []string{`"media":[`, `"url":"https://herald.example/media/tok1"`, `"expires_at":"2026-11-23T09:00:04Z"`, `"duration_ms":12500`, `"alt":""`} {
			if !strings.Contains(string(ds[0].Body), field) {
				t.Errorf("body %s lacks %s", ds[0].Body, field)
			}
		}
	})
	t.Run("OKNoMediaNoField", func(t *testing.T) {
		srv := MustServer(t)
		if _, err := webhook.New(loopback(), clock).Publish(context.Background(), testPost(srv.URL(), "k1")); err != nil {
			t.Fatal(err)
		}
		if ds := srv.Deliveries(); len(ds) != 1 || strings.Contains(string(ds[0].Body), `"media"`) {
			t.Errorf("a post without media: body %+v, want no media field", ds)
		}
	})
}
