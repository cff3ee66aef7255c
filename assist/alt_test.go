package assist_test

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/assist"
	"github.com/heraldhq/herald/assist/assisttest"
	"github.com/heraldhq/herald/media"
)

func TestLintMedia(t *testing.T) {
	items := []media.Item{{Name: "a.jpg", Alt: "A"}, {Name: "b.png"}, {Name: "c.mp4", Alt: "  "}}
	if fs := assist.LintMedia(assist.Guidelines{}, items); len(fs) != 0 {
		t.Errorf("without alt=required: %+v", fs)
	}
	g := assist.Guidelines{Alt: assist.AltRequired}
	fs := assist.LintMedia(g, items)
	if len(fs) != 1 || !fs[0].Blocking || fs[0].Reason != assist.ReasonAltMissing || fs[0].Rule != "alt" {
		t.Fatalf("findings %+v", fs)
	}
	if want := "Items 2 (b.png) and 3 (c.mp4) have no alt text"; !strings.HasPrefix(fs[0].Message, want) {
		t.Errorf("message %q; want it to start with %q", fs[0].Message, want)
	}
	if nums, _ := fs[0].Facts["items"].([]int); len(nums) != 2 || nums[0] != 2 || nums[1] != 3 {
		t.Errorf("facts %+v", fs[0].Facts)
	}
	if fs := assist.LintMedia(g, items[:1]); len(fs) != 0 {
		t.Errorf("described items: %+v", fs)
	}
	if fs := assist.LintMedia(g, nil); len(fs) != 0 {
		t.Errorf("no items: %+v", fs)
	}
}

// noise is a w×h PNG that does not compress (larger than what is sent
// as it is).
func noise(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// SuggestAlt sends the picture as a data: URL in a multi-content message
// (a small one as it is, a large one downscaled), with the post's text as
// context, and returns the answer cleaned.
func TestSuggestAlt(t *testing.T) {
	small := noise(t, 20, 10)
	large := noise(t, 1200, 600)
	if len(large) <= 1<<20 {
		t.Fatalf("test bug: the large picture has %d bytes", len(large))
	}
	f := newFixture(t, assist.Config{Vision: true}, assisttest.Answer{Content: "“Colourful static.”"})
	for _, c := range []struct {
		name   string
		b      []byte
		w, h   int
		prefix string
	}{{"Small", small, 20, 10, "data:image/png;base64,"}, {"Large", large, 1200, 600, "data:image/jpeg;base64,"}} {
		t.Run(c.name, func(t *testing.T) {
			alt, err := f.svc.SuggestAlt(t.Context(), acme, assist.Picture{Name: "static.png", Type: "image/png", Width: c.w, Height: c.h,
				Size: int64(len(c.b)), Bytes: bytes.NewReader(c.b), PostText: "Our new store opens Monday"})
			if err != nil || alt != "Colourful static." {
				t.Fatalf("SuggestAlt = %q, %v", alt, err)
			}
			reqs := f.srv.Requests()
			msg := reqs[len(reqs)-1].Messages[1]
			if len(msg.MultiContent) != 2 || !strings.Contains(msg.MultiContent[0].Text, "Our new store opens Monday") {
				t.Fatalf("user message %+v", msg)
			}
			url := msg.MultiContent[1].ImageURL.URL
			if !strings.HasPrefix(url, c.prefix) {
				t.Fatalf("image URL starts %.40q; want %q", url, c.prefix)
			}
			raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(url, c.prefix))
			if err != nil {
				t.Fatal(err)
			}
			if c.name == "Small" && !bytes.Equal(raw, small) {
				t.Errorf("a small picture is not sent as it is")
			}
			if c.name == "Large" {
				cfg, err := jpeg.DecodeConfig(bytes.NewReader(raw))
				if err != nil || cfg.Width != 1024 || cfg.Height != 512 {
					t.Errorf("the downscaled copy: %+v, %v; want 1024×512", cfg, err)
				}
			}
		})
	}
	t.Run("ErrVideo", func(t *testing.T) {
		_, err := f.svc.SuggestAlt(t.Context(), acme, assist.Picture{Name: "clip.mp4", Type: "video/mp4", Bytes: strings.NewReader("")})
		if he := herald.AsError(err); he == nil || he.Reason != assist.ReasonNotAPicture {
			t.Errorf("a video: %v", err)
		}
	})
	t.Run("ErrTextOnly", func(t *testing.T) {
		f := newFixture(t, assist.Config{}, assisttest.Answer{Content: "x"})
		_, err := f.svc.SuggestAlt(t.Context(), acme, assist.Picture{Name: "a.png", Type: "image/png", Size: int64(len(small)), Bytes: bytes.NewReader(small)})
		if he := herald.AsError(err); he == nil || he.Reason != assist.ReasonNoVision || len(f.srv.Requests()) != 0 {
			t.Errorf("without vision: %v, %d requests", err, len(f.srv.Requests()))
		}
	})
	t.Run("ErrNoLLM", func(t *testing.T) {
		svc := assist.NewService(&memStore{}, nil, nil, nil, assist.Options{})
		if _, err := svc.SuggestAlt(t.Context(), acme, assist.Picture{Type: "image/png"}); herald.ErrorCode(err) != herald.EUNAVAILABLE || svc.Vision() {
			t.Errorf("without an LLM: %v", err)
		}
	})
}
