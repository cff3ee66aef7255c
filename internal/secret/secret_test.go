package secret_test

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/secret"
)

func newKey(t *testing.T) string {
	t.Helper()
	b := make([]byte, secret.KeySize)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func mustKeys(t *testing.T, list string) *secret.Keyring {
	t.Helper()
	k, err := secret.ParseKeys("HERALD_SECRET_KEY", list)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpen(t *testing.T) {
	a, b := newKey(t), newKey(t)
	const plain, where = "mastodon-token-s3cret", "account:1:mastodon:main:secret"
	t.Run("OKRoundTrip", func(t *testing.T) {
		k := mustKeys(t, a)
		v, err := k.Seal(plain, where)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(v, plain) || !strings.HasPrefix(v, "enc:v1:"+k.Current()+":") {
			t.Fatalf("sealed %q", v)
		}
		if again, _ := k.Seal(plain, where); again == v {
			t.Error("two seals of one value are equal: the nonce is not random")
		}
		if got, err := k.Open(v, where); err != nil || got != plain {
			t.Errorf("Open = %q, %v", got, err)
		}
		if k.Stale(v) {
			t.Error("a value sealed with the current key is stale")
		}
	})
	t.Run("OKPlaintextPassesThrough", func(t *testing.T) {
		k := mustKeys(t, a)
		if got, err := k.Open(plain, where); err != nil || got != plain {
			t.Errorf("Open(plaintext) = %q, %v", got, err)
		}
		if !k.Stale(plain) || k.Stale("") {
			t.Error("plaintext is stale with a key; the empty value never is")
		}
		var none *secret.Keyring
		if v, err := none.Seal(plain, where); err != nil || v != plain {
			t.Errorf("Seal without keys = %q, %v; want the plaintext", v, err)
		}
		if none.Stale(plain) {
			t.Error("plaintext is stale without keys")
		}
	})
	t.Run("OKRotation", func(t *testing.T) {
		old := mustKeys(t, a)
		v, _ := old.Seal(plain, where)
		both := mustKeys(t, b+","+a)
		if got, err := both.Open(v, where); err != nil || got != plain {
			t.Fatalf("the new keyring opens an old value: %q, %v", got, err)
		}
		if !both.Stale(v) {
			t.Error("a value sealed with the old key is not stale")
		}
		nv, _ := both.Seal(plain, where)
		if id, _ := secret.Sealed(nv); id != both.Current() || id == old.Current() {
			t.Errorf("resealed with %s, want the new key %s", id, both.Current())
		}
		if got, err := mustKeys(t, b).Open(nv, where); err != nil || got != plain {
			t.Errorf("the new key alone opens the resealed value: %q, %v", got, err)
		}
	})
	t.Run("ErrWrongKey", func(t *testing.T) {
		v, _ := mustKeys(t, a).Seal(plain, where)
		for name, k := range map[string]*secret.Keyring{"other key": mustKeys(t, b), "no key": nil} {
			_, err := k.Open(v, where)
			var se *secret.Error
			if !errors.As(err, &se) || !se.Missing || !strings.Contains(err.Error(), "HERALD_SECRET_KEY") {
				t.Errorf("%s: %v; want a missing key naming HERALD_SECRET_KEY", name, err)
			}
			if strings.Contains(err.Error(), a) {
				t.Errorf("%s: the error quotes the key", name)
			}
		}
	})
	t.Run("ErrMovedOrAltered", func(t *testing.T) {
		k := mustKeys(t, a)
		v, _ := k.Seal(plain, where)
		if _, err := k.Open(v, "account:2:mastodon:main:secret"); err == nil {
			t.Error("a value moved to another row opens")
		}
		bad := v[:len(v)-2] + "AA"
		if bad == v {
			bad = v[:len(v)-2] + "BB"
		}
		if _, err := k.Open(bad, where); err == nil {
			t.Error("an altered value opens")
		}
	})
}

func TestParseKeys(t *testing.T) {
	if k, err := secret.ParseKeys("HERALD_SECRET_KEY", " "); k != nil || err != nil {
		t.Errorf("empty: %v, %v", k, err)
	}
	short := base64.StdEncoding.EncodeToString([]byte("sixteen bytes!!!"))
	for _, bad := range []string{"not base64!", short, newKey(t) + "," + short} {
		_, err := secret.ParseKeys("HERALD_SECRET_KEY", bad)
		if err == nil || !strings.Contains(err.Error(), "HERALD_SECRET_KEY") || !strings.Contains(err.Error(), "openssl rand -base64 32") {
			t.Errorf("ParseKeys(%q) = %v", bad, err)
		}
		if err != nil && strings.Contains(err.Error(), bad) {
			t.Errorf("the error quotes the key: %v", err)
		}
	}
	k := newKey(t)
	raw, _ := base64.StdEncoding.DecodeString(k)
	urlForm := base64.RawURLEncoding.EncodeToString(raw)
	if ring := mustKeys(t, urlForm+" , "+k); ring.Current() != secret.KeyID(raw) {
		t.Errorf("URL-safe form: id %s, want %s", ring.Current(), secret.KeyID(raw))
	}
}

// BenchmarkOpen is what reading one sealed credential costs (the
// scheduler opens a target's URL and secret per delivery).
func BenchmarkOpen(b *testing.B) {
	k, err := secret.ParseKeys("HERALD_SECRET_KEY", base64.StdEncoding.EncodeToString(make([]byte, secret.KeySize)))
	if err != nil {
		b.Fatal(err)
	}
	v, _ := k.Seal("a-mastodon-access-token-of-43-characters-xx", "herald/account/1/mastodon/main/secret")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Open(v, "herald/account/1/mastodon/main/secret"); err != nil {
			b.Fatal(err)
		}
	}
}
