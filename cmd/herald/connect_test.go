package main

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/secret"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/media/mediatest"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/linkedin/linkedintest"
)

// browse GETs url as a browser, following redirects (LinkedIn's consent
// sends it to Herald's callback), and returns the last page.
func browse(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var linkRE = regexp.MustCompile(`\[Sign in to connect [^\]]+\] (\S+)`)

// TestConnectLinkedIn drives the connect flow through Main: the command
// answers with a link, the fake LinkedIn consents and sends the browser to
// Herald's callback, the choice of account comes back in chat as
// buttons, a click connects the page, the channel is told; a post then
// goes to the page; a revoked token makes the next post fail with
// Reconnect.
func TestConnectLinkedIn(t *testing.T) {
	li := linkedintest.New(herald.SystemClock{}, "li-app", "li-secret")
	defer li.Close()
	li.SetMember(linkedintest.Member{Sub: "a1ice", Name: "Alice Martin", Pages: []string{"2414183"}})
	li.AddOrganization("2414183", "Acme SAS")

	addr := freeAddr(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "herald.db")
	photo := filepath.Join(dir, "launch.jpg")
	if err := os.WriteFile(photo, mediatest.JPEG(t, 120, 80, 1), 0o600); err != nil {
		t.Fatal(err)
	}
	c := startConsole(t, map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": addr,
		"HERALD_PUBLIC_URL": "http://" + addr, "LINKEDIN_CLIENT_ID": "li-app", "LINKEDIN_CLIENT_SECRET": "li-secret",
		"HERALD_LINKEDIN_API_URL": li.URL, "HERALD_LINKEDIN_AUTH_URL": li.URL, "HERALD_SECRET_KEY": newSecretKey(t),
		"HERALD_MEDIA": "file:" + filepath.Join(dir, "media")})
	c.send("brand add Acme", "Brand Acme created")
	c.send("policy none", "no longer need review")
	c.send("target add linkedin:acme https://linkedin.com --secret tok", "target connect linkedin:acme")

	out := c.send("target connect linkedin:acme", "Sign in to connect linkedin:acme")
	m := linkRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no link in:\n%s", out)
	}
	link := m[1]
	if !strings.HasPrefix(link, li.URL+"/oauth/v2/authorization?") || !strings.Contains(link, "redirect_uri=http%3A%2F%2F"+strings.ReplaceAll(addr, ":", "%3A")+"%2Foauth%2Fcallback") {
		t.Errorf("link %q: want LinkedIn's authorization page coming back to /oauth/callback", link)
	}
	from := len(c.out.String())
	status, page := browse(t, link)
	if status != http.StatusOK || !strings.Contains(page, "choose in chat") {
		t.Fatalf("callback page %d:\n%s", status, page)
	}
	var news string
	waitFor(t, "the choice in chat", func() bool {
		news = c.out.String()[from:]
		return strings.Contains(news, "target choose linkedin:acme urn:li:organization:2414183")
	}, func() string { return c.out.String()[from:] })
	for _, want := range []string{"for alice alone", "Alice Martin (your profile)", "Acme SAS (page)"} {
		if !strings.Contains(news, want) {
			t.Errorf("the choice misses %q:\n%s", want, news)
		}
	}
	ro := openRO(t, db)
	ro.checkSealedState(t, link)

	t.Run("ErrStateReused", func(t *testing.T) {
		status, page := browse(t, link) // the same state again
		if status != http.StatusBadRequest || !strings.Contains(page, "used already") {
			t.Errorf("a reused link: %d\n%s", status, page)
		}
		status, page = browse(t, "http://"+addr+"/oauth/callback?code=x&state=forged")
		if status != http.StatusBadRequest || !strings.Contains(page, "not one Herald gave") {
			t.Errorf("a forged state: %d\n%s", status, page)
		}
	})

	// Another admin cannot make alice's choice: the state is bound to her.
	c.send("role @bob admin", "bob")
	c.send("/as bob", "bob")
	c.send("target choose linkedin:acme urn:li:organization:2414183 --brand Acme", "no choice of account")
	c.send("/as alice", "alice")
	c.send("target choose linkedin:acme urn:li:organization:2414183 --brand Acme", "now posts as Acme SAS")
	c.send("target list", "linkedin:acme  as Acme SAS, connected by alice")
	if !strings.Contains(c.out.String(), "linkedin:acme connected by alice as Acme SAS") {
		t.Errorf("the channel was not told:\n%s", c.out.String())
	}
	c.send("target choose linkedin:acme urn:li:organization:2414183", "no choice of account")

	const text = "Launch day (at last) #news @team"
	c.send(`draft "`+text+`" --to linkedin:acme`, "Draft #1 created")
	c.send(`media add 1 `+photo+` --alt "The team at launch"`, "launch.jpg")
	c.send("submit 1", "approved")
	c.send("publish 1", "#1")
	ro.checkSealedAccount(t)
	waitFor(t, "draft 1 published", func() bool { return ro.draftState(t, 1) == "published" }, c.out.String)
	if ps := li.Posts(); len(ps) != 1 || ps[0].Author != "urn:li:organization:2414183" || ps[0].Text != text || len(ps[0].Hashtags) > 0 {
		t.Errorf("LinkedIn posts = %+v", ps)
	} else if len(ps[0].Images) != 1 || len(li.Image(ps[0].Images[0])) == 0 || len(mediatest.Leaks("image/jpeg", li.Image(ps[0].Images[0]))) > 0 {
		t.Errorf("the post's picture: %v (uploaded without its location?)", ps[0].Images)
	}

	// LinkedIn fails after making the post: Herald finds it among the
	// page's posts instead of posting it twice.
	li.FailAfterPosting(http.StatusGatewayTimeout)
	c.send(`draft "made despite the 504" --to linkedin:acme`, "Draft #2 created")
	c.send("submit 2", "approved")
	c.send("publish 2", "#2")
	waitFor(t, "draft 2 published", func() bool { return ro.draftState(t, 2) == "published" }, c.out.String)
	if ps := li.Posts(); len(ps) != 2 {
		t.Errorf("%d LinkedIn posts after an ambiguous answer; want 2 (no second copy)", len(ps))
	}

	li.Revoke("a1ice")
	c.send(`draft "third" --to linkedin:acme`, "Draft #3 created")
	c.send("submit 3", "approved")
	c.send("publish 3", "#3")
	waitFor(t, "draft 3 failed", func() bool { return ro.draftState(t, 3) == "failed" }, c.out.String)
	waitFor(t, "the Reconnect button", func() bool {
		return strings.Contains(c.out.String(), "[Reconnect] /herald target connect linkedin:acme --brand \"Acme\"")
	}, c.out.String)
	if !strings.Contains(c.out.String(), "linkedin:acme did not take draft #3") || !strings.Contains(c.out.String(), "Its connection has ended") {
		t.Errorf("the thread note of draft 3 does not say to reconnect:\n%s", c.out.String())
	}
	c.send("target list", "DISCONNECTED")

	// Reconnect: a new link, a new consent, the same choice; the failed
	// post goes out on Retry.
	out = c.send("target connect linkedin:acme --brand Acme", "Sign in to connect linkedin:acme")
	if m = linkRE.FindStringSubmatch(out); m == nil {
		t.Fatalf("no link in:\n%s", out)
	}
	from = len(c.out.String())
	if status, page := browse(t, m[1]); status != http.StatusOK {
		t.Fatalf("callback page %d:\n%s", status, page)
	}
	waitFor(t, "the choice in chat", func() bool { return strings.Contains(c.out.String()[from:], "Acme SAS (page)") }, c.out.String)
	c.send("target choose linkedin:acme urn:li:organization:2414183 --brand Acme", "now posts as Acme SAS")
	out = c.send("target list", "linkedin:acme")
	if strings.Contains(out, "DISCONNECTED") {
		t.Errorf("still disconnected after reconnecting:\n%s", out)
	}
	c.send("retry 3", "#3")
	waitFor(t, "draft 3 published", func() bool { return ro.draftState(t, 3) == "published" }, c.out.String)
}

// checkSealedState checks what the database keeps of a connect link:
// the SHA-256 of its state, never the state; the tokens awaiting the
// choice sealed.
func (db roDB) checkSealedState(t *testing.T, link string) {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	state := u.Query().Get("state")
	var n int
	var grant string
	if err := db.QueryRow(`SELECT count(*), max(grant_sealed) FROM connect_states WHERE state_hash = ?`, publish.TokenHash(state)).Scan(&n, &grant); err != nil || n != 1 {
		t.Fatalf("states by hash: %d, %v", n, err)
	}
	if _, sealed := secret.Sealed(grant); !sealed {
		t.Errorf("the pending tokens are stored unsealed: %q", grant)
	}
	if err := db.QueryRow(`SELECT count(*) FROM connect_states WHERE state_hash = ? OR verifier = ? OR grant_sealed LIKE ?`, state, state, "%"+state+"%").Scan(&n); err != nil || n != 0 {
		t.Errorf("the state itself is stored: %d, %v", n, err)
	}
}

// checkSealedAccount checks that the connected account's tokens are
// sealed at rest.
func (db roDB) checkSealedAccount(t *testing.T) {
	t.Helper()
	var access, refresh string
	if err := db.QueryRow(`SELECT secret, refresh FROM accounts WHERE kind = 'linkedin'`).Scan(&access, &refresh); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{access, refresh} {
		if _, sealed := secret.Sealed(v); !sealed {
			t.Errorf("a token is stored unsealed: %q", v)
		}
	}
}

// TestConnectExpiry drives the refresher through Main with an injected
// clock: the token is refreshed a week before it expires; a week before
// the connection ends (LinkedIn's refresh token, a year), the brand's
// channel gets a card with Reconnect.
func TestConnectExpiry(t *testing.T) {
	clock := testclock.New(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
	li := linkedintest.New(clock, "li-app", "li-secret")
	defer li.Close()
	li.SetMember(linkedintest.Member{Sub: "a1ice", Name: "Alice Martin"})

	addr := freeAddr(t)
	db := filepath.Join(t.TempDir(), "herald.db")
	c := startConsoleWith(t, map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": addr,
		"HERALD_PUBLIC_URL": "http://" + addr, "LINKEDIN_CLIENT_ID": "li-app", "LINKEDIN_CLIENT_SECRET": "li-secret",
		"HERALD_LINKEDIN_API_URL": li.URL, "HERALD_LINKEDIN_AUTH_URL": li.URL},
		func(m *Main) { m.Clock, m.RefreshEvery = clock, 20*time.Millisecond })
	c.send("brand add Acme", "Brand Acme created")
	out := c.send("target connect linkedin:acme", "Sign in to connect linkedin:acme")
	m := linkRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no link in:\n%s", out)
	}
	if status, page := browse(t, m[1]); status != http.StatusOK || !strings.Contains(page, "now posts as Alice Martin") {
		t.Fatalf("callback page %d:\n%s", status, page)
	}
	waitFor(t, "the channel told", func() bool {
		return strings.Contains(c.out.String(), "linkedin:acme connected by alice as Alice Martin")
	}, c.out.String)
	ro := openRO(t, db)
	expires := func() int64 {
		var v int64
		if err := ro.QueryRow(`SELECT expires_at FROM accounts WHERE kind = 'linkedin'`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	first := expires()

	clock.Advance(54 * 24 * time.Hour) // six days before the token expires
	waitFor(t, "the token refreshed", func() bool { return expires() > first }, c.out.String)
	if want := clock.Now().Add(60 * 24 * time.Hour).UnixMilli(); expires() != want {
		t.Errorf("refreshed until %d; want %d", expires(), want)
	}

	clock.Set(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC).Add(359 * 24 * time.Hour)) // six days before the refresh token ends
	waitFor(t, "the expiry card", func() bool {
		return strings.Contains(c.out.String(), "linkedin:acme must be connected again · Acme")
	}, c.out.String)
	if !strings.Contains(c.out.String(), "[Reconnect] /herald target connect linkedin:acme --brand \"Acme\"") {
		t.Errorf("the expiry card has no Reconnect:\n%s", c.out.String())
	}
}

// TestConnectNeedsPublicURL: without HERALD_PUBLIC_URL, target connect
// says it is needed.
func TestConnectNeedsPublicURL(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	c := startConsole(t, map[string]string{"HERALD_DATABASE": "sqlite:" + db, "HERALD_HTTP_ADDR": "off",
		"LINKEDIN_CLIENT_ID": "li-app", "LINKEDIN_CLIENT_SECRET": "li-secret"})
	c.send("brand add Acme", "Brand Acme created")
	c.send("target connect linkedin:acme", "HERALD_PUBLIC_URL")
	c.send("policy none", "no longer need review")
	c.send(`draft "hello" --to linkedin:acme`, "Draft #1 created")
	c.send("submit 1", "target connect linkedin:acme")
}
