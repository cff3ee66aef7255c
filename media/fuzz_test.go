package media_test

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/mediatest"
)

// seeds are real and generated files of every accepted type, and some
// that are refused.
func seeds(f *testing.F) [][]byte {
	paths, _ := filepath.Glob("testdata/*.*")
	var out [][]byte
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || st.Size() > 32<<10 || filepath.Ext(p) == ".md" { // small seeds: the fuzzer mutates large ones slowly
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	hevc := mediatest.H264()
	hevc.Video = "hvc1"
	mov := mediatest.H264()
	mov.Brand, mov.MoovAtEnd, mov.Mdat = "qt  ", true, 10
	return append(out, mediatest.JPEG(f, 16, 8, 6), mediatest.PNG(f, 9, 7, 8), mediatest.WebP(f), mediatest.GIF(f, 6, 5),
		mediatest.Video(mediatest.H264()), mediatest.Video(hevc), mediatest.Video(mov),
		pngBomb(), jpegBomb(), webpBomb(), []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), []byte("<html>"))
}

func FuzzSniff(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s[:min(len(s), 64)])
	}
	accepted := map[string]bool{"": true, "image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true, "video/mp4": true, "video/quicktime": true}
	f.Fuzz(func(t *testing.T, head []byte) {
		if typ := media.Sniff(head); !accepted[typ] {
			t.Fatalf("Sniff = %q", typ)
		}
	})
}

// FuzzStrip feeds the strippers (JPEG, PNG, WebP; videos too): they never
// panic, what they write never leaks metadata, an image keeps its
// dimensions and a video its length.
func FuzzStrip(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(checkStrip)
}

// FuzzVideo is FuzzStrip seeded with videos only, to spend the fuzzing on
// the box parser: sizes, 64-bit and to-the-end boxes, nesting, sample
// entries, QuickTime metadata keys.
func FuzzVideo(f *testing.F) {
	for _, o := range []func(*mediatest.VideoOpts){
		func(*mediatest.VideoOpts) {},
		func(o *mediatest.VideoOpts) { o.Brand, o.MoovAtEnd, o.Mdat = "qt  ", true, 10 },
		func(o *mediatest.VideoOpts) { o.LargeMdat, o.Video, o.Mdat = true, "hvc1", 4 },
		func(o *mediatest.VideoOpts) { o.ZeroSizeMdat, o.Audio, o.Mdat = true, "", 4 },
		func(o *mediatest.VideoOpts) { o.Rotate, o.Location, o.Mdat = true, false, 4 },
	} {
		f.Add(with(o))
	}
	f.Fuzz(checkStrip)
}

func checkStrip(t *testing.T, data []byte) {
	{
		var out bytes.Buffer
		item, err := media.Strip("f", bytes.NewReader(data), int64(len(data)), &out)
		if err != nil {
			return
		}
		b := out.Bytes()
		if item.Size != int64(len(b)) {
			t.Fatalf("size %d, wrote %d", item.Size, len(b))
		}
		if leaks := mediatest.Leaks(item.Type, b); len(leaks) > 0 {
			t.Fatalf("%s output leaks %v", item.Type, leaks)
		}
		if item.Video() {
			if len(b) != len(data) {
				t.Fatalf("video of %d bytes stripped to %d", len(data), len(b))
			}
			return
		}
		in, _, err1 := image.DecodeConfig(bytes.NewReader(data))
		got, _, err2 := image.DecodeConfig(bytes.NewReader(b))
		if err1 != nil || err2 != nil || in.Width != got.Width || in.Height != got.Height {
			t.Fatalf("config %+v (%v) became %+v (%v)", in, err1, got, err2)
		}
	}
}
