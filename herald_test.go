package herald

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseRole(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Role
		err  bool
	}{
		{name: "OK", in: "admin", want: RoleAdmin},
		{name: "OKEditor", in: "editor", want: RoleEditor},
		{name: "OKApprover", in: "approver", want: RoleApprover},
		{name: "OKClient", in: "client", want: RoleClient},
		{name: "OKViewer", in: "viewer", want: RoleViewer},
		{name: "OKUpperCase", in: "ADMIN", want: RoleAdmin},
		{name: "OKSpaces", in: "  Editor ", want: RoleEditor},
		{name: "ErrUnknown", in: "owner", err: true},
		{name: "ErrEmpty", in: "", err: true},
		{name: "ErrPlural", in: "admins", err: true},
		{name: "ErrInnerSpace", in: "ad min", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRole(tt.in)
			if tt.err {
				if ErrorCode(err) != EINVALID {
					t.Fatalf("ParseRole(%q) = %q, %v; want an %s error", tt.in, got, err, EINVALID)
				}
				if got != "" {
					t.Errorf("ParseRole(%q) returned role %q with its error", tt.in, got)
				}
				if msg := ErrorMessage(err); !strings.Contains(msg, "admin, editor, approver, client, viewer") {
					t.Errorf("message %q does not list the roles", msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseRole(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseRole(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRolesAllParse(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		for _, r := range Roles {
			got, err := ParseRole(string(r))
			if err != nil || got != r {
				t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
			}
		}
	})
}

func TestParseTarget(t *testing.T) {
	long := strings.Repeat("a", 101)
	tests := []struct {
		name string
		in   string
		want Target
		err  bool
	}{
		{name: "OK", in: "slack:#launch", want: Target{Kind: "slack", Name: "#launch"}},
		{name: "OKChannelWithoutHash", in: "slack:launch", want: Target{Kind: "slack", Name: "#launch"}},
		{name: "OKDiscord", in: "discord:#general", want: Target{Kind: "discord", Name: "#general"}},
		{name: "OKDiscordWithoutHash", in: "discord:general", want: Target{Kind: "discord", Name: "#general"}},
		{name: "OKDiscordWebhook", in: "discord-webhook:announcements", want: Target{Kind: "discord-webhook", Name: "announcements"}},
		{name: "OKMastodon", in: "mastodon:main", want: Target{Kind: "mastodon", Name: "main"}},
		{name: "OKBluesky", in: "bluesky:brand", want: Target{Kind: "bluesky", Name: "brand"}},
		{name: "OKWebhook", in: "webhook:zapier", want: Target{Kind: "webhook", Name: "zapier"}},
		{name: "OKKindUpperCase", in: "SLACK:#Launch", want: Target{Kind: "slack", Name: "#Launch"}},
		{name: "OKSpacesAround", in: "  mastodon:main ", want: Target{Kind: "mastodon", Name: "main"}},
		{name: "OKAccountNotPrefixed", in: "mastodon:#main", want: Target{Kind: "mastodon", Name: "#main"}},
		{name: "OKMaxLength", in: "webhook:" + strings.Repeat("a", 100), want: Target{Kind: "webhook", Name: strings.Repeat("a", 100)}},
		{name: "ErrNoColon", in: "slack", err: true},
		{name: "ErrEmpty", in: "", err: true},
		{name: "ErrUnknownKind", in: "twitter:brand", err: true},
		{name: "ErrNoName", in: "mastodon:", err: true},
		{name: "ErrBareHash", in: "slack:#", err: true},
		{name: "ErrNoKind", in: ":main", err: true},
		{name: "ErrInnerSpace", in: "webhook:a b", err: true},
		{name: "ErrInnerTab", in: "webhook:a\tb", err: true},
		{name: "ErrComma", in: "slack:#a,b", err: true},
		{name: "ErrTooLong", in: "webhook:" + long, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTarget(tt.in)
			if tt.err {
				if ErrorCode(err) != EINVALID {
					t.Fatalf("ParseTarget(%q) = %v, %v; want an %s error", tt.in, got, err, EINVALID)
				}
				if got != (Target{}) {
					t.Errorf("ParseTarget(%q) returned %v with its error", tt.in, got)
				}
				if msg := ErrorMessage(err); !strings.Contains(msg, "slack:#channel") {
					t.Errorf("message %q does not show the target forms", msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTarget(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseTarget(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			// Round trip through String.
			again, err := ParseTarget(got.String())
			if err != nil || again != got {
				t.Errorf("ParseTarget(%q) (round trip) = %+v, %v; want %+v", got.String(), again, err, got)
			}
		})
	}
}

func TestParseTargets(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Target
		err  bool
	}{
		{name: "OK", in: "slack:#launch, mastodon:main", want: []Target{{Kind: "slack", Name: "#launch"}, {Kind: "mastodon", Name: "main"}}},
		{name: "OKSpaces", in: "slack:#launch mastodon:main\tbluesky:brand\nwebhook:w", want: []Target{
			{Kind: "slack", Name: "#launch"}, {Kind: "mastodon", Name: "main"}, {Kind: "bluesky", Name: "brand"}, {Kind: "webhook", Name: "w"}}},
		{name: "OKDuplicatesDropped", in: "mastodon:main slack:launch slack:#launch mastodon:main", want: []Target{{Kind: "mastodon", Name: "main"}, {Kind: "slack", Name: "#launch"}}},
		{name: "OKEmpty", in: "", want: nil},
		{name: "OKOnlySeparators", in: " , ,, ", want: nil},
		{name: "OKTrailingComma", in: "bluesky:brand,", want: []Target{{Kind: "bluesky", Name: "brand"}}},
		{name: "ErrOneBad", in: "slack:#launch, twitter:brand", err: true},
		{name: "ErrNoColon", in: "slack:#launch launch", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTargets(tt.in)
			if tt.err {
				if ErrorCode(err) != EINVALID {
					t.Fatalf("ParseTargets(%q) = %v, %v; want an %s error", tt.in, got, err, EINVALID)
				}
				if got != nil {
					t.Errorf("ParseTargets(%q) returned %v with its error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTargets(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseTargets(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			// FormatTargets writes what ParseTargets reads.
			again, err := ParseTargets(FormatTargets(got))
			if err != nil {
				t.Fatalf("ParseTargets(FormatTargets(...)): %v", err)
			}
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("round trip mismatch (-first +second):\n%s", diff)
			}
		})
	}
}

func TestFormatTargets(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		got := FormatTargets([]Target{{Kind: "slack", Name: "#launch"}, {Kind: "mastodon", Name: "main"}})
		if want := "slack:#launch, mastodon:main"; got != want {
			t.Errorf("FormatTargets = %q, want %q", got, want)
		}
	})
	t.Run("OKEmpty", func(t *testing.T) {
		if got := FormatTargets(nil); got != "" {
			t.Errorf("FormatTargets(nil) = %q, want empty", got)
		}
	})
}

func TestErrorCodeAndMessage(t *testing.T) {
	secret := errors.New("dial tcp 10.0.0.7:5432: password=hunter2 rejected")
	generic := Internal(nil).Message
	tests := []struct {
		name     string
		err      error
		wantCode string
		wantMsg  string
	}{
		{name: "OKNil", err: nil, wantCode: "", wantMsg: ""},
		{name: "OKCoded", err: Errorf(ENOTFOUND, "No draft #%d.", 7), wantCode: ENOTFOUND, wantMsg: "No draft #7."},
		{name: "OKCodedWithCause", err: &Error{Code: ECONFLICT, Message: "Taken.", Err: secret}, wantCode: ECONFLICT, wantMsg: "Taken."},
		{name: "OKWrapped", err: fmt.Errorf("storing: %w", Errorf(EFORBIDDEN, "Admins only.")), wantCode: EFORBIDDEN, wantMsg: "Admins only."},
		{name: "OKDoublyWrapped", err: fmt.Errorf("a: %w", fmt.Errorf("b: %w", Errorf(EINVALID, "Bad."))), wantCode: EINVALID, wantMsg: "Bad."},
		{name: "ErrPlainError", err: secret, wantCode: EINTERNAL, wantMsg: generic},
		{name: "ErrInternal", err: Internal(secret), wantCode: EINTERNAL, wantMsg: generic},
		{name: "ErrWrappedInternal", err: fmt.Errorf("saving: %w", Internal(secret)), wantCode: EINTERNAL, wantMsg: generic},
		{name: "ErrInternalWithOwnMessage", err: &Error{Code: EINTERNAL, Message: "db at 10.0.0.7 is down", Err: secret}, wantCode: EINTERNAL, wantMsg: generic},
		{name: "ErrCodedWithoutMessage", err: &Error{Code: EUNAVAILABLE, Err: secret}, wantCode: EUNAVAILABLE, wantMsg: generic},
		{name: "ErrWrappedPlain", err: fmt.Errorf("%w", secret), wantCode: EINTERNAL, wantMsg: generic},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(tt.err); got != tt.wantCode {
				t.Errorf("ErrorCode = %q, want %q", got, tt.wantCode)
			}
			msg := ErrorMessage(tt.err)
			if msg != tt.wantMsg {
				t.Errorf("ErrorMessage = %q, want %q", msg, tt.wantMsg)
			}
			for _, leak := range []string{"hunter2", "10.0.0.7", "dial tcp"} {
				if strings.Contains(msg, leak) {
					t.Errorf("ErrorMessage leaks %q: %q", leak, msg)
				}
			}
		})
	}
}

func TestError(t *testing.T) {
	cause := errors.New("disk full")
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{name: "OKMessageAndCause", err: &Error{Code: EINTERNAL, Message: "Failed", Err: cause}, want: "Failed: disk full"},
		{name: "OKMessage", err: &Error{Code: EINVALID, Message: "Bad input."}, want: "Bad input."},
		{name: "OKCause", err: &Error{Code: EUNAVAILABLE, Err: cause}, want: "unavailable: disk full"},
		{name: "OKCodeOnly", err: &Error{Code: ECONFLICT}, want: "conflict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("OKUnwrap", func(t *testing.T) {
		if err := Internal(cause); !errors.Is(err, cause) {
			t.Errorf("errors.Is(Internal(cause), cause) = false")
		}
	})
}

func TestActor(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		a := Actor{Platform: "slack", UserID: "U123", Name: "Alice"}
		if got := a.Key(); got != "slack:U123" {
			t.Errorf("Key() = %q", got)
		}
		if got := a.Display(); got != "Alice" {
			t.Errorf("Display() = %q", got)
		}
	})
	t.Run("OKNoName", func(t *testing.T) {
		a := Actor{Platform: "discord", UserID: "42"}
		if got := a.Display(); got != "42" {
			t.Errorf("Display() = %q, want the user id", got)
		}
	})
}

func TestBrandLocation(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		b := Brand{Timezone: "Europe/Paris"}
		if got := b.Location().String(); got != "Europe/Paris" {
			t.Errorf("Location() = %q", got)
		}
	})
	t.Run("ErrUnknownZoneIsUTC", func(t *testing.T) {
		b := Brand{Timezone: "Mars/Olympus"}
		if got := b.Location(); got != time.UTC {
			t.Errorf("Location() = %v, want UTC", got)
		}
	})
}
