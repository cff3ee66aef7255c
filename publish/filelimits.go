package publish

import (
	"unicode/utf8"

	"github.com/heraldhq/herald/media"
)

// FileLimits are a network's bounds on the files of one post, for the
// networks whose limits are counts and sizes only (chat platforms).
type FileLimits struct {
	Network string // as people name it: "Discord", "Slack"
	Files   int    // files in one post
	Each    int64  // bytes of one file; 0: only Total bounds it
	Total   int64  // bytes of a post's files together; 0: no bound
	Alt     int    // characters of a file's description; 0: no bound
}

// Check returns the refusal naming the first limit items break (see
// TooManyMedia, MediaTooBig, AltTooLong, MediaTooBigTotal), nil when they
// fit.
func (l FileLimits) Check(items []media.Item) error {
	if len(items) > l.Files {
		return TooManyMedia(l.Network, l.Files, len(items))
	}
	each := l.Each
	if each == 0 {
		each = l.Total
	}
	var total int64
	for i, it := range items {
		if each > 0 && it.Size > each {
			return MediaTooBig(l.Network, i+1, it, each)
		}
		total += it.Size
		if n := utf8.RuneCountInString(it.Alt); l.Alt > 0 && n > l.Alt {
			return AltTooLong(l.Network, i+1, it, n, l.Alt)
		}
	}
	if l.Total > 0 && total > l.Total {
		return MediaTooBigTotal(l.Network, total, l.Total)
	}
	return nil
}
