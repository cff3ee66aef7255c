package media

import (
	"bytes"
	"encoding/binary"
)

// Sniff names the type of the bytes that start with head, among the types
// Herald accepts, or returns "" when they are none of them. Only the bytes
// count, never a name: HTML called photo.jpg is "". An ISO base media
// file (ftyp) is video/quicktime for the QuickTime brand, video/mp4 for the
// MP4 brands, and "" for the image brands (HEIC, AVIF) and anything else.
// Whether a video's codecs are accepted is known only from its boxes (see
// Library.Add).
func Sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return "image/gif"
	case len(head) >= 16 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP" &&
		(string(head[12:16]) == "VP8 " || string(head[12:16]) == "VP8L" || string(head[12:16]) == "VP8X"):
		return "image/webp"
	case len(head) >= 16 && string(head[4:8]) == "ftyp":
		return sniffFtyp(head)
	}
	return ""
}

// mp4Brands are the ftyp brands of MP4 video files.
var mp4Brands = map[string]bool{
	"isom": true, "iso2": true, "iso3": true, "iso4": true, "iso5": true, "iso6": true,
	"mp41": true, "mp42": true, "avc1": true, "M4V ": true, "M4VH": true, "M4VP": true,
	"dash": true, "MSNV": true, "3gp4": true, "3gp5": true, "3gp6": true, "3g2a": true,
}

// sniffFtyp reads the brands of the ftyp box at the start of head.
func sniffFtyp(head []byte) string {
	size := int(binary.BigEndian.Uint32(head))
	if size < 16 || size > 4096 {
		return ""
	}
	major := string(head[8:12])
	if major == "qt  " {
		return "video/quicktime"
	}
	if mp4Brands[major] {
		return "video/mp4"
	}
	// An unknown major brand is MP4 when a compatible brand says so and
	// no image brand (HEIF, AVIF) does.
	end := min(size, len(head))
	mp4 := false
	for i := 16; i+4 <= end; i += 4 {
		b := string(head[i : i+4])
		switch {
		case imageBrands[b]:
			return ""
		case b == "qt  ":
			return "video/quicktime"
		case mp4Brands[b]:
			mp4 = true
		}
	}
	if mp4 && !imageBrands[major] {
		return "video/mp4"
	}
	return ""
}

var imageBrands = map[string]bool{"heic": true, "heix": true, "heim": true, "heis": true, "hevc": true, "hevx": true,
	"mif1": true, "msf1": true, "avif": true, "avis": true, "crx ": true}
