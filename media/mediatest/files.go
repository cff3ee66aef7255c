// Package mediatest holds what tests of media need: files with location
// metadata to strip (JPEG, PNG, WebP with GPS EXIF, XMP, IPTC; MP4 and MOV
// with location boxes), a reader of what a stripped file still leaks, and
// the contract every media.Store keeps.
package mediatest

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

// EXIF tags.
const (
	tagOrientation = 0x0112
	tagGPSIFD      = 0x8825
)

// GPSText is the latitude the generated files carry in text form (XMP,
// ISO 6709 in videos): it must not survive stripping.
const GPSText = "48.8577"

// Picture is a small picture with some detail.
func Picture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 5), uint8(x ^ y), 255})
		}
	}
	return img
}

// ExifTIFF builds an EXIF body (big-endian TIFF): IFD0 with Make, an
// Orientation (when o > 0) and a GPS IFD with a latitude and longitude
// (when gps).
func ExifTIFF(o int, gps bool) []byte {
	type entry struct {
		tag, typ uint16
		count    uint32
		val      uint32
	}
	var ifd0 []entry
	ifd0 = append(ifd0, entry{0x010F, 2, 4, binary.BigEndian.Uint32([]byte("Cam\x00"))})
	if o > 0 {
		ifd0 = append(ifd0, entry{tagOrientation, 3, 1, uint32(o) << 16})
	}
	gpsOff := uint32(8 + 2 + 12*(len(ifd0)+1) + 4)
	if gps {
		ifd0 = append(ifd0, entry{tagGPSIFD, 4, 1, gpsOff})
	}
	b := []byte{'M', 'M', 0, 42, 0, 0, 0, 8}
	writeIFD := func(es []entry) {
		b = binary.BigEndian.AppendUint16(b, uint16(len(es)))
		for _, e := range es {
			b = binary.BigEndian.AppendUint16(b, e.tag)
			b = binary.BigEndian.AppendUint16(b, e.typ)
			b = binary.BigEndian.AppendUint32(b, e.count)
			b = binary.BigEndian.AppendUint32(b, e.val)
		}
		b = binary.BigEndian.AppendUint32(b, 0)
	}
	writeIFD(ifd0)
	if gps {
		writeIFD([]entry{{1, 2, 2, binary.BigEndian.Uint32([]byte("N\x00\x00\x00"))}, {3, 2, 2, binary.BigEndian.Uint32([]byte("E\x00\x00\x00"))}})
	}
	return b
}

// JPEG encodes a w×h JPEG and adds, after its SOI: JFIF, an
// EXIF APP1 with GPS (and orientation o), an XMP APP1, a Photoshop APP13,
// an ICC APP2, a comment; and an MPF-style trailer after EOI.
func JPEG(t testing.TB, w, h, o int) []byte {
	t.Helper()
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, Picture(w, h), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	body := enc.Bytes()[2:] // after SOI
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xD8})
	seg := func(m byte, data []byte) {
		n := len(data) + 2
		b.Write([]byte{0xFF, m, byte(n >> 8), byte(n)})
		b.Write(data)
	}
	seg(0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	seg(0xE1, append([]byte("Exif\x00\x00"), ExifTIFF(o, true)...))
	seg(0xE1, []byte(`http://ns.adobe.com/xap/1.0/`+"\x00"+`<x:xmpmeta><exif:GPSLatitude>48,51.5N</exif:GPSLatitude></x:xmpmeta>`))
	seg(0xED, []byte("Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0cCity: Paris"))
	seg(0xE2, []byte("ICC_PROFILE\x00\x01\x01fakeprofile"))
	seg(0xFE, []byte("taken at 48.85N 2.29E"))
	b.Write(body)
	b.Write([]byte("\xFF\xD8\xFF\xE1\x00\x10Exif\x00\x00MM\x00*\x00\x00")) // a trailing image
	return b.Bytes()
}

// PNG encodes a w×h PNG with an eXIf chunk (orientation o and
// GPS), an XMP iTXt, a raw EXIF profile tEXt and a harmless Title tEXt.
func PNG(t testing.TB, w, h, o int) []byte {
	t.Helper()
	var enc bytes.Buffer
	if err := png.Encode(&enc, Picture(w, h)); err != nil {
		t.Fatal(err)
	}
	src := enc.Bytes()
	ihdrEnd := 8 + 8 + 13 + 4
	var b bytes.Buffer
	b.Write(src[:ihdrEnd])
	b.Write(pngChunk("eXIf", ExifTIFF(o, true)))
	b.Write(pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta><exif:GPSLatitude>1</exif:GPSLatitude></x:xmpmeta>")))
	b.Write(pngChunk("tEXt", []byte("Raw profile type exif\x00\nexif\n  20\n45786966")))
	b.Write(pngChunk("tEXt", []byte("Title\x00Launch day")))
	b.Write(src[ihdrEnd:])
	b.WriteString("trailing bytes")
	return b.Bytes()
}

// GIF encodes a w×h GIF and adds, after its header and color table, a
// comment with a place and an XMP application extension with a latitude.
func GIF(t testing.TB, w, h int) []byte {
	t.Helper()
	var enc bytes.Buffer
	if err := gif.Encode(&enc, Picture(w, h), nil); err != nil {
		t.Fatal(err)
	}
	src := enc.Bytes()
	at := 13
	if src[10]&0x80 != 0 {
		at += 3 << (src[10]&7 + 1)
	}
	var b bytes.Buffer
	b.Write(src[:at])
	b.Write([]byte{0x21, 0xFE, 21})
	b.WriteString("taken at Eiffel Tower")
	b.WriteByte(0)
	xmp := "<x:xmpmeta><exif:GPSLatitude>" + GPSText + "</exif:GPSLatitude></x:xmpmeta>"
	b.Write([]byte{0x21, 0xFF, 11})
	b.WriteString("XMP DataXMP")
	b.WriteByte(byte(len(xmp)))
	b.WriteString(xmp)
	b.WriteByte(0)
	b.Write(src[at:])
	return b.Bytes()
}

func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// WebP is a VP8X WebP with EXIF (GPS) and XMP
// chunks appended and their flags set.
func WebP(t testing.TB) []byte {
	t.Helper()
	b := append([]byte(nil), roseWebP...)
	b[20] |= 0x08 | 0x04
	b = append(b, riffChunk("EXIF", ExifTIFF(1, true))...)
	b = append(b, riffChunk("XMP ", []byte("<x:xmpmeta>GPS</x:xmpmeta>"))...)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

//go:embed testdata/yellow_rose.lossy-with-alpha.webp
var roseWebP []byte

func riffChunk(typ string, data []byte) []byte {
	b := append([]byte(typ), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	b = append(b, data...)
	if len(data)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// Box builds an ISO BMFF box.
func Box(typ string, parts ...[]byte) []byte {
	body := bytes.Join(parts, nil)
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(body)))
	return append(append(b, typ...), body...)
}

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// VideoOpts shape a generated video.
type VideoOpts struct {
	Brand        string // ftyp major brand
	Video        string // video sample entry (avc1, hvc1, …)
	Audio        string // audio sample entry, "" for none
	W, H         int
	Timescale    uint32
	Duration     uint32
	Mdat         int  // bytes of media data
	MoovAtEnd    bool // mdat before moov
	Location     bool // udta ©xyz and meta keys location
	Rotate       bool // a quarter turn in the video track's matrix
	LargeMdat    bool // mdat with a 64-bit size
	ZeroSizeMdat bool // mdat last with size 0 (to the end of the file)
}

// Video builds an MP4 or MOV box tree as o says.
func Video(o VideoOpts) []byte {
	ftyp := Box("ftyp", []byte(o.Brand), u32(0), []byte(o.Brand), []byte("isom"))
	mvhd := Box("mvhd", u32(0), u32(0), u32(0), u32(o.Timescale), u32(o.Duration), make([]byte, 80))
	tracks := [][]byte{trak("vide", o.Video, o.W, o.H, o.Rotate)}
	if o.Audio != "" {
		tracks = append(tracks, trak("soun", o.Audio, 0, 0, false))
	}
	moovParts := append([][]byte{mvhd}, tracks...)
	if o.Location {
		moovParts = append(moovParts,
			Box("udta", Box("\xa9xyz", []byte{0, 17, 0x15, 0xc7}, []byte("+"+GPSText+"+002.2950/"))),
			Box("meta", Box("hdlr", u32(0), u32(0), []byte("mdta"), make([]byte, 13)),
				Box("keys", u32(0), u32(2),
					Box("mdta", []byte("com.apple.quicktime.make")),
					Box("mdta", []byte("com.apple.quicktime.location.ISO6709"))),
				Box("ilst",
					Box(string(u32(1)), Box("data", u32(1), u32(0), []byte("Apple"))),
					Box(string(u32(2)), Box("data", u32(1), u32(0), []byte("+"+GPSText+"+002.2950+035.000/"))))))
	}
	moov := Box("moov", moovParts...)
	payload := bytes.Repeat([]byte{0xAB}, o.Mdat)
	var mdat []byte
	switch {
	case o.LargeMdat:
		mdat = append(append(u32(1), "mdat"...), binary.BigEndian.AppendUint64(nil, uint64(16+o.Mdat))...)
		mdat = append(mdat, payload...)
	case o.ZeroSizeMdat:
		mdat = append(append(u32(0), "mdat"...), payload...)
	default:
		mdat = Box("mdat", payload)
	}
	if o.MoovAtEnd && !o.ZeroSizeMdat {
		return bytes.Join([][]byte{ftyp, mdat, moov}, nil)
	}
	return bytes.Join([][]byte{ftyp, moov, Box("free"), mdat}, nil)
}

func trak(handler, codec string, w, h int, rotate bool) []byte {
	matrix := []uint32{0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000}
	if rotate {
		matrix = []uint32{0, 0x10000, 0, 0xFFFF0000, 0, 0, 0, 0, 0x40000000}
	}
	var m []byte
	for _, v := range matrix {
		m = append(m, u32(v)...)
	}
	tkhd := Box("tkhd", u32(7), make([]byte, 20), make([]byte, 16), m, u32(uint32(w)<<16), u32(uint32(h)<<16))
	entry := Box(codec, make([]byte, 70))
	stsd := Box("stsd", u32(0), u32(1), entry)
	return Box("trak", tkhd, Box("mdia",
		Box("mdhd", u32(0), make([]byte, 20)),
		Box("hdlr", u32(0), u32(0), []byte(handler), make([]byte, 13)),
		Box("minf", Box("stbl", stsd, Box("stts", u32(0), u32(0))))))
}

// H264 are the options of an accepted video: MP4, H.264 1920×1080 with
// AAC, 12 seconds, with location metadata.
func H264() VideoOpts {
	return VideoOpts{Brand: "isom", Video: "avc1", Audio: "mp4a", W: 1920, H: 1080, Timescale: 600, Duration: 600 * 12, Mdat: 1000, Location: true}
}
