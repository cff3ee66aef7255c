package publish_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/approvals"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/linkedin"
	"github.com/heraldhq/herald/publish/targets/linkedin/linkedintest"
)

var liTarget = herald.Target{Kind: "linkedin", Name: "acme"}

// connectEnv is an env with a fake LinkedIn, its publisher and a
// Connector on the env's clock.
type connectEnv struct {
	*env
	li   *linkedintest.Server
	conn *publish.Connector
}

func newConnectEnv(t *testing.T, pages ...string) *connectEnv {
	t.Helper()
	clock := testclock.New(start)
	li := linkedintest.New(clock, "app", "secret")
	t.Cleanup(li.Close)
	li.SetMember(linkedintest.Member{Sub: "al1ce", Name: "Alice", Pages: pages})
	for _, p := range pages {
		li.AddOrganization(p, "Page "+p)
	}
	o := linkedin.Options{APIURL: li.URL, AuthURL: li.URL, Clock: clock, ClientID: "app", ClientSecret: "secret",
		Client: httpx.New(httpx.Options{Trusted: true, Timeout: 10 * time.Second})}
	e := newEnv(t, config{policy: "none", clock: clock, nets: map[string]publish.Publisher{"linkedin": linkedin.New(o)}})
	e.clock = clock
	c := publish.NewConnector(e.svc, "https://herald.example", e.events, nil)
	c.AddProvider("linkedin", linkedin.NewProvider(o))
	return &connectEnv{env: e, li: li, conn: c}
}

// consent asks for a link as alice and follows it to the query LinkedIn
// sends back to the callback.
func (e *connectEnv) consent(t *testing.T) url.Values {
	t.Helper()
	_, link, err := e.conn.Connect(t.Context(), alice, acmeCh, "", liTarget)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(link, "redirect_uri=https%3A%2F%2Fherald.example%2Foauth%2Fcallback") {
		t.Errorf("link %q does not come back to the callback", link)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc.Query()
}

func (e *connectEnv) account(t *testing.T) (publish.Account, bool) {
	t.Helper()
	a, err := e.store.Account(t.Context(), e.brand.ID, liTarget)
	if herald.ErrorCode(err) == herald.ENOTFOUND {
		return a, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return a, true
}

func reasonOf(err error) string {
	if he := herald.AsError(err); he != nil {
		return he.Reason
	}
	return ""
}

func TestConnectStates(t *testing.T) {
	t.Run("OKOneAccount", func(t *testing.T) {
		e := newConnectEnv(t)
		res, err := e.conn.Callback(t.Context(), e.consent(t))
		if err != nil || res.As != "Alice" || len(res.Choices) != 0 {
			t.Fatalf("Callback = %+v, %v", res, err)
		}
		a, ok := e.account(t)
		if !ok || a.Handle != "urn:li:person:al1ce" || a.Conn.By != "Alice" || !a.Conn.Expires.Equal(e.clock.Now().Add(60*24*time.Hour)) {
			t.Errorf("account %+v", a)
		}
	})
	for _, c := range []struct {
		name   string
		reason string
		tamper func(t *testing.T, e *connectEnv, q url.Values)
	}{
		{"ErrUnknown", publish.ReasonStateUnknown, func(t *testing.T, e *connectEnv, q url.Values) { q.Set("state", q.Get("state")+"x") }},
		{"ErrEmpty", publish.ReasonStateUnknown, func(t *testing.T, e *connectEnv, q url.Values) { q.Del("state") }},
		{"ErrExpired", publish.ReasonStateExpired, func(t *testing.T, e *connectEnv, q url.Values) { e.clock.Advance(publish.StateTTL + time.Second) }},
		{"ErrUsed", publish.ReasonStateUsed, func(t *testing.T, e *connectEnv, q url.Values) {
			if _, err := e.conn.Callback(t.Context(), q); err != nil {
				t.Fatal(err)
			}
			if err := e.store.DeleteAccount(t.Context(), e.brand.ID, liTarget, approvals.AuditEntry{BrandID: e.brand.ID, Action: "target_rm", Actor: alice, At: e.clock.Now()}); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newConnectEnv(t)
			q := e.consent(t)
			c.tamper(t, e, q)
			_, err := e.conn.Callback(t.Context(), q)
			if reasonOf(err) != c.reason {
				t.Errorf("Callback = %v; want reason %s", err, c.reason)
			}
			if _, ok := e.account(t); ok {
				t.Error("a refused callback stored an account")
			}
		})
	}
	t.Run("ErrDenied", func(t *testing.T) {
		e := newConnectEnv(t)
		e.li.Deny()
		if _, err := e.conn.Callback(t.Context(), e.consent(t)); reasonOf(err) != publish.ReasonConnectDenied {
			t.Errorf("a cancelled consent: %v", err)
		}
	})
	t.Run("ErrNotAdmin", func(t *testing.T) {
		e := newConnectEnv(t)
		if _, _, err := e.conn.Connect(t.Context(), bob, acmeCh, "", liTarget); herald.ErrorCode(err) != herald.EFORBIDDEN {
			t.Errorf("an editor asked for a link: %v", err)
		}
	})
	t.Run("ErrNoPublicURL", func(t *testing.T) {
		e := newConnectEnv(t)
		c := publish.NewConnector(e.svc, "", e.events, nil)
		c.AddProvider("linkedin", linkedin.NewProvider(linkedin.Options{ClientID: "a", ClientSecret: "b"}))
		if _, _, err := c.Connect(t.Context(), alice, acmeCh, "", liTarget); reasonOf(err) != publish.ReasonNoPublicURL {
			t.Errorf("without HERALD_PUBLIC_URL: %v", err)
		}
	})
}

func TestConnectChoice(t *testing.T) {
	e := newConnectEnv(t, "100", "200")
	res, err := e.conn.Callback(t.Context(), e.consent(t))
	if err != nil || len(res.Choices) != 3 {
		t.Fatalf("Callback = %+v, %v", res, err)
	}
	ev := e.events.last(t)
	if ev.Kind != publish.EventConnect || ev.Connect.Kind != publish.ConnectChoose || ev.Connect.Actor.UserID != alice.UserID || len(ev.Connect.Choices) != 3 {
		t.Fatalf("event %+v", ev)
	}
	if _, ok := e.account(t); ok {
		t.Fatal("connected before the choice")
	}
	if _, _, err := e.conn.Choose(t.Context(), bob, acmeCh, "", liTarget, "urn:li:organization:200"); err == nil {
		t.Error("another person made the choice")
	}
	if _, _, err := e.conn.Choose(t.Context(), alice, acmeCh, "", liTarget, "urn:li:organization:999"); reasonOf(err) != publish.ReasonBadChoice {
		t.Errorf("a choice not offered: %v", err)
	}
	_, a, err := e.conn.Choose(t.Context(), alice, acmeCh, "", liTarget, "urn:li:organization:200")
	if err != nil || a.Conn.As != "Page 200" || a.Secret != "" {
		t.Fatalf("Choose = %+v, %v", a, err)
	}
	if ev := e.events.last(t); ev.Connect == nil || ev.Connect.Kind != publish.ConnectDone || ev.Connect.Account.Conn.As != "Page 200" {
		t.Errorf("event %+v", ev)
	}
	if _, _, err := e.conn.Choose(t.Context(), alice, acmeCh, "", liTarget, "urn:li:organization:100"); reasonOf(err) != publish.ReasonNoChoice {
		t.Errorf("a second choice: %v", err)
	}
	t.Run("ErrChoiceExpired", func(t *testing.T) {
		if _, err := e.conn.Callback(t.Context(), e.consent(t)); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(publish.StateTTL + time.Second)
		if _, _, err := e.conn.Choose(t.Context(), alice, acmeCh, "", liTarget, "urn:li:organization:100"); reasonOf(err) != publish.ReasonNoChoice {
			t.Errorf("a choice after 15 minutes: %v", err)
		}
	})
}

func TestRefresher(t *testing.T) {
	e := newConnectEnv(t)
	if _, err := e.conn.Callback(t.Context(), e.consent(t)); err != nil {
		t.Fatal(err)
	}
	r := publish.NewRefresher(e.conn, 0)
	a0, _ := e.account(t)
	tick := func() {
		t.Helper()
		if err := r.Tick(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(52 * 24 * time.Hour) // 8 days left: not yet
	tick()
	if a, _ := e.account(t); a.Secret != a0.Secret {
		t.Error("refreshed 8 days before expiry")
	}
	e.clock.Advance(2 * 24 * time.Hour) // 6 days left: refreshed
	tick()
	a1, _ := e.account(t)
	if a1.Secret == a0.Secret || !a1.Conn.Expires.Equal(e.clock.Now().Add(60*24*time.Hour)) || a1.Conn.Refresh != a0.Conn.Refresh {
		t.Fatalf("not refreshed 6 days before expiry: %+v", a1.Conn)
	}

	// The refresh token ends after 365 days: a week before, a card with
	// Reconnect, once; at its end the account is dead.
	ends := a1.Conn.RefreshExpires
	e.clock.Set(ends.Add(-8 * 24 * time.Hour))
	tick()
	if n := e.events.connects(publish.ConnectExpiring); n != 0 {
		t.Errorf("%d expiry cards 8 days before", n)
	}
	e.clock.Set(ends.Add(-6 * 24 * time.Hour))
	tick()
	tick()
	if n := e.events.connects(publish.ConnectExpiring); n != 1 {
		t.Errorf("%d expiry cards 6 days before; want 1", n)
	}
	e.clock.Set(ends.Add(time.Minute))
	tick()
	if a, _ := e.account(t); !a.Conn.Health.Dead || e.events.connects(publish.ConnectDead) != 1 {
		t.Errorf("after its end: dead %v, %d dead cards", a.Conn.Health.Dead, e.events.connects(publish.ConnectDead))
	}
}

func TestRefresherRevoked(t *testing.T) {
	e := newConnectEnv(t)
	if _, err := e.conn.Callback(t.Context(), e.consent(t)); err != nil {
		t.Fatal(err)
	}
	e.li.Revoke("al1ce")
	if err := publish.NewRefresher(e.conn, 0).Tick(t.Context()); err != nil {
		t.Fatal(err)
	}
	a, _ := e.account(t)
	if !a.Conn.Health.Dead || !strings.Contains(a.Conn.Health.LastError, "revoked") || e.events.connects(publish.ConnectDead) != 1 {
		t.Errorf("a revoked token: %+v; %d dead cards", a.Conn.Health, e.events.connects(publish.ConnectDead))
	}
}

// last returns the last event recorded.
func (r *recorder) last(t *testing.T) publish.Event {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.events) == 0 {
		t.Fatal("no event")
	}
	return r.events[len(r.events)-1]
}

// connects counts the connection events of kind k.
func (r *recorder) connects(k publish.ConnectEventKind) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.events {
		if e.Connect != nil && e.Connect.Kind == k {
			n++
		}
	}
	return n
}

// pkceProvider records the PKCE challenge it is given, and the verifier
// the exchange sends.
type pkceProvider struct {
	challenge, verifier, state string
}

func (p *pkceProvider) Ready() error { return nil }
func (p *pkceProvider) PKCE() bool   { return true }
func (p *pkceProvider) AuthURL(state, redirect, challenge string) string {
	p.state, p.challenge = state, challenge
	return "https://network.example/auth"
}
func (p *pkceProvider) Exchange(_ context.Context, code, redirect, verifier string) (publish.Grant, error) {
	p.verifier = verifier
	return publish.Grant{Access: "a"}, nil
}
func (p *pkceProvider) Refresh(context.Context, publish.Grant) (publish.Grant, error) {
	return publish.Grant{}, nil
}
func (p *pkceProvider) Accounts(context.Context, publish.Grant) ([]publish.Choice, error) {
	return []publish.Choice{{ID: "urn:li:person:1", Name: "Alice", Kind: "person"}}, nil
}
func (p *pkceProvider) Check(context.Context, publish.Grant) error { return nil }

// TestConnectPKCE: a network that takes PKCE gets an S256 challenge in
// the link, and the exchange sends its verifier; the state and the
// verifier are 256 random bits each.
func TestConnectPKCE(t *testing.T) {
	e := newConnectEnv(t)
	p := &pkceProvider{}
	e.conn.AddProvider("linkedin", p)
	if _, _, err := e.conn.Connect(t.Context(), alice, acmeCh, "", liTarget); err != nil {
		t.Fatal(err)
	}
	if _, err := e.conn.Callback(t.Context(), url.Values{"state": {p.state}, "code": {"c"}}); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(p.verifier))
	if got := base64.RawURLEncoding.EncodeToString(sum[:]); got != p.challenge || len(p.verifier) < 43 || len(p.state) < 43 {
		t.Errorf("challenge %q, verifier %q (S256: %q), state %q", p.challenge, p.verifier, got, p.state)
	}
}

// TestLinkedInExactlyOnce: LinkedIn takes no idempotency key. A post
// whose answer is lost after LinkedIn made it is found among the page's
// posts and settled as published, not sent again; one LinkedIn did not
// make is not sent again blindly either: a person decides (unconfirmed);
// a post cut short by a crash (found sending) is looked for the same way.
func TestLinkedInExactlyOnce(t *testing.T) {
	e := newConnectEnv(t)
	if _, err := e.conn.Callback(t.Context(), e.consent(t)); err != nil {
		t.Fatal(err)
	}
	publishNow := func(text string) int64 {
		t.Helper()
		d := e.approved(t, text, "linkedin:acme", time.Time{})
		if _, err := e.svc.PublishNow(t.Context(), bob, d.ID); err != nil {
			t.Fatal(err)
		}
		e.tick(t)
		return d.ID
	}
	t.Run("OKMadeDespiteA504", func(t *testing.T) {
		e.li.FailAfterPosting(http.StatusGatewayTimeout)
		id := publishNow("made despite a 504")
		if d := e.delivery(t, id); d.State != publish.Delivered || d.Attempts != 1 || !strings.HasPrefix(d.Receipt.ID, "urn:li:share:") {
			t.Errorf("delivery %+v", d)
		}
		if n := len(e.li.Posts()); n != 1 {
			t.Errorf("%d posts on LinkedIn; want 1", n)
		}
	})
	t.Run("ErrNotMadeAfterA503", func(t *testing.T) {
		e.li.Fail("/rest/posts", http.StatusServiceUnavailable, `{"status":503,"message":"Service Unavailable"}`, "")
		id := publishNow("lost in a 503")
		if d := e.delivery(t, id); d.State != publish.Unconfirmed || d.Attempts != 1 {
			t.Errorf("delivery %+v; want unconfirmed after one attempt", d)
		}
		if n := len(e.li.Posts()); n != 1 {
			t.Errorf("%d posts on LinkedIn; want still 1", n)
		}
	})
	t.Run("OKCrashWhileSending", func(t *testing.T) {
		d := e.approved(t, "cut short", "linkedin:acme", time.Time{})
		if _, err := e.svc.PublishNow(t.Context(), bob, d.ID); err != nil {
			t.Fatal(err)
		}
		// The post was made, then Herald stopped before recording it.
		p, ok := e.svc.Publisher("linkedin")
		if !ok {
			t.Fatal("no linkedin publisher")
		}
		a, _ := e.account(t)
		post := publish.Post{DraftID: d.ID, Rev: d.Rev, Target: liTarget, Text: "cut short", Account: a}
		if _, err := p.Publish(t.Context(), post); err != nil {
			t.Fatal(err)
		}
		dl := e.delivery(t, d.ID)
		next := dl
		next.State, next.Attempts, next.SentAt, next.FirstSent = publish.Sending, 1, e.clock.Now(), e.clock.Now()
		if err := e.store.SaveDeliveries(t.Context(), nil, []publish.DeliveryUpdate{{Delivery: next, From: dl.State, FromAttempts: dl.Attempts}}); err != nil {
			t.Fatal(err)
		}
		e.tick(t)
		if got := e.delivery(t, d.ID); got.State != publish.Delivered {
			t.Errorf("delivery %+v; want delivered (found on LinkedIn)", got)
		}
		if n := len(e.li.Posts()); n != 2 {
			t.Errorf("%d posts on LinkedIn; want 2 (none twice)", n)
		}
	})
}
