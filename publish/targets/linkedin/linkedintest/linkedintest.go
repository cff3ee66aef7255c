// Package linkedintest is a fake LinkedIn for tests, speaking its wire
// protocol on loopback: the OAuth pages (/oauth/v2/authorization with its
// redirect, /oauth/v2/accessToken for codes and refresh tokens,
// /oauth/v2/introspectToken), OpenID userinfo, organizationAcls and
// organizations, the Posts API (create, list by author) with its
// headers, the Images API (initializeUpload, then the PUT of the bytes),
// errors as LinkedIn writes them and 429 with Retry-After.
package linkedintest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald"
)

// Member is a LinkedIn member who consents on the fake's authorization page.
type Member struct {
	Sub   string   // OpenID subject: urn:li:person:<Sub>
	Name  string   // their name
	Pages []string // ids of the organisations they administer
}

// Post is a post the fake holds.
type Post struct {
	ID         string
	Author     string
	Commentary string // as sent (little format)
	Text       string // as LinkedIn shows it (Unescape)
	Mentions   []string
	Hashtags   []string
	Images     []string // image URNs
	Version    string   // the LinkedIn-Version it was sent with
}

// Server is the fake.
type Server struct {
	*httptest.Server
	ClientID, ClientSecret string
	// AccessTTL and RefreshTTL are the lifetimes of the tokens it gives
	// (60 and 365 days).
	AccessTTL, RefreshTTL time.Duration

	clock herald.Clock

	mu       sync.Mutex
	member   Member            // who consents next
	deny     bool              // the next consent is refused
	orgs     map[string]string // id → localizedName
	codes    map[string]grant  // code → grant
	tokens   map[string]*token // access token → token
	refresh  map[string]*token // refresh token → token (the first of the chain)
	posts    []Post
	images   map[string][]byte // image URN → bytes (nil until PUT)
	failures []failure         // answers to give instead, in order, per path prefix
	seq      int
}

type grant struct {
	redirect string
	member   Member
}

type token struct {
	member         Member
	expires        time.Time
	refreshExpires time.Time
	revoked        bool
}

type failure struct {
	prefix     string
	status     int
	body       string
	retryAfter string
	afterwards bool // made the post anyway before failing (an ambiguous answer)
}

// New starts a fake LinkedIn whose app is clientID/secret, on clock.
func New(clock herald.Clock, clientID, secret string) *Server {
	s := &Server{ClientID: clientID, ClientSecret: secret, AccessTTL: 60 * 24 * time.Hour, RefreshTTL: 365 * 24 * time.Hour,
		clock: clock, orgs: map[string]string{}, codes: map[string]grant{}, tokens: map[string]*token{},
		refresh: map[string]*token{}, images: map[string][]byte{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/v2/authorization", s.authorize)
	mux.HandleFunc("POST /oauth/v2/accessToken", s.accessToken)
	mux.HandleFunc("POST /oauth/v2/introspectToken", s.introspect)
	mux.HandleFunc("GET /v2/userinfo", s.authed(s.userinfo))
	mux.HandleFunc("GET /rest/organizationAcls", s.rest(s.acls))
	mux.HandleFunc("GET /rest/organizations/{id}", s.rest(s.organization))
	mux.HandleFunc("POST /rest/posts", s.rest(s.createPost))
	mux.HandleFunc("GET /rest/posts", s.rest(s.listPosts))
	mux.HandleFunc("POST /rest/images", s.rest(s.initializeUpload))
	mux.HandleFunc("PUT /upload/{id}", s.authed(s.upload))
	s.Server = httptest.NewServer(s.failing(mux))
	return s
}

// SetMember makes m the member who consents next.
func (s *Server) SetMember(m Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.member = m
}

// AddOrganization names an organisation.
func (s *Server) AddOrganization(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orgs[id] = name
}

// Deny makes the next consent refused (the member cancels).
func (s *Server) Deny() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deny = true
}

// Revoke revokes every token of the member whose subject is sub, as
// when they remove the app from their permitted services.
func (s *Server) Revoke(sub string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		if t.member.Sub == sub {
			t.revoked = true
		}
	}
}

// Fail makes the next call whose path starts with prefix answer status
// with body (LinkedIn's error JSON) and Retry-After retryAfter ("" none).
func (s *Server) Fail(prefix string, status int, body, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{prefix: prefix, status: status, body: body, retryAfter: retryAfter})
}

// FailAfterPosting makes the next POST /rest/posts make the post, then
// answer status: an outcome the client cannot read as success.
func (s *Server) FailAfterPosting(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{prefix: "/rest/posts", status: status, afterwards: true,
		body: fmt.Sprintf(`{"status":%d,"message":"Internal Server Error"}`, status)})
}

// Posts returns the posts made, oldest first.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Post(nil), s.posts...)
}

// Images counts the images registered (initializeUpload).
func (s *Server) Images() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.images)
}

// Image returns the bytes uploaded for an image URN.
func (s *Server) Image(urn string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.images[urn]
}

// Problem writes an error as LinkedIn does.
func Problem(w http.ResponseWriter, status, serviceCode int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"status": status, "serviceErrorCode": serviceCode, "code": code, "message": msg})
	w.Write(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) newID(prefix string) string {
	var b [12]byte
	rand.Read(b[:])
	s.seq++
	return fmt.Sprintf("%s%d%s", prefix, s.seq, hex.EncodeToString(b[:]))
}

// failing answers the failures queued for a path.
func (s *Server) failing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		var f *failure
		for i := range s.failures {
			if strings.HasPrefix(r.URL.Path, s.failures[i].prefix) {
				ff := s.failures[i]
				f = &ff
				s.failures = append(s.failures[:i], s.failures[i+1:]...)
				break
			}
		}
		s.mu.Unlock()
		if f == nil {
			next.ServeHTTP(w, r)
			return
		}
		if f.afterwards {
			next.ServeHTTP(httptest.NewRecorder(), r)
		}
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		io.WriteString(w, f.body)
	})
}

// authed checks the bearer token: unknown is 401 INVALID_ACCESS_TOKEN,
// revoked 401 REVOKED_ACCESS_TOKEN, expired 401 EXPIRED_ACCESS_TOKEN.
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, Member)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		t := s.tokens[tok]
		now := s.clock.Now()
		s.mu.Unlock()
		switch {
		case !ok || t == nil:
			Problem(w, 401, 65600, "INVALID_ACCESS_TOKEN", "Invalid access token")
		case t.revoked:
			Problem(w, 401, 65601, "REVOKED_ACCESS_TOKEN", "The token used in the request has been revoked by the user")
		case !now.Before(t.expires):
			Problem(w, 401, 65602, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired")
		default:
			h(w, r, t.member)
		}
	}
}

var version = regexp.MustCompile(`^20[0-9]{2}(0[1-9]|1[0-2])$`)

// rest is authed with the headers every /rest call needs.
func (s *Server) rest(h func(http.ResponseWriter, *http.Request, Member)) http.HandlerFunc {
	return s.authed(func(w http.ResponseWriter, r *http.Request, m Member) {
		switch {
		case !version.MatchString(r.Header.Get("LinkedIn-Version")):
			Problem(w, 426, 0, "NONEXISTENT_VERSION", fmt.Sprintf("Requested version %q is not active", r.Header.Get("LinkedIn-Version")))
		case r.Header.Get("X-Restli-Protocol-Version") != "2.0.0":
			Problem(w, 400, 0, "ILLEGAL_ARGUMENT", "X-Restli-Protocol-Version 2.0.0 is required")
		default:
			h(w, r, m)
		}
	})
}
