package media_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"io"
	"math/rand"
	"sync"
	"testing"

	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/local"
	"github.com/heraldhq/herald/media/mediatest"
)

var (
	bigOnce        sync.Once
	bigJPEG, bigMP bytes.Buffer
)

// bigFiles makes, once: a 4000×3000 JPEG of noise at quality 95 (about
// 10 MB, the size of a camera photo) with EXIF GPS, XMP and IPTC in
// front; an MP4 of 64 MB of media data with location boxes.
func bigFiles(b *testing.B) ([]byte, []byte) {
	bigOnce.Do(func() {
		img := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
		rng := rand.New(rand.NewSource(1))
		rng.Read(img.Y)
		rng.Read(img.Cb)
		rng.Read(img.Cr)
		var enc bytes.Buffer
		jpeg.Encode(&enc, img, &jpeg.Options{Quality: 95})
		meta := mediatest.JPEG(b, 8, 8, 6) // metadata segments of a small one
		cut := bytes.Index(meta, []byte{0xFF, 0xDB})
		bigJPEG.Write(meta[:cut])
		bigJPEG.Write(enc.Bytes()[2:])
		o := mediatest.H264()
		o.Mdat = 64 << 20
		bigMP.Write(mediatest.Video(o))
	})
	return bigJPEG.Bytes(), bigMP.Bytes()
}

// BenchmarkStrip is the streaming transform alone: sniff, header decode,
// strip and SHA-256, from memory to nowhere.
func BenchmarkStrip(b *testing.B) {
	jpg, mp4 := bigFiles(b)
	for _, f := range []struct {
		name string
		data []byte
	}{{"JPEG", jpg}, {"MP4", mp4}} {
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(f.data)))
			for b.Loop() {
				if _, err := media.Strip("f", bytes.NewReader(f.data), int64(len(f.data)), io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAdd is the whole Library.Add on disk: spool the upload to a
// temporary file, strip and hash into a second, store in a local
// directory (fsync, rename). Each run stores new bytes (one byte of the
// media data changes) so nothing is deduplicated away.
func BenchmarkAdd(b *testing.B) {
	jpg, mp4 := bigFiles(b)
	for _, f := range []struct {
		name string
		data []byte
		at   int // a byte that changes each run (in the ICC profile, the media data)
	}{{"JPEG", jpg, bytes.Index(jpg, []byte("fakeprofile"))}, {"MP4", mp4, len(mp4) - 100}} {
		b.Run(f.name, func(b *testing.B) {
			st, _ := local.Open(b.TempDir())
			lib := &media.Library{Store: st, TempDir: b.TempDir()}
			data := append([]byte(nil), f.data...)
			b.SetBytes(int64(len(data)))
			i := 0
			for b.Loop() {
				i++
				data[f.at] = byte(i)
				if _, err := lib.Add(context.Background(), "f", bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
