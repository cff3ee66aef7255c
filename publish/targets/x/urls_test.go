package x_test

import (
	"testing"

	"github.com/heraldhq/herald/publish/targets/x"
)

// TestBareURLs: HERALD_X_AUTH_URL given as a bare host (a proxy's root)
// still sends people to /i/oauth2/authorize, and HERALD_X_API_URL given
// with /2 at its end reaches /2/oauth2/token and /2/users/me, not /2/2/….
func TestBareURLs(t *testing.T) {
	f := newFixture(t, "secret-1")
	f.opt.APIURL = f.srv.URL() + "/2/"
	f.opt.AuthURL = f.srv.URL() + "/"
	f.pub, f.prov = x.New(f.opt), x.NewProvider(f.opt)
	if u := f.prov.AuthURL("s", redirect, "ch"); u[:len(f.srv.AuthURL())+1] != f.srv.AuthURL()+"?" {
		t.Errorf("AuthURL %s, want it on %s", u, f.srv.AuthURL())
	}
	f.connect(t) // authorization page, token endpoint, users/me
	o := x.Options{AuthURL: "https://proxy.example/x/authorize?tenant=1"}
	if u := x.NewProvider(o).AuthURL("s", redirect, "ch"); u[:len(o.AuthURL)+1] != o.AuthURL+"&" {
		t.Errorf("an authorization page with a path and a query is kept: %s", u)
	}
}
