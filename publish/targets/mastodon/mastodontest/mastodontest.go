// Package mastodontest is a fake Mastodon instance for tests: it speaks
// POST /api/v1/statuses as Mastodon does, honours Idempotency-Key for an
// hour per token, records what was created and can be told to fail, hang,
// drop the connection or answer 429 until a X-RateLimit-Reset. It
// describes itself in GET /api/v2/instance and GET /api/v1/instance as a
// Mastodon 4, a Mastodon 3 or a Pleroma server would (Instance). It is
// safe for concurrent use.
//
//	srv := mastodontest.New(mastodontest.WithInstance(mastodontest.Instance{MaxChars: 5000}))
//	defer srv.Close()
//	srv.FailNext(503, `{"error":"busy"}`)
//	... publish to publish.Account{URL: srv.URL(), Secret: "token"} ...
//	if srv.Count(key) != 1 { ... }
package mastodontest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald"
)

// KeyWindow is how long the server remembers an Idempotency-Key, as
// Mastodon does.
const KeyWindow = time.Hour

// Status is a status the server created.
type Status struct {
	ID             string
	URL            string
	Text           string
	Visibility     string
	InReplyToID    string   // the in_reply_to_id sent; "" when none
	MediaIDs       []string // the media_ids sent, in order
	IdempotencyKey string
	Authorization  string // the request's Authorization header
	CreatedAt      time.Time
}

// Fault is what the server does with one request instead of answering it
// normally.
type Fault struct {
	Status int         // the status to answer
	Body   string      // the body to answer (JSON)
	Header http.Header // extra answer headers, e.g. Retry-After
	// Record makes the status (or finds it by key) before answering with
	// the fault: the post arrived, the answer says otherwise.
	Record bool
	// Hang records the status and then answers nothing until the client
	// gives up, Release is closed (then it answers normally) or the server
	// closes. Status and Body are ignored.
	Hang bool
	// Release ends a Hang; nil hangs until the client gives up.
	Release <-chan struct{}
	// Received, when not nil, is closed once the status is recorded (never
	// when the request is refused: a bad token, no text).
	Received chan<- struct{}
	// Drop records the status and closes the connection without an answer.
	Drop bool
	// Stall makes nothing and answers nothing until the client gives up
	// or the server closes: the request is in flight, the status not made
	// (Received is closed when the request arrives).
	Stall bool
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the server read the time (status dates, key expiry) from c.
func WithClock(c herald.Clock) Option { return func(s *Server) { s.clock = c } }

// WithToken makes the server accept only this access token (401 for any
// other); by default any non-empty token is accepted.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// Server is a fake Mastodon instance.
type Server struct {
	srv    *httptest.Server
	clock  herald.Clock
	token  string
	closed chan struct{}
	once   sync.Once

	mu       sync.Mutex
	instance Instance
	instGets map[string]int // instance path → requests
	statuses []Status
	keys     map[string]keyed // token + "\x00" + key → status
	faults   []Fault
	requests int
	attempts map[string]int         // key → requests that carried it
	known    map[string]Known       // statuses search finds, by URL (Know)
	tags     map[string][]TagStatus // hashtag → its timeline, oldest first (Tag)
	searches []string               // the q of each search, in order
	media    mediaState
}

// Known is a status of the fediverse as this instance knows it: what
// GET /api/v2/search?resolve=true finds for its URL.
type Known struct {
	URL        string
	ID         string // its id on this instance
	Visibility string
}

// Know makes search find k by its URL (a remote status the instance
// resolves).
func (s *Server) Know(k Known) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.known[k.URL] = k
}

// TagStatus is a status of a hashtag's public timeline (Tag): someone's
// post the listening reads.
type TagStatus struct {
	ID         string // its id on this instance; ascending with time
	URL        string // its web link
	Text       string
	Acct       string // the author, user@host
	Visibility string // "" is public
	CreatedAt  time.Time
}

// Tag adds statuses to the public timeline of hashtag tag (without #),
// served by GET /api/v1/timelines/tag/{tag}, newest first, after min_id
// when asked.
func (s *Server) Tag(tag string, sts ...TagStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tags[strings.ToLower(tag)] = append(s.tags[strings.ToLower(tag)], sts...)
}

func (s *Server) tagTimeline(w http.ResponseWriter, r *http.Request) {
	minID, _ := strconv.ParseUint(r.URL.Query().Get("min_id"), 10, 64)
	s.mu.Lock()
	sts := s.tags[strings.ToLower(r.PathValue("tag"))]
	out := []map[string]any{}
	for i := len(sts) - 1; i >= 0; i-- {
		st := sts[i]
		if id, _ := strconv.ParseUint(st.ID, 10, 64); minID != 0 && id <= minID {
			continue
		}
		out = append(out, map[string]any{"id": st.ID, "uri": st.URL, "url": st.URL, "content": "<p>" + st.Text + "</p>",
			"visibility": cmpOr(st.Visibility, "public"), "created_at": st.CreatedAt.UTC().Format(time.RFC3339), "spoiler_text": "",
			"account": map[string]string{"acct": st.Acct, "url": st.URL}})
	}
	s.mu.Unlock()
	b, _ := json.Marshal(out)
	answer(w, http.StatusOK, nil, string(b))
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Searches returns the q of each search made, in order.
func (s *Server) Searches() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.searches...)
}

// search serves GET /api/v2/search for statuses: authenticated (resolve
// needs a user), it finds what Know gave by URL.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); !ok || tok == "" || (s.token != "" && tok != s.token) {
		answer(w, http.StatusUnauthorized, nil, `{"error":"The access token is invalid"}`)
		return
	}
	q := r.URL.Query()
	s.mu.Lock()
	s.searches = append(s.searches, q.Get("q"))
	k, ok := s.known[q.Get("q")]
	s.mu.Unlock()
	statuses := []map[string]string{}
	if ok && q.Get("resolve") == "true" && (q.Get("type") == "" || q.Get("type") == "statuses") {
		statuses = append(statuses, map[string]string{"id": k.ID, "url": k.URL, "uri": k.URL, "visibility": k.Visibility})
	}
	b, _ := json.Marshal(map[string]any{"accounts": []any{}, "hashtags": []any{}, "statuses": statuses})
	answer(w, http.StatusOK, nil, string(b))
}

type keyed struct {
	index int
	at    time.Time
}

// New starts a server; Close stops it.
func New(opts ...Option) *Server {
	s := &Server{
		clock:    herald.SystemClock{},
		closed:   make(chan struct{}),
		keys:     map[string]keyed{},
		attempts: map[string]int{},
		instGets: map[string]int{},
		known:    map[string]Known{},
		tags:     map[string][]TagStatus{},
		media:    mediaState{byID: map[string]int{}},
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/statuses", s.postStatus)
	mux.HandleFunc("POST /api/v2/media", s.postMedia)
	mux.HandleFunc("GET /api/v1/media/{id}", s.getMedia)
	mux.HandleFunc("GET /api/v2/instance", s.getInstance)
	mux.HandleFunc("GET /api/v1/instance", s.getInstance)
	mux.HandleFunc("GET /api/v2/search", s.search)
	mux.HandleFunc("GET /api/v1/timelines/tag/{tag}", s.tagTimeline)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		answer(w, http.StatusNotFound, nil, `{"error":"Record not found"}`)
	})
	s.srv = httptest.NewServer(mux)
	return s
}

// URL is the instance URL, e.g. http://127.0.0.1:1234.
func (s *Server) URL() string { return s.srv.URL }

// Client returns a client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close releases hanging requests and stops the server.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closed) })
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// CloseClientConnections drops every open connection, as a restarting
// instance would.
func (s *Server) CloseClientConnections() { s.srv.CloseClientConnections() }

// Inject queues faults: each applies to one request to the statuses
// endpoint, in order.
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// FailNext answers the next request with status and body, creating nothing.
// Call it n times to fail the next n requests.
func (s *Server) FailNext(status int, body string) {
	s.Inject(Fault{Status: status, Body: body})
}

// HangAfterReceive makes the next request create its status and then get
// no answer until the client gives up (a timeout after the post arrived),
// release is closed (nil: never) or the server closes. The returned
// channel is closed once the status exists.
func (s *Server) HangAfterReceive(release <-chan struct{}) <-chan struct{} {
	received := make(chan struct{})
	s.Inject(Fault{Hang: true, Release: release, Received: received})
	return received
}

// RateLimit makes the next request to the statuses endpoint answer 429
// with Mastodon's rate-limit headers and no Retry-After: X-RateLimit-Limit
// 300, X-RateLimit-Remaining 0 and X-RateLimit-Reset at reset, in
// Mastodon's format (2026-11-22T11:00:00.000Z). Nothing is created.
func (s *Server) RateLimit(reset time.Time) {
	s.Inject(Fault{Status: http.StatusTooManyRequests, Body: `{"error":"Too many requests"}`, Header: http.Header{
		"X-Ratelimit-Limit":     {"300"},
		"X-Ratelimit-Remaining": {"0"},
		"X-Ratelimit-Reset":     {reset.UTC().Format("2006-01-02T15:04:05.000Z")},
	}})
}

// StallNext makes the next request to the statuses endpoint make nothing
// and get no answer until the client gives up or the server closes. The
// returned channel is closed once the request arrived.
func (s *Server) StallNext() <-chan struct{} {
	received := make(chan struct{})
	s.Inject(Fault{Stall: true, Received: received})
	return received
}

// DropAfterReceive makes the next request create its status and then lose
// its connection without an answer.
func (s *Server) DropAfterReceive() { s.Inject(Fault{Drop: true}) }

// Statuses returns the statuses created, oldest first.
func (s *Server) Statuses() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Status(nil), s.statuses...)
}

// Count is how many statuses were created with the Idempotency-Key key:
// more than one is a duplicate post.
func (s *Server) Count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, st := range s.statuses {
		if st.IdempotencyKey == key {
			n++
		}
	}
	return n
}

// Attempts is how many requests carried the Idempotency-Key key.
func (s *Server) Attempts(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts[key]
}

// Requests is how many requests reached the statuses endpoint.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// takeFault counts a statuses request carrying key and returns the fault
// queued for it, if any.
func (s *Server) takeFault(key string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if key != "" {
		s.attempts[key]++
	}
	if len(s.faults) == 0 {
		return nil
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return &f
}

// stall holds a request unanswered until its client gives up or the
// server closes.
func (s *Server) stall(r *http.Request, f *Fault) {
	if f.Received != nil {
		close(f.Received)
	}
	select {
	case <-r.Context().Done():
	case <-s.closed:
	}
}

func (s *Server) postStatus(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	f := s.takeFault(key)
	if f != nil && f.Stall {
		s.stall(r, f)
		return
	}
	if f != nil && !f.Record && !f.Hang && !f.Drop {
		answer(w, f.Status, f.Header, f.Body)
		return
	}
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || token == "" || (s.token != "" && token != s.token) {
		answer(w, http.StatusUnauthorized, nil, `{"error":"The access token is invalid"}`)
		return
	}
	in, err := readStatus(r)
	if err != nil {
		answer(w, http.StatusBadRequest, nil, fmt.Sprintf(`{"error":%q}`, err.Error()))
		return
	}
	if strings.TrimSpace(in.Status) == "" && len(in.MediaIDs) == 0 {
		answer(w, http.StatusUnprocessableEntity, nil, `{"error":"Validation failed: Text can't be blank"}`)
		return
	}
	if msg := s.checkMedia(key, in.MediaIDs); msg != "" {
		answer(w, http.StatusUnprocessableEntity, nil, fmt.Sprintf(`{"error":%q}`, msg))
		return
	}
	st := s.create(token, key, Status{Text: in.Status, Visibility: in.Visibility, InReplyToID: in.InReplyTo, MediaIDs: in.MediaIDs, IdempotencyKey: key, Authorization: auth})

	switch {
	case f == nil:
	case f.Hang:
		if f.Received != nil {
			close(f.Received)
		}
		select {
		case <-f.Release:
		case <-r.Context().Done():
			return
		case <-s.closed:
			return
		}
	case f.Drop:
		if f.Received != nil {
			close(f.Received)
		}
		drop(w)
		return
	default: // Record
		if f.Received != nil {
			close(f.Received)
		}
		answer(w, f.Status, f.Header, f.Body)
		return
	}
	b, _ := json.Marshal(map[string]any{
		"id": st.ID, "url": st.URL, "uri": st.URL, "content": "<p>" + st.Text + "</p>",
		"visibility": st.Visibility, "created_at": st.CreatedAt.Format(time.RFC3339),
	})
	answer(w, http.StatusOK, nil, string(b))
}

// create makes a status, or returns the one made with the same token and
// key within KeyWindow.
func (s *Server) create(token, key string, st Status) Status {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	k := token + "\x00" + key
	if prev, ok := s.keys[k]; ok && key != "" && now.Sub(prev.at) < KeyWindow {
		return s.statuses[prev.index]
	}
	id := strconv.Itoa(110_000_000_000_000_001 + len(s.statuses))
	st.ID, st.URL, st.CreatedAt = id, s.srv.URL+"/@herald/"+id, now
	if st.Visibility == "" {
		st.Visibility = "public"
	}
	s.statuses = append(s.statuses, st)
	s.attach(st.MediaIDs, st.ID)
	if key != "" {
		s.keys[k] = keyed{index: len(s.statuses) - 1, at: now}
	}
	return st
}

// statusIn is what a client sends to POST /api/v1/statuses.
type statusIn struct {
	Status     string   `json:"status"`
	Visibility string   `json:"visibility"`
	InReplyTo  string   `json:"in_reply_to_id"`
	MediaIDs   []string `json:"media_ids"`
}

// readStatus reads the status, visibility, in_reply_to_id and media_ids
// from a JSON or form body (media_ids[] in a form).
func readStatus(r *http.Request) (statusIn, error) {
	var in statusIn
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20)).Decode(&in); err != nil {
			return in, fmt.Errorf("invalid JSON: %v", err)
		}
		return in, nil
	}
	if err := r.ParseForm(); err != nil {
		return in, err
	}
	f := r.PostForm
	return statusIn{Status: f.Get("status"), Visibility: f.Get("visibility"), InReplyTo: f.Get("in_reply_to_id"), MediaIDs: f["media_ids[]"]}, nil
}

func answer(w http.ResponseWriter, status int, header http.Header, body string) {
	for k, vs := range header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// drop closes the connection without writing an answer.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
