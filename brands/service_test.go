package brands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/brands"
	"github.com/heraldhq/herald/commands/i18n"
	"github.com/heraldhq/herald/commands/kit"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/storage/sqlite"
)

var (
	start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

	alice  = herald.Actor{Platform: "slack", UserID: "UALICE", Name: "Alice"} // admin of Acme
	bob    = herald.Actor{Platform: "slack", UserID: "UBOB", Name: "Bob"}     // editor
	carol  = herald.Actor{Platform: "discord", UserID: "1003", Name: "Carol"} // approver
	dave   = herald.Actor{Platform: "slack", UserID: "UDAVE", Name: "Dave"}   // client
	vic    = herald.Actor{Platform: "slack", UserID: "UVIC", Name: "Vic"}     // viewer
	ann    = herald.Actor{Platform: "slack", UserID: "UANN", Name: "Ann"}     // second approver
	erin   = herald.Actor{Platform: "slack", UserID: "UERIN", Name: "Erin"}   // second editor
	nobody = herald.Actor{Platform: "slack", UserID: "UNOBODY", Name: "Nobody"}

	acmeCh   = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "CACME"}
	globexCh = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "CGLOBEX"}
	otherCh  = herald.ChannelRef{Platform: "slack", Workspace: "T1", Channel: "CRANDOM"}
)

// env is a Service over a fresh store with brand Acme: alice admin, bob
// editor, carol and ann approvers, dave client, vic viewer, erin editor.
type env struct {
	brands *brands.Service
	store  *sqlite.Store
	brand  herald.Brand
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s := mustOpen(t)
	c := testclock.New(start)
	c.Step(time.Second)
	e := &env{brands: brands.NewService(s, c, "UTC"), store: s}
	ctx := t.Context()
	b, err := e.brands.AddBrand(ctx, alice, "Acme", &acmeCh)
	if err != nil {
		t.Fatalf("AddBrand: %v", err)
	}
	for _, m := range []struct {
		who  herald.Actor
		role herald.Role
	}{{bob, herald.RoleEditor}, {carol, herald.RoleApprover}, {ann, herald.RoleApprover}, {dave, herald.RoleClient}, {vic, herald.RoleViewer}, {erin, herald.RoleEditor}} {
		if _, err := e.brands.SetRole(ctx, alice, acmeCh, "", m.who, m.role); err != nil {
			t.Fatalf("SetRole(%s, %s): %v", m.who.Name, m.role, err)
		}
	}
	if e.brand, err = s.Brand(ctx, b.ID); err != nil {
		t.Fatalf("Brand: %v", err)
	}
	return e
}

// assertMessage checks what a user is told of err: the domain's plain
// message, worded by the command layer where it names a command to type.
func assertMessage(t *testing.T, err error, fragment string) {
	t.Helper()
	if msg := kit.ErrorText(i18n.English, err); !strings.Contains(msg, fragment) {
		t.Errorf("message %q does not contain %q", msg, fragment)
	}
}

func TestService(t *testing.T) {
	t.Run("ErrLastAdmin", func(t *testing.T) {
		e := newEnv(t)
		ctx := t.Context()
		before, err := e.store.Members(ctx, e.brand.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []herald.Role{herald.RoleEditor, herald.RoleViewer, ""} {
			_, err := e.brands.SetRole(ctx, alice, acmeCh, "", alice, r)
			if herald.ErrorCode(err) != herald.ECONFLICT {
				t.Fatalf("SetRole(alice, %q) = %v, want %s", r, err, herald.ECONFLICT)
			}
			assertMessage(t, err, "last admin")
		}
		after, err := e.store.Members(ctx, e.brand.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("members changed (-before +after):\n%s", diff)
		}
		// Re-affirming admin is fine; with a second admin, alice may step down.
		if _, err := e.brands.SetRole(ctx, alice, acmeCh, "", alice, herald.RoleAdmin); err != nil {
			t.Errorf("SetRole(alice, admin): %v", err)
		}
		if _, err := e.brands.SetRole(ctx, alice, acmeCh, "", carol, herald.RoleAdmin); err != nil {
			t.Fatalf("SetRole(carol, admin): %v", err)
		}
		if _, err := e.brands.SetRole(ctx, alice, acmeCh, "", alice, herald.RoleEditor); err != nil {
			t.Errorf("SetRole(alice, editor) with another admin: %v", err)
		}
		// Now carol is the last one.
		if _, err := e.brands.SetRole(ctx, carol, acmeCh, "", carol, ""); herald.ErrorCode(err) != herald.ECONFLICT {
			t.Errorf("SetRole(carol, none) as last admin = %v, want %s", err, herald.ECONFLICT)
		}
	})

	t.Run("ErrBrandName", func(t *testing.T) {
		e := newEnv(t)
		ctx := t.Context()
		if _, err := e.brands.AddBrand(ctx, bob, "ACME", nil); herald.ErrorCode(err) != herald.ECONFLICT {
			t.Errorf("AddBrand(ACME) = %v, want %s", err, herald.ECONFLICT)
		}
		for _, name := range []string{"", "  ", "-x", `say "hi"`, "a\tb", strings.Repeat("x", 65)} {
			if _, err := e.brands.AddBrand(ctx, bob, name, nil); herald.ErrorCode(err) != herald.EINVALID {
				t.Errorf("AddBrand(%q) = %v, want %s", name, err, herald.EINVALID)
			}
		}
		bs, err := e.brands.Brands(ctx, bob)
		if err != nil || len(bs) != 1 || bs[0].Role != herald.RoleEditor {
			t.Errorf("Brands(bob) = %+v, %v; want Acme as editor only", bs, err)
		}
	})

	t.Run("Resolve", func(t *testing.T) {
		e := newEnv(t)
		ctx := t.Context()
		g, err := e.brands.AddBrand(ctx, alice, "Globex", &acmeCh) // acmeCh keeps its default
		if err != nil {
			t.Fatalf("AddBrand: %v", err)
		}
		resolve := func(who herald.Actor, ch herald.ChannelRef, name string) (string, herald.Role, error) {
			b, m, err := e.brands.Resolve(ctx, who, ch, name)
			return b.Name, m.Role, err
		}
		t.Run("OKChannelDefault", func(t *testing.T) {
			if name, role, err := resolve(alice, acmeCh, ""); err != nil || name != "Acme" || role != herald.RoleAdmin {
				t.Errorf("Resolve(alice, acme channel) = %s, %s, %v; want Acme, admin", name, role, err)
			}
			if _, err := e.brands.UseBrand(ctx, alice, globexCh, "globex"); err != nil {
				t.Fatalf("UseBrand: %v", err)
			}
			if name, _, err := resolve(alice, globexCh, ""); err != nil || name != "Globex" {
				t.Errorf("Resolve(alice, globex channel) = %s, %v; want Globex", name, err)
			}
			if id, err := e.store.ChannelBrand(ctx, globexCh); err != nil || id != g.ID {
				t.Errorf("ChannelBrand = %d, %v; want %d", id, err, g.ID)
			}
		})
		t.Run("OKSingleMembership", func(t *testing.T) {
			if name, role, err := resolve(bob, otherCh, ""); err != nil || name != "Acme" || role != herald.RoleEditor {
				t.Errorf("Resolve(bob, no default) = %s, %s, %v; want Acme, editor", name, role, err)
			}
		})
		t.Run("OKByName", func(t *testing.T) {
			if name, _, err := resolve(alice, acmeCh, " GLOBEX "); err != nil || name != "Globex" {
				t.Errorf("Resolve(alice, GLOBEX) = %s, %v; want Globex", name, err)
			}
		})
		t.Run("ErrWhichBrand", func(t *testing.T) {
			_, _, err := resolve(alice, otherCh, "")
			if herald.ErrorCode(err) != herald.EINVALID {
				t.Fatalf("Resolve(alice, no default, two brands) = %v, want %s", err, herald.EINVALID)
			}
			assertMessage(t, err, "Which brand?")
		})
		t.Run("ErrNoBrand", func(t *testing.T) {
			_, _, err := resolve(nobody, otherCh, "")
			if herald.ErrorCode(err) != herald.ENOTFOUND {
				t.Fatalf("Resolve(stranger) = %v, want %s", err, herald.ENOTFOUND)
			}
			assertMessage(t, err, "brand add")
		})
		t.Run("ErrNotAMember", func(t *testing.T) {
			// Bob is not in Globex: by name or by channel, it is not found.
			if _, _, err := resolve(bob, acmeCh, "Globex"); herald.ErrorCode(err) != herald.ENOTFOUND {
				t.Errorf("Resolve(bob, Globex) = %v, want %s", err, herald.ENOTFOUND)
			}
			if _, _, err := resolve(bob, globexCh, ""); herald.ErrorCode(err) != herald.ENOTFOUND {
				t.Errorf("Resolve(bob, globex channel) = %v, want %s", err, herald.ENOTFOUND)
			}
			if _, _, err := resolve(alice, acmeCh, "Initech"); herald.ErrorCode(err) != herald.ENOTFOUND {
				t.Errorf("Resolve(alice, Initech) = %v, want %s", err, herald.ENOTFOUND)
			}
		})
	})
}

func TestRoleOf(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	t.Run("OK", func(t *testing.T) {
		for _, g := range []struct {
			who  herald.Actor
			role herald.Role
		}{{alice, herald.RoleAdmin}, {bob, herald.RoleEditor}, {dave, herald.RoleClient}, {vic, herald.RoleViewer}} {
			who, want := g.who, g.role
			if got, err := e.brands.RoleOf(ctx, who, e.brand.ID); err != nil || got != want {
				t.Errorf("RoleOf(%s) = %q, %v; want %q", who.Name, got, err, want)
			}
		}
		chs, err := e.brands.BrandChannels(ctx, e.brand.ID)
		if err != nil || len(chs) != 1 || chs[0] != acmeCh {
			t.Errorf("BrandChannels = %v, %v; want [%v]: where the brand was created", chs, err, acmeCh)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		if _, err := e.brands.RoleOf(ctx, nobody, e.brand.ID); herald.ErrorCode(err) != herald.EFORBIDDEN {
			t.Errorf("RoleOf(nobody) = %v; want EFORBIDDEN", err)
		}
	})
}

// TestSetLang: an admin sets the language of the brand's channels; others
// are refused, and so is a language Herald does not speak; nothing changes
// then.
func TestSetLang(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		e := newEnv(t)
		b, err := e.brands.SetLang(t.Context(), alice, acmeCh, "", "fr")
		if err != nil || b.Lang != "fr" {
			t.Fatalf("SetLang(fr) = %+v, %v", b, err)
		}
		if got, err := e.store.Brand(t.Context(), b.ID); err != nil || got.Lang != "fr" {
			t.Errorf("stored Lang = %q, %v; want fr", got.Lang, err)
		}
	})
	for name, tt := range map[string]struct {
		who  herald.Actor
		lang string
		code string
	}{
		"ErrEditor":  {bob, "fr", herald.EFORBIDDEN},
		"ErrClient":  {dave, "fr", herald.EFORBIDDEN},
		"ErrUnknown": {alice, "de", herald.EINVALID},
		"ErrEmpty":   {alice, "", herald.EINVALID},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			_, err := e.brands.SetLang(t.Context(), tt.who, acmeCh, "", tt.lang)
			if got := herald.ErrorCode(err); got != tt.code {
				t.Fatalf("SetLang = %v; want %s", err, tt.code)
			}
			if got, err := e.store.Brand(t.Context(), e.brand.ID); err != nil || got.Lang != "" {
				t.Errorf("after a refusal Lang = %q, %v; want unchanged", got.Lang, err)
			}
		})
	}
}
