package media_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/draw"
	_ "image/jpeg"
	_ "image/png"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	_ "golang.org/x/image/webp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/mediatest"
)

func strip(t testing.TB, name string, data []byte) (media.Item, []byte, error) {
	t.Helper()
	var out bytes.Buffer
	item, err := media.Strip(name, bytes.NewReader(data), int64(len(data)), &out)
	return item, out.Bytes(), err
}

// samePixels decodes both images fully and compares them pixel by pixel.
func samePixels(t *testing.T, a, b []byte) {
	t.Helper()
	ia, _, err := image.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatalf("decoding the input: %v", err)
	}
	ib, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decoding the stripped image: %v", err)
	}
	ra, rb := image.NewRGBA(ia.Bounds()), image.NewRGBA(ib.Bounds())
	draw.Draw(ra, ra.Bounds(), ia, ia.Bounds().Min, draw.Src)
	draw.Draw(rb, rb.Bounds(), ib, ib.Bounds().Min, draw.Src)
	if ra.Bounds() != rb.Bounds() || !bytes.Equal(ra.Pix, rb.Pix) {
		t.Fatal("the stripped image's pixels differ from the input's")
	}
}

// orientationOf finds the EXIF orientation left in a stripped file (0 when
// none): the only tag a stripped file may keep.
func orientationOf(b []byte) int {
	i := bytes.Index(b, []byte{0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01})
	if i < 0 {
		return 0
	}
	return int(binary.BigEndian.Uint16(b[i+8:]))
}

func TestStripImages(t *testing.T) {
	tests := []struct {
		name        string
		data        []byte
		typ         string
		w, h        int // as shown
		orientation int // kept in the output, 0 for none
	}{
		{"OKRealGPS", mustRead(t, "testdata/DSCN0010.jpg"), "image/jpeg", 640, 480, 0},
		{"OKRealOrientation6", mustRead(t, "testdata/portrait_6.jpg"), "image/jpeg", 450, 600, 6},
		{"OKRealXMP", mustRead(t, "testdata/BlueSquare.jpg"), "image/jpeg", 360, 216, 0},
		{"OKJPEGOrientation8", mediatest.JPEG(t, 64, 48, 8), "image/jpeg", 48, 64, 8},
		{"OKJPEGUpright", mediatest.JPEG(t, 64, 48, 1), "image/jpeg", 64, 48, 0},
		{"OKPNGOrientation3", mediatest.PNG(t, 30, 20, 3), "image/png", 30, 20, 3},
		{"OKPNG", mediatest.PNG(t, 30, 20, 0), "image/png", 30, 20, 0},
		{"OKWebP", mediatest.WebP(t), "image/webp", 400, 301, 0},
		{"OKGIF", mediatest.GIF(t, 30, 20), "image/gif", 30, 20, 0},
		{"OKWebPSimple", mustRead(t, "testdata/blue-purple-pink.lossy.webp"), "image/webp", 150, 100, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			item, out, err := strip(t, "in", tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if got := mediatest.Leaks(tt.typ, out); len(got) > 0 {
				t.Errorf("the stripped file leaks %v", got)
			}
			if bytes.Contains(out, []byte(mediatest.GPSText)) {
				t.Error("the stripped file still holds the latitude")
			}
			if item.Type != tt.typ || item.Width != tt.w || item.Height != tt.h || item.Size != int64(len(out)) {
				t.Errorf("item %+v, want %s %d×%d of %d bytes", item, tt.typ, tt.w, tt.h, len(out))
			}
			if got := orientationOf(out); got != tt.orientation {
				t.Errorf("orientation %d kept, want %d", got, tt.orientation)
			}
			samePixels(t, tt.data, out)
		})
	}
}

func TestStripRealGPSSampleHadGPS(t *testing.T) {
	if got := mediatest.Leaks("image/jpeg", mustRead(t, "testdata/DSCN0010.jpg")); !strings.Contains(strings.Join(got, " "), "0x8825") {
		t.Fatalf("the sample should carry a GPS IFD; leaks found %v", got)
	}
}

func TestStripPNGKeepsOtherText(t *testing.T) {
	_, out, err := strip(t, "in.png", mediatest.PNG(t, 8, 8, 0))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte("Title\x00Launch day")) {
		t.Error("a plain Title text chunk was dropped")
	}
	if bytes.HasSuffix(out, []byte("trailing bytes")) {
		t.Error("bytes after IEND were kept")
	}
}

func TestStripWebPHeader(t *testing.T) {
	_, out, err := strip(t, "in.webp", mediatest.WebP(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := binary.LittleEndian.Uint32(out[4:]); int(got) != len(out)-8 {
		t.Errorf("RIFF size %d, file of %d bytes", got, len(out))
	}
	if out[20]&0x0C != 0 || out[20]&0x10 == 0 {
		t.Errorf("VP8X flags %#x: EXIF/XMP should be cleared, alpha kept", out[20])
	}
}

// with is an accepted video changed by f.
func with(f func(*mediatest.VideoOpts)) []byte {
	o := mediatest.H264()
	f(&o)
	return mediatest.Video(o)
}

func TestStripVideo(t *testing.T) {
	ok := mediatest.H264()
	tests := []struct {
		name string
		data []byte
		want media.Item
	}{
		{"OKMP4", mediatest.Video(ok), media.Item{Type: "video/mp4", Width: 1920, Height: 1080, Duration: 12 * time.Second}},
		{"OKMOV", with(func(o *mediatest.VideoOpts) { o.Brand = "qt  " }), media.Item{Type: "video/quicktime", Width: 1920, Height: 1080, Duration: 12 * time.Second}},
		{"OKNoAudio", with(func(o *mediatest.VideoOpts) { o.Audio = "" }), media.Item{Type: "video/mp4", Width: 1920, Height: 1080, Duration: 12 * time.Second}},
		{"OKAVC3MoovAtEnd", with(func(o *mediatest.VideoOpts) { o.Video, o.MoovAtEnd = "avc3", true }), media.Item{Type: "video/mp4", Width: 1920, Height: 1080, Duration: 12 * time.Second}},
		{"OKLargeMdat", with(func(o *mediatest.VideoOpts) { o.LargeMdat = true }), media.Item{Type: "video/mp4", Width: 1920, Height: 1080, Duration: 12 * time.Second}},
		{"OKMdatToTheEnd", with(func(o *mediatest.VideoOpts) { o.ZeroSizeMdat = true }), media.Item{Type: "video/mp4", Width: 1920, Height: 1080, Duration: 12 * time.Second}},
		{"OKPortrait", with(func(o *mediatest.VideoOpts) { o.Rotate, o.Duration = true, 900 }), media.Item{Type: "video/mp4", Width: 1080, Height: 1920, Duration: 1500 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			item, out, err := strip(t, "clip.mp4", tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if len(out) != len(tt.data) {
				t.Errorf("stripped %d bytes into %d: offsets moved", len(tt.data), len(out))
			}
			if got := mediatest.Leaks(item.Type, out); len(got) > 0 || bytes.Contains(out, []byte(mediatest.GPSText)) {
				t.Errorf("the stripped video leaks %v", got)
			}
			got := media.Item{Type: item.Type, Width: item.Width, Height: item.Height, Duration: item.Duration}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("item (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStripVideoRefuses(t *testing.T) {
	ok := mediatest.H264()
	full := mediatest.Video(ok)
	overrun := append([]byte(nil), full...)
	binary.BigEndian.PutUint32(overrun[24:], 1<<30) // moov larger than the file
	tests := []struct {
		name, reason, codec string
		data                []byte
	}{
		{"ErrHEVC", media.ReasonUnsupported, "HEVC, hvc1", with(func(o *mediatest.VideoOpts) { o.Video = "hvc1" })},
		{"ErrHEV1", media.ReasonUnsupported, "HEVC, hev1", with(func(o *mediatest.VideoOpts) { o.Video = "hev1" })},
		{"ErrAC3Audio", media.ReasonUnsupported, "AC-3, ac-3", with(func(o *mediatest.VideoOpts) { o.Audio = "ac-3" })},
		{"ErrNoVideoTrack", media.ReasonUnsupported, "no video track", mediatest.Box("ftyp", []byte("isom\x00\x00\x00\x00isom"))},
		{"ErrTruncated", media.ReasonUnreadable, "", full[:len(full)-10]},
		{"ErrOverrun", media.ReasonUnreadable, "", overrun},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := strip(t, "clip.mp4", tt.data)
			e := herald.AsError(err)
			if e == nil || e.Reason != tt.reason || (tt.codec != "" && e.Facts["codec"] != tt.codec) {
				t.Fatalf("Strip: %v (%+v), want %s %q", err, e, tt.reason, tt.codec)
			}
		})
	}
}
