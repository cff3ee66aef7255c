package meta_test

import (
	"testing"

	"github.com/heraldhq/herald/publish/targets/meta"
)

// TestVersioned: an API URL works with or without its version segment.
func TestVersioned(t *testing.T) {
	for _, c := range []struct{ in, versioned, root string }{
		{"https://graph.facebook.com", "https://graph.facebook.com/v24.0", "https://graph.facebook.com"},
		{"https://graph.facebook.com/", "https://graph.facebook.com/v24.0", "https://graph.facebook.com"},
		{"https://graph.facebook.com/v24.0", "https://graph.facebook.com/v24.0", "https://graph.facebook.com"},
		{"https://graph.facebook.com/v21.0/", "https://graph.facebook.com/v21.0", "https://graph.facebook.com"},
		{"http://127.0.0.1:8080/meta", "http://127.0.0.1:8080/meta/v24.0", "http://127.0.0.1:8080/meta"},
		{"http://127.0.0.1:8080/meta/v2", "http://127.0.0.1:8080/meta/v2", "http://127.0.0.1:8080/meta"},
		{"http://127.0.0.1:8080/video", "http://127.0.0.1:8080/video/v24.0", "http://127.0.0.1:8080/video"},
	} {
		if got := meta.Versioned(c.in, meta.Version); got != c.versioned {
			t.Errorf("Versioned(%q) = %q, want %q", c.in, got, c.versioned)
		}
		if got := meta.Root(c.in); got != c.root {
			t.Errorf("Root(%q) = %q, want %q", c.in, got, c.root)
		}
	}
	o := meta.Options{APIURL: "http://127.0.0.1:9", AuthURL: "http://127.0.0.1:9/"}.WithDefaults()
	if o.APIURL != "http://127.0.0.1:9/v24.0" || o.AuthURL != "http://127.0.0.1:9/v24.0" {
		t.Errorf("unversioned URLs: API %s, auth %s", o.APIURL, o.AuthURL)
	}
	if u := meta.NewProvider(o, meta.Pages).AuthURL("st", "https://h.example/oauth/callback", ""); u[:len("http://127.0.0.1:9/v24.0/dialog/oauth?")] != "http://127.0.0.1:9/v24.0/dialog/oauth?" {
		t.Errorf("AuthURL = %s", u)
	}
}
