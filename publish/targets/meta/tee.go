package meta

import (
	"io"
	"strings"
)

// teeBody copies what is read of a body into w, so that an error body
// read by publish.Read can be parsed again as the Graph API wrote it.
func teeBody(rc io.ReadCloser, w *strings.Builder) io.ReadCloser {
	return struct {
		io.Reader
		io.Closer
	}{io.TeeReader(rc, w), rc}
}
