package storagetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish"
)

// The connect part of the publish.Store contract (RunPublish): accounts
// with their connection and health, and the connect states.

var linkedinAcme = herald.Target{Kind: "linkedin", Name: "acme"}

func testConnect(t *testing.T, open func(t *testing.T) publish.Store) {
	t.Run("Connection", func(t *testing.T) { connectAccount(t, open) })
	t.Run("States", func(t *testing.T) { connectStates(t, open) })
	t.Run("Choice", func(t *testing.T) { connectChoice(t, open) })
}

// connectAccount: an account's connection and health round-trip;
// SetHealth changes the health alone, ENOTFOUND without the account.
func connectAccount(t *testing.T, open func(t *testing.T) publish.Store) {
	s := open(t)
	b := mustBrand(t, s, "Acme", alice)
	ms := func(d time.Duration) time.Time { return t0.Add(d).UTC().Truncate(time.Millisecond) }
	a := publish.Account{BrandID: b.ID, Target: linkedinAcme, Handle: "urn:li:organization:1", Secret: "access",
		Conn: publish.Connection{As: "Acme SAS", By: "Alice", Refresh: "refresh", Granted: ms(0), Expires: ms(time.Hour),
			RefreshExpires: ms(48 * time.Hour), Health: publish.Health{LastOK: ms(time.Minute)}}}
	if err := s.PutAccount(t.Context(), a, entry(b, "target_connect")); err != nil {
		t.Fatal(err)
	}
	got, err := s.Account(t.Context(), b.ID, linkedinAcme)
	if diff := cmp.Diff(a, got); err != nil || diff != "" {
		t.Fatalf("Account: %v (-put +got):\n%s", err, diff)
	}
	h := publish.Health{LastOK: ms(time.Minute), LastError: "revoked", ErrorAt: ms(2 * time.Minute), Dead: true, Warned: ms(3 * time.Minute)}
	if err := s.SetHealth(t.Context(), b.ID, linkedinAcme, h); err != nil {
		t.Fatal(err)
	}
	a.Conn.Health = h
	if got, err := s.Account(t.Context(), b.ID, linkedinAcme); err != nil || !cmp.Equal(a, got) {
		t.Errorf("after SetHealth: %+v, %v; want %+v", got, err, a)
	}
	if err := s.SetHealth(t.Context(), b.ID, mastodonMain, h); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("SetHealth of no account = %v; want ENOTFOUND", err)
	}
}

func newState(b herald.Brand, hash string, created time.Time) publish.ConnectState {
	return publish.ConnectState{Hash: hash, BrandID: b.ID, Target: linkedinAcme, Actor: alice,
		Channel: herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "C1"}, Verifier: "v",
		Created: created, Expires: created.Add(publish.StateTTL), Choices: []publish.Choice{}}
}

// connectStates: a state is taken once, before it expires; otherwise
// nothing changes (ENOTFOUND, or ECONFLICT with the state as stored).
func connectStates(t *testing.T, open func(t *testing.T) publish.Store) {
	s := open(t)
	b := mustBrand(t, s, "Acme", alice)
	at := t0.UTC().Truncate(time.Millisecond)
	for _, h := range []string{"h1", "h2"} {
		if err := s.PutConnectState(t.Context(), newState(b, h, at)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.TakeConnectState(t.Context(), "nope", at); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("unknown state: %v", err)
	}
	got, err := s.TakeConnectState(t.Context(), "h1", at.Add(time.Minute))
	want := newState(b, "h1", at)
	want.Used = at.Add(time.Minute)
	if diff := cmp.Diff(want, got); err != nil || diff != "" {
		t.Errorf("TakeConnectState: %v (-want +got):\n%s", err, diff)
	}
	if got, err := s.TakeConnectState(t.Context(), "h1", at.Add(2*time.Minute)); herald.ErrorCode(err) != herald.ECONFLICT || !got.Used.Equal(at.Add(time.Minute)) {
		t.Errorf("second take: %+v, %v; want ECONFLICT with the first use", got, err)
	}
	late := at.Add(publish.StateTTL)
	if got, err := s.TakeConnectState(t.Context(), "h2", late); herald.ErrorCode(err) != herald.ECONFLICT || !got.Used.IsZero() {
		t.Errorf("expired take: %+v, %v; want ECONFLICT, unused", got, err)
	}
	if _, err := s.TakeConnectState(t.Context(), "h2", at); err != nil {
		t.Errorf("the expired try changed the state: %v", err)
	}
	if err := s.PruneConnectStates(t.Context(), late.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TakeConnectState(t.Context(), "h1", at); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("after pruning: %v", err)
	}
}

// connectChoice: the tokens wait for the choice of the person who
// asked; FinishConnect stores the account once.
func connectChoice(t *testing.T, open func(t *testing.T) publish.Store) {
	s := open(t)
	b := mustBrand(t, s, "Acme", alice)
	at := t0.UTC().Truncate(time.Millisecond)
	st := newState(b, "h1", at)
	if err := s.PutConnectState(t.Context(), st); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TakeConnectState(t.Context(), "h1", at); err != nil {
		t.Fatal(err)
	}
	choices := []publish.Choice{{ID: "urn:li:person:1", Name: "Alice", Kind: "person"}, {ID: "urn:li:organization:2", Name: "Acme SAS", Kind: "organization"}}
	if err := s.PendConnect(t.Context(), "h1", "grant", choices, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PendingConnect(t.Context(), b.ID, linkedinAcme, ann); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("another person's pending choice: %v", err)
	}
	p, err := s.PendingConnect(t.Context(), b.ID, linkedinAcme, alice)
	if err != nil || p.Grant != "grant" || !cmp.Equal(p.Choices, choices) || !p.Expires.Equal(at.Add(time.Hour)) {
		t.Fatalf("PendingConnect = %+v, %v", p, err)
	}
	a := publish.Account{BrandID: b.ID, Target: linkedinAcme, Handle: "urn:li:organization:2", Secret: "access"}
	if err := s.FinishConnect(t.Context(), "h1", at, a, entry(b, "target_connect")); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishConnect(t.Context(), "h1", at, a, entry(b, "target_connect")); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("second FinishConnect = %v; want ECONFLICT", err)
	}
	if _, err := s.PendingConnect(t.Context(), b.ID, linkedinAcme, alice); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("a choice made is still pending: %v", err)
	}
	if got, err := s.Account(t.Context(), b.ID, linkedinAcme); err != nil || got.Handle != a.Handle {
		t.Errorf("the account: %+v, %v", got, err)
	}
}
