package brands_test

import (
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
)

// TestAddBrandNames: names that would sit beside an existing brand's and
// look the same on every card are refused, each with its reason; a brand
// stored before the rule keeps answering to its name as stored.
func TestAddBrandNames(t *testing.T) {
	e := newEnv(t) // Acme
	ctx := t.Context()
	// A brand named before the rule, with a zero-width space.
	old := herald.Brand{Name: "Initech\u200b", Timezone: "UTC", CreatedAt: start}
	if err := e.store.CreateBrand(ctx, &old, brands.Member{Actor: bob, Role: herald.RoleAdmin, AddedAt: start},
		brands.AuditEntry{Action: brands.AuditBrandAdd, Actor: bob, Detail: old.Name, At: start}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, in string
		code     string
		reason   string
	}{
		{"ErrZeroWidth", "Acme\u200b", herald.EINVALID, brands.ReasonNameInvisible},
		{"ErrBidiOverride", "\u202eemcA", herald.EINVALID, brands.ReasonNameInvisible},
		{"ErrCyrillic", "Асmе", herald.EINVALID, brands.ReasonNameLookalike},
		{"ErrFullWidthOfExisting", "ａｃｍｅ", herald.ECONFLICT, brands.ReasonNameTaken},
		{"ErrMathBold", "𝐀𝐜𝐦𝐞", herald.EINVALID, brands.ReasonNameLookalike},
		{"ErrSameName", "ACME", herald.ECONFLICT, brands.ReasonNameTaken},
		{"ErrLikeOldName", "Initech", herald.EINVALID, brands.ReasonNameLookalike},
		{"ErrLikeOldNameDigit", "1nitech", herald.EINVALID, brands.ReasonNameLookalike},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.brands.AddBrand(ctx, dave, tc.in, nil)
			if x := herald.AsError(err); x == nil || x.Code != tc.code || x.Reason != tc.reason {
				t.Fatalf("AddBrand(%q) = %v; want %s %s", tc.in, err, tc.code, tc.reason)
			}
		})
	}
	t.Run("OKNormalised", func(t *testing.T) {
		b, err := e.brands.AddBrand(ctx, dave, " Ｇｌｏｂｅｘ\u3000Ｌａｂｓ ", nil)
		if err != nil || b.Name != "Globex Labs" {
			t.Fatalf("AddBrand(full width) = %+v, %v; want Globex Labs", b, err)
		}
		// Typed in full width again, it is found.
		got, _, err := e.brands.Resolve(ctx, dave, otherCh, "Ｇｌｏｂｅｘ Ｌａｂｓ")
		if err != nil || got.ID != b.ID {
			t.Errorf("Resolve(full width) = %+v, %v; want brand #%d", got, err, b.ID)
		}
	})
	t.Run("OKOldNameAsStored", func(t *testing.T) {
		got, m, err := e.brands.Resolve(ctx, bob, otherCh, "Initech\u200b")
		if err != nil || got.ID != old.ID || m.Role != herald.RoleAdmin {
			t.Fatalf("Resolve(old name as stored) = %+v, %+v, %v; want brand #%d", got, m, err, old.ID)
		}
		ms, err := e.brands.Brands(ctx, bob)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, x := range ms {
			found = found || x.Brand.ID == old.ID && x.Brand.Name == "Initech\u200b"
		}
		if !found {
			t.Errorf("Brands(bob) = %+v; want the old brand, named as stored", ms)
		}
	})
}

// TestAddBrandFoldedLikeExisting: a name equal to an existing brand's
// under Unicode case folding but not under the store's rule (lower case)
// is a look-alike, not a taken name: "Claſs" (long s) beside "Class", "Σοφοσ"
// beside "Σοφος" (final sigma). Before, lookalike skipped them as the same
// name and the store, which compares lower case, created them.
func TestAddBrandFoldedLikeExisting(t *testing.T) {
	e := newEnv(t) // Acme
	ctx := t.Context()
	for existing, in := range map[string]string{"Class": "Claſs", "Σοφος": "Σοφοσ"} {
		if _, err := e.brands.AddBrand(ctx, dave, existing, nil); err != nil {
			t.Fatal(err)
		}
		_, err := e.brands.AddBrand(ctx, dave, in, nil)
		if x := herald.AsError(err); x == nil || x.Code != herald.EINVALID || x.Reason != brands.ReasonNameLookalike {
			t.Errorf("AddBrand(%q) beside %q = %v; want EINVALID %s", in, existing, err, brands.ReasonNameLookalike)
		}
	}
}
