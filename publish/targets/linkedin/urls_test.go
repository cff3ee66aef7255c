package linkedin_test

import (
	"context"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish/targets/linkedin"
)

// TestURLsWithPaths: HERALD_LINKEDIN_API_URL and _AUTH_URL are hosts (the
// version goes in the LinkedIn-Version header); given with /rest or
// /oauth/v2 at their end they reach the same endpoints, not /rest/rest/….
func TestURLsWithPaths(t *testing.T) {
	f := newFixture(t)
	o := linkedin.Options{APIURL: f.li.URL + "/rest/", AuthURL: f.li.URL + "/oauth/v2", Clock: f.clock, ClientID: "app-id", ClientSecret: "app-secret",
		Client: httpx.New(httpx.Options{Trusted: true, Timeout: 10 * time.Second})}
	f.pub, f.prov = linkedin.New(o), linkedin.NewProvider(o)
	g := f.connect(t)
	choices, err := f.prov.Accounts(context.Background(), g)
	if err != nil || len(choices) != 2 {
		t.Fatalf("accounts %+v, %v", choices, err)
	}
	r, err := f.pub.Publish(context.Background(), f.post(g, choices[1].ID, "Hello (world) #launch"))
	if err != nil || r.ID == "" {
		t.Fatalf("publish: %+v, %v", r, err)
	}
}
