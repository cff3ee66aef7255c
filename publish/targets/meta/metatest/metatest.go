// Package metatest is a fake Meta for tests, speaking the Graph API's
// wire protocol on loopback, for Facebook Pages, Instagram and Threads:
// the login dialogs (/dialog/oauth, Threads' /oauth/authorize) with their
// redirect, the token endpoints (code exchange, fb_exchange_token,
// th_exchange_token, th_refresh_token), /me and /me/accounts (Pages with
// their tokens and Instagram accounts), Page feed, photos and videos, the
// content-publishing containers of Instagram and Threads (create, status,
// publish, a second publish refused), content_publishing_limit, and
// errors as the Graph API writes them ({"error":{"message","type","code",
// "error_subcode","fbtrace_id"}}).
package metatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald"
)

// Page is a Facebook Page the person manages, with its Instagram account
// when one is linked.
type Page struct {
	ID, Name  string
	IGID      string // "" without an Instagram professional account
	IGName    string
	Published []Post // its posts
}

// Person is who consents on the fake's login dialog.
type Person struct {
	ID, Name string
	Pages    []string // ids of the Pages they manage
	// ThreadsID and ThreadsName are their Threads account.
	ThreadsID, ThreadsName string
}

// Post is a post the fake holds: a Page post, or a published Instagram
// or Threads media.
type Post struct {
	ID       string
	Account  string // the Page, Instagram or Threads account id
	Text     string // message, caption or text
	Link     string // a Page post's link
	Photos   []string
	Video    string     // a video's file_url, or "source" for bytes
	Media    []MediaRef // an Instagram or Threads container's media
	Type     string     // the container's media_type
	Uploaded []byte     // multipart bytes of a photo or video
}

// MediaRef is one item of a container: its kind (IMAGE, VIDEO), the URL
// the network fetched it from, its alt text.
type MediaRef struct{ Kind, URL, Alt string }

// Container is an Instagram or Threads media container.
type Container struct {
	ID, Account, Status string
	Type                string
	Text                string
	Media               []MediaRef
	Children            []string
	Carousel            bool
	polls               int
}

// Server is the fake.
type Server struct {
	*httptest.Server
	AppID, AppSecret string
	// Polls is how many looks a new container's status takes before it is
	// FINISHED (0: at once).
	Polls int
	clock herald.Clock

	mu         sync.Mutex
	person     Person
	pages      map[string]*Page
	codes      map[string]string // code → person id (Facebook) or "threads:" + person id
	tokens     map[string]*token
	containers map[string]*Container
	photos     map[string]Post // unpublished photos
	posts      []Post
	quota      [2]int // Instagram quota_usage, quota_total
	faults     []fault
	seq        int
	calls      []string
}

type token struct {
	kind    string // "short", "user", "page", "threads-short", "threads"
	owner   string // person, page or threads id
	expires time.Time
	revoked bool
}

// fault is an error to answer, once, to the next call whose path
// contains path.
type fault struct {
	path   string
	status int
	code   int
	sub    int
	msg    string
	after  bool          // make what was asked, then fail
	hang   chan struct{} // closed when the call came; then no answer at all
}

// New starts a fake Meta app appID/appSecret on loopback, on clock.
func New(clock herald.Clock, appID, appSecret string) *Server {
	s := &Server{AppID: appID, AppSecret: appSecret, clock: clock, pages: map[string]*Page{}, codes: map[string]string{},
		tokens: map[string]*token{}, containers: map[string]*Container{}, photos: map[string]Post{}, quota: [2]int{0, 100}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// SetPerson sets who consents next.
func (s *Server) SetPerson(p Person) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.person = p
}

// AddPage adds a Page (with its Instagram account when p.IGID is set).
func (s *Server) AddPage(p Page) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[p.ID] = &p
}

// SetQuota sets the Instagram account's publishing limit: used of total
// in 24 hours.
func (s *Server) SetQuota(used, total int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quota = [2]int{used, total}
}

// Fail makes the next call whose path contains path answer the Graph API
// error code (subcode sub) with status; after: the call is carried out
// first (a post made, then an error).
func (s *Server) Fail(path string, status, code, sub int, msg string, after bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{path: path, status: status, code: code, sub: sub, msg: msg, after: after})
}

// Hang makes the next call whose path contains path get no answer at all
// (after carrying it out when after is set) until the client gives up or
// dies; the channel is closed once the call came.
func (s *Server) Hang(path string, after bool) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan struct{})
	s.faults = append(s.faults, fault{path: path, after: after, hang: ch})
	return ch
}

// Token gives a token of kind ("page", "threads") for owner (a Page or
// Threads account id) without the login dialog, for tests that set an
// account up in the database directly.
func (s *Server) Token(kind, owner string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	tok := "EAA" + s.id(kind+"-")
	s.tokens[tok] = &token{kind: kind, owner: owner}
	return tok
}

// Revoke revokes every token of owner (a person, Page or Threads id):
// calls with them answer code 190.
func (s *Server) Revoke(owner string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		if t.owner == owner {
			t.revoked = true
		}
	}
}

// Posts returns the posts made, in order.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Post(nil), s.posts...)
}

// Containers returns the containers made, in no particular order.
func (s *Server) Containers() []Container {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Container
	for _, c := range s.containers {
		out = append(out, *c)
	}
	return out
}

// SetStatus sets container id's status (ERROR, EXPIRED…).
func (s *Server) SetStatus(id, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.containers[id]; c != nil {
		c.Status = status
	}
}

// Calls returns "METHOD path" of every call received, in order.
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

func (s *Server) id(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%d", prefix, 17841400000000000+s.seq)
}

var versionRE = regexp.MustCompile(`^/v[0-9]+\.[0-9]+`)

// graphError writes an error as the Graph API does.
func graphError(w http.ResponseWriter, status, code, sub int, msg string) {
	typ := "OAuthException"
	if code == 4 || code == 17 || code == 32 || code == 613 {
		w.Header().Set("X-App-Usage", `{"call_count":100,"total_time":0,"total_cputime":0}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	e := map[string]any{"message": msg, "type": typ, "code": code, "fbtrace_id": "AbCdEfGhIjK"}
	if sub != 0 {
		e["error_subcode"] = sub
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"error": e})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// serve routes a call: the login dialogs, the token endpoints, then the
// Graph API with a token.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := versionRE.ReplaceAllString(r.URL.Path, "")
	s.mu.Lock()
	s.calls = append(s.calls, r.Method+" "+path)
	s.mu.Unlock()
	if err := r.ParseMultipartForm(32 << 20); err != nil && err != http.ErrNotMultipart {
		graphError(w, 400, 100, 0, "(#100) unreadable body")
		return
	}
	switch path {
	case "/dialog/oauth", "/oauth/authorize":
		s.dialog(w, r, path == "/oauth/authorize")
		return
	case "/oauth/access_token", "/access_token", "/refresh_access_token":
		s.token(w, r, path)
		return
	}
	tok := r.Form.Get("access_token")
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		tok = strings.TrimPrefix(h, "Bearer ")
	}
	rec := httptest.NewRecorder()
	f := s.call(rec, r, path, tok)
	if f != nil && f.hang != nil { // no answer, ever: the client gives up or dies
		close(f.hang)
		<-r.Context().Done()
		return
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// call answers a Graph API call with token tok into w, a fault for it
// given instead (after carrying the call out when the fault says so);
// it returns the fault taken.
func (s *Server) call(w http.ResponseWriter, r *http.Request, path, tok string) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tokens[tok]
	switch {
	case t == nil:
		graphError(w, 400, 190, 0, "Invalid OAuth access token - Cannot parse access token")
		return nil
	case t.revoked:
		graphError(w, 400, 190, 460, "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.")
		return nil
	case !t.expires.IsZero() && !s.clock.Now().Before(t.expires):
		graphError(w, 400, 190, 463, "Error validating access token: Session has expired.")
		return nil
	}
	f, after := s.fault(path)
	if f != nil && f.hang != nil { // no answer: carried out first, or not at all
		if after {
			s.graph(httptest.NewRecorder(), r, path, t)
		}
		return f
	}
	if f != nil && !after {
		graphError(w, f.status, f.code, f.sub, f.msg)
		return f
	}
	if f == nil {
		s.graph(w, r, path, t)
		return nil
	}
	s.graph(httptest.NewRecorder(), r, path, t)
	graphError(w, f.status, f.code, f.sub, f.msg)
	return f
}

// fault takes the first fault for path.
func (s *Server) fault(path string) (*fault, bool) {
	for i, f := range s.faults {
		if strings.Contains(path, f.path) {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			return &f, f.after
		}
	}
	return nil, false
}
