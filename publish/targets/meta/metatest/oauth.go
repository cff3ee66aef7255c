package metatest

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The lifetimes of the tokens the fake gives.
const (
	ShortTTL   = 2 * time.Hour
	LongTTL    = 60 * 24 * time.Hour
	ThreadsTTL = 60 * 24 * time.Hour
)

// dialog is the login dialog: the person consents at once, and the
// browser goes back to redirect_uri with a code and the state.
func (s *Server) dialog(w http.ResponseWriter, r *http.Request, threads bool) {
	q := r.URL.Query()
	if q.Get("client_id") != s.AppID || q.Get("redirect_uri") == "" || q.Get("response_type") != "code" {
		http.Error(w, "Invalid App ID or redirect_uri", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	code := s.id("code")
	who := s.person.ID
	if threads {
		who = "threads:" + s.person.ThreadsID
	}
	s.codes[code] = who + "|" + q.Get("redirect_uri")
	s.mu.Unlock()
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	bq := back.Query()
	bq.Set("code", code)
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token is the token endpoints: a code for a short-lived token (Facebook
// GET /oauth/access_token; Threads POST with grant_type
// authorization_code), a short-lived token for a long-lived one
// (fb_exchange_token; th_exchange_token at /access_token), a long-lived
// Threads token refreshed (th_refresh_token at /refresh_access_token).
func (s *Server) token(w http.ResponseWriter, r *http.Request, path string) {
	f := r.Form
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	grant := f.Get("grant_type")
	switch {
	case grant == "fb_exchange_token":
		if f.Get("client_id") != s.AppID || f.Get("client_secret") != s.AppSecret {
			graphError(w, 400, 1, 0, "Error validating client secret.")
			return
		}
		t := s.tokens[f.Get("fb_exchange_token")]
		if t == nil || t.kind != "short" || t.revoked || !now.Before(t.expires) {
			graphError(w, 400, 190, 0, "Invalid OAuth access token.")
			return
		}
		s.give(w, "user", t.owner, LongTTL, "")
	case grant == "th_exchange_token" || grant == "th_refresh_token":
		s.threadsLong(w, f, grant)
	case path == "/oauth/access_token":
		s.exchange(w, f, grant)
	default:
		graphError(w, 400, 100, 0, "Unsupported grant_type")
	}
}

// exchange trades a code for a short-lived token.
func (s *Server) exchange(w http.ResponseWriter, f url.Values, grant string) {
	if f.Get("client_id") != s.AppID || f.Get("client_secret") != s.AppSecret {
		graphError(w, 400, 1, 0, "Error validating client secret.")
		return
	}
	v, ok := s.codes[f.Get("code")]
	delete(s.codes, f.Get("code"))
	i := strings.LastIndex(v, "|")
	who, redirect := v[:max(i, 0)], v[i+1:]
	if !ok || redirect != f.Get("redirect_uri") {
		graphError(w, 400, 100, 36007, "This authorization code has been used.")
		return
	}
	if owner, threads := strings.CutPrefix(who, "threads:"); threads {
		if grant != "authorization_code" {
			graphError(w, 400, 100, 0, "grant_type must be authorization_code")
			return
		}
		s.give(w, "threads-short", owner, time.Hour, owner)
		return
	}
	s.give(w, "short", who, ShortTTL, "")
}

// threadsLong gives a long-lived Threads token for a short-lived one, or
// a new one for a long-lived one at least a day old.
func (s *Server) threadsLong(w http.ResponseWriter, f url.Values, grant string) {
	t := s.tokens[f.Get("access_token")]
	want := "threads-short"
	if grant == "th_refresh_token" {
		want = "threads"
	} else if f.Get("client_secret") != s.AppSecret {
		graphError(w, 400, 1, 0, "Error validating client secret.")
		return
	}
	if t == nil || t.kind != want || t.revoked || !s.clock.Now().Before(t.expires) {
		graphError(w, 400, 190, 0, "Invalid OAuth access token.")
		return
	}
	s.give(w, "threads", t.owner, ThreadsTTL, "")
}

// give makes a token and writes it as the token endpoints do.
func (s *Server) give(w http.ResponseWriter, kind, owner string, ttl time.Duration, userID string) {
	tok := "EAA" + s.id(kind+"-")
	s.tokens[tok] = &token{kind: kind, owner: owner, expires: s.clock.Now().Add(ttl)}
	out := map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": int64(ttl / time.Second)}
	if userID != "" {
		out = map[string]any{"access_token": tok, "user_id": userID}
	}
	writeJSON(w, out)
}
