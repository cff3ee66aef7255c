// Package media holds the pictures and videos of drafts: items identified
// by the SHA-256 of their bytes, a content-addressed Store (a local
// directory or an S3-compatible service, edges under media/), the Library
// that takes bytes from outside (type read from the bytes, size bounded while
// reading, dimensions checked, location metadata stripped) and signed,
// expiring links for networks that fetch media by URL.
package media

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// Item is one picture or video on a revision. Everything but Alt and Name
// is read from the stored bytes; two items with the same SHA256 are the
// same bytes.
type Item struct {
	SHA256   string        // hex SHA-256 of the stored (stripped) bytes
	Type     string        // image/jpeg, image/png, image/gif, image/webp, video/mp4, video/quicktime
	Size     int64         // bytes
	Width    int           // pixels
	Height   int           // pixels
	Duration time.Duration // videos only
	Name     string        // the file name people gave it, for people only
	Alt      string        // alt text; empty until someone writes it
}

// Video reports whether the item is a video.
func (i Item) Video() bool { return strings.HasPrefix(i.Type, "video/") }

// Describe words the item as the audit and the console show it:
// "photo.jpg, 1080×1350, 412 KB" (videos add their duration).
func (i Item) Describe() string {
	s := fmt.Sprintf("%s, %d×%d, %s", i.Name, i.Width, i.Height, Bytes(i.Size))
	if i.Video() && i.Duration > 0 {
		s += ", " + i.Duration.Round(time.Second).String()
	}
	return s
}

// exts are the usual file extensions of the types Herald stores.
var exts = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
	"video/mp4": ".mp4", "video/quicktime": ".mov"}

// Ext is the usual file extension of a stored media type (".jpg"), "" for
// another type: a name for an item uploaded without the one people gave it.
func Ext(typ string) string { return exts[typ] }

// Bytes words a size as people read it: 412 KB, 3.4 MB.
func Bytes(n int64) string {
	switch {
	case n >= 1_000_000_000:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1_000:
		return fmt.Sprintf("%d KB", n/1_000)
	}
	return fmt.Sprintf("%d B", n)
}

// Blob is a stored item's bytes, readable in any order (range requests).
type Blob interface {
	io.ReadSeekCloser
	Size() int64
}

// Store keeps bytes by their SHA-256. Implementations: media/local (a
// directory) and media/s3 (an S3-compatible service).
type Store interface {
	// Put stores size bytes read from r under sum, the hex SHA-256 of
	// those bytes. Storing a sum that is already there changes nothing.
	// The caller has already checked the sum.
	Put(ctx context.Context, sum string, r io.Reader, size int64) error
	// Open returns the bytes stored under sum; ENOTFOUND when there are
	// none.
	Open(ctx context.Context, sum string) (Blob, error)
	// Delete removes the bytes under sum; deleting a missing sum is not an
	// error.
	Delete(ctx context.Context, sum string) error
	// Walk calls fn with every stored sum and when it was stored, in no
	// particular order, until fn returns an error.
	Walk(ctx context.Context, fn func(sum string, stored time.Time) error) error
	// Where says where the bytes live and how to copy them, for operators
	// (herald backup, doctor).
	Where() string
}
