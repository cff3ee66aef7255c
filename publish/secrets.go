package publish

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/internal/secret"
)

// Target credentials are sealed here, in the domain, before any store
// sees them: every store (SQLite, PostgreSQL) keeps only sealed values
// once a key is configured, without code of its own. An account's URL is
// sealed with its Secret: a Discord webhook's URL is its credential, and
// generic webhook URLs often carry one.

// ReasonSecretKey is the Reason of an account whose credentials were
// sealed with a key that is not configured.
const ReasonSecretKey = "secret_key_missing"

// Sealed returns store with target accounts sealed with keys on the way
// in and opened on the way out. With a nil keys new values stay plaintext
// and sealed ones cannot be read (an error naming the setting).
func Sealed(store Store, keys *secret.Keyring) Store { return sealedStore{store, keys} }

type sealedStore struct {
	Store
	keys *secret.Keyring
}

// PutAccount implements Store.
func (s sealedStore) PutAccount(ctx context.Context, a Account, e approvals.AuditEntry) error {
	sealed, err := sealAccount(s.keys, a)
	if err != nil {
		return err
	}
	return s.Store.PutAccount(ctx, sealed, e)
}

// Account implements Store.
func (s sealedStore) Account(ctx context.Context, brandID int64, t herald.Target) (Account, error) {
	a, err := s.Store.Account(ctx, brandID, t)
	if err != nil {
		return a, err
	}
	return openAccount(s.keys, a)
}

// Accounts implements Store.
func (s sealedStore) Accounts(ctx context.Context, brandID int64) ([]Account, error) {
	as, err := s.Store.Accounts(ctx, brandID)
	for i := 0; err == nil && i < len(as); i++ {
		as[i], err = openAccount(s.keys, as[i])
	}
	return as, err
}

// sealContext binds a sealed field to its row: a value copied to another
// account does not open.
func sealContext(a Account, field string) string {
	return fmt.Sprintf("herald/account/%d/%s/%s/%s", a.BrandID, a.Target.Kind, a.Target.Name, field)
}

func sealAccount(keys *secret.Keyring, a Account) (Account, error) {
	var err, err2, err3 error
	a.URL, err = keys.Seal(a.URL, sealContext(a, "url"))
	a.Secret, err2 = keys.Seal(a.Secret, sealContext(a, "secret"))
	a.Conn.Refresh, err3 = keys.Seal(a.Conn.Refresh, sealContext(a, "refresh"))
	return a, errors.Join(err, err2, err3)
}

func openAccount(keys *secret.Keyring, a Account) (Account, error) {
	url, err := keys.Open(a.URL, sealContext(a, "url"))
	secretv, refresh := "", ""
	if err == nil {
		secretv, err = keys.Open(a.Secret, sealContext(a, "secret"))
	}
	if err == nil {
		refresh, err = keys.Open(a.Conn.Refresh, sealContext(a, "refresh"))
	}
	if err != nil {
		return a, keyError(a.Target, err)
	}
	a.URL, a.Secret, a.Conn.Refresh = url, secretv, refresh
	return a, nil
}

// PutConnectState implements Store: the PKCE verifier is sealed.
func (s sealedStore) PutConnectState(ctx context.Context, c ConnectState) error {
	v, err := s.keys.Seal(c.Verifier, connectContext(c.Hash, "verifier"))
	if err != nil {
		return err
	}
	c.Verifier = v
	return s.Store.PutConnectState(ctx, c)
}

// TakeConnectState implements Store.
func (s sealedStore) TakeConnectState(ctx context.Context, hash string, now time.Time) (ConnectState, error) {
	c, err := s.Store.TakeConnectState(ctx, hash, now)
	if err != nil {
		return c, err
	}
	return s.openConnect(c)
}

// PendConnect implements Store: the pending tokens are sealed.
func (s sealedStore) PendConnect(ctx context.Context, hash, grant string, choices []Choice, until time.Time) error {
	g, err := s.keys.Seal(grant, connectContext(hash, "grant"))
	if err != nil {
		return err
	}
	return s.Store.PendConnect(ctx, hash, g, choices, until)
}

// PendingConnect implements Store.
func (s sealedStore) PendingConnect(ctx context.Context, brandID int64, t herald.Target, actor herald.Actor) (ConnectState, error) {
	c, err := s.Store.PendingConnect(ctx, brandID, t, actor)
	if err != nil {
		return c, err
	}
	return s.openConnect(c)
}

// FinishConnect implements Store: the account is sealed.
func (s sealedStore) FinishConnect(ctx context.Context, hash string, at time.Time, a Account, e approvals.AuditEntry) error {
	sealed, err := sealAccount(s.keys, a)
	if err != nil {
		return err
	}
	return s.Store.FinishConnect(ctx, hash, at, sealed, e)
}

func (s sealedStore) openConnect(c ConnectState) (ConnectState, error) {
	v, err := s.keys.Open(c.Verifier, connectContext(c.Hash, "verifier"))
	g := ""
	if err == nil {
		g, err = s.keys.Open(c.Grant, connectContext(c.Hash, "grant"))
	}
	if err != nil {
		return c, keyError(c.Target, err)
	}
	c.Verifier, c.Grant = v, g
	return c, nil
}

// connectContext binds a sealed value of a connect state to it.
func connectContext(hash, field string) string { return "herald/connect/" + hash + "/" + field }

func keyError(t herald.Target, err error) error {
	var se *secret.Error
	if !errors.As(err, &se) {
		return err
	}
	return herald.Errorf(herald.EUNAVAILABLE, "The credentials of %s cannot be read: %v.", t, err).
		Because(ReasonSecretKey, herald.Facts{"target": t.String(), "setting": se.Setting, "key": se.KeyID})
}

// SealAccounts seals again, in one transaction, every stored account
// value that is plaintext or sealed with a key other than the current
// one, and returns how many were plaintext and how many were resealed.
// Without keys it only checks that no value is sealed (an error naming
// the setting if one is). Running it again changes nothing.
func SealAccounts(ctx context.Context, store Store, keys *secret.Keyring) (plain, resealed int, err error) {
	err = store.RewriteAccounts(ctx, func(a Account) (Account, bool, error) {
		stale := keys.Stale(a.URL) || keys.Stale(a.Secret) || keys.Stale(a.Conn.Refresh)
		_, sealedURL := secret.Sealed(a.URL)
		_, sealedSecret := secret.Sealed(a.Secret)
		_, sealedRefresh := secret.Sealed(a.Conn.Refresh)
		sealedSecret = sealedSecret || sealedRefresh
		open, err := openAccount(keys, a)
		if err != nil || !stale {
			return a, false, err
		}
		if sealedURL || sealedSecret {
			resealed++
		} else {
			plain++
		}
		out, err := sealAccount(keys, open)
		return out, true, err
	})
	return plain, resealed, err
}

// SecretsReport says how target credentials are stored, for the doctor.
type SecretsReport struct {
	Accounts   int            // accounts with a URL or a secret
	Plaintext  int            // accounts with a value not sealed
	ByKey      map[string]int // accounts sealed with each key id
	Stale      int            // accounts a start with keys would seal again
	Unreadable []string       // targets ("webhook:zap of brand 1") whose values do not open
	Err        error          // the first reason one does not open
}

// Secrets reports how the stored target credentials are kept, reading
// only.
func Secrets(ctx context.Context, store Store, keys *secret.Keyring) (SecretsReport, error) {
	as, err := store.AllAccounts(ctx)
	r := SecretsReport{ByKey: map[string]int{}}
	for _, a := range as {
		if a.URL == "" && a.Secret == "" {
			continue
		}
		r.Accounts++
		if keys.Stale(a.URL) || keys.Stale(a.Secret) || keys.Stale(a.Conn.Refresh) {
			r.Stale++
		}
		id, sealed := secret.Sealed(a.Secret)
		if idURL, ok := secret.Sealed(a.URL); ok {
			id, sealed = idURL, true
		}
		if sealed {
			r.ByKey[id]++
		}
		if (a.URL != "" && !isSealed(a.URL)) || (a.Secret != "" && !isSealed(a.Secret)) || (a.Conn.Refresh != "" && !isSealed(a.Conn.Refresh)) {
			r.Plaintext++
		}
		if _, oerr := openAccount(keys, a); oerr != nil {
			r.Unreadable = append(r.Unreadable, fmt.Sprintf("%s of brand %d", a.Target, a.BrandID))
			if r.Err == nil {
				r.Err = oerr
			}
		}
	}
	sort.Strings(r.Unreadable)
	return r, err
}

func isSealed(v string) bool {
	_, ok := secret.Sealed(v)
	return ok
}
