package media

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

var errNotJPEG = errors.New("not a JPEG")

// stripJPEG copies the JPEG read from r to w without its metadata: every
// APPn segment but JFIF/JFXX (APP0), ICC profiles (APP2 ICC_PROFILE) and
// Adobe's (APP14) is left out — EXIF and XMP (APP1), Photoshop/IPTC
// (APP13), MPF, maker segments — as are comments and anything after the
// end of the image (where MPF keeps secondary images with their own EXIF).
// The image data is copied byte for byte: nothing is recompressed. When
// the EXIF left out held an Orientation other than 1, a minimal EXIF with
// only that tag takes its place. It returns the orientation.
func stripJPEG(r io.Reader, w io.Writer) (orientation int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(w, 64<<10)
	orientation = 1
	var soi [2]byte
	if _, err := io.ReadFull(br, soi[:]); err != nil || soi != [2]byte{0xFF, 0xD8} {
		return 1, errNotJPEG
	}
	bw.Write(soi[:])
	wroteOrientation := false
	for {
		m, err := nextMarker(br, bw)
		if err != nil {
			return orientation, err
		}
		switch {
		case m == 0xD9: // EOI: the end; what follows is dropped
			bw.Write([]byte{0xFF, m})
			return orientation, bw.Flush()
		case m == 0x01 || m >= 0xD0 && m <= 0xD7: // no length
			bw.Write([]byte{0xFF, m})
			continue
		}
		seg, err := readSegment(br)
		if err != nil {
			return orientation, err
		}
		if m == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) && !wroteOrientation {
			if o := exifOrientation(seg[6:]); o != 1 {
				orientation = o
				writeSegment(bw, 0xE1, append([]byte("Exif\x00\x00"), orientationTIFF(o)...))
				wroteOrientation = true
			}
		}
		if keepJPEGSegment(m, seg) {
			writeSegment(bw, m, seg)
		}
		if m == 0xDA { // SOS: entropy-coded data follows
			if err := copyScan(br, bw); err != nil {
				return orientation, err
			}
		}
	}
}

// keepJPEGSegment says whether a segment with a length is copied.
func keepJPEGSegment(m byte, seg []byte) bool {
	switch {
	case m == 0xE0:
		return bytes.HasPrefix(seg, []byte("JFIF\x00")) || bytes.HasPrefix(seg, []byte("JFXX\x00"))
	case m == 0xE2:
		return bytes.HasPrefix(seg, []byte("ICC_PROFILE\x00"))
	case m == 0xEE:
		return bytes.HasPrefix(seg, []byte("Adobe"))
	case m >= 0xE0 && m <= 0xEF, m == 0xFE: // other APPn, COM
		return false
	}
	return true
}

// nextMarker reads the next marker (0xFF, fill bytes, code) and returns
// its code.
func nextMarker(br *bufio.Reader, bw *bufio.Writer) (byte, error) {
	b, err := br.ReadByte()
	if err != nil {
		return 0, unexpected(err)
	}
	if b != 0xFF {
		return 0, fmt.Errorf("%w: byte %#x where a marker belongs", errNotJPEG, b)
	}
	for b == 0xFF {
		if b, err = br.ReadByte(); err != nil {
			return 0, unexpected(err)
		}
	}
	if b == 0 {
		return 0, fmt.Errorf("%w: empty marker", errNotJPEG)
	}
	return b, nil
}

// readSegment reads a segment's length and body (at most 65533 bytes).
func readSegment(br *bufio.Reader) ([]byte, error) {
	var l [2]byte
	if _, err := io.ReadFull(br, l[:]); err != nil {
		return nil, unexpected(err)
	}
	n := int(l[0])<<8 | int(l[1])
	if n < 2 {
		return nil, fmt.Errorf("%w: segment length %d", errNotJPEG, n)
	}
	seg := make([]byte, n-2)
	if _, err := io.ReadFull(br, seg); err != nil {
		return nil, unexpected(err)
	}
	return seg, nil
}

func writeSegment(bw *bufio.Writer, m byte, seg []byte) {
	n := len(seg) + 2
	bw.Write([]byte{0xFF, m, byte(n >> 8), byte(n)})
	bw.Write(seg)
}

// copyScan copies entropy-coded data up to the next marker that is not a
// stuffed byte (FF00) or a restart (FFD0..FFD7), and leaves that marker's
// marker unread.
func copyScan(br *bufio.Reader, bw *bufio.Writer) error {
	for {
		chunk, err := br.ReadSlice(0xFF)
		if errors.Is(err, bufio.ErrBufferFull) {
			bw.Write(chunk)
			continue
		}
		if err != nil {
			return unexpected(err)
		}
		bw.Write(chunk[:len(chunk)-1])
		br.UnreadByte() // the 0xFF, read last
		next, err := br.Peek(2)
		if err != nil {
			return unexpected(err)
		}
		if c := next[1]; c == 0x00 || c >= 0xD0 && c <= 0xD7 {
			bw.Write(next)
			br.Discard(2)
			continue
		}
		return nil
	}
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
