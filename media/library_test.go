package media_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/media/local"
	"github.com/heraldhq/herald/media/mediatest"
)

func newLibrary(t *testing.T, max int64) (*media.Library, *local.Store) {
	t.Helper()
	st, err := local.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &media.Library{Store: st, Max: max, TempDir: t.TempDir()}, st
}

func stored(t *testing.T, st media.Store, sum string) []byte {
	t.Helper()
	b, err := st.Open(context.Background(), sum)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	data, err := io.ReadAll(b)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func reasonOf(err error) string {
	if e := herald.AsError(err); e != nil {
		return e.Reason
	}
	return ""
}

func countStored(t *testing.T, st media.Store) int {
	n := 0
	st.Walk(context.Background(), func(string, time.Time) error { n++; return nil })
	return n
}

func TestAddRefuses(t *testing.T) {
	webp := mustRead(t, "testdata/blue-purple-pink.lossy.webp")
	tests := []struct {
		name   string
		file   string
		data   []byte
		reason string
	}{
		{"ErrHTMLNamedJPEG", "photo.jpg", []byte("<!doctype html><html><script>alert(1)</script></html>"), media.ReasonUnsupported},
		{"ErrEmpty", "empty.png", nil, media.ReasonUnsupported},
		{"ErrHEIC", "photo.heic", append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 100)...), media.ReasonUnsupported},
		{"ErrTruncatedJPEG", "cut.jpg", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF"), media.ReasonUnreadable},
		{"ErrTruncatedWebP", "cut.webp", webp[:40], media.ReasonUnreadable},
		{"ErrPNGBomb", "bomb.png", pngBomb(), media.ReasonTooManyPx},
		{"ErrGIFBomb", "bomb.gif", []byte("GIF89a\xff\xff\xff\xff\x00\x00\x00;"), media.ReasonTooManyPx},
		{"ErrJPEGBomb", "bomb.jpg", jpegBomb(), media.ReasonTooManyPx},
		{"ErrWebPBomb", "bomb.webp", webpBomb(), media.ReasonTooManyPx},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib, st := newLibrary(t, 0)
			_, err := lib.Add(context.Background(), tt.file, bytes.NewReader(tt.data))
			if got := reasonOf(err); got != tt.reason {
				t.Fatalf("Add: %v (reason %q), want reason %q", err, got, tt.reason)
			}
			if herald.ErrorCode(err) != herald.EINVALID {
				t.Errorf("code %q, want EINVALID", herald.ErrorCode(err))
			}
			if n := countStored(t, st); n != 0 {
				t.Errorf("%d items stored after a refusal", n)
			}
		})
	}
}

// countingReader yields endless JPEG-looking bytes and counts what is read.
type countingReader struct{ n int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 0xFF
	}
	c.n += int64(len(p))
	return len(p), nil
}

func TestAddCutsOversizedUploadAtTheLimit(t *testing.T) {
	lib, st := newLibrary(t, 64<<10)
	r := &countingReader{}
	_, err := lib.Add(context.Background(), "huge.jpg", r)
	if reasonOf(err) != media.ReasonTooLarge {
		t.Fatalf("Add: %v, want %s", err, media.ReasonTooLarge)
	}
	if r.n > 64<<10+1 {
		t.Errorf("read %d bytes of an endless upload, want at most the limit + 1 (%d)", r.n, 64<<10+1)
	}
	e := herald.AsError(err)
	if e.Facts["max"] != int64(64<<10) || e.Facts["name"] != "huge.jpg" {
		t.Errorf("facts %v", e.Facts)
	}
	if countStored(t, st) != 0 {
		t.Error("stored an oversized upload")
	}
	// exactly at the limit is fine
	data := mediatest.JPEG(t, 40, 30, 0)
	lib.Max = int64(len(data))
	if _, err := lib.Add(context.Background(), "fits.jpg", bytes.NewReader(data)); err != nil {
		t.Errorf("an upload of exactly Max bytes: %v", err)
	}
}

func TestAddTypeFromBytes(t *testing.T) {
	lib, st := newLibrary(t, 0)
	data := mediatest.PNG(t, 30, 20, 0)
	item, err := lib.Add(context.Background(), "really-a-png.jpg", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if item.Type != "image/png" || item.Width != 30 || item.Height != 20 || item.Name != "really-a-png.jpg" {
		t.Errorf("item %+v", item)
	}
	got := stored(t, st, item.SHA256)
	sum := sha256.Sum256(got)
	if hex.EncodeToString(sum[:]) != item.SHA256 || int64(len(got)) != item.Size {
		t.Errorf("the sum and size are not those of the stored bytes")
	}
	again, err := lib.Add(context.Background(), "again.png", bytes.NewReader(data))
	if err != nil || again.SHA256 != item.SHA256 || countStored(t, st) != 1 {
		t.Errorf("the same bytes twice: %v, %d stored", err, countStored(t, st))
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestAddReadFailure(t *testing.T) {
	lib, _ := newLibrary(t, 0)
	_, err := lib.Add(context.Background(), "x.jpg", io.MultiReader(strings.NewReader("\xFF\xD8"), failingReader{}))
	if herald.ErrorCode(err) != herald.EUNAVAILABLE {
		t.Errorf("Add: %v, want EUNAVAILABLE", err)
	}
}

// TestAddReaderOwnBound: a reader that stops at a bound of its own (a chat
// platform's download, capped at HERALD_MEDIA_MAX) with a ReasonTooLarge
// error is refused as too large under the item's name — not as a read
// failure to try again — and nothing is stored.
func TestAddReaderOwnBound(t *testing.T) {
	lib, st := newLibrary(t, 1000)
	cut := herald.Errorf(herald.EINVALID, "The file is larger than 1 KB.").Because(media.ReasonTooLarge, herald.Facts{"name": "The file", "max": int64(1000)})
	_, err := lib.Add(context.Background(), "clip.mp4", io.MultiReader(strings.NewReader(strings.Repeat("x", 999)), errReader{cut}))
	e := herald.AsError(err)
	if reasonOf(err) != media.ReasonTooLarge || e.Code != herald.EINVALID || e.Facts["name"] != "clip.mp4" {
		t.Errorf("Add: %v (%+v), want EINVALID %s naming clip.mp4", err, e, media.ReasonTooLarge)
	}
	if countStored(t, st) != 0 {
		t.Error("stored a cut upload")
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
