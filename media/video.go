package media

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

var errNotVideo = errors.New("not an MP4 or MOV file")

// Bounds of the box tree a video may have.
const (
	maxBoxDepth  = 16
	maxBoxes     = 1 << 20
	maxParsedBox = 1 << 20 // mvhd, tkhd, hdlr, stsd, keys: read whole
)

// videoInfo is what the box tree says of a video.
type videoInfo struct {
	timescale uint32
	duration  uint64
	tracks    []track
}

type track struct {
	handler       string   // vide, soun, …
	codecs        []string // sample entry types: avc1, mp4a, hvc1, …
	width, height int
	rotated       bool // a quarter turn: displayed height × width
}

// containers are the boxes the walker enters.
var containers = map[string]bool{"moov": true, "trak": true, "mdia": true, "minf": true, "stbl": true,
	"udta": true, "meta": true, "ilst": true, "edts": true}

// locationBoxes are the boxes holding where a video was taken: QuickTime
// user data ©xyz, 3GPP loci, and iTunes-style ilst ©xyz items.
var locationBoxes = map[string]bool{"\xa9xyz": true, "loci": true}

// boxWalker copies an ISO base media file box by box, reading the boxes
// that describe the tracks and blanking the location boxes in place (each
// becomes a free box of the same size filled with zeros), so no offset in
// the file moves.
type boxWalker struct {
	r       *bufio.Reader
	w       *bufio.Writer
	info    videoInfo
	cur     *track
	locKeys map[uint32]bool // indices of location keys (moov/meta/keys)
	boxes   int
}

// stripVideo copies the MP4 or MOV read from r to w without location
// metadata and returns what its boxes say.
func stripVideo(r io.Reader, w io.Writer) (videoInfo, error) {
	bw := &boxWalker{r: bufio.NewReaderSize(r, 64<<10), w: bufio.NewWriterSize(w, 64<<10), locKeys: map[uint32]bool{}}
	if err := bw.walk(-1, 0, ""); err != nil {
		return bw.info, err
	}
	return bw.info, bw.w.Flush()
}

// walk copies the boxes of a parent with n bytes of children (-1: the
// file, up to its end).
func (bw *boxWalker) walk(n int64, depth int, parent string) error {
	if depth > maxBoxDepth {
		return fmt.Errorf("%w: boxes nested deeper than %d", errNotVideo, maxBoxDepth)
	}
	for n != 0 {
		hdr, typ, body, err := bw.header(n)
		if errors.Is(err, io.EOF) && n < 0 {
			return nil
		}
		if err != nil {
			return err
		}
		if bw.boxes++; bw.boxes > maxBoxes {
			return fmt.Errorf("%w: more than %d boxes", errNotVideo, maxBoxes)
		}
		if n >= 0 {
			n -= int64(len(hdr)) + body
		}
		if err := bw.box(hdr, typ, body, depth, parent); err != nil {
			return err
		}
	}
	return nil
}

// header reads a box header within the parent's remaining n bytes (-1:
// unbounded) and returns it, the box type and the body's length (-1: to
// the end of the file).
func (bw *boxWalker) header(n int64) (hdr []byte, typ string, body int64, err error) {
	hdr = make([]byte, 8, 16)
	if _, err := io.ReadFull(bw.r, hdr); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, "", 0, io.EOF
		}
		return nil, "", 0, unexpected(err)
	}
	size, typ := int64(binary.BigEndian.Uint32(hdr)), string(hdr[4:8])
	switch size {
	case 0:
		if n >= 0 {
			return nil, "", 0, fmt.Errorf("%w: box %q without size inside another", errNotVideo, typ)
		}
		return hdr, typ, -1, nil
	case 1:
		hdr = hdr[:16]
		if _, err := io.ReadFull(bw.r, hdr[8:]); err != nil {
			return nil, "", 0, unexpected(err)
		}
		size = int64(binary.BigEndian.Uint64(hdr[8:]))
	}
	if size < int64(len(hdr)) || n >= 0 && size > n {
		return nil, "", 0, fmt.Errorf("%w: box %q of %d bytes does not fit", errNotVideo, typ, size)
	}
	return hdr, typ, size - int64(len(hdr)), nil
}

// box copies one box: into containers, reading the descriptive ones,
// blanking location ones.
func (bw *boxWalker) box(hdr []byte, typ string, body int64, depth int, parent string) error {
	switch {
	case bw.location(typ, parent):
		return bw.blank(hdr, body)
	case containers[typ] && body >= 0:
		return bw.container(hdr, typ, body, depth)
	case parsedBoxes[typ] && body >= 0 && body <= maxParsedBox:
		b := make([]byte, body)
		if _, err := io.ReadFull(bw.r, b); err != nil {
			return unexpected(err)
		}
		bw.read(typ, parent, b)
		bw.w.Write(hdr)
		_, err := bw.w.Write(b)
		return err
	}
	bw.w.Write(hdr)
	if body < 0 {
		_, err := io.Copy(bw.w, bw.r)
		return err
	}
	if k, err := io.CopyN(bw.w, bw.r, body); err != nil || k != body {
		return unexpected(errOr(err, io.EOF))
	}
	return nil
}

func (bw *boxWalker) location(typ, parent string) bool {
	if locationBoxes[typ] && (parent == "udta" || parent == "ilst") {
		return true
	}
	return parent == "ilst" && bw.locKeys[binary.BigEndian.Uint32([]byte(typ))]
}

// container copies a container's header and walks its children.
func (bw *boxWalker) container(hdr []byte, typ string, body int64, depth int) error {
	bw.w.Write(hdr)
	if typ == "meta" && body >= 8 { // ISO meta is a full box, QuickTime's is not
		p, err := bw.r.Peek(8)
		if err != nil {
			return unexpected(err)
		}
		if string(p[4:8]) != "hdlr" {
			bw.w.Write(p[:4])
			bw.r.Discard(4)
			body -= 4
		}
	}
	if typ == "trak" { // a trak inside a trak (malformed) is a track of its own
		prev, t := bw.cur, &track{}
		bw.cur = t
		defer func() {
			bw.info.tracks = append(bw.info.tracks, *t)
			bw.cur = prev
		}()
	}
	return bw.walk(body, depth+1, typ)
}

// blank writes a free box of the same size as the one read, its body
// zeros.
func (bw *boxWalker) blank(hdr []byte, body int64) error {
	copy(hdr[4:8], "free")
	bw.w.Write(hdr)
	if body < 0 {
		return fmt.Errorf("%w: location box without size", errNotVideo)
	}
	if k, err := bw.r.Discard(int(body)); err != nil || int64(k) != body {
		return unexpected(errOr(err, io.EOF))
	}
	_, err := io.CopyN(bw.w, zeros{}, body)
	return err
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// Duration is the movie's duration (mvhd).
func (v videoInfo) Duration() time.Duration {
	if v.timescale == 0 {
		return 0
	}
	sec := v.duration / uint64(v.timescale)
	rest := v.duration % uint64(v.timescale)
	if sec > uint64(1<<62)/uint64(time.Second) {
		return 0
	}
	return time.Duration(sec)*time.Second + time.Duration(rest*uint64(time.Second)/uint64(v.timescale))
}
