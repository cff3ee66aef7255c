package mastodon

import (
	"encoding/json"
	"testing"
)

// FuzzInstanceLimits reads instance documents of any shape: never a
// panic, and limits that are read are sane (a positive character count
// within maxSane; media limits positive, the defaults where the document
// says nothing usable).
func FuzzInstanceLimits(f *testing.F) {
	for _, seed := range []string{
		`{"configuration":{"statuses":{"max_characters":500,"max_media_attachments":4,"characters_reserved_per_url":23},"media_attachments":{"image_size_limit":16777216,"image_matrix_limit":33177600,"video_size_limit":103809024,"video_matrix_limit":8294400}}}`,
		`{"max_toot_chars":5000}`,
		`{"configuration":{"statuses":{"max_characters":1000,"max_media_attachments":-3},"media_attachments":{"image_size_limit":-1,"video_size_limit":1e30}}}`,
		`{"configuration":{"media_attachments":{"video_matrix_limit":"big"}}}`,
		`[]`, `null`, `{}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		var in instanceInfo
		if json.Unmarshal(doc, &in) != nil {
			return
		}
		l, err := in.limits()
		if err != nil {
			return
		}
		if l.MaxChars <= 0 || l.MaxChars > maxSane || l.URLChars < 0 || l.URLChars > maxSane {
			t.Fatalf("limits %+v from %s: characters out of range", l, doc)
		}
		if l.MaxMedia <= 0 || l.MaxMedia > 100 || l.ImageSize <= 0 || l.VideoSize <= 0 || l.ImagePixels <= 0 || l.VideoPixels <= 0 {
			t.Fatalf("limits %+v from %s: media limits out of range", l, doc)
		}
	})
}
