package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

var errNotWebP = errors.New("not a WebP")

// maxWebPChunks bounds the chunks of a WebP (animation frames included).
const maxWebPChunks = 1 << 16

type riffChunk struct {
	off  int64 // of the chunk header
	typ  string
	size int64 // of the data, without header and padding
}

// stripWebP copies the WebP in r (size bytes) to w without its EXIF and
// XMP chunks, clearing their flags in VP8X and fixing the RIFF size. Other
// chunks are copied byte for byte; what follows the RIFF is dropped. (A
// WebP's EXIF orientation is not applied by decoders, so none is kept.)
func stripWebP(r io.ReaderAt, size int64, w io.Writer) error {
	chunks, err := webpChunks(r, size)
	if err != nil {
		return err
	}
	total := int64(4) // "WEBP"
	for _, c := range chunks {
		if !dropWebP(c.typ) {
			total += 8 + c.size + c.size&1
		}
	}
	if total > 1<<32-2 {
		return fmt.Errorf("%w: too large", errNotWebP)
	}
	hdr := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(total))...)
	if _, err := w.Write(append(hdr, "WEBP"...)); err != nil {
		return err
	}
	for _, c := range chunks {
		if dropWebP(c.typ) {
			continue
		}
		if c.typ == "VP8X" && c.size >= 1 {
			if err := writeVP8X(r, c, w); err != nil {
				return err
			}
			continue
		}
		if n, err := io.Copy(w, io.NewSectionReader(r, c.off, 8+c.size)); err != nil || n != 8+c.size {
			return unexpected(errOr(err, io.EOF))
		}
		if err := padRIFF(w, c); err != nil {
			return err
		}
	}
	return nil
}

// padRIFF writes the zero byte after a chunk of odd size.
func padRIFF(w io.Writer, c riffChunk) error {
	if c.size&1 == 0 {
		return nil
	}
	_, err := w.Write([]byte{0})
	return err
}

func dropWebP(typ string) bool { return typ == "EXIF" || typ == "XMP " }

// writeVP8X copies the VP8X chunk with its EXIF (0x08) and XMP (0x04)
// flags cleared.
func writeVP8X(r io.ReaderAt, c riffChunk, w io.Writer) error {
	if c.size > 1<<10 {
		return fmt.Errorf("%w: VP8X of %d bytes", errNotWebP, c.size)
	}
	b := make([]byte, 8+c.size)
	if _, err := r.ReadAt(b, c.off); err != nil {
		return unexpected(err)
	}
	b[8] &^= 0x08 | 0x04
	if _, err := w.Write(b); err != nil {
		return err
	}
	return padRIFF(w, c)
}

// webpChunks lists the chunks of the RIFF container of a WebP.
func webpChunks(r io.ReaderAt, size int64) ([]riffChunk, error) {
	var h [12]byte
	if _, err := r.ReadAt(h[:], 0); err != nil || string(h[:4]) != "RIFF" || string(h[8:]) != "WEBP" {
		return nil, errNotWebP
	}
	end := min(8+int64(binary.LittleEndian.Uint32(h[4:])), size)
	var chunks []riffChunk
	for off := int64(12); off+8 <= end; {
		var ch [8]byte
		if _, err := r.ReadAt(ch[:], off); err != nil {
			return nil, unexpected(err)
		}
		c := riffChunk{off: off, typ: string(ch[:4]), size: int64(binary.LittleEndian.Uint32(ch[4:]))}
		next := off + 8 + c.size + c.size&1
		if next > end+c.size&1 || len(chunks) == maxWebPChunks {
			return nil, fmt.Errorf("%w: chunk %q overruns the file", errNotWebP, c.typ)
		}
		chunks = append(chunks, c)
		off = next
	}
	if len(chunks) == 0 {
		return nil, errNotWebP
	}
	return chunks, nil
}
