package kit

import (
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/publish"
)

var liAcme = herald.Target{Kind: "linkedin", Name: "acme"}

func TestChoiceCard(t *testing.T) {
	e := publish.ConnectEvent{Kind: publish.ConnectChoose, Brand: herald.Brand{ID: 1, Name: "Acme Corp", Timezone: "UTC"},
		Account: publish.Account{Target: liAcme}, Choices: []publish.Choice{
			{ID: "urn:li:person:a1", Name: "Alice", Kind: "person"}, {ID: "urn:li:organization:2", Name: "Acme SAS", Kind: "organization"}}}
	for _, c := range []struct {
		lang   i18n.Lang
		labels []string
	}{
		{i18n.English, []string{"Alice (your profile)", "Acme SAS (page)"}},
		{i18n.French, []string{"Alice (votre profil)", "Acme SAS (page)"}},
	} {
		card := ChoiceCard(e, c.lang)
		if len(card.Buttons) != 2 {
			t.Fatalf("%s: %d buttons", c.lang, len(card.Buttons))
		}
		for i, b := range card.Buttons {
			if b.Label != c.labels[i] || b.Command != "target choose linkedin:acme "+e.Choices[i].ID+` --brand "Acme Corp"` {
				t.Errorf("%s: button %d = %+v", c.lang, i, b)
			}
		}
	}
}

func TestReconnectCard(t *testing.T) {
	b := herald.Brand{ID: 7, Name: "Acme", Timezone: "UTC", Lang: "fr"}
	ends := time.Date(2027, 12, 6, 9, 0, 0, 0, time.UTC)
	a := publish.Account{Target: liAcme, Conn: publish.Connection{As: "Acme SAS", By: "Alice", Refresh: "x", RefreshExpires: ends,
		Health: publish.Health{LastError: "revoked"}}}
	for _, c := range []struct {
		kind  publish.ConnectEventKind
		lang  i18n.Lang
		title string
		text  string
	}{
		{publish.ConnectDead, i18n.English, "linkedin:acme is disconnected · Acme", "LinkedIn no longer takes Herald's posts as Acme SAS: revoked."},
		{publish.ConnectExpiring, i18n.English, "linkedin:acme must be connected again · Acme", "cannot be renewed by itself"},
		{publish.ConnectDead, i18n.French, "linkedin:acme est déconnecté · Acme", "LinkedIn n'accepte plus les publications de Herald en tant que Acme SAS"},
	} {
		card := ReconnectCard(publish.ConnectEvent{Kind: c.kind, Brand: b, Account: a}, c.lang)
		if card.Title != c.title || !strings.Contains(card.Text, c.text) {
			t.Errorf("%s %s: %q / %q", c.kind, c.lang, card.Title, card.Text)
		}
		if len(card.Buttons) != 1 || card.Buttons[0].Command != `target connect linkedin:acme --brand "Acme"` || card.Key != ConnectKey(7, liAcme) {
			t.Errorf("%s: key %q, buttons %+v", c.kind, card.Key, card.Buttons)
		}
	}
}

func TestHealthText(t *testing.T) {
	at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	c := publish.Connection{As: "Acme SAS", By: "Alice", Refresh: "…", Expires: at.Add(60 * 24 * time.Hour), RefreshExpires: at.Add(365 * 24 * time.Hour),
		Health: publish.Health{LastOK: at, LastError: "429 throttled", ErrorAt: at.Add(time.Hour)}}
	got := HealthText(c, time.UTC, i18n.English)
	for _, want := range []string{"as Acme SAS, connected by Alice", "valid until 2027-02-04", "renewed by itself until 2027-12-06", "last success 2026-12-06", "last error 2026-12-06", "429 throttled"} {
		if !strings.Contains(got, want) {
			t.Errorf("HealthText = %q; want %q in it", got, want)
		}
	}
	c.Health.Dead = true
	if got := HealthText(c, time.UTC, i18n.English); !strings.Contains(got, "DISCONNECTED") {
		t.Errorf("dead: %q", got)
	}
}
