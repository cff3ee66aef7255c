package media

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/heraldhq/herald"
)

// Links signs expiring links to stored items for the networks that fetch
// media by URL: BASE/media/TOKEN, where TOKEN carries the item's SHA-256,
// its type and an expiry, sealed with HMAC-SHA256 under a secret key. Only
// a holder of the key can make a token, so nothing is listed or guessable.
type Links struct {
	base  string // HERALD_PUBLIC_URL without its trailing slash
	key   []byte
	clock herald.Clock
}

// NewLinks returns the links under publicURL (HERALD_PUBLIC_URL), signed
// with key (at least 32 random bytes).
func NewLinks(publicURL string, key []byte, clock herald.Clock) *Links {
	return &Links{base: strings.TrimRight(publicURL, "/"), key: append([]byte(nil), key...), clock: clock}
}

// linkTypes numbers the types a token may carry (never reorder).
var linkTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/quicktime"}

const (
	tokenBody = sha256.Size + 8 + 1 // sum, expiry (Unix seconds), type
	tokenLen  = tokenBody + sha256.Size
)

// Link returns the absolute URL of item, valid for ttl from now. It returns
// "" when the item's sum or type cannot be linked.
func (l *Links) Link(item Item, ttl time.Duration) string {
	tok, err := l.token(item.SHA256, item.Type, l.clock.Now().Add(ttl))
	if err != nil {
		return ""
	}
	return l.base + "/media/" + tok
}

func (l *Links) token(sum, typ string, expires time.Time) (string, error) {
	raw, err := hex.DecodeString(sum)
	if err != nil || len(raw) != sha256.Size {
		return "", errors.New("not a SHA-256")
	}
	t := -1
	for i, lt := range linkTypes {
		if lt == typ {
			t = i
		}
	}
	if t < 0 {
		return "", errors.New("no such type")
	}
	b := make([]byte, 0, tokenLen)
	b = append(b, raw...)
	b = binary.BigEndian.AppendUint64(b, uint64(expires.Unix()))
	b = append(b, byte(t))
	b = append(b, l.mac(b)...)
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (l *Links) mac(body []byte) []byte {
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte("herald media link v1\x00"))
	m.Write(body)
	return m.Sum(nil)
}

// Verify reads a token: the item's sum and type when it is genuine and has
// not expired; ok is false otherwise, without saying why.
func (l *Links) Verify(token string) (sum, typ string, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != tokenLen {
		return "", "", false
	}
	body, mac := b[:tokenBody], b[tokenBody:]
	if !hmac.Equal(mac, l.mac(body)) {
		return "", "", false
	}
	exp := time.Unix(int64(binary.BigEndian.Uint64(body[sha256.Size:])), 0)
	t := int(body[tokenBody-1])
	if !l.clock.Now().Before(exp) || t >= len(linkTypes) {
		return "", "", false
	}
	return hex.EncodeToString(body[:sha256.Size]), linkTypes[t], true
}

// Handler serves GET /media/{token} from store: the item's bytes with its
// type, range requests included; 404 "not found" for any token that is not
// genuine and current, and for items no longer stored.
func (l *Links) Handler(store Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sum, typ, ok := l.Verify(r.PathValue("token"))
		if !ok {
			http.NotFound(w, r)
			return
		}
		b, err := store.Open(r.Context(), sum)
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			http.NotFound(w, r)
			return
		}
		if err != nil {
			http.Error(w, "media store unavailable", http.StatusServiceUnavailable)
			return
		}
		defer b.Close()
		h := w.Header()
		h.Set("Content-Type", typ)
		h.Set("Cache-Control", "private, max-age=300")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("ETag", `"`+sum+`"`)
		http.ServeContent(w, r, "", time.Time{}, b)
	})
}
