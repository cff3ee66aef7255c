package brands_test

import (
	"testing"
	"time"
	_ "time/tzdata" // every listed zone loads on any machine

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
)

func TestSetZone(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		e := newEnv(t)
		before, after, err := e.brands.SetZone(t.Context(), alice, acmeCh, "", "europe/paris")
		if err != nil {
			t.Fatalf("SetZone: %v", err)
		}
		if before.Timezone != "UTC" || after.Timezone != "Europe/Paris" {
			t.Errorf("SetZone: before %q, after %q; want UTC, Europe/Paris", before.Timezone, after.Timezone)
		}
		got, err := e.brands.Brand(t.Context(), after.ID)
		if err != nil || got.Timezone != "Europe/Paris" || got.Location().String() != "Europe/Paris" {
			t.Errorf("stored brand: %+v, %v", got, err)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		e := newEnv(t)
		_, _, err := e.brands.SetZone(t.Context(), bob, acmeCh, "", "Europe/Paris")
		if herald.ErrorCode(err) != herald.EFORBIDDEN {
			t.Fatalf("an editor's SetZone: %v, want %s", err, herald.EFORBIDDEN)
		}
		if got, _ := e.brands.Brand(t.Context(), e.brand.ID); got.Timezone != "UTC" {
			t.Errorf("zone changed to %q by a refused call", got.Timezone)
		}
	})
	t.Run("ErrUnknown", func(t *testing.T) {
		e := newEnv(t)
		_, _, err := e.brands.SetZone(t.Context(), alice, acmeCh, "", "Europe/Pariss")
		he := herald.AsError(err)
		if he == nil || he.Code != herald.EINVALID || he.Reason != brands.ReasonUnknownZone || he.Facts["suggestion"] != "Europe/Paris" {
			t.Fatalf("SetZone(Europe/Pariss) = %#v, want EINVALID %s suggesting Europe/Paris", err, brands.ReasonUnknownZone)
		}
	})
}

func TestCanonicalZone(t *testing.T) {
	tests := []struct {
		in, want, near string
	}{
		{in: "Europe/Paris", want: "Europe/Paris"},
		{in: " america/new_york ", want: "America/New_York"},
		{in: "utc", want: "UTC"},
		{in: "Etc/GMT+2", want: "Etc/GMT+2"},
		{in: "Europe/Pariss", near: "Europe/Paris"},
		{in: "Paris", near: "Europe/Paris"},
		{in: "new york", near: "America/New_York"},
		{in: "Tokio", near: "Asia/Tokyo"},
		{in: "Local"},
		{in: "../../etc/passwd"},
		{in: ""},
		{in: "Mars/Olympus_Mons"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := brands.CanonicalZone(tt.in)
			if tt.want != "" {
				if err != nil || got != tt.want {
					t.Errorf("CanonicalZone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			he := herald.AsError(err)
			if he == nil || he.Reason != brands.ReasonUnknownZone || he.Facts["suggestion"] != tt.near {
				t.Errorf("CanonicalZone(%q) = %q, %#v; want refused, suggesting %q", tt.in, got, err, tt.near)
			}
		})
	}
}

// TestZoneNamesLoad: every zone suggested is one Herald can load.
func TestZoneNamesLoad(t *testing.T) {
	for _, z := range brands.ZoneNames() {
		if _, err := time.LoadLocation(z); err != nil {
			t.Errorf("zone %q does not load: %v", z, err)
		}
	}
}

// TestResolveSuggests: a brand name typed slightly wrong suggests the
// actor's own brand, never one they do not belong to.
func TestResolveSuggests(t *testing.T) {
	e := newEnv(t)
	if _, err := e.brands.AddBrand(t.Context(), nobody, "Acne", nil); err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{"Acmee": "Acme", "acm": "Acme", "Globex": "", "Acne": "Acme", "xyz": ""} {
		_, _, err := e.brands.Resolve(t.Context(), alice, otherCh, in)
		he := herald.AsError(err)
		if he == nil || he.Reason != brands.ReasonNotVisible {
			t.Fatalf("Resolve(%q) = %v, want %s", in, err, brands.ReasonNotVisible)
		}
		if got, _ := he.Facts["suggestion"].(string); got != want {
			t.Errorf("Resolve(%q) suggests %q, want %q", in, got, want)
		}
	}
}
