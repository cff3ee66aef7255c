package linkedintest

import (
	"net/http"
	"net/url"
	"strings"
)

// authorize is LinkedIn's authorization page, consenting at once as the
// member set (SetMember): it sends the browser back to redirect_uri with
// a code and the state, or with error=user_cancelled_authorize after Deny.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("response_type") != "code":
		http.Error(w, "response_type must be code", http.StatusBadRequest)
		return
	case q.Get("client_id") != s.ClientID:
		http.Error(w, "invalid client_id", http.StatusUnauthorized)
		return
	case err != nil || redirect.Scheme == "" || redirect.Host == "":
		http.Error(w, "invalid redirect_uri", http.StatusBadRequest)
		return
	case q.Get("scope") == "" || q.Get("state") == "":
		http.Error(w, "scope and state are required", http.StatusBadRequest)
		return
	}
	back := redirect.Query()
	back.Set("state", q.Get("state"))
	s.mu.Lock()
	if s.deny {
		s.deny = false
		back.Set("error", "user_cancelled_authorize")
		back.Set("error_description", "The user cancelled the authorization")
	} else {
		code := s.newID("code-")
		s.codes[code] = grant{redirect: q.Get("redirect_uri"), member: s.member}
		back.Set("code", code)
	}
	s.mu.Unlock()
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// accessToken exchanges a code (once, with the same redirect_uri) or a
// refresh token for an access token.
func (s *Server) accessToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		oauthError(w, 400, "invalid_request", "a form body is required")
		return
	}
	f := r.PostForm
	if f.Get("client_id") != s.ClientID || f.Get("client_secret") != s.ClientSecret {
		oauthError(w, 401, "invalid_client", "Client authentication failed")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	switch f.Get("grant_type") {
	case "authorization_code":
		g, ok := s.codes[f.Get("code")]
		delete(s.codes, f.Get("code"))
		if !ok || g.redirect != f.Get("redirect_uri") {
			oauthError(w, 400, "invalid_request", "Unable to retrieve access token: authorization code not found")
			return
		}
		t := &token{member: g.member, expires: now.Add(s.AccessTTL), refreshExpires: now.Add(s.RefreshTTL)}
		access, refresh := s.newID("AQV"), s.newID("AQX")
		s.tokens[access], s.refresh[refresh] = t, t
		writeJSON(w, 200, map[string]any{"access_token": access, "expires_in": int64(s.AccessTTL.Seconds()),
			"refresh_token": refresh, "refresh_token_expires_in": int64(s.RefreshTTL.Seconds()),
			"scope": "openid,profile,w_member_social,w_organization_social,r_organization_social,r_organization_admin"})
	case "refresh_token":
		first, ok := s.refresh[f.Get("refresh_token")]
		if !ok || first.revoked || !now.Before(first.refreshExpires) {
			oauthError(w, 400, "invalid_grant", "The provided authorization grant or refresh token is invalid, expired or revoked")
			return
		}
		t := &token{member: first.member, expires: now.Add(s.AccessTTL), refreshExpires: first.refreshExpires}
		access := s.newID("AQV")
		s.tokens[access] = t
		writeJSON(w, 200, map[string]any{"access_token": access, "expires_in": int64(s.AccessTTL.Seconds()),
			"refresh_token": f.Get("refresh_token"), "refresh_token_expires_in": int64(first.refreshExpires.Sub(now).Seconds())})
	default:
		oauthError(w, 400, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
	}
}

// introspect answers whether a token is active.
func (s *Server) introspect(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("client_id") != s.ClientID || r.PostForm.Get("client_secret") != s.ClientSecret {
		oauthError(w, 401, "invalid_client", "Client authentication failed")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[r.PostForm.Get("token")]
	switch {
	case !ok:
		writeJSON(w, 200, map[string]any{"active": false})
	case t.revoked:
		writeJSON(w, 200, map[string]any{"active": false, "status": "revoked"})
	case !s.clock.Now().Before(t.expires):
		writeJSON(w, 200, map[string]any{"active": false, "status": "expired"})
	default:
		writeJSON(w, 200, map[string]any{"active": true, "status": "active", "client_id": s.ClientID, "expires_at": t.expires.Unix(),
			"auth_type": "3L", "scope": strings.Join([]string{"openid", "profile", "w_member_social"}, ",")})
	}
}
