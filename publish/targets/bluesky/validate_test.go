package bluesky_test

import (
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/bluesky"
)

// family is one grapheme: 6 runes joined with ZWJ, 20 bytes.
const family = "👨‍❤️‍👨"

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // words the EINVALID message holds; nil means valid
	}{
		{name: "OK", text: "Hello, Bluesky!"},
		{name: "OKVector", text: vector},
		{name: "OK300Graphemes", text: strings.Repeat("a", 300)},
		{name: "OKZWJSequencesCountOnce", text: strings.Repeat(family, 100)}, // 600 runes, 2000 bytes
		{name: "OKFlagsCountOnce", text: strings.Repeat("🇫🇷", 300)},          // 600 runes, 2400 bytes
		{name: "OKCombiningMarks", text: strings.Repeat("e\u0301", 300)},     // 600 runes
		{name: "OK3000Bytes", text: strings.Repeat(family, 150)},             // 150 graphemes
		{name: "ErrGraphemes301", text: strings.Repeat("a", 301), want: []string{"300", "301"}},
		{name: "ErrGraphemesAccented301", text: strings.Repeat("é", 301), want: []string{"300", "301"}},
		{name: "ErrBytes3020", text: strings.Repeat(family, 151), want: []string{"3000", "3020"}},
		{name: "ErrInvalidUTF8", text: "caf\xe9", want: []string{"UTF-8"}},
	}
	p := bluesky.New(loopback(), nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.Validate(publish.Account{}, tt.text)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate = %v; want nil", err)
				}
				return
			}
			if herald.ErrorCode(err) != herald.EINVALID {
				t.Fatalf("Validate = %v; want an %s error", err, herald.EINVALID)
			}
			for _, w := range tt.want {
				if msg := herald.ErrorMessage(err); !strings.Contains(msg, w) {
					t.Errorf("message %q does not name %q", msg, w)
				}
			}
		})
	}
}

func TestCheckAccount(t *testing.T) {
	ok := publish.Account{Handle: "acme.bsky.social", Secret: "abcd-efgh-ijkl-mnop"}
	tests := []struct {
		name string
		edit func(*publish.Account)
		want string // a word of the EINVALID message; "" means valid
	}{
		{name: "OK", edit: func(*publish.Account) {}},
		{name: "OKAtHandle", edit: func(a *publish.Account) { a.Handle = "@acme.bsky.social" }},
		{name: "OKCustomDomain", edit: func(a *publish.Account) { a.Handle = "news.acme.com" }},
		{name: "OKDID", edit: func(a *publish.Account) { a.Handle = "did:plc:acme2n5jvnj4zq4wlbtb3vx7" }},
		{name: "OKURL", edit: func(a *publish.Account) { a.URL = "https://pds.acme.com" }},
		{name: "OKURLLocalHTTP", edit: func(a *publish.Account) { a.URL = "http://localhost:2583/" }},
		{name: "ErrNoHandle", edit: func(a *publish.Account) { a.Handle = " " }, want: "handle"},
		{name: "ErrShortHandle", edit: func(a *publish.Account) { a.Handle = "acme" }, want: "handle"},
		{name: "ErrEmailHandle", edit: func(a *publish.Account) { a.Handle = "me@acme.com" }, want: "handle"},
		{name: "ErrNoSecret", edit: func(a *publish.Account) { a.Secret = "" }, want: "app password"},
		{name: "ErrURLRelative", edit: func(a *publish.Account) { a.URL = "pds.acme.com" }, want: "http(s)"},
		{name: "ErrURLScheme", edit: func(a *publish.Account) { a.URL = "ftp://pds.acme.com" }, want: "http(s)"},
		{name: "ErrURLQuery", edit: func(a *publish.Account) { a.URL = "https://pds.acme.com/?x=1" }, want: "http(s)"},
		{name: "ErrURLUserinfo", edit: func(a *publish.Account) { a.URL = "https://u:p@pds.acme.com" }, want: "http(s)"},
	}
	p := bluesky.New(loopback(), nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ok
			tt.edit(&a)
			err := p.CheckAccount(a)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("CheckAccount = %v; want nil", err)
				}
				return
			}
			if herald.ErrorCode(err) != herald.EINVALID || !strings.Contains(herald.ErrorMessage(err), tt.want) {
				t.Fatalf("CheckAccount = %v; want an %s error naming %q", err, herald.EINVALID, tt.want)
			}
		})
	}
}
