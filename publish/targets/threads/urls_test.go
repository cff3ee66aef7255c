package threads_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish/targets/meta"
	"github.com/heraldhq/herald/publish/targets/threads"
)

// TestURLWithoutVersion: HERALD_THREADS_API_URL given as a bare host (a
// proxy's root) reaches the endpoints where Threads documents them: the
// tokens at graph.threads.net/oauth/access_token, /access_token and
// /refresh_access_token (no version), the API under /v1.0; a URL given
// with its version goes to the same places.
func TestURLWithoutVersion(t *testing.T) {
	for _, suffix := range []string{"", "/", "/v1.0", "/v1.0/"} {
		t.Run("OK"+suffix, func(t *testing.T) {
			var mu sync.Mutex
			var paths []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				paths = append(paths, r.Method+" "+r.URL.Path)
				mu.Unlock()
				w.Header().Set("Content-Type", "application/json")
				switch r.URL.Path {
				case "/oauth/access_token":
					_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "short", "user_id": 2602})
				case "/access_token", "/refresh_access_token":
					_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "long", "token_type": "bearer", "expires_in": 5183944})
				case "/v1.0/me":
					_ = json.NewEncoder(w).Encode(map[string]any{"id": "2602", "username": "acme"})
				default:
					w.WriteHeader(http.StatusNotFound)
					_, _ = w.Write([]byte(`{"error":{"message":"Unknown path","type":"OAuthException","code":803}}`))
				}
			}))
			defer srv.Close()
			p := threads.NewProvider(threads.Options{Options: meta.Options{APIURL: srv.URL + suffix, AuthURL: srv.URL, AppID: "id", AppSecret: "s",
				Client: httpx.New(httpx.Options{Trusted: true, Timeout: 10 * time.Second})}})
			g, err := p.Exchange(t.Context(), "code-1", "https://h.example/oauth/callback", "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Refresh(t.Context(), g); err != nil {
				t.Fatal(err)
			}
			if cs, err := p.Accounts(t.Context(), g); err != nil || len(cs) != 1 || cs[0].Name != "acme" {
				t.Fatalf("Accounts = %+v, %v", cs, err)
			}
			want := []string{"POST /oauth/access_token", "GET /access_token", "GET /refresh_access_token", "GET /v1.0/me"}
			if d := cmp.Diff(want, paths); d != "" {
				t.Errorf("paths (-want +got):\n%s", d)
			}
			if u := p.AuthURL("st", "https://h.example/oauth/callback", ""); u[:len(srv.URL)+len("/oauth/authorize?")] != srv.URL+"/oauth/authorize?" {
				t.Errorf("AuthURL = %s", u)
			}
		})
	}
}
