package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/secret"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/mastodon/mastodontest"
	"github.com/heraldhq/herald/storage/sqlite"
)

const (
	hookPath   = "pathsecret-4f1c9e"           // in the webhook URL
	hookSecret = "webhook-signing-secret-7d2a" // its signing secret
)

func newSecretKey(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// secretsEnv is a console on a new file that may add a webhook target
// on loopback.
func secretsEnv(t *testing.T) (map[string]string, string) {
	db := filepath.Join(t.TempDir(), "herald.db")
	return map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "off", "HERALD_ALLOW_PRIVATE_URLS": "true"}, db
}

func withKey(env map[string]string, key string) map[string]string {
	out := map[string]string{"HERALD_SECRET_KEY": key}
	for k, v := range env {
		out[k] = v
	}
	return out
}

const addTarget = "/as alice\nbrand add Acme\ntarget add webhook:zap http://127.0.0.1:9/hooks/catch/" + hookPath + " --secret " + hookSecret + "\n"

// fileBytes returns the database file with its WAL, as a thief of the
// disk or of a backup reads them.
func fileBytes(t *testing.T, db string) []byte {
	t.Helper()
	var all []byte
	for _, p := range []string{db, db + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// storedAccount reads the webhook target as the publisher does, through
// the keys.
func storedAccount(t *testing.T, db, keys string) (publish.Account, error) {
	t.Helper()
	s, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ring, err := secret.ParseKeys("HERALD_SECRET_KEY", keys)
	if err != nil {
		t.Fatal(err)
	}
	brand, err := s.BrandByName(t.Context(), "Acme")
	if err != nil {
		t.Fatal(err)
	}
	return publish.Sealed(s, ring).Account(t.Context(), brand.ID, herald.Target{Kind: "webhook", Name: "zap"})
}

// TestSecretsAtRest: credentials added without a key are plaintext (and
// doctor warns); the first start with a key encrypts them, leaving no
// plaintext in the file; a rotation reads with either key and rewrites
// with the new; a key no longer configured stops the start with a
// sentence naming the setting.
func TestSecretsAtRest(t *testing.T) {
	env, db := secretsEnv(t)
	MustRunMain(t, env, strings.NewReader(addTarget), "console")
	if out := MustRunMain(t, env, strings.NewReader(""), "doctor"); !strings.Contains(out, "warning: secrets: 1 of 1 target(s) keep their credentials in plaintext") || !strings.Contains(out, "HERALD_SECRET_KEY") {
		t.Errorf("doctor without a key:\n%s", out)
	}

	oldKey, newKey := newSecretKey(t), newSecretKey(t)
	MustRunMain(t, withKey(env, oldKey), strings.NewReader("/as alice\ntarget list\n"), "console")
	b := fileBytes(t, db)
	for _, s := range []string{hookPath, hookSecret} {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("the database file holds %q in plaintext after a start with a key", s)
		}
	}
	if a, err := storedAccount(t, db, oldKey); err != nil || a.Secret != hookSecret || !strings.HasSuffix(a.URL, hookPath) {
		t.Errorf("the target read with the key: %+v, %v", a, err)
	}
	if out := MustRunMain(t, withKey(env, oldKey), strings.NewReader(""), "doctor"); !strings.Contains(out, "secrets: 1 target(s), credentials encrypted (1 with key ") {
		t.Errorf("doctor with the key:\n%s", out)
	}

	// Rotation: "new,old" reads with either and rewrites with the new.
	out := MustRunMain(t, withKey(env, newKey+","+oldKey), strings.NewReader("/as alice\ntarget list\n"), "console")
	if !strings.Contains(out, "webhook:zap  http://127.0.0.1:9/…") {
		t.Errorf("target list after rotating:\n%s", out)
	}
	if a, err := storedAccount(t, db, newKey); err != nil || a.Secret != hookSecret {
		t.Errorf("after rotating, the new key alone reads the target: %+v, %v", a, err)
	}

	// A key no longer configured: the start stops and says which setting.
	for name, e := range map[string]map[string]string{"old key only": withKey(env, oldKey), "no key": env} {
		_, err := runMain(e, "console")
		if err == nil || !strings.Contains(err.Error(), "HERALD_SECRET_KEY") || !strings.Contains(err.Error(), "webhook:zap") {
			t.Errorf("%s: %v; want a refusal naming HERALD_SECRET_KEY and the target", name, err)
		}
		if _, err := runMain(e, "doctor"); err == nil || !strings.Contains(err.Error(), "HERALD_SECRET_KEY") {
			t.Errorf("%s: doctor: %v; want a failure naming HERALD_SECRET_KEY", name, err)
		}
	}
}

// TestPublishWithSealedCredentials publishes to Mastodon with its token
// encrypted in the database: the scheduler reads it through the key.
func TestPublishWithSealedCredentials(t *testing.T) {
	masto := mastodontest.New(mastodontest.WithToken("masto-token-sealed"))
	defer masto.Close()
	env, db := secretsEnv(t)
	env = withKey(env, newSecretKey(t))
	c := startConsoleWith(t, env, func(m *Main) { m.PublicAddrs = func(ap netip.AddrPort) bool { return ap.Addr().IsLoopback() } })
	c.send("/as alice", "You are now alice")
	c.send("brand add Acme", "Brand Acme created")
	c.send("policy none", "no longer need review")
	c.send("target add mastodon:main "+masto.URL()+" --secret masto-token-sealed", "mastodon:main is set up for Acme")
	if bytes.Contains(fileBytes(t, db), []byte("masto-token-sealed")) {
		t.Error("the token is in the database file in plaintext")
	}
	ro := openRO(t, db)
	c.send(`draft "Sealed and delivered" --to mastodon:main`, "Draft #1 created")
	c.send("submit 1", "approved")
	c.send("publish 1", "#1")
	waitFor(t, "draft 1 published", func() bool { return ro.draftState(t, 1) == "published" }, c.out.String)
}

// TestSecretsNewUserWithoutKey: a first run without a key works and
// keeps working; a bad key is refused at start without being quoted.
func TestSecretsNewUserWithoutKey(t *testing.T) {
	env, _ := secretsEnv(t)
	MustRunMain(t, env, strings.NewReader(addTarget), "console")
	MustRunMain(t, env, strings.NewReader("/as alice\ntarget list\n"), "console")
	bad := base64.StdEncoding.EncodeToString([]byte("too-short-key"))
	_, err := runMain(withKey(env, bad), "console")
	if err == nil || !strings.Contains(err.Error(), "HERALD_SECRET_KEY") || strings.Contains(err.Error(), bad) {
		t.Errorf("a short key: %v", err)
	}
}

// TestFilesPrivate: the database, its WAL and SHM, the lock and backups
// are readable by their owner only.
func TestFilesPrivate(t *testing.T) {
	env, db := secretsEnv(t)
	c := startConsole(t, env)
	c.send("/as alice", "You are now alice")
	c.send("brand add Acme", "created")
	for _, p := range []string{db, db + "-wal", db + "-shm", db + ".lock"} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v; want 0600", filepath.Base(p), st.Mode().Perm(), err)
		}
	}
	backup := filepath.Join(filepath.Dir(db), "copy.db")
	if out, err := runMain(env, "backup", backup); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if st, err := os.Stat(backup); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("backup: %v, %v; want 0600", st.Mode().Perm(), err)
	}
}

// TestDoctorSecretsPending: before the start that encrypts them, doctor
// says what that start will do in each case: encrypt plaintext, or
// encrypt again what an older key sealed (which needs that key until
// then). Before, both read "will be encrypted", as if the rotated values
// were plaintext.
func TestDoctorSecretsPending(t *testing.T) {
	env, _ := secretsEnv(t)
	MustRunMain(t, env, strings.NewReader(addTarget), "console")
	oldKey, newKey := newSecretKey(t), newSecretKey(t)
	if out := MustRunMain(t, withKey(env, oldKey), strings.NewReader(""), "doctor"); !strings.Contains(out, "secrets: 1 of 1 target(s) keep their credentials in plaintext; the next start encrypts them with key ") {
		t.Errorf("doctor with a first key:\n%s", out)
	}
	MustRunMain(t, withKey(env, oldKey), strings.NewReader("/as alice\ntarget list\n"), "console")
	out := MustRunMain(t, withKey(env, newKey+","+oldKey), strings.NewReader(""), "doctor")
	if !strings.Contains(out, "secrets: 1 of 1 target(s) are encrypted with an older key; the next start encrypts them again with key ") ||
		!strings.Contains(out, "keep the older key in HERALD_SECRET_KEY until then") {
		t.Errorf("doctor during a rotation:\n%s", out)
	}
}
