package storagetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/publish"
)

// The accounts part of the publish.Store contract (RunPublish).

func testAccounts(t *testing.T, open func(t *testing.T) publish.Store) {
	accountsPut(t, open)
	accountsDelete(t, open)
	accountsRewrite(t, open)
}

// accountsRewrite: AllAccounts lists every brand's accounts as stored;
// RewriteAccounts stores what f changes, in one transaction, all or
// nothing (sealing credentials at start relies on it).
func accountsRewrite(t *testing.T, open func(t *testing.T) publish.Store) {
	setup := func(t *testing.T) (publish.Store, []publish.Account) {
		s := open(t)
		a := mustBrand(t, s, "Acme", alice)
		g := mustBrand(t, s, "Globex", alice)
		as := []publish.Account{
			{BrandID: a.ID, Target: mastodonMain, URL: "https://m.example", Handle: "@acme", Secret: "s3cret"},
			{BrandID: g.ID, Target: mastodonMain, URL: "https://g.example", Secret: "other"},
		}
		for _, acct := range as {
			if err := s.PutAccount(t.Context(), acct, entry(a, "target_add")); err != nil {
				t.Fatal(err)
			}
		}
		return s, as
	}
	t.Run("OKRewrite", func(t *testing.T) {
		s, as := setup(t)
		all, err := s.AllAccounts(t.Context())
		if err != nil || !cmp.Equal(sortAccounts(all), sortAccounts(as)) {
			t.Fatalf("AllAccounts = %+v, %v; want %+v", all, err, as)
		}
		err = s.RewriteAccounts(t.Context(), func(a publish.Account) (publish.Account, bool, error) {
			if a.Secret == "other" {
				return a, false, nil
			}
			a.URL, a.Secret, a.Handle = "sealed-url", "sealed-secret", "ignored"
			return a, true, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Account(t.Context(), as[0].BrandID, mastodonMain)
		if want := (publish.Account{BrandID: as[0].BrandID, Target: mastodonMain, URL: "sealed-url", Handle: "@acme", Secret: "sealed-secret"}); err != nil || got != want {
			t.Errorf("rewritten: %+v, %v; want %+v (URL and Secret only)", got, err, want)
		}
		if got, _ := s.Account(t.Context(), as[1].BrandID, mastodonMain); got != as[1] {
			t.Errorf("unchanged: %+v, want %+v", got, as[1])
		}
	})
	t.Run("ErrRewriteAllOrNothing", func(t *testing.T) {
		s, as := setup(t)
		n := 0
		err := s.RewriteAccounts(t.Context(), func(a publish.Account) (publish.Account, bool, error) {
			if n++; n == 2 {
				return a, false, herald.Errorf(herald.EUNAVAILABLE, "cannot")
			}
			a.Secret = "changed"
			return a, true, nil
		})
		if err == nil {
			t.Fatal("no error")
		}
		all, _ := s.AllAccounts(t.Context())
		if !cmp.Equal(sortAccounts(all), sortAccounts(as)) {
			t.Errorf("a failed rewrite changed %+v", all)
		}
	})
}

// entry is the audit row of a change to b's accounts.
func entry(b herald.Brand, action string) approvals.AuditEntry {
	return approvals.AuditEntry{BrandID: b.ID, Action: action, Actor: alice, At: t0}
}

func sortAccounts(as []publish.Account) []publish.Account {
	as = slices.Clone(as)
	slices.SortFunc(as, func(a, b publish.Account) int { return strings.Compare(a.Target.String(), b.Target.String()) })
	return as
}

func accountsPut(t *testing.T, open func(t *testing.T) publish.Store) {
	t.Run("OK", func(t *testing.T) {
		s := open(t)
		a := mustBrand(t, s, "Acme", alice)
		g := mustBrand(t, s, "Globex", alice)
		m := publish.Account{BrandID: a.ID, Target: mastodonMain, URL: "https://m.example", Handle: "@acme", Secret: "s3cret"}
		w := publish.Account{BrandID: a.ID, Target: herald.Target{Kind: "webhook", Name: "zapier"}, URL: "https://hooks.example/abc", Secret: "hmac"}
		gm := publish.Account{BrandID: g.ID, Target: mastodonMain, URL: "https://g.example", Secret: "other"}
		for _, acct := range []publish.Account{w, m, gm} {
			if err := s.PutAccount(t.Context(), acct, entry(a, "target_add")); err != nil {
				t.Fatalf("PutAccount(%s): %v", acct.Target, err)
			}
		}
		got, err := s.Account(t.Context(), a.ID, mastodonMain)
		if err != nil {
			t.Fatalf("Account: %v", err)
		}
		if diff := cmp.Diff(m, got); diff != "" {
			t.Errorf("Account (-want +got):\n%s", diff)
		}
		list, err := s.Accounts(t.Context(), a.ID)
		if err != nil {
			t.Fatalf("Accounts: %v", err)
		}
		if diff := cmp.Diff(sortAccounts([]publish.Account{m, w}), sortAccounts(list)); diff != "" {
			t.Errorf("Accounts(Acme) (-want +got):\n%s", diff)
		}
		if got, _ := s.Account(t.Context(), g.ID, mastodonMain); got != gm {
			t.Errorf("Globex's account %+v, want %+v", got, gm)
		}
	})
	t.Run("OKReplace", func(t *testing.T) {
		s := open(t)
		a := mustBrand(t, s, "Acme", alice)
		m := publish.Account{BrandID: a.ID, Target: mastodonMain, URL: "https://m.example", Handle: "@acme", Secret: "s3cret"}
		if err := s.PutAccount(t.Context(), m, entry(a, "target_add")); err != nil {
			t.Fatal(err)
		}
		m2 := publish.Account{BrandID: a.ID, Target: mastodonMain, URL: "https://new.example", Secret: "rotated"}
		if err := s.PutAccount(t.Context(), m2, entry(a, "target_add")); err != nil {
			t.Fatalf("PutAccount again: %v", err)
		}
		list, err := s.Accounts(t.Context(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]publish.Account{m2}, list); diff != "" {
			t.Errorf("Accounts after replacing (-want +got):\n%s", diff)
		}
	})
}

func accountsDelete(t *testing.T, open func(t *testing.T) publish.Store) {
	t.Run("OKDelete", func(t *testing.T) {
		s := open(t)
		a := mustBrand(t, s, "Acme", alice)
		m := publish.Account{BrandID: a.ID, Target: mastodonMain, URL: "https://m.example"}
		if err := s.PutAccount(t.Context(), m, entry(a, "target_add")); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteAccount(t.Context(), a.ID, mastodonMain, entry(a, "target_rm")); err != nil {
			t.Fatalf("DeleteAccount: %v", err)
		}
		_, err := s.Account(t.Context(), a.ID, mastodonMain)
		assertCode(t, err, herald.ENOTFOUND, "Account after DeleteAccount")
		if list, err := s.Accounts(t.Context(), a.ID); err != nil || len(list) != 0 {
			t.Errorf("Accounts after DeleteAccount = %+v, %v", list, err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s := open(t)
		a := mustBrand(t, s, "Acme", alice)
		g := mustBrand(t, s, "Globex", alice)
		if err := s.PutAccount(t.Context(), publish.Account{BrandID: g.ID, Target: mastodonMain}, entry(g, "target_add")); err != nil {
			t.Fatal(err)
		}
		_, err := s.Account(t.Context(), a.ID, mastodonMain)
		assertCode(t, err, herald.ENOTFOUND, "Account of another brand's target")
		err = s.DeleteAccount(t.Context(), a.ID, mastodonMain, entry(a, "target_rm"))
		assertCode(t, err, herald.ENOTFOUND, "DeleteAccount of a missing account")
		if _, err := s.Account(t.Context(), g.ID, mastodonMain); err != nil {
			t.Errorf("the other brand's account went: %v", err)
		}
		if list, err := s.Accounts(t.Context(), a.ID+1000); err != nil || len(list) != 0 {
			t.Errorf("Accounts(unknown brand) = %+v, %v; want none", list, err)
		}
	})
}
