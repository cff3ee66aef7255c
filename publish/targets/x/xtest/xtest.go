// Package xtest is a fake X API v2 for tests, speaking its wire protocol
// over httptest: the OAuth 2.0 pages (GET /i/oauth2/authorize consents at
// once and redirects back with a code; POST /2/oauth2/token exchanges it,
// checking the PKCE S256 verifier and the app's HTTP Basic credentials,
// and refreshes with rotating refresh tokens; access tokens expire after
// two hours on the injected clock), GET /2/users/me, POST /2/tweets
// (refusing duplicate content with X's 403 problem), GET
// /2/users/:id/tweets, and the v2 media upload (POST /2/media/upload,
// /initialize, /{id}/append, /{id}/finalize, GET ?command=STATUS, POST
// /2/media/metadata). Errors are problem+json; a 429 carries
// x-rate-limit-reset. It can be told to fail the next call, to drop the
// connection after making a post, and to revoke a token. It is safe for
// concurrent use.
package xtest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald"
)

// TokenTTL is how long an access token lasts, as on X.
const TokenTTL = 2 * time.Hour

// User is an account of the fake.
type User struct{ ID, Name, Username string }

// Tweet is a post made.
type Tweet struct {
	ID, Text, AuthorID, InReplyTo string
	MediaIDs                      []string
	Created                       time.Time
}

// Media is an upload.
type Media struct {
	ID, Type, Category, Alt string
	Data                    []byte
	Total                   int64
	Segments                int
	Finalized               bool
	PollsLeft               int // status checks before processing succeeds
	FailWith                string
}

type grant struct {
	user    string
	expires time.Time
}

type pending struct {
	user, redirect, challenge, scope string
}

// Server is a fake X.
type Server struct {
	srv          *httptest.Server
	ClientID     string
	ClientSecret string // "" for a public client
	clock        herald.Clock

	mu       sync.Mutex
	user     User // the one who consents
	codes    map[string]pending
	access   map[string]grant
	refresh  map[string]string // refresh token → user
	tweets   []Tweet
	media    map[string]*Media
	next     int64
	faults   []fault
	Scopes   string // the scope asked at the last authorization
	Polls    int    // status checks before a video is processed
	Requests []string
}

type fault struct {
	path   string
	status int
	body   string
	header http.Header
	drop   bool
}

// New starts a fake X for the app clientID/secret, whose consenting
// person is u.
func New(clock herald.Clock, clientID, secret string, u User) *Server {
	s := &Server{ClientID: clientID, ClientSecret: secret, clock: clock, user: u, codes: map[string]pending{},
		access: map[string]grant{}, refresh: map[string]string{}, media: map[string]*Media{}, next: 1000, Polls: 2}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /i/oauth2/authorize", s.authorize)
	mux.HandleFunc("POST /2/oauth2/token", s.token)
	mux.HandleFunc("GET /2/users/me", s.authed(s.usersMe))
	mux.HandleFunc("POST /2/tweets", s.authed(s.createTweet))
	mux.HandleFunc("GET /2/users/{id}/tweets", s.authed(s.userTweets))
	mux.HandleFunc("POST /2/media/upload", s.authed(s.simpleUpload))
	mux.HandleFunc("GET /2/media/upload", s.authed(s.status))
	mux.HandleFunc("POST /2/media/upload/initialize", s.authed(s.initialize))
	mux.HandleFunc("POST /2/media/upload/{id}/append", s.authed(s.appendChunk))
	mux.HandleFunc("POST /2/media/upload/{id}/finalize", s.authed(s.finalize))
	mux.HandleFunc("POST /2/media/metadata", s.authed(s.metadata))
	s.srv = httptest.NewServer(s.faulty(mux))
	return s
}

// URL is the API's base URL (HERALD_X_API_URL).
func (s *Server) URL() string { return s.srv.URL }

// AuthURL is the authorization page (HERALD_X_AUTH_URL).
func (s *Server) AuthURL() string { return s.srv.URL + "/i/oauth2/authorize" }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// FailNext makes the next call of path ("" any) answer status with body
// and header.
func (s *Server) FailNext(path string, status int, body string, header http.Header) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{path: path, status: status, body: body, header: header})
}

// DropNext makes the next call of path do its work, then drop the
// connection without an answer.
func (s *Server) DropNext(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{path: path, drop: true})
}

// Revoke makes an access token invalid, as when the person revokes the
// app.
func (s *Server) Revoke(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.access, token)
}

// Tweets returns the posts made.
func (s *Server) Tweets() []Tweet {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Tweet(nil), s.tweets...)
}

// Media returns an upload.
func (s *Server) Media(id string) (Media, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.media[id]
	if !ok {
		return Media{}, false
	}
	return *m, true
}

// AddTweet adds a post made outside Herald.
func (s *Server) AddTweet(t Tweet) Tweet {
	s.mu.Lock()
	defer s.mu.Unlock()
	t.ID = s.id()
	s.tweets = append(s.tweets, t)
	return t
}

func (s *Server) id() string {
	s.next++
	return fmt.Sprint(1880000000000000000 + s.next)
}

// Problem writes an RFC 7807 problem as X does.
func Problem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"title": title, "detail": detail, "type": "about:blank", "status": status})
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) faulty(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.Requests = append(s.Requests, r.Method+" "+r.URL.Path)
		var f *fault
		for i := range s.faults {
			if s.faults[i].path == "" || s.faults[i].path == r.URL.Path {
				ff := s.faults[i]
				f = &ff
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
				break
			}
		}
		s.mu.Unlock()
		switch {
		case f == nil:
			next.ServeHTTP(w, r)
		case f.drop:
			next.ServeHTTP(discard{w.Header()}, r)
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
				}
			}
		default:
			for k, v := range f.header {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(f.status)
			_, _ = w.Write([]byte(f.body))
		}
	})
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{ h http.Header }

func (d discard) Header() http.Header         { return d.h }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}

// authed checks the bearer token: unknown or expired → 401 as X says it.
func (s *Server) authed(h func(w http.ResponseWriter, r *http.Request, user string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		g, ok := s.access[tok]
		s.mu.Unlock()
		if !ok || !s.clock.Now().Before(g.expires) {
			Problem(w, http.StatusUnauthorized, "Unauthorized", "Unauthorized")
			return
		}
		h(w, r, g.user)
	}
}

// challenge is the S256 challenge of a verifier.
func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Grant mints an access token of the consenting user, as if they had
// connected (for tests that set an account up directly).
func (s *Server) Grant() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	tok := token()
	s.access[tok] = grant{user: s.user.ID, expires: s.clock.Now().Add(TokenTTL)}
	return tok
}

// Count is how many posts have text.
func (s *Server) Count(text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.tweets {
		if t.Text == text {
			n++
		}
	}
	return n
}
