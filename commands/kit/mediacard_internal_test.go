package kit

import (
	"github.com/heraldhq/herald/commands/i18n"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

// TestCardMedia: a draft's card carries its current revision's media in
// order, as adapters need them; the links come from Deps.MediaLink.
func TestCardMedia(t *testing.T) {
	photo := media.Item{SHA256: "aa11", Type: "image/jpeg", Size: 412_345, Width: 1080, Height: 1350, Name: "photo.jpg", Alt: "The team"}
	clip := media.Item{SHA256: "bb22", Type: "video/mp4", Size: 9_000_000, Width: 1920, Height: 1080, Duration: 12 * time.Second, Name: "clip.mp4"}
	v := publish.DraftView{View: approvals.View{Draft: approvals.Draft{ID: 3, Rev: 2, State: approvals.StateDraft, Media: []media.Item{photo, clip}}}}
	c := draftCard(v, i18n.English)
	want := []commands.CardMedia{
		{SHA256: "aa11", Name: "photo.jpg", Type: "image/jpeg", Size: 412_345, Width: 1080, Height: 1350, Alt: "The team"},
		{SHA256: "bb22", Name: "clip.mp4", Type: "video/mp4", Size: 9_000_000, Width: 1920, Height: 1080},
	}
	if diff := cmp.Diff(want, c.Media); diff != "" {
		t.Errorf("Card.Media (-want +got):\n%s", diff)
	}
	if c := draftCard(publish.DraftView{View: approvals.View{Draft: approvals.Draft{ID: 4, State: approvals.StateDraft}}}, i18n.English); c.Media != nil {
		t.Errorf("a draft without media shows %+v", c.Media)
	}
	linkMedia(func(it media.Item) string { return "https://h.example/media/" + it.SHA256 }, &c, v.Draft.Media)
	if c.Media[0].Link != "https://h.example/media/aa11" || c.Media[1].Link != "https://h.example/media/bb22" {
		t.Errorf("links %q, %q", c.Media[0].Link, c.Media[1].Link)
	}
	for _, tt := range []struct {
		it   media.Item
		want string
	}{
		{photo, "photo.jpg · image/jpeg · 412 KB · 1080×1350 · alt: The team"},
		{clip, "clip.mp4 · video/mp4 · 9.0 MB · 1920×1080 · 12s · ⚠ no alt text"},
	} {
		if got := MediaLine(i18n.English, tt.it); got != tt.want {
			t.Errorf("MediaLine = %q; want %q", got, tt.want)
		}
	}
}
