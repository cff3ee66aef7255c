package publish_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/bluesky"
	"github.com/heraldhq/herald/publish/targets/discordwebhook"
	"github.com/heraldhq/herald/publish/targets/mastodon"
	"github.com/heraldhq/herald/publish/targets/webhook"
)

// The SSRF guard of publish targets (issue 13): every URL form of the
// README's Safety section, against every target kind that takes a URL,
// is refused when the target is added and when it is dialled, and a
// canary server on loopback receives nothing.

// guardKind builds a target kind's publisher and an account on base
// (scheme://host:port).
type guardKind struct {
	kind    string
	publish func(c *http.Client) publish.Publisher
	account func(base string) publish.Account
}

var guardKinds = []guardKind{
	{"webhook", func(c *http.Client) publish.Publisher { return webhook.New(c, nil) },
		func(base string) publish.Account {
			return publish.Account{Target: herald.Target{Kind: "webhook", Name: "x"}, URL: base + "/admin", Secret: strings.Repeat("s", webhook.MinSecret)}
		}},
	{"discord-webhook", func(c *http.Client) publish.Publisher { return discordwebhook.New(c, nil) },
		func(base string) publish.Account {
			return publish.Account{Target: herald.Target{Kind: "discord-webhook", Name: "x"}, URL: base + "/api/webhooks/123456789012345678/abcDEF-123_xyz"}
		}},
	{"mastodon", func(c *http.Client) publish.Publisher { return mastodon.New(c, nil) },
		func(base string) publish.Account {
			return publish.Account{Target: herald.Target{Kind: "mastodon", Name: "x"}, URL: base, Secret: "token"}
		}},
	{"bluesky", func(c *http.Client) publish.Publisher { return bluesky.New(c, nil) },
		func(base string) publish.Account {
			return publish.Account{Target: herald.Target{Kind: "bluesky", Name: "x"}, URL: base, Handle: "acme.bsky.social", Secret: "app-password"}
		}},
}

// guardForms are the hosts of the README's Safety section; PORT is the
// canary's port.
var guardForms = []string{
	"127.0.0.1:PORT", "[::1]:PORT", "localhost:PORT", "0x7f000001:PORT", "2130706433:PORT",
	"10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.1.1", "100.64.0.1", "169.254.169.254",
	"[::ffff:127.0.0.1]:PORT", "[64:ff9b::7f00:1]:PORT", "[fd00::1]", "[fd00:ec2::254]", "[fe80::1]",
	"rebind.example:PORT", // public when added, loopback when dialled
}

// flipDNS answers rebind.example with a public address until flipped,
// then with loopback; localhost is loopback.
type flipDNS struct {
	mu      sync.Mutex
	flipped bool
}

func (d *flipDNS) flip() { d.mu.Lock(); d.flipped = true; d.mu.Unlock() }

// LookupNetIP implements httpx.Resolver.
func (d *flipDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case host == "localhost", host == "rebind.example" && d.flipped:
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	case host == "rebind.example":
		return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
	}
	return nil, errors.New("no such host")
}

// canary is a loopback server that must receive nothing.
func canary(t *testing.T) (port string, hits *atomic.Int32) {
	t.Helper()
	hits = new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, `{"message":"internal secret"}`)
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u.Port(), hits
}

func TestTargetGuardAtAdd(t *testing.T) {
	port, hits := canary(t)
	dns := &flipDNS{}
	e := newEnv(t, config{})
	for _, k := range guardKinds {
		e.svc.Register(k.kind, k.publish(nil))
	}
	e.svc.GuardURLs(httpx.Options{Resolver: dns})
	for _, k := range guardKinds {
		for _, form := range guardForms {
			if strings.HasPrefix(form, "rebind.") {
				continue // public when added: TestTargetGuardAtDial
			}
			a := k.account("http://" + strings.ReplaceAll(form, "PORT", port))
			t.Run("ErrPrivate/"+k.kind+"/"+form, func(t *testing.T) {
				_, err := e.svc.AddTarget(t.Context(), alice, acmeCh, "", a)
				if herald.ErrorCode(err) != herald.EINVALID || !httpx.IsPrivate(err) ||
					!strings.Contains(herald.ErrorMessage(err), "points at a private network address") {
					t.Fatalf("AddTarget: got %v, want EINVALID naming the private address", err)
				}
				if strings.Contains(herald.ErrorMessage(err), "/admin") || strings.Contains(herald.ErrorMessage(err), "abcDEF") {
					t.Errorf("the refusal shows the URL's path (a webhook's secret): %q", herald.ErrorMessage(err))
				}
			})
		}
	}
	t.Run("OKRebindPublicAtAdd", func(t *testing.T) {
		for _, k := range guardKinds {
			if _, err := e.svc.AddTarget(t.Context(), alice, acmeCh, "", k.account("http://rebind.example:"+port)); err != nil {
				t.Errorf("%s: %v", k.kind, err)
			}
		}
	})
	t.Run("OKAllowPrivate", func(t *testing.T) {
		e.svc.GuardURLs(httpx.Options{AllowPrivate: true, Resolver: dns})
		for _, k := range guardKinds {
			if _, err := e.svc.AddTarget(t.Context(), alice, acmeCh, "", k.account("http://127.0.0.1:"+port)); err != nil {
				t.Errorf("%s: %v", k.kind, err)
			}
		}
	})
	if n := hits.Load(); n != 0 {
		t.Errorf("the canary got %d requests", n)
	}
}

func TestTargetGuardAtDial(t *testing.T) {
	port, hits := canary(t)
	dns := &flipDNS{}
	dns.flip()
	// A public server (counted public by the seam) that redirects to the
	// canary: publishers follow no redirect.
	var redirector *httptest.Server
	redirector = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.1:"+port+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	ru, _ := url.Parse(redirector.URL)
	public := netip.MustParseAddrPort(ru.Host)
	client := httpx.New(httpx.Options{Resolver: dns, AllowAddr: func(ap netip.AddrPort) bool { return ap == public }})
	forms := append(slices.Clone(guardForms), ru.Host+" (redirect)")
	for _, k := range guardKinds {
		p := k.publish(client)
		for _, form := range forms {
			host := strings.TrimSuffix(strings.ReplaceAll(form, "PORT", port), " (redirect)")
			t.Run("ErrPrivate/"+k.kind+"/"+form, func(t *testing.T) {
				post := publish.Post{DraftID: 1, Rev: 1, Brand: herald.Brand{ID: 1, Name: "Acme"}, Target: herald.Target{Kind: k.kind, Name: "x"},
					Account: k.account("http://" + host), Text: "hello", Key: "k1"}
				_, err := p.Publish(t.Context(), post)
				if e := publish.Classify(err); err == nil || e.Outcome != publish.Rejected {
					t.Fatalf("Publish: got %v, want rejected", err)
				}
				if strings.Contains(err.Error(), "internal secret") {
					t.Errorf("the error shows the private address's answer: %v", err)
				}
				if !strings.HasSuffix(form, "(redirect)") && !httpx.IsPrivate(err) {
					t.Errorf("Publish: got %v, want the guard's refusal", err)
				}
			})
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the canary got %d requests", n)
	}
}
