package media_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"testing"
)

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pngBomb declares a 100000×100000 canvas in a few bytes.
func pngBomb() []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, 100000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 100000)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	chunk := func(typ string, data []byte) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		b = append(append(b, typ...), data...)
		return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
	}
	return bytes.Join([][]byte{[]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr), chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}), chunk("IEND", nil)}, nil)
}

// jpegBomb is a JFIF baseline SOF0 of 65000×65000.
func jpegBomb() []byte {
	return []byte("\xFF\xD8" +
		"\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" +
		"\xFF\xDB\x00\x43\x00" + string(bytes.Repeat([]byte{1}, 64)) +
		"\xFF\xC0\x00\x0B\x08\xFD\xE8\xFD\xE8\x01\x01\x11\x00" +
		"\xFF\xD9")
}

// webpBomb is a VP8X canvas of 16384×16384 around a tiny VP8L.
func webpBomb() []byte {
	vp8x := []byte("VP8X\x0a\x00\x00\x00\x00\x00\x00\x00\xff\x3f\x00\xff\x3f\x00")
	vp8l := []byte("VP8L\x05\x00\x00\x00\x2f\x00\x00\x00\x00\x00")
	body := append(append([]byte("WEBP"), vp8x...), vp8l...)
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}
