package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/heraldhq/herald/publish"
)

// calendarMigration hashes the stored calendar tokens.
const calendarMigration = "0009_secrets.sql"

// sealSecrets seals the stored target credentials with the current key
// of HERALD_SECRET_KEY: plaintext ones (first start with a key) and
// those sealed with an older key (rotation), in one transaction. When
// values changed, the file is scrubbed so no older copy of them stays:
// the write-ahead log is cleared, and after the first sealing of
// plaintext (or hashing the calendar tokens) the file is rebuilt. A
// value sealed with a key no longer configured stops the start, naming
// the setting.
func (m *Main) sealSecrets(ctx context.Context, applied []string) error {
	plain, resealed, err := publish.SealAccounts(ctx, m.store, m.keys)
	if err != nil {
		return fmt.Errorf("target credentials: %w", err)
	}
	hashed := slices.Contains(applied, calendarMigration)
	if plain+resealed == 0 && !hashed {
		return nil
	}
	m.log.Info("secrets sealed", "plaintext", plain, "resealed", resealed, "key_id", m.keys.Current(), "calendar_tokens_hashed", hashed)
	s, ok := m.store.(sqliteOnly)
	if !ok {
		// PostgreSQL: the old row versions go with autovacuum; a scrub of
		// its files is the operator's (VACUUM FULL accounts).
		return nil
	}
	if err := s.Scrub(ctx, plain > 0 || hashed); err != nil {
		return fmt.Errorf("clearing older copies of the secrets: %w", err)
	}
	return nil
}

// doctorSecrets reports how target credentials are stored: a warning
// when some are plaintext and no key is set, an error when some cannot
// be read with the keys configured.
func (m *Main) doctorSecrets(ctx context.Context) error {
	r, err := publish.Secrets(ctx, m.store, m.keys)
	if err != nil {
		return fmt.Errorf("secrets: %w", err)
	}
	if len(r.Unreadable) > 0 {
		return fmt.Errorf("secrets: %d target(s) cannot be read (%s): %v", len(r.Unreadable), strings.Join(r.Unreadable, ", "), r.Err)
	}
	var keys []string
	for id, n := range r.ByKey {
		keys = append(keys, fmt.Sprintf("%d with key %s", n, id))
	}
	slices.Sort(keys)
	switch {
	case r.Accounts == 0:
		fmt.Fprintln(m.Stdout, "secrets: no target credentials stored")
	case r.Plaintext > 0 && m.keys == nil:
		fmt.Fprintf(m.Stdout, "warning: secrets: %d of %d target(s) keep their credentials in plaintext in the database and its backups; set HERALD_SECRET_KEY (make one with openssl rand -base64 32) and restart to encrypt them\n", r.Plaintext, r.Accounts)
	case r.Plaintext > 0:
		fmt.Fprintf(m.Stdout, "secrets: %d of %d target(s) keep their credentials in plaintext; the next start encrypts them with key %s\n", r.Plaintext, r.Accounts, m.keys.Current())
	case r.Stale > 0:
		fmt.Fprintf(m.Stdout, "secrets: %d of %d target(s) are encrypted with an older key; the next start encrypts them again with key %s (keep the older key in HERALD_SECRET_KEY until then)\n", r.Stale, r.Accounts, m.keys.Current())
	default:
		fmt.Fprintf(m.Stdout, "secrets: %d target(s), credentials encrypted (%s)\n", r.Accounts, strings.Join(keys, ", "))
	}
	return nil
}
