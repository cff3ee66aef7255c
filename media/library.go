package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	_ "image/gif"  // decoders for DecodeConfig
	_ "image/jpeg" // decoders for DecodeConfig
	_ "image/png"  // decoders for DecodeConfig
	"io"
	"os"

	"github.com/heraldhq/herald"
)

// Reasons of the errors Add returns, with the facts each carries.
const (
	ReasonTooLarge    = "media.too_large"       // "name", "max" (bytes)
	ReasonUnsupported = "media.unsupported"     // "name", "type" (what the bytes are, "" when unknown)
	ReasonUnreadable  = "media.unreadable"      // "name": the bytes do not decode as their type
	ReasonTooManyPx   = "media.too_many_pixels" // "name", "width", "height", "max" (pixels)
)

// DefaultMax is the largest item Add accepts unless told otherwise (100 MB).
const DefaultMax = 100 << 20

// Library takes media from outside into the Store.
type Library struct {
	Store Store
	// Max bounds an item's size in bytes, enforced while reading; 0 means
	// DefaultMax.
	Max int64
	// TempDir holds items while they are checked; "" is os.TempDir.
	TempDir string
}

// Add reads one item from r (name is what people called it), checks it and
// stores it: the type comes from the bytes, the size is bounded while
// reading, images are decoded far enough to know their dimensions. It
// returns the stored item, without alt text. Bad input is an EINVALID error
// with one of the Reason constants; nothing is stored then.
func (l *Library) Add(ctx context.Context, name string, r io.Reader) (Item, error) {
	max := l.Max
	if max <= 0 {
		max = DefaultMax
	}
	f, err := os.CreateTemp(l.TempDir, "herald-media-*")
	if err != nil {
		return Item{}, herald.Internal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, max+1))
	if err != nil {
		return Item{}, herald.Errorf(herald.EUNAVAILABLE, "Could not read %s: %v", name, err)
	}
	if n > max {
		return Item{}, herald.Errorf(herald.EINVALID, "%s is larger than %s.", name, Bytes(max)).
			Because(ReasonTooLarge, herald.Facts{"name": name, "max": max})
	}
	item, err := inspect(f, name, n)
	if err != nil {
		return Item{}, err
	}
	item.SHA256 = hex.EncodeToString(h.Sum(nil))
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Item{}, herald.Internal(err)
	}
	if err := l.Store.Put(ctx, item.SHA256, f, n); err != nil {
		return Item{}, err
	}
	return item, nil
}

// maxPixels bounds width × height of an image (a decompression bomb
// declares a huge canvas in a few bytes).
const maxPixels = 100_000_000

// inspect reads the type and dimensions of the n bytes in f.
func inspect(f *os.File, name string, n int64) (Item, error) {
	head := make([]byte, 512)
	k, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return Item{}, herald.Internal(err)
	}
	typ := Sniff(head[:k])
	item := Item{Type: typ, Size: n, Name: name}
	switch typ {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
		cfg, _, err := image.DecodeConfig(io.NewSectionReader(f, 0, n))
		if err != nil {
			return Item{}, herald.Errorf(herald.EINVALID, "%s is not a readable %s.", name, typ).
				Because(ReasonUnreadable, herald.Facts{"name": name})
		}
		if int64(cfg.Width)*int64(cfg.Height) > maxPixels {
			return Item{}, herald.Errorf(herald.EINVALID, "%s is %d×%d pixels, more than Herald accepts.", name, cfg.Width, cfg.Height).
				Because(ReasonTooManyPx, herald.Facts{"name": name, "width": cfg.Width, "height": cfg.Height, "max": maxPixels})
		}
		item.Width, item.Height = cfg.Width, cfg.Height
	case "video/mp4", "video/quicktime":
		// dimensions and duration: read from the container (moov) later
	default:
		return Item{}, herald.Errorf(herald.EINVALID, "%s is not a JPEG, PNG, GIF, WebP, MP4 or MOV file.", name).
			Because(ReasonUnsupported, herald.Facts{"name": name, "type": typ})
	}
	return item, nil
}

// Sniff names the type of the bytes that start with head, among the types
// Herald accepts, or returns "" when they are none of them.
func Sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return "image/gif"
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return "image/webp"
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		if string(head[8:10]) == "qt" {
			return "video/quicktime"
		}
		return "video/mp4"
	}
	return ""
}
