package bluesky

import (
	"crypto/sha256"
	"encoding/binary"
	"time"
)

// tidAlphabet is the base32-sortable alphabet of atproto TIDs.
const tidAlphabet = "234567abcdefghijklmnopqrstuvwxyz"

// RecordKey returns the record key under which the post with idempotency
// key, due at due, is created: a TID (13 characters of the base32-sortable
// alphabet encoding a 64-bit value whose top bit is 0, then 53 bits of
// microseconds since the Unix epoch, then a 10-bit clock id).
//
// It is a pure function of its arguments, so every retry and every restart
// names the same record and a PDS refuses a second post. The microseconds
// are due plus a hash of key modulo one second, and the clock id comes from
// another part of that hash, so distinct keys due at the same moment get
// distinct record keys (two keys collide with odds of about 1 in 2^30). A
// due before 1970 counts as the epoch.
func RecordKey(key string, due time.Time) string {
	sum := sha256.Sum256([]byte(key))
	micros := max(due.UnixMicro(), 0) + int64(binary.BigEndian.Uint64(sum[0:8])%1_000_000)
	clockID := binary.BigEndian.Uint64(sum[8:16]) & 0x3FF
	v := (uint64(micros)&(1<<53-1))<<10 | clockID
	var b [13]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = tidAlphabet[v&31]
		v >>= 5
	}
	return string(b[:])
}
