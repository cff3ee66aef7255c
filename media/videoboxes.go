package media

import (
	"encoding/binary"
	"strings"
)

// parsedBoxes are the leaf boxes the walker reads.
var parsedBoxes = map[string]bool{"mvhd": true, "tkhd": true, "hdlr": true, "stsd": true, "keys": true}

// read takes what a descriptive box says. Malformed boxes say nothing.
func (bw *boxWalker) read(typ, parent string, b []byte) {
	switch {
	case typ == "mvhd" && parent == "moov":
		bw.info.timescale, bw.info.duration = readMvhd(b)
	case typ == "tkhd" && bw.cur != nil:
		readTkhd(b, bw.cur)
	case typ == "hdlr" && parent == "mdia" && bw.cur != nil && len(b) >= 12:
		bw.cur.handler = string(b[8:12])
	case typ == "stsd" && bw.cur != nil:
		bw.cur.codecs = append(bw.cur.codecs, sampleEntries(b)...)
	case typ == "keys" && parent == "meta":
		bw.readKeys(b)
	}
}

// readMvhd returns the movie's timescale and duration.
func readMvhd(b []byte) (uint32, uint64) {
	switch {
	case len(b) >= 20 && b[0] == 0:
		return binary.BigEndian.Uint32(b[12:]), uint64(binary.BigEndian.Uint32(b[16:]))
	case len(b) >= 32 && b[0] == 1:
		return binary.BigEndian.Uint32(b[20:]), binary.BigEndian.Uint64(b[24:])
	}
	return 0, 0
}

// readTkhd reads a track's width, height (16.16 fixed point) and whether
// its matrix turns it a quarter.
func readTkhd(b []byte, t *track) {
	off := 4 + 20 // version/flags, then the version 0 times and ids
	if len(b) > 0 && b[0] == 1 {
		off = 4 + 32
	}
	off += 8 + 2 + 2 + 2 + 2 // reserved, layer, alternate group, volume, reserved
	if len(b) < off+36+8 {
		return
	}
	m := b[off : off+36]
	a, bb := int32(binary.BigEndian.Uint32(m)), int32(binary.BigEndian.Uint32(m[4:]))
	t.rotated = a == 0 && bb != 0
	t.width = int(binary.BigEndian.Uint32(b[off+36:]) >> 16)
	t.height = int(binary.BigEndian.Uint32(b[off+40:]) >> 16)
}

// sampleEntries returns the types of an stsd box's sample entries.
func sampleEntries(b []byte) []string {
	if len(b) < 8 {
		return nil
	}
	n := binary.BigEndian.Uint32(b[4:])
	var out []string
	for off := 8; n > 0 && off+8 <= len(b); n-- {
		size := int(binary.BigEndian.Uint32(b[off:]))
		out = append(out, string(b[off+4:off+8]))
		if size < 8 || off+size > len(b) {
			break
		}
		off += size
	}
	return out
}

// readKeys notes the indices (from 1) of the location keys of a QuickTime
// metadata keys box (com.apple.quicktime.location.ISO6709 and the like).
func (bw *boxWalker) readKeys(b []byte) {
	if len(b) < 8 {
		return
	}
	n := binary.BigEndian.Uint32(b[4:])
	off := 8
	for i := uint32(1); i <= n && off+8 <= len(b); i++ {
		size := int(binary.BigEndian.Uint32(b[off:]))
		if size < 8 || off+size > len(b) {
			return
		}
		if strings.Contains(string(b[off+8:off+size]), "location") {
			bw.locKeys[i] = true
		}
		off += size
	}
}
