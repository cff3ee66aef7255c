package mediatest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
)

// Bounds and names of the box tree, as media reads it.
const maxBoxDepth = 16

var (
	locationBoxes = map[string]bool{"\xa9xyz": true, "loci": true}
	containers    = map[string]bool{"moov": true, "trak": true, "mdia": true, "minf": true, "stbl": true,
		"udta": true, "meta": true, "ilst": true, "edts": true}
)

// Leaks reads stripped bytes as a metadata reader would and lists what
// should not be there: EXIF with any tag but Orientation, XMP, IPTC,
// comments (JPEG); eXIf beyond the orientation or metadata text (PNG);
// EXIF/XMP chunks (WebP); location boxes (MP4/MOV).
func Leaks(typ string, b []byte) []string {
	switch typ {
	case "image/jpeg":
		return jpegLeaks(b)
	case "image/png":
		return pngLeaks(b)
	case "image/webp":
		return webpLeaks(b)
	case "image/gif":
		return gifLeaks(b)
	case "video/mp4", "video/quicktime":
		return boxLeaks(b, 0)
	}
	return nil
}

func exifLeaks(tiff []byte) []string {
	var out []string
	for _, tag := range ifd0Tags(tiff) {
		if tag != tagOrientation {
			out = append(out, fmt.Sprintf("EXIF tag %#x", tag))
		}
	}
	if bytes.Contains(tiff, []byte{0x88, 0x25}) || bytes.Contains(tiff, []byte{0x25, 0x88}) {
		out = append(out, "GPS IFD pointer")
	}
	return out
}

func jpegLeaks(b []byte) []string {
	var out []string
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			i++ // entropy-coded data
			continue
		}
		m := b[i+1]
		if m == 0x00 || m == 0xFF || m >= 0xD0 && m <= 0xD7 || m == 0x01 {
			i++
			continue
		}
		if m == 0xD9 {
			if i+2 != len(b) {
				out = append(out, "bytes after EOI")
			}
			break
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		seg := b[i+4 : min(i+2+n, len(b))]
		switch {
		case m == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")):
			out = append(out, exifLeaks(seg[6:])...)
		case m == 0xE1, m == 0xED, m == 0xFE:
			out = append(out, fmt.Sprintf("segment %#x", m))
		case m == 0xE2 && !bytes.HasPrefix(seg, []byte("ICC_PROFILE\x00")):
			out = append(out, "APP2 other than ICC")
		}
		i += 2 + n
	}
	return out
}

func pngLeaks(b []byte) []string {
	var out []string
	for i := 8; i+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		if n < 0 || i+12+n > len(b) {
			break
		}
		data := b[i+8 : i+8+n]
		switch typ {
		case "eXIf":
			out = append(out, exifLeaks(data)...)
		case "tEXt", "zTXt", "iTXt":
			kw, _, _ := bytes.Cut(data, []byte{0})
			k := strings.ToLower(string(kw))
			if strings.HasPrefix(k, "raw profile") || strings.Contains(k, "xmp") || strings.Contains(k, "exif") {
				out = append(out, "text chunk "+string(kw))
			}
		}
		i += 12 + n
		if typ == "IEND" && i != len(b) {
			out = append(out, "bytes after IEND")
		}
	}
	return out
}

func webpLeaks(b []byte) []string {
	var out []string
	if len(b) >= 21 && b[20]&0x0C != 0 && string(b[12:16]) == "VP8X" {
		out = append(out, "VP8X metadata flags")
	}
	for i := 12; i+8 <= len(b); {
		typ := string(b[i : i+4])
		n := int(binary.LittleEndian.Uint32(b[i+4:]))
		if typ == "EXIF" || typ == "XMP " {
			out = append(out, "chunk "+typ)
		}
		i += 8 + n + n&1
	}
	return out
}

func boxLeaks(b []byte, depth int) []string {
	var out []string
	for i := 0; i+8 <= len(b) && depth < maxBoxDepth; {
		size := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		h := 8
		if size == 1 && i+16 <= len(b) {
			size, h = int(binary.BigEndian.Uint64(b[i+8:])), 16
		}
		if size == 0 {
			size = len(b) - i
		}
		if size < h || i+size > len(b) || size < 0 {
			break
		}
		if locationBoxes[typ] {
			out = append(out, "box "+typ)
		}
		body := b[i+h : i+size]
		if typ == "free" && bytes.ContainsAny(body, "+-/") && bytes.Contains(body, []byte("48.8577")) {
			out = append(out, "location left in a free box")
		}
		if containers[typ] {
			if typ == "meta" && len(body) >= 8 && string(body[4:8]) != "hdlr" {
				body = body[4:]
			}
			out = append(out, boxLeaks(body, depth+1)...)
		}
		i += size
	}
	return out
}

// ifd0Tags lists the tags of a TIFF structure's first IFD; a structure it
// cannot read lists one tag 0xFFFF (unknown: counted as a leak).
func ifd0Tags(b []byte) []uint16 {
	if len(b) < 8 || string(b[:4]) != "MM\x00*" && string(b[:4]) != "II*\x00" {
		return []uint16{0xFFFF}
	}
	var bo binary.ByteOrder = binary.BigEndian
	if b[0] == 'I' {
		bo = binary.LittleEndian
	}
	off := int(bo.Uint32(b[4:]))
	if off < 8 || off+2 > len(b) {
		return []uint16{0xFFFF}
	}
	var tags []uint16
	for i := range int(bo.Uint16(b[off:])) {
		e := off + 2 + 12*i
		if e+12 > len(b) {
			return append(tags, 0xFFFF)
		}
		tags = append(tags, bo.Uint16(b[e:]))
	}
	return tags
}

// gifLeaks walks a GIF's blocks and lists comments and application
// extensions other than looping and ICC ones.
func gifLeaks(b []byte) []string {
	var out []string
	i := 13
	table := func(packed byte) {
		if packed&0x80 != 0 {
			i += 3 << (packed&7 + 1)
		}
	}
	skipBlocks := func() {
		for i < len(b) && b[i] != 0 {
			i += int(b[i]) + 1
		}
		i++
	}
	if len(b) < 13 {
		return nil
	}
	table(b[10])
	for i < len(b) {
		switch b[i] {
		case 0x21:
			if i+2 >= len(b) {
				return out
			}
			label := b[i+1]
			if label == 0xFE {
				out = append(out, "GIF comment")
			}
			if label == 0xFF && (i+14 > len(b) || !map[string]bool{"NETSCAPE2.0": true, "ANIMEXTS1.0": true, "ICCRGBG1012": true}[string(b[i+3:i+14])]) {
				out = append(out, "GIF application extension")
			}
			i += 2
			skipBlocks()
		case 0x2C:
			if i+10 > len(b) {
				return out
			}
			i += 10
			table(b[i-1])
			i++ // LZW code size
			skipBlocks()
		case 0x3B:
			if i+1 != len(b) {
				out = append(out, "bytes after the GIF trailer")
			}
			return out
		default:
			return append(out, "unreadable GIF block")
		}
	}
	return out
}
