package meta_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/internal/testclock"
	"github.com/heraldhq/herald/publish"
	"github.com/heraldhq/herald/publish/targets/meta"
	"github.com/heraldhq/herald/publish/targets/meta/metatest"
)

func answer(status int, body string) *http.Response {
	return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
}

func body(code, sub int, msg string) string {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": msg, "type": "OAuthException", "code": code, "error_subcode": sub, "fbtrace_id": "Ax"}})
	return string(b)
}

func TestClassify(t *testing.T) {
	g := meta.New(meta.Options{Network: "Facebook"})
	for _, c := range []struct {
		name    string
		status  int
		body    string
		outcome publish.Outcome
		dead    bool
		words   string
	}{
		{"ErrDead", 400, body(190, 463, "Session has expired"), publish.Rejected, true, "Session has expired (code 190, subcode 463)"},
		{"ErrRate4", 400, body(4, 0, "Application request limit reached"), publish.Transient, false, "tries again later"},
		{"ErrRate17", 400, body(17, 0, "User request limit reached"), publish.Transient, false, "code 17"},
		{"ErrRate32", 400, body(32, 0, "Page request limit reached"), publish.Transient, false, "code 32"},
		{"ErrRate613", 400, body(613, 0, "Calls to this api have exceeded the rate limit"), publish.Transient, false, "code 613"},
		{"ErrNotReady", 400, body(9007, 2207027, "Media ID is not available"), publish.Transient, false, "code 9007"},
		{"ErrRefused", 400, body(100, 0, "(#100) Invalid parameter"), publish.Rejected, false, "Facebook refused: (#100) Invalid parameter"},
		{"ErrServer", 500, `oops`, publish.Transient, false, "500"},
		{"Err401", 401, `{}`, publish.Rejected, true, "401"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp := answer(c.status, c.body)
			_, rerr := publish.Read(answer(c.status, c.body), time.Now())
			e := publish.Classify(g.Classify(resp, []byte(c.body), rerr))
			if e.Outcome != c.outcome || e.Dead != c.dead || !strings.Contains(e.Message, c.words) {
				t.Errorf("%+v; want %v dead=%v with %q", e, c.outcome, c.dead, c.words)
			}
		})
	}
	resp := answer(400, "")
	resp.Header.Set("X-Business-Use-Case-Usage", `{"501":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":45}]}`)
	if e := publish.Classify(g.Classify(resp, []byte(body(32, 0, "Page request limit reached")), errors.New("400"))); e.RetryAfter != 45*time.Minute {
		t.Errorf("the wait Meta says: %v; want 45m", e.RetryAfter)
	}
	err := g.Classify(answer(400, ""), []byte(body(9007, 0, "x")), errors.New("400"))
	if !errors.Is(err, meta.ErrNotReady) {
		t.Errorf("9007 is not ErrNotReady: %v", err)
	}
}

// FuzzClassify: whatever the body, Classify gives a classified error;
// code 190 is always a dead token.
func FuzzClassify(f *testing.F) {
	f.Add(400, body(190, 460, "x"))
	f.Add(400, body(4, 0, "limit"))
	f.Add(500, `{"error":{"code":"2"}}`)
	f.Add(400, `{"error":null}`)
	f.Add(403, `not json`)
	g := meta.New(meta.Options{})
	f.Fuzz(func(t *testing.T, status int, b string) {
		if status < 400 || status > 599 {
			return
		}
		_, rerr := publish.Read(answer(status, b), time.Now())
		err := g.Classify(answer(status, b), []byte(b), rerr)
		if err == nil {
			t.Fatal("nil error")
		}
		var x struct {
			Error struct {
				Code int `json:"code"`
			} `json:"error"`
		}
		if json.Unmarshal([]byte(b), &x) == nil && x.Error.Code == 190 && !publish.IsDead(err) {
			t.Errorf("code 190 not dead: %v", err)
		}
	})
}

func TestProvider(t *testing.T) {
	clock := testclock.New(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
	fb := metatest.New(clock, "app", "secret")
	defer fb.Close()
	fb.SetPerson(metatest.Person{ID: "1001", Name: "Alice", Pages: []string{"501"}})
	fb.AddPage(metatest.Page{ID: "501", Name: "Acme SAS"})
	o := meta.Options{APIURL: fb.URL + "/v24.0", AuthURL: fb.URL + "/v24.0", Clock: clock, AppID: "app", AppSecret: "secret",
		Client: httpx.New(httpx.Options{Trusted: true, Timeout: 10 * time.Second})}
	p := meta.NewProvider(o, meta.Pages)
	u := p.AuthURL("st", metatest.Redirect, "")
	for _, s := range meta.Scopes {
		if !strings.Contains(u, s) {
			t.Errorf("AuthURL %s does not ask %s", u, s)
		}
	}
	o.ConfigID = "cfg-77"
	if u := meta.NewProvider(o, meta.Pages).AuthURL("st", metatest.Redirect, ""); !strings.Contains(u, "config_id=cfg-77") || strings.Contains(u, "scope=") {
		t.Errorf("with a Facebook Login for Business configuration: %s", u)
	}
	q, err := metatest.Consent(u)
	if err != nil || q.Get("state") != "st" {
		t.Fatalf("consent: %v %v", q, err)
	}
	g, err := p.Exchange(t.Context(), q.Get("code"), metatest.Redirect, "")
	if err != nil || !g.Expires.Equal(clock.Now().Add(metatest.LongTTL)) {
		t.Fatalf("Exchange = %+v, %v; want the long-lived user token (60 days)", g, err)
	}
	if _, err := p.Exchange(t.Context(), q.Get("code"), metatest.Redirect, ""); err == nil {
		t.Error("a code used twice was exchanged")
	}
	pg, err := p.AccountGrant(t.Context(), g, publish.Choice{ID: "501"})
	if err != nil || pg.Access == g.Access || !pg.Expires.IsZero() {
		t.Fatalf("AccountGrant = %+v, %v; want the Page's token, not expiring", pg, err)
	}
	clock.Advance(90 * 24 * time.Hour) // the user token has expired; the Page token has not
	if err := p.Check(t.Context(), pg); err != nil {
		t.Errorf("Check of the Page token: %v", err)
	}
	if err := p.Check(t.Context(), g); !publish.IsDead(err) {
		t.Errorf("Check of an expired user token: %v", err)
	}
	fb.Revoke("501")
	if err := p.Check(t.Context(), pg); !publish.IsDead(err) {
		t.Errorf("Check of a revoked Page token: %v", err)
	}
	if err := meta.NewProvider(meta.Options{}, meta.Instagram).Ready(); herald.AsError(err) == nil || herald.AsError(err).Reason != publish.ReasonNoApp {
		t.Errorf("Ready without an app: %v", err)
	}
}
