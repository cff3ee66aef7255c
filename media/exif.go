package media

import "encoding/binary"

// Exif tags the strippers know.
const (
	tagOrientation = 0x0112
	tagGPSIFD      = 0x8825
)

// tiffTags returns the tags of the first IFD of a TIFF structure (EXIF's
// body, after "Exif\0\0" in JPEG and whole in a PNG eXIf chunk), with the
// SHORT value of each that has one (0 otherwise). It reads within b only
// and gives up quietly on anything malformed.
func tiffTags(b []byte) map[uint16]uint16 {
	if len(b) < 8 {
		return nil
	}
	var bo binary.ByteOrder
	switch string(b[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return nil
	}
	if bo.Uint16(b[2:]) != 42 {
		return nil
	}
	off := int64(bo.Uint32(b[4:]))
	if off < 8 || off+2 > int64(len(b)) {
		return nil
	}
	n := int64(bo.Uint16(b[off:]))
	tags := map[uint16]uint16{}
	for i := int64(0); i < n; i++ {
		e := off + 2 + 12*i
		if e+12 > int64(len(b)) {
			break
		}
		tag, typ, count := bo.Uint16(b[e:]), bo.Uint16(b[e+2:]), bo.Uint32(b[e+4:])
		var v uint16
		if typ == 3 && count == 1 { // SHORT, stored in the entry
			v = bo.Uint16(b[e+8:])
		}
		tags[tag] = v
	}
	return tags
}

// exifOrientation returns the Orientation of a TIFF structure, 1 (as
// stored) when it has none or a value out of 1..8.
func exifOrientation(tiff []byte) int {
	o := int(tiffTags(tiff)[tagOrientation])
	if o < 1 || o > 8 {
		return 1
	}
	return o
}

// orientationTIFF is a TIFF structure holding only an Orientation tag: what
// the strippers write back when a picture is not stored upright.
func orientationTIFF(o int) []byte {
	b := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, // header, IFD0 at 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(o), 0, 0, // Orientation, SHORT, 1, value
		0, 0, 0, 0} // no next IFD
	return b
}
