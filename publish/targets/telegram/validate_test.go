package telegram_test

import (
	"context"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/media"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/telegram"
	"github.com/heraldhq/herald/publish/targets/telegram/telegramtest"
)

func TestValidate(t *testing.T) {
	emoji := "😀" // two UTF-16 code units
	tests := []struct {
		name   string
		text   string
		reason string
	}{
		{"OKAtLimit", strings.Repeat("a", 4096), ""},
		{"ErrOverLimit", strings.Repeat("a", 4097), telegram.ReasonTooLong},
		{"OKEmojiAtLimit", strings.Repeat(emoji, 2048), ""},
		{"ErrEmojiOverLimit", strings.Repeat(emoji, 2048) + "a", telegram.ReasonTooLong},
		{"OKAccentsCountOnce", strings.Repeat("é", 4096), ""},
	}
	f := newFixture(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := f.pub.Validate(account("@acmenews"), tt.text)
			if reasonOf(err) != tt.reason {
				t.Errorf("reason %q (%v), want %q", reasonOf(err), err, tt.reason)
			}
		})
	}
}

func TestCaptionLimit(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		name string
		n    int
		ok   bool
	}{{"OKAtLimit", 1024, true}, {"ErrOverLimit", 1025, false}} {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Repeat("b", tt.n)
			if err := telegram.ValidateCaption(text); (err == nil) != tt.ok || (!tt.ok && reasonOf(err) != telegram.ReasonCaptionTooLong) {
				t.Errorf("ValidateCaption: %v", err)
			}
			p := post("@acmenews", text)
			p.Media = []publish.Media{item("image/jpeg", "a.jpg", "X")}
			_, err := f.pub.Publish(context.Background(), p)
			if (err == nil) != tt.ok || (!tt.ok && publish.Classify(err).Outcome != publish.Rejected) {
				t.Errorf("Publish: %v", err)
			}
		})
	}
	if n := len(f.tg.Messages()); n != 1 {
		t.Errorf("%d messages made, want the one within the limit", n)
	}
}

func TestValidateMedia(t *testing.T) {
	img := func(typ string, size int64, w, h int) media.Item {
		return media.Item{Type: typ, Name: "f", Size: size, Width: w, Height: h}
	}
	many := func(n int) []media.Item {
		out := make([]media.Item, n)
		for i := range out {
			out[i] = img("image/jpeg", 10, 10, 10)
		}
		return out
	}
	tests := []struct {
		name  string
		items []media.Item
		ok    bool
	}{
		{"OKNone", nil, true},
		{"OKTenInAnAlbum", many(10), true},
		{"ErrElevenInAnAlbum", many(11), false},
		{"OKPhotoAtSizeLimit", []media.Item{img("image/png", telegram.MaxPhotoSize, 100, 100)}, true},
		{"ErrPhotoOverSize", []media.Item{img("image/png", telegram.MaxPhotoSize+1, 100, 100)}, false},
		{"OKVideoAtSizeLimit", []media.Item{img("video/mp4", telegram.MaxFileSize, 100, 100)}, true},
		{"ErrVideoOverSize", []media.Item{img("video/quicktime", telegram.MaxFileSize+1, 100, 100)}, false},
		{"OKPhotoRatio20", []media.Item{img("image/jpeg", 10, 2000, 100)}, true},
		{"ErrPhotoRatioOver20", []media.Item{img("image/jpeg", 10, 2001, 100)}, false},
		{"OKPhotoSides10000", []media.Item{img("image/jpeg", 10, 5000, 5000)}, true},
		{"ErrPhotoSidesOver10000", []media.Item{img("image/jpeg", 10, 5001, 5000)}, false},
		{"OKGIFAlone", []media.Item{img("image/gif", 10, 10, 10)}, true},
		{"ErrGIFInAlbum", []media.Item{img("image/gif", 10, 10, 10), img("image/jpeg", 10, 10, 10)}, false},
		{"ErrType", []media.Item{img("application/pdf", 10, 0, 0)}, false},
	}
	f := newFixture(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := f.pub.ValidateMedia(account("@acmenews"), tt.items)
			if (err == nil) != tt.ok || (!tt.ok && reasonOf(err) != telegram.ReasonMedia) {
				t.Errorf("got %v", err)
			}
		})
	}
}

func TestAccount(t *testing.T) {
	tests := []struct {
		name   string
		in     publish.Account
		chat   string
		reason string
	}{
		{"OKChannel", publish.Account{URL: "@acmenews"}, "@acmenews", ""},
		{"OKChannelWithoutAt", publish.Account{URL: "acmenews"}, "@acmenews", ""},
		{"OKTMeLink", publish.Account{URL: "https://t.me/acmenews"}, "@acmenews", ""},
		{"OKChatID", publish.Account{URL: "-1001234567890"}, "-1001234567890", ""},
		{"OKOwnToken", publish.Account{URL: "@acmenews", Secret: otherToken}, "@acmenews", ""},
		{"ErrShortName", publish.Account{URL: "@abc"}, "@abc", telegram.ReasonBadChat},
		{"ErrNameStartsWithDigit", publish.Account{URL: "@1acme"}, "@1acme", telegram.ReasonBadChat},
		{"ErrLongName", publish.Account{URL: "@" + strings.Repeat("a", 33)}, "@" + strings.Repeat("a", 33), telegram.ReasonBadChat},
		{"ErrNoChat", publish.Account{}, "", telegram.ReasonBadChat},
		{"ErrBadToken", publish.Account{URL: "@acmenews", Secret: "not-a-token"}, "@acmenews", telegram.ReasonBadToken},
	}
	f := newFixture(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Target = herald.Target{Kind: "telegram", Name: "news"}
			a := f.pub.NormalizeAccount(tt.in)
			if a.Handle != tt.chat || a.URL != "" {
				t.Errorf("normalised to %+v, want chat %q", a, tt.chat)
			}
			if err := f.pub.CheckAccount(a); reasonOf(err) != tt.reason {
				t.Errorf("CheckAccount: %v, want reason %q", err, tt.reason)
			}
		})
	}
	t.Run("ErrNoTokenAnywhere", func(t *testing.T) {
		p := telegram.New(telegram.Options{})
		if err := p.CheckAccount(account("@acmenews")); reasonOf(err) != telegram.ReasonNoToken {
			t.Errorf("got %v", err)
		}
	})
}

func TestProbeAccount(t *testing.T) {
	tests := []struct {
		name  string
		chat  string
		setup func(*telegramtest.Server)
		code  string
	}{
		{"OKAdmin", "@acmenews", nil, ""},
		{"OKPrivateChannel", "-1002222", nil, ""},
		{"ErrNotAdmin", "@elsewhere", nil, herald.EINVALID},
		{"ErrUnknownChat", "@nosuchchan", nil, herald.EINVALID},
		{"ErrAdminWithoutPosting", "@quietchan", func(s *telegramtest.Server) {
			s.AddChat(telegramtest.Chat{ID: -1005555, Type: "channel", Username: "quietchan",
				Members: map[int64]string{botID: "administrator"}, NoPost: map[int64]bool{botID: true}})
		}, herald.EINVALID},
		{"OKGroupMember", "@acmegroup", func(s *telegramtest.Server) {
			s.AddChat(telegramtest.Chat{ID: -1006666, Type: "supergroup", Username: "acmegroup", Members: map[int64]string{botID: "member"}})
		}, ""},
		{"ErrTelegramDown", "@acmenews", func(s *telegramtest.Server) { s.FailNext(502, "Bad Gateway", 0) }, herald.EUNAVAILABLE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.setup != nil {
				tt.setup(f.tg)
			}
			err := f.pub.ProbeAccount(context.Background(), account(tt.chat))
			if herald.ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
				t.Errorf("got %v, want code %q", err, tt.code)
			}
			if tt.code == herald.EINVALID && reasonOf(err) != telegram.ReasonCannotPost {
				t.Errorf("reason %q", reasonOf(err))
			}
		})
	}
}

// reasonOf is the Reason of err ("" when none).
func reasonOf(err error) string {
	if e := herald.AsError(err); e != nil && err != nil {
		return e.Reason
	}
	return ""
}

// FuzzAccount reads chats as typed: normalising is stable, and a chat
// CheckAccount accepts is a channel name or a chat id.
func FuzzAccount(f *testing.F) {
	for _, s := range []string{"@acmenews", "acmenews", "https://t.me/acmenews", "-1001234567890", "@", "", "@a b", "--1", "0"} {
		f.Add(s)
	}
	p := telegram.New(telegram.Options{Token: token})
	f.Fuzz(func(t *testing.T, s string) {
		a := p.NormalizeAccount(publish.Account{Target: herald.Target{Kind: "telegram", Name: "x"}, URL: s})
		if b := p.NormalizeAccount(a); b.Handle != a.Handle {
			t.Fatalf("%q: %q then %q", s, a.Handle, b.Handle)
		}
		if p.CheckAccount(a) == nil && !(strings.HasPrefix(a.Handle, "@") || strings.Trim(a.Handle, "-0123456789") == "") {
			t.Fatalf("%q accepted as %q", s, a.Handle)
		}
	})
}
