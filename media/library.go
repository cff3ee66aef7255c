package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"

	"github.com/heraldhq/herald"
)

// Reasons of the errors Add returns, with the facts each carries.
const (
	ReasonTooLarge    = "media.too_large"       // "name", "max" (bytes)
	ReasonUnsupported = "media.unsupported"     // "name", "type" (what the bytes are, "" when unknown); "codec" for videos
	ReasonUnreadable  = "media.unreadable"      // "name": the bytes do not decode as their type
	ReasonTooManyPx   = "media.too_many_pixels" // "name", "width", "height", "max" (pixels)
	ReasonCutShort    = "media.cut_short"       // the upload stopped before its end (a network or client failure)
)

// DefaultMax is the largest item Add accepts unless told otherwise: 100 MB
// as Herald writes sizes (Bytes: powers of 1000), so people read "100 MB"
// and not "104.9 MB".
const DefaultMax = 100_000_000

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
// stores it: the size is bounded while reading (reading stops at Max), the
// type comes from the bytes (never the name), location and other metadata
// are stripped without recompressing (see Strip), images are decoded only
// far enough to know their dimensions, which are bounded, and videos must
// be H.264 with AAC or no audio. The stored bytes, the SHA-256 and the
// size are those of the stripped item. It returns the stored item, without
// alt text. Bad input is an EINVALID error with one of the Reason
// constants; nothing is stored then.
func (l *Library) Add(ctx context.Context, name string, r io.Reader) (Item, error) {
	max := l.Max
	if max <= 0 {
		max = DefaultMax
	}
	raw, n, err := l.spool(r, max)
	if raw != nil {
		defer removeTemp(raw)
	}
	if err != nil {
		if errors.Is(err, errTooLarge) {
			return Item{}, TooLarge(name, max)
		}
		return Item{}, err
	}
	out, err := os.CreateTemp(l.TempDir, "herald-media-*")
	if err != nil {
		return Item{}, herald.Internal(err)
	}
	defer removeTemp(out)
	item, err := Strip(name, raw, n, out)
	if err != nil {
		return Item{}, err
	}
	if _, err := out.Seek(0, io.SeekStart); err != nil {
		return Item{}, herald.Internal(err)
	}
	if err := l.Store.Put(ctx, item.SHA256, out, item.Size); err != nil {
		return Item{}, err
	}
	return item, nil
}

var errTooLarge = errors.New("too large")

// spool copies r to a temporary file, reading at most max+1 bytes:
// errTooLarge when there are more than max.
func (l *Library) spool(r io.Reader, max int64) (*os.File, int64, error) {
	f, err := os.CreateTemp(l.TempDir, "herald-upload-*")
	if err != nil {
		return nil, 0, herald.Internal(err)
	}
	n, err := io.Copy(f, io.LimitReader(r, max+1))
	if e := herald.AsError(err); e != nil && e.Reason == ReasonTooLarge {
		return f, n, errTooLarge // the reader's own bound (a chat platform's download)
	}
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return f, n, herald.Internal(err)
		}
		return f, n, herald.Errorf(herald.EUNAVAILABLE, "Could not read the file: %v", err).Because(ReasonCutShort, nil)
	}
	if n > max {
		return f, n, errTooLarge
	}
	return f, n, nil
}

// TooLarge is the refusal of the file called name for being over max
// bytes (ReasonTooLarge), wherever the size is found out: the library while
// reading, a download from the size announced, a link from its
// Content-Length.
func TooLarge(name string, max int64) error {
	return herald.Errorf(herald.EINVALID, "%s is larger than %s.", name, Bytes(max)).
		Because(ReasonTooLarge, herald.Facts{"name": name, "max": max})
}

func removeTemp(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

// Strip reads the n bytes of an item from src, checks it and writes it to
// dst without its metadata (the streaming transform Add stores). It
// returns the item as written: type, size, SHA-256, dimensions, duration.
func Strip(name string, src io.ReaderAt, n int64, dst io.Writer) (Item, error) {
	head := make([]byte, 512)
	k, err := src.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return Item{}, herald.Internal(err)
	}
	typ := Sniff(head[:k])
	if typ == "" {
		return Item{}, unsupported(name, "", "")
	}
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(dst, h)}
	item := Item{Type: typ, Name: name}
	if err := transform(&item, src, n, cw); err != nil {
		if cw.err != nil {
			return Item{}, herald.Internal(cw.err)
		}
		var he *herald.Error
		if errors.As(err, &he) {
			return Item{}, he
		}
		return Item{}, unreadable(name, typ)
	}
	item.Size = cw.n
	item.SHA256 = hex.EncodeToString(h.Sum(nil))
	return item, nil
}

// countWriter counts what it writes and keeps the first error.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

func unsupported(name, typ, codec string) *herald.Error {
	facts := herald.Facts{"name": name, "type": typ}
	if codec != "" {
		facts["codec"] = codec
		return herald.Errorf(herald.EINVALID, "%s is a video Herald cannot publish (%s): only H.264 video with AAC audio or none, in MP4 or MOV.", name, codec).
			Because(ReasonUnsupported, facts)
	}
	return herald.Errorf(herald.EINVALID, "%s is not a JPEG, PNG, GIF, WebP, MP4 or MOV file.", name).
		Because(ReasonUnsupported, facts)
}

func unreadable(name, typ string) *herald.Error {
	return herald.Errorf(herald.EINVALID, "%s is not a readable %s file.", name, typeWord(typ)).
		Because(ReasonUnreadable, herald.Facts{"name": name})
}

// typeWord names a type as people know it.
func typeWord(typ string) string {
	return map[string]string{"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WebP",
		"video/mp4": "MP4", "video/quicktime": "MOV"}[typ]
}
