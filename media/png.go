package media

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

var errNotPNG = errors.New("not a PNG")

const pngSignature = "\x89PNG\r\n\x1a\n"

// maxExifChunk bounds the eXIf bytes read for the orientation; a larger
// chunk is skipped unread (and dropped all the same).
const maxExifChunk = 1 << 20

// stripPNG copies the PNG read from r to w without its metadata: the eXIf
// chunk, and the text chunks (tEXt, zTXt, iTXt) that carry EXIF, XMP or
// IPTC ("Raw profile type …", "XML:com.adobe.xmp") or name a location
// (keywords holding exif, xmp, iptc, gps or location).
// Other chunks are copied byte for byte; what follows IEND is dropped. When
// the eXIf left out held an Orientation other than 1, a minimal eXIf with
// only that tag takes its place. It returns the orientation.
func stripPNG(r io.Reader, w io.Writer) (orientation int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(w, 64<<10)
	orientation = 1
	sig := make([]byte, len(pngSignature))
	if _, err := io.ReadFull(br, sig); err != nil || string(sig) != pngSignature {
		return 1, errNotPNG
	}
	bw.Write(sig)
	for {
		var h [8]byte
		if _, err := io.ReadFull(br, h[:]); err != nil {
			return orientation, unexpected(err)
		}
		n := int64(binary.BigEndian.Uint32(h[:4]))
		typ := string(h[4:8])
		if n > 1<<31-1 {
			return orientation, fmt.Errorf("%w: chunk of %d bytes", errNotPNG, n)
		}
		body := io.LimitReader(br, n+4) // data and CRC
		switch {
		case typ == "eXIf":
			if o, err := pngExifOrientation(br, n); err != nil {
				return orientation, err
			} else if o != 1 && orientation == 1 {
				orientation = o
				writePNGChunk(bw, "eXIf", orientationTIFF(o))
			}
			continue
		case (typ == "tEXt" || typ == "zTXt" || typ == "iTXt") && metadataKeyword(br, n):
			if _, err := io.Copy(io.Discard, body); err != nil {
				return orientation, unexpected(err)
			}
			continue
		}
		bw.Write(h[:])
		if k, err := io.Copy(bw, body); err != nil || k != n+4 {
			return orientation, unexpected(errOr(err, io.EOF))
		}
		if typ == "IEND" {
			return orientation, bw.Flush()
		}
	}
}

// pngExifOrientation reads an eXIf chunk's data and CRC (n data bytes) and
// returns its orientation.
func pngExifOrientation(br *bufio.Reader, n int64) (int, error) {
	if n > maxExifChunk {
		if _, err := br.Discard(int(n + 4)); err != nil {
			return 1, unexpected(err)
		}
		return 1, nil
	}
	b := make([]byte, n+4)
	if _, err := io.ReadFull(br, b); err != nil {
		return 1, unexpected(err)
	}
	return exifOrientation(b[:n]), nil
}

// metadataKeyword peeks at a text chunk's keyword (at most 79 bytes
// before a NUL) and says whether the chunk is metadata to drop.
func metadataKeyword(br *bufio.Reader, n int64) bool {
	head, _ := br.Peek(int(min(n, 80)))
	k, _, _ := bytes.Cut(head, []byte{0})
	kw := strings.ToLower(string(k))
	return strings.HasPrefix(kw, "raw profile type") || strings.Contains(kw, "xmp") || strings.Contains(kw, "iptc") ||
		strings.Contains(kw, "exif") || strings.Contains(kw, "gps") || strings.Contains(kw, "location")
}

func writePNGChunk(bw *bufio.Writer, typ string, data []byte) {
	var h [8]byte
	binary.BigEndian.PutUint32(h[:4], uint32(len(data)))
	copy(h[4:], typ)
	crc := crc32.NewIEEE()
	crc.Write(h[4:])
	crc.Write(data)
	bw.Write(h[:])
	bw.Write(data)
	bw.Write(binary.BigEndian.AppendUint32(nil, crc.Sum32()))
}

func errOr(err, other error) error {
	if err != nil {
		return err
	}
	return other
}
