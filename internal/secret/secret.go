// Package secret encrypts credentials at rest with AES-256-GCM (standard
// library only). A Keyring holds the keys of one setting, the first the
// current one: values are sealed with it and opened with any of them, so
// keys rotate by putting the new key first and keeping the old one until
// every value is sealed again.
//
// A sealed value is text, stored where the plaintext was:
//
//	enc:v1:KEYID:BASE64(nonce || ciphertext)
//
// KEYID is a short hash of the key: it says which key opens the value
// without revealing it. The caller's context string (where the value
// lives) is authenticated with the value, so a sealed value copied to
// another row does not open there.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

const prefix = "enc:v1:"

// KeySize is the length of a key: 32 random bytes (AES-256).
const KeySize = 32

// Keyring holds the keys values are sealed and opened with. A nil Keyring
// holds none: Seal keeps values as they are and Open refuses sealed ones.
type Keyring struct {
	setting string // the setting the keys come from, named in errors
	keys    []key  // keys[0] seals
}

type key struct {
	id   string
	aead cipher.AEAD
	raw  []byte
}

// ParseKeys reads comma-separated keys, each 32 bytes in standard or
// URL-safe base64 (as `openssl rand -base64 32` prints), the first the
// current one. setting names where they come from in every error; no
// error quotes a key. An empty list gives a nil Keyring.
func ParseKeys(setting, list string) (*Keyring, error) {
	k := &Keyring{setting: setting}
	seen := map[string]bool{}
	for i, field := range strings.Split(list, ",") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		raw, err := decodeKey(field)
		if err != nil || len(raw) != KeySize {
			return nil, fmt.Errorf("%s: key %d is not %d bytes in base64; make one with openssl rand -base64 32", setting, i+1, KeySize)
		}
		kk, err := newKey(raw)
		if err != nil {
			return nil, err
		}
		if !seen[kk.id] {
			seen[kk.id] = true
			k.keys = append(k.keys, kk)
		}
	}
	if len(k.keys) == 0 {
		return nil, nil
	}
	return k, nil
}

func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("not base64")
}

func newKey(raw []byte) (key, error) {
	block, err := aes.NewCipher(raw)
	if err != nil {
		return key{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return key{}, err
	}
	return key{id: KeyID(raw), aead: aead, raw: raw}, nil
}

// Derive returns a 32-byte key for another purpose, named by label, made
// from the current key (HMAC-SHA256 of the label); nil for a nil Keyring.
// A value derived for one label tells nothing of the key or other labels.
func (k *Keyring) Derive(label string) []byte {
	if k == nil {
		return nil
	}
	m := hmac.New(sha256.New, k.keys[0].raw)
	m.Write([]byte("herald derived key\x00" + label))
	return m.Sum(nil)
}

// KeyID is the id of a key as sealed values name it: the first 8 hex
// digits of a SHA-256 of the key under a fixed label.
func KeyID(raw []byte) string {
	sum := sha256.Sum256(append([]byte("herald secret key id\x00"), raw...))
	return hex.EncodeToString(sum[:4])
}

// Current returns the id of the key values are sealed with, "" for a nil
// Keyring.
func (k *Keyring) Current() string {
	if k == nil {
		return ""
	}
	return k.keys[0].id
}

// Sealed reports whether v is a sealed value, and the id of its key.
func Sealed(v string) (keyID string, ok bool) {
	rest, ok := strings.CutPrefix(v, prefix)
	if !ok {
		return "", false
	}
	id, _, ok := strings.Cut(rest, ":")
	return id, ok
}

// Seal encrypts plain with the current key, bound to context. The empty
// string stays empty; without keys plain is returned as it is.
func (k *Keyring) Seal(plain, context string) (string, error) {
	if k == nil || plain == "" {
		return plain, nil
	}
	cur := k.keys[0]
	nonce := make([]byte, cur.aead.NonceSize(), cur.aead.NonceSize()+len(plain)+cur.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	box := cur.aead.Seal(nonce, nonce, []byte(plain), []byte(context))
	return prefix + cur.id + ":" + base64.RawURLEncoding.EncodeToString(box), nil
}

// Open returns the plaintext of v: v itself when it is not sealed, else
// v decrypted with the key it names. A value sealed with a key this
// Keyring lacks, or altered, or moved from another context, is an
// *Error naming the setting.
func (k *Keyring) Open(v, context string) (string, error) {
	id, ok := Sealed(v)
	if !ok {
		return v, nil
	}
	kk, found := k.find(id)
	if !found {
		return "", &Error{Setting: k.settingName(), KeyID: id, Missing: true, NoKeys: k == nil}
	}
	box, err := base64.RawURLEncoding.DecodeString(v[len(prefix)+len(id)+1:])
	n := kk.aead.NonceSize()
	if err != nil || len(box) < n {
		return "", &Error{Setting: k.settingName(), KeyID: id}
	}
	plain, err := kk.aead.Open(nil, box[:n], box[n:], []byte(context))
	if err != nil {
		return "", &Error{Setting: k.settingName(), KeyID: id}
	}
	return string(plain), nil
}

// Stale reports whether v should be sealed again: it is plaintext (and
// not empty) while there is a key, or sealed with a key other than the
// current one.
func (k *Keyring) Stale(v string) bool {
	if k == nil || v == "" {
		return false
	}
	id, ok := Sealed(v)
	return !ok || id != k.keys[0].id
}

func (k *Keyring) find(id string) (key, bool) {
	if k == nil {
		return key{}, false
	}
	for _, kk := range k.keys {
		if kk.id == id {
			return kk, true
		}
	}
	return key{}, false
}

func (k *Keyring) settingName() string {
	if k == nil || k.setting == "" {
		return defaultSetting
	}
	return k.setting
}

// defaultSetting names the setting in errors of a nil Keyring.
const defaultSetting = "HERALD_SECRET_KEY"

// Error is a sealed value that cannot be opened.
type Error struct {
	Setting string // the setting the keys come from
	KeyID   string // the id of the key the value was sealed with
	Missing bool   // no configured key has that id
	NoKeys  bool   // no key is configured at all
}

func (e *Error) Error() string {
	if e.NoKeys {
		return fmt.Sprintf("a stored secret was encrypted with the key %s, and %s is not set; set it to that key (or %s_FILE to a file holding it)", e.KeyID, e.Setting, e.Setting)
	}
	if e.Missing {
		return fmt.Sprintf("a stored secret was encrypted with the key %s, which %s does not hold; put that key back in %s (after the current one: \"new,old\")", e.KeyID, e.Setting, e.Setting)
	}
	return fmt.Sprintf("a stored secret encrypted with the key %s does not decrypt: it was altered or moved (%s holds that key)", e.KeyID, e.Setting)
}
