package xtest

import (
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func token() string { return rand.Text() }

// tco is how X shows links back: shortened through t.co.
var tco = regexp.MustCompile(`https?://[^\s]+`)

// authorize consents at once for the server's user and redirects back.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case q.Get("client_id") != s.ClientID || q.Get("response_type") != "code":
		http.Error(w, "Something went wrong: the app is not known", http.StatusBadRequest)
		return
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		http.Error(w, "Something went wrong: PKCE is required", http.StatusBadRequest)
		return
	}
	code := token()
	s.mu.Lock()
	s.codes[code] = pending{user: s.user.ID, redirect: q.Get("redirect_uri"), challenge: q.Get("code_challenge"), scope: q.Get("scope")}
	s.Scopes = q.Get("scope")
	s.mu.Unlock()
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	bq := back.Query()
	bq.Set("state", q.Get("state"))
	bq.Set("code", code)
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	reply(w, status, map[string]string{"error": code, "error_description": desc})
}

// token exchanges a code or rotates a refresh token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, 400, "invalid_request", "Malformed request")
		return
	}
	id, secret, basic := r.BasicAuth()
	if s.ClientSecret != "" && (!basic || id != s.ClientID || secret != s.ClientSecret) ||
		s.ClientSecret == "" && r.PostForm.Get("client_id") != s.ClientID {
		oauthError(w, 401, "unauthorized_client", "Missing valid authorization header")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var user string
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		p, ok := s.codes[r.PostForm.Get("code")]
		delete(s.codes, r.PostForm.Get("code"))
		if !ok || p.redirect != r.PostForm.Get("redirect_uri") || challenge(r.PostForm.Get("code_verifier")) != p.challenge {
			oauthError(w, 400, "invalid_request", "Value passed for the authorization code was invalid.")
			return
		}
		user = p.user
	case "refresh_token":
		u, ok := s.refresh[r.PostForm.Get("refresh_token")]
		delete(s.refresh, r.PostForm.Get("refresh_token")) // rotating: used once
		if !ok {
			oauthError(w, 400, "invalid_request", "Value passed for the token was invalid.")
			return
		}
		user = u
	default:
		oauthError(w, 400, "invalid_request", "Unsupported grant_type")
		return
	}
	access, refresh := token(), token()
	s.access[access] = grant{user: user, expires: s.clock.Now().Add(TokenTTL)}
	s.refresh[refresh] = user
	reply(w, 200, map[string]any{"token_type": "bearer", "expires_in": int(TokenTTL.Seconds()), "access_token": access,
		"refresh_token": refresh, "scope": "tweet.read tweet.write users.read offline.access media.write"})
}

func (s *Server) usersMe(w http.ResponseWriter, _ *http.Request, user string) {
	reply(w, 200, map[string]any{"data": map[string]string{"id": s.user.ID, "name": s.user.Name, "username": s.user.Username}})
}

// createTweet makes a post; the same text again from the same user is
// refused as duplicate content.
func (s *Server) createTweet(w http.ResponseWriter, r *http.Request, user string) {
	var b struct {
		Text  string `json:"text"`
		Media *struct {
			MediaIDs []string `json:"media_ids"`
		} `json:"media"`
		Reply *struct {
			InReplyToTweetID string `json:"in_reply_to_tweet_id"`
		} `json:"reply"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		Problem(w, 400, "Invalid Request", "One or more parameters to your request was invalid.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tweets {
		if t.AuthorID == user && t.Text == b.Text {
			Problem(w, 403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.")
			return
		}
	}
	t := Tweet{ID: s.id(), Text: b.Text, AuthorID: user, Created: s.clock.Now().UTC()}
	if b.Media != nil {
		for _, id := range b.Media.MediaIDs {
			m, ok := s.media[id]
			if !ok || m.PollsLeft > 0 || (m.Category != "tweet_image" && !m.Finalized) {
				Problem(w, 400, "Invalid Request", "Your media IDs are invalid.")
				return
			}
		}
		t.MediaIDs = b.Media.MediaIDs
	}
	if b.Reply != nil {
		t.InReplyTo = b.Reply.InReplyToTweetID
	}
	s.tweets = append(s.tweets, t)
	reply(w, 201, map[string]any{"data": map[string]string{"id": t.ID, "text": t.Text}})
}

// userTweets lists a user's latest posts, newest first, as X shows
// them (&, < and > escaped).
func (s *Server) userTweets(w http.ResponseWriter, r *http.Request, _ string) {
	n, _ := strconv.Atoi(r.URL.Query().Get("max_results"))
	if n < 5 || n > 100 {
		Problem(w, 400, "Invalid Request", "The `max_results` query parameter value is not between 5 and 100")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]string
	for _, t := range slices.Backward(s.tweets) {
		if t.AuthorID != r.PathValue("id") || len(out) == n {
			continue
		}
		esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(tco.ReplaceAllString(t.Text, "https://t.co/Xy12Ab34Cd"))
		out = append(out, map[string]string{"id": t.ID, "text": esc, "created_at": t.Created.Format("2006-01-02T15:04:05.000Z")})
	}
	reply(w, 200, map[string]any{"data": out, "meta": map[string]int{"result_count": len(out)}})
}

// simpleUpload takes one picture as multipart/form-data.
func (s *Server) simpleUpload(w http.ResponseWriter, r *http.Request, _ string) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		Problem(w, 400, "Invalid Request", "multipart/form-data expected")
		return
	}
	f, _, err := r.FormFile("media")
	if err != nil || r.FormValue("media_category") != "tweet_image" {
		Problem(w, 400, "Invalid Request", "media and media_category=tweet_image are required")
		return
	}
	data, _ := io.ReadAll(f)
	s.mu.Lock()
	m := &Media{ID: s.id(), Type: r.FormValue("media_type"), Category: "tweet_image", Data: data, Total: int64(len(data)), Finalized: true}
	s.media[m.ID] = m
	s.mu.Unlock()
	reply(w, 200, map[string]any{"data": map[string]any{"id": m.ID, "media_key": "3_" + m.ID, "size": len(data), "expires_after_secs": 86400}})
}
