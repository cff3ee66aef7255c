package kit_test

import (
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
)

// TestMediaLimitHints: a network's refusal of a draft's media, as the
// draft checks give it (the refusal's facts with the target and the
// draft), is worded with what to type next.
func TestMediaLimitHints(t *testing.T) {
	photo := media.Item{Name: "photo.jpg", Type: "image/jpeg", Size: 17_000_000, Width: 8000, Height: 6000}
	clip := media.Item{Name: "clip.mp4", Type: "video/mp4", Size: 1000}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"TooMany", publish.TooManyMedia("Bluesky", 4, 5),
			"bluesky:main takes at most 4 pictures or videos in a post; draft #12 has 5. Remove some with `media rm 12 N` (`media list 12` numbers them)."},
		{"Mixed", publish.MixedMedia("Mastodon", 4),
			"bluesky:main takes one video or up to 4 pictures, not both; remove the video or the pictures from draft #12 with `media rm 12 N`, or publish them as two drafts."},
		{"TooBig", publish.MediaTooBig("Mastodon", 2, photo, 16<<20),
			"bluesky:main takes files of at most 16.8 MB; item 2 of draft #12 (photo.jpg) has 17.0 MB. Replace it with a smaller file (`media rm 12 2`, then `media add 12 FILE`)."},
		{"TooBigTotal", publish.MediaTooBigTotal("Discord", 12<<20, 10<<20),
			"bluesky:main takes at most 10.5 MB of files in one post; the media of draft #12 add up to 12.6 MB. Remove some with `media rm 12 N`."},
		{"TooManyPx", publish.MediaTooManyPx("Mastodon", 1, photo, 7680*4320),
			"bluesky:main takes pictures of at most 33177600 pixels; item 1 of draft #12 (photo.jpg) is 8000×6000. Replace it with a smaller picture (`media rm 12 1`, then `media add 12 FILE`)."},
		{"Type", publish.MediaType("Bluesky", 1, clip, "Herald posts pictures to Bluesky, not videos"),
			"bluesky:main does not take item 1 of draft #12 (clip.mp4, video/mp4): Herald posts pictures to Bluesky, not videos. Remove it with `media rm 12 1`, or take bluesky:main off the targets with `edit 12 --to TARGETS`."},
		{"AltTooLong", publish.AltTooLong("Discord", 3, photo, 1100, 1024),
			"bluesky:main takes alt text of at most 1024 characters; that of item 3 of draft #12 (photo.jpg) has 1100. Shorten it with `media alt 12 3 TEXT`."},
		{"AltMissingOne", &herald.Error{Facts: herald.Facts{"draft": int64(12), "items": []int{2}, "names": []string{"photo.jpg"}}},
			"The brand's guidelines require alt text on every picture and video, and item 2 (photo.jpg) has none: describe it with `media alt 12 2 TEXT` (or `media alt 12 2 --suggest`)."},
		{"AltMissingThree", &herald.Error{Facts: herald.Facts{"draft": int64(12), "items": []int{1, 2, 4}, "names": []string{"a.jpg", "b.png", "c.gif"}}},
			"The brand's guidelines require alt text on every picture and video, and items 1 (a.jpg), 2 (b.png) and 4 (c.gif) have none: describe each with `media alt 12 1 TEXT` (or `media alt 12 1 --suggest`)."},
		{"Required", publish.MediaRequired("Instagram"),
			"bluesky:main needs a picture or a video: add one to draft #12 with `media add 12 FILE`, or take bluesky:main off the targets with `edit 12 --to TARGETS`."},
		{"AspectRatio", publish.AspectRatio("Instagram", 1, photo, "4:5 (portrait) to 1.91:1 (landscape)"),
			"bluesky:main takes pictures from 4:5 (portrait) to 1.91:1 (landscape); item 1 of draft #12 (photo.jpg) is 8000×6000. Crop it, then replace it (`media rm 12 1`, then `media add 12 FILE`)."},
		{"NoPublicMedia", publish.NoPublicMedia("Threads"),
			"bluesky:main fetches pictures and videos from Herald's public address, and Herald has none: the operator sets HERALD_PUBLIC_URL. Until then, take bluesky:main off the targets of draft #12 with `edit 12 --to TARGETS`, or remove its media with `media rm 12 N`."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "AltMissingOne" || tt.name == "AltMissingThree" {
				f := approvals.Finding{Blocking: true, Reason: assist.ReasonAltMissing, Facts: tt.err.(*herald.Error).Facts}
				if got := kit.FindingText(f); got != tt.want {
					t.Errorf("FindingText =\n%s\nwant\n%s", got, tt.want)
				}
				return
			}
			e := herald.AsError(tt.err)
			facts := herald.Facts{"target": "bluesky:main", "draft": int64(12)}
			for k, v := range e.Facts {
				facts[k] = v
			}
			f := approvals.Finding{Message: e.Message, Blocking: true, Reason: e.Reason, Facts: facts}
			if got := kit.FindingText(f); got != tt.want {
				t.Errorf("FindingText =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
