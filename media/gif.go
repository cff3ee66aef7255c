package media

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

var errNotGIF = errors.New("not a GIF")

// gifApps are the application extensions kept: looping (NETSCAPE2.0,
// ANIMEXTS1.0) and ICC profiles. Others — XMP ("XMP DataXMP") and private
// ones — are metadata.
var gifApps = map[string]bool{"NETSCAPE2.0": true, "ANIMEXTS1.0": true, "ICCRGBG1012": true}

// stripGIF copies the GIF read from r to w without comments and metadata
// application extensions (XMP); headers, color tables, graphic controls
// and image data are copied byte for byte; what follows the trailer is
// dropped.
func stripGIF(r io.Reader, w io.Writer) error {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(w, 64<<10)
	head := make([]byte, 13) // header and logical screen descriptor
	if _, err := io.ReadFull(br, head); err != nil {
		return errNotGIF
	}
	bw.Write(head)
	if err := copyColorTable(br, bw, head[10]); err != nil {
		return err
	}
	for {
		b, err := br.ReadByte()
		if err != nil {
			return unexpected(err)
		}
		switch b {
		case 0x3B: // trailer
			bw.WriteByte(b)
			return bw.Flush()
		case 0x2C: // image descriptor, color table, LZW code size, data
			desc := make([]byte, 10)
			if _, err := io.ReadFull(br, desc[1:]); err != nil {
				return unexpected(err)
			}
			desc[0] = b
			bw.Write(desc)
			if err := copyColorTable(br, bw, desc[9]); err != nil {
				return err
			}
			if err := copyN(br, bw, 1); err != nil {
				return err
			}
			if err := subBlocks(br, bw); err != nil {
				return err
			}
		case 0x21:
			if err := gifExtension(br, bw); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: block %#x", errNotGIF, b)
		}
	}
}

// gifExtension copies or drops one extension (after its 0x21).
func gifExtension(br *bufio.Reader, bw *bufio.Writer) error {
	label, err := br.ReadByte()
	if err != nil {
		return unexpected(err)
	}
	keep := label != 0xFE // comments go
	if label == 0xFF {
		id, err := br.Peek(12)
		if err != nil {
			return unexpected(err)
		}
		keep = id[0] == 11 && gifApps[string(id[1:12])]
	}
	if !keep {
		return subBlocks(br, io.Discard)
	}
	bw.Write([]byte{0x21, label})
	return subBlocks(br, bw)
}

// copyColorTable copies the color table a packed field announces.
func copyColorTable(br *bufio.Reader, bw *bufio.Writer, packed byte) error {
	if packed&0x80 == 0 {
		return nil
	}
	return copyN(br, bw, 3<<(packed&7+1))
}

// subBlocks copies sub-blocks up to and including the empty one.
func subBlocks(br *bufio.Reader, w io.Writer) error {
	for {
		n, err := br.ReadByte()
		if err != nil {
			return unexpected(err)
		}
		w.Write([]byte{n})
		if n == 0 {
			return nil
		}
		if err := copyN(br, w, int(n)); err != nil {
			return err
		}
	}
}

func copyN(r io.Reader, w io.Writer, n int) error {
	if k, err := io.CopyN(w, r, int64(n)); err != nil || k != int64(n) {
		return unexpected(errOr(err, io.EOF))
	}
	return nil
}
