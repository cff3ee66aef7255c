// Package webhooktest is a fake webhook receiver for tests: it checks each
// delivery's signature with webhook.Verify, records every delivery and can
// be told to fail, hang or drop the connection. Like most receivers it
// does not deduplicate by Idempotency-Key, so Count shows duplicates. It
// is safe for concurrent use.
//
//	srv := webhooktest.New("a-signing-secret-of-32-chars...")
//	defer srv.Close()
//	... publish to publish.Account{URL: srv.URL(), Secret: srv.Secret()} ...
//	if srv.Count(key) != 1 { ... }
package webhooktest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish/targets/webhook"
)

// Delivery is one request the server received.
type Delivery struct {
	Key       string // the Idempotency-Key header
	Timestamp string // the X-Herald-Timestamp header
	Signature string // the X-Herald-Signature header
	Header    http.Header
	Body      []byte
	Payload   webhook.Payload // Body decoded, when it is JSON
	Valid     bool            // the signature verified
	// Processed: the receiver acted on the delivery (a valid signature,
	// and no fault that answered before processing).
	Processed bool
}

// Fault is what the server does with one request instead of answering it
// normally.
type Fault struct {
	Status int         // the status to answer
	Body   string      // the body to answer
	Header http.Header // extra answer headers, e.g. Retry-After
	// Record processes the delivery before answering with the fault: it
	// arrived, the answer says otherwise.
	Record bool
	// Hang processes the delivery and then answers nothing until the client
	// gives up, Release is closed (then it answers normally) or the server
	// closes. Status and Body are ignored.
	Hang bool
	// Release ends a Hang; nil hangs until the client gives up.
	Release <-chan struct{}
	// Received, when not nil, is closed once the delivery is recorded.
	Received chan<- struct{}
	// Drop processes the delivery and closes the connection without an answer.
	Drop bool
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the server check timestamps against c.
func WithClock(c herald.Clock) Option { return func(s *Server) { s.clock = c } }

// WithMaxAge sets the timestamp window (default webhook.DefaultMaxAge).
func WithMaxAge(d time.Duration) Option { return func(s *Server) { s.maxAge = d } }

// WithAnswer sets the status and body of a normal answer (default 200 and
// {"id":"<the delivery's key>","status":"success"}).
func WithAnswer(status int, body string) Option {
	return func(s *Server) { s.status, s.body, s.custom = status, body, true }
}

// Server is a fake webhook receiver.
type Server struct {
	srv    *httptest.Server
	secret string
	clock  herald.Clock
	maxAge time.Duration
	status int
	body   string
	custom bool // status and body set by WithAnswer
	closed chan struct{}
	once   sync.Once

	mu         sync.Mutex
	deliveries []Delivery
	faults     []Fault
}

// New starts a receiver that verifies deliveries with secret; Close stops it.
func New(secret string, opts ...Option) *Server {
	s := &Server{secret: secret, clock: herald.SystemClock{}, status: http.StatusOK, closed: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the webhook URL (any path is accepted).
func (s *Server) URL() string { return s.srv.URL + "/hooks/catch/1/abc/" }

// Secret is the signing secret the server verifies with.
func (s *Server) Secret() string { return s.secret }

// Client returns a client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close releases hanging requests and stops the server.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closed) })
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// CloseClientConnections drops every open connection.
func (s *Server) CloseClientConnections() { s.srv.CloseClientConnections() }

// Inject queues faults: each applies to one request, in order.
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// FailNext answers the next request with status and body without
// processing it. Call it n times to fail the next n requests.
func (s *Server) FailNext(status int, body string) {
	s.Inject(Fault{Status: status, Body: body})
}

// HangAfterReceive makes the next request be processed and then get no
// answer until the client gives up (a timeout after the delivery arrived),
// release is closed (nil: never) or the server closes. The returned channel
// is closed once the delivery is recorded.
func (s *Server) HangAfterReceive(release <-chan struct{}) <-chan struct{} {
	received := make(chan struct{})
	s.Inject(Fault{Hang: true, Release: release, Received: received})
	return received
}

// DropAfterReceive makes the next request be processed and then lose its
// connection without an answer.
func (s *Server) DropAfterReceive() { s.Inject(Fault{Drop: true}) }

// Deliveries returns every request received, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// Count is how many deliveries with Idempotency-Key key were processed:
// more than one is a duplicate post.
func (s *Server) Count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, d := range s.deliveries {
		if d.Key == key && d.Processed {
			n++
		}
	}
	return n
}

// Requests is how many requests reached the server.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.deliveries)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "could not read the body", http.StatusBadRequest)
		return
	}
	d := Delivery{
		Key:       r.Header.Get("Idempotency-Key"),
		Timestamp: r.Header.Get(webhook.HeaderTimestamp),
		Signature: r.Header.Get(webhook.HeaderSignature),
		Header:    r.Header.Clone(),
		Body:      body,
	}
	_ = json.Unmarshal(body, &d.Payload)
	verr := webhook.Verify(s.secret, d.Timestamp, d.Signature, body, s.clock.Now(), s.maxAge)
	d.Valid = verr == nil

	s.mu.Lock()
	var f *Fault
	if len(s.faults) > 0 {
		next := s.faults[0]
		f = &next
		s.faults = s.faults[1:]
	}
	early := f != nil && !f.Record && !f.Hang && !f.Drop
	d.Processed = d.Valid && r.Method == http.MethodPost && !early
	s.deliveries = append(s.deliveries, d)
	s.mu.Unlock()
	if f != nil && f.Received != nil {
		close(f.Received)
	}

	switch {
	case early:
		answer(w, f.Status, f.Header, f.Body)
		return
	case r.Method != http.MethodPost:
		answer(w, http.StatusMethodNotAllowed, nil, `{"error":"POST only"}`)
		return
	case !d.Valid:
		answer(w, http.StatusUnauthorized, nil, `{"error":`+quote(herald.ErrorMessage(verr))+`}`)
		return
	}
	switch {
	case f == nil:
	case f.Hang:
		select {
		case <-f.Release:
		case <-r.Context().Done():
			return
		case <-s.closed:
			return
		}
	case f.Drop:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		_ = conn.Close()
		return
	default: // Record
		answer(w, f.Status, f.Header, f.Body)
		return
	}
	if s.custom {
		answer(w, s.status, nil, s.body)
		return
	}
	answer(w, http.StatusOK, nil, `{"id":`+quote(d.Key)+`,"status":"success"}`)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func answer(w http.ResponseWriter, status int, header http.Header, body string) {
	for k, vs := range header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}
