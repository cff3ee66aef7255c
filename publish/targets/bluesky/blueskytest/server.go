// Package blueskytest is a fake Bluesky PDS for tests. It speaks the real
// XRPC wire format (JSON bodies, {"error","message"} failures, Bearer
// access JWTs) for the methods a publisher uses: createSession,
// createRecord (with app.bsky.embed.images checked against the blobs it
// has), uploadBlob, getRecord and resolveHandle. It keeps records by record
// key, refuses a second create of the same key, and injects faults: an
// answer of your choosing, expired tokens, and a record stored whose
// answer never comes.
//
// It imports only the standard library (and uniseg, to count graphemes as
// a PDS does), so it checks the client's JSON rather than sharing its
// types.
package blueskytest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/rivo/uniseg"
)

// The account New creates.
const (
	Handle   = "acme.bsky.social"
	Password = "abcd-efgh-ijkl-mnop" // an app password
	DID      = "did:plc:acme2n5jvnj4zq4wlbtb3vx7"
)

// The methods the fake serves.
const (
	CreateSession = "com.atproto.server.createSession"
	CreateRecord  = "com.atproto.repo.createRecord"
	GetRecord     = "com.atproto.repo.getRecord"
	ResolveHandle = "com.atproto.identity.resolveHandle"
	GetPosts      = "app.bsky.feed.getPosts"
)

// Post is a record the fake stored, decoded.
type Post struct {
	Repo      string // DID
	RKey      string
	URI       string
	CID       string
	Text      string
	CreatedAt string
	Facets    []Facet
	Images    []Image         // its app.bsky.embed.images; none without
	Record    json.RawMessage // the record as sent
}

// Facet is an app.bsky.richtext.facet as sent.
type Facet struct {
	Index struct {
		ByteStart int `json:"byteStart"`
		ByteEnd   int `json:"byteEnd"`
	} `json:"index"`
	Features []Feature `json:"features"`
}

// Feature is a facet feature as sent.
type Feature struct {
	Type string `json:"$type"`
	URI  string `json:"uri,omitempty"`
	DID  string `json:"did,omitempty"`
	Tag  string `json:"tag,omitempty"`
}

// Request is one call the fake received.
type Request struct {
	Method string // GET or POST
	NSID   string
	Auth   string // the Authorization header
	Query  string // raw query
	Body   string
}

// Fault is an answer given instead of the real one to the next call of
// NSID ("" means any method).
type Fault struct {
	NSID   string
	Status int
	Body   string
	Header http.Header
}

// Server is a fake PDS. It is safe for concurrent use.
type Server struct {
	srv       *httptest.Server
	closed    chan struct{}
	closeOnce sync.Once

	mu        sync.Mutex
	accounts  map[string]*account // by lowercase handle and by DID
	handles   map[string]string   // every resolvable handle, lowercase → DID
	tokens    map[string]*token   // access JWT → token
	records   map[string]*Post    // URI → record
	others    map[string]Other    // posts of other accounts, by URI (AddOther)
	order     []string            // URIs in creation order
	faults    []Fault
	duplicate Fault // the answer to a create of an existing record
	hang      int   // creates to store and then leave unanswered
	requests  []Request
	sessions  int
	seq       int
	blobs     []Blob // uploaded, in order
}

type account struct{ did, handle, password string }

type token struct {
	did     string
	expired bool
}

// New starts a fake PDS with one account (Handle, Password, DID).
func New() *Server {
	s := &Server{
		closed:   make(chan struct{}),
		accounts: make(map[string]*account),
		handles:  make(map[string]string),
		tokens:   make(map[string]*token),
		records:  make(map[string]*Post),
		others:   make(map[string]Other),
		duplicate: Fault{
			Status: http.StatusBadRequest,
			Body:   `{"error":"InvalidRequest","message":"Record already exists"}`,
		},
	}
	s.AddAccount(Handle, Password, DID)
	mux := http.NewServeMux()
	mux.HandleFunc("/xrpc/{nsid}", s.serve)
	mux.HandleFunc("/xrpc/"+UploadBlob, s.uploadBlob)
	s.srv = httptest.NewServer(mux)
	return s
}

// URL is the PDS base URL.
func (s *Server) URL() string { return s.srv.URL }

// Close answers every call still waiting and shuts the server down.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
	s.srv.Close()
}

// AddAccount adds an account that can log in; its handle resolves to did.
func (s *Server) AddAccount(handle, password, did string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := &account{did: did, handle: handle, password: password}
	s.accounts[strings.ToLower(handle)] = a
	s.accounts[did] = a
	s.handles[strings.ToLower(handle)] = did
}

// AddHandle makes handle resolve to did (someone a post can mention).
func (s *Server) AddHandle(handle, did string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handles[strings.ToLower(handle)] = did
}

// ExpireTokens expires every access JWT issued so far: calls made with one
// are answered 400 ExpiredToken, as a PDS does.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		t.expired = true
	}
}

// Inject answers the next call of f.NSID (any method when "") with f.
// Faults queue up in order.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// FailNext answers the next createRecord with status and body; the record
// is not stored.
func (s *Server) FailNext(status int, body string) {
	s.Inject(Fault{NSID: CreateRecord, Status: status, Body: body})
}

// HangNext makes the next createRecord store its record and then give no
// answer until the client gives up (or the server closes): a post made
// whose receipt is lost.
func (s *Server) HangNext() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hang++
}

// AnswerDuplicates sets how a create of an existing record key is
// refused; nothing is stored either way. The default is 400 InvalidRequest
// "Record already exists". No PDS documents this answer: today's reference
// PDS answers 500 InternalServerError (bluesky-social/atproto#3718).
func (s *Server) AnswerDuplicates(status int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.duplicate = Fault{Status: status, Body: body}
}

// Posts returns the stored posts in creation order.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Post, 0, len(s.order))
	for _, uri := range s.order {
		out = append(out, *s.records[uri])
	}
	return out
}

// Count is how many posts are stored under rkey, in every repo.
func (s *Server) Count(rkey string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.records {
		if p.RKey == rkey {
			n++
		}
	}
	return n
}

// Requests returns the calls received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Sessions is how many sessions were created (successful logins).
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// methods maps each method to its HTTP verb and handler; a handler runs
// with s.mu held and returns the status and JSON body to answer.
var methods = map[string]struct {
	verb   string
	handle func(s *Server, r *http.Request, body []byte) (int, any)
}{
	CreateSession: {http.MethodPost, (*Server).createSession},
	CreateRecord:  {http.MethodPost, (*Server).createRecord},
	GetRecord:     {http.MethodGet, (*Server).getRecord},
	ResolveHandle: {http.MethodGet, (*Server).resolveHandle},
	GetPosts:      {http.MethodGet, (*Server).getPosts},
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	nsid := r.PathValue("nsid")
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, NSID: nsid, Auth: r.Header.Get("Authorization"), Query: r.URL.RawQuery, Body: string(body)})
	if f, ok := s.takeFault(nsid); ok {
		s.mu.Unlock()
		writeFault(w, f)
		return
	}
	m, ok := methods[nsid]
	var status int
	var out any
	switch {
	case !ok:
		status, out = http.StatusNotImplemented, xrpcError("MethodNotImplemented", "Method Not Implemented")
	case r.Method != m.verb:
		status, out = http.StatusMethodNotAllowed, xrpcError("InvalidRequest", "Incorrect HTTP method ("+r.Method+") expected "+m.verb)
	default:
		status, out = m.handle(s, r, body)
	}
	hang := false
	if nsid == CreateRecord && status == http.StatusOK && s.hang > 0 {
		s.hang--
		hang = true
	}
	s.mu.Unlock()
	if hang {
		select {
		case <-r.Context().Done():
		case <-s.closed:
		}
		return
	}
	writeJSON(w, status, out)
}

func (s *Server) takeFault(nsid string) (Fault, bool) {
	for i, f := range s.faults {
		if f.NSID == "" || f.NSID == nsid {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			return f, true
		}
	}
	return Fault{}, false
}

func (s *Server) createSession(_ *http.Request, body []byte) (int, any) {
	var in struct {
		Identifier string `json:"identifier"`
		Password   string `json:"password"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Identifier == "" || in.Password == "" {
		return http.StatusBadRequest, xrpcError("InvalidRequest", "Input must have the properties \"identifier\", \"password\"")
	}
	a := s.accounts[strings.ToLower(in.Identifier)]
	if a == nil || a.password != in.Password {
		return http.StatusUnauthorized, xrpcError("AuthenticationRequired", "Invalid identifier or password")
	}
	s.seq++
	s.sessions++
	access := fmt.Sprintf("access-%d.%s", s.seq, a.did)
	s.tokens[access] = &token{did: a.did}
	return http.StatusOK, map[string]any{
		"accessJwt":  access,
		"refreshJwt": fmt.Sprintf("refresh-%d.%s", s.seq, a.did),
		"handle":     a.handle,
		"did":        a.did,
		"active":     true,
	}
}

// auth returns the DID of the request's access JWT, or the failure to
// answer.
func (s *Server) auth(r *http.Request) (string, int, any) {
	jwt, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || jwt == "" {
		return "", http.StatusUnauthorized, xrpcError("AuthMissing", "Authentication Required")
	}
	t := s.tokens[jwt]
	switch {
	case t == nil:
		return "", http.StatusBadRequest, xrpcError("InvalidToken", "Token could not be verified")
	case t.expired:
		return "", http.StatusBadRequest, xrpcError("ExpiredToken", "Token has expired")
	}
	return t.did, 0, nil
}

// tid encodes v as a TID, as a PDS names a record it was given no key for.
func tid(v uint64) string {
	const alphabet = "234567abcdefghijklmnopqrstuvwxyz"
	var b [13]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = alphabet[v&31]
		v >>= 5
	}
	b[0] = alphabet[strings.IndexByte(alphabet, b[0])&15] // the top bit is 0
	return string(b[:])
}

var tidPattern = regexp.MustCompile(`^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$`)

func (s *Server) createRecord(r *http.Request, body []byte) (int, any) {
	did, status, fail := s.auth(r)
	if fail != nil {
		return status, fail
	}
	var in struct {
		Repo       string          `json:"repo"`
		Collection string          `json:"collection"`
		RKey       string          `json:"rkey"`
		Record     json.RawMessage `json:"record"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Repo == "" || in.Collection == "" || len(in.Record) == 0 {
		return http.StatusBadRequest, xrpcError("InvalidRequest", "Input must have the properties \"repo\", \"collection\", \"record\"")
	}
	if a := s.accounts[strings.ToLower(in.Repo)]; a == nil || a.did != did {
		return http.StatusBadRequest, xrpcError("InvalidRequest", "Invalid repo: "+in.Repo)
	}
	if in.Collection != "app.bsky.feed.post" {
		return http.StatusBadRequest, xrpcError("InvalidRequest", "this fake stores only app.bsky.feed.post records")
	}
	if in.RKey == "" {
		s.seq++
		in.RKey = tid(uint64(time.Now().UnixMicro())<<10 | uint64(s.seq)&0x3FF)
	}
	if !tidPattern.MatchString(in.RKey) {
		return http.StatusBadRequest, xrpcError("InvalidRequest", "Invalid record key: "+in.RKey)
	}
	post, msg := decodePost(in.Record)
	if msg != "" {
		return http.StatusBadRequest, xrpcError("InvalidRecord", "Invalid app.bsky.feed.post record: "+msg)
	}
	uri := "at://" + did + "/" + in.Collection + "/" + in.RKey
	if s.records[uri] != nil {
		return s.duplicate.Status, rawBody(s.duplicate.Body)
	}
	images, bad := s.checkImages(did, in.Record)
	if bad != nil {
		return http.StatusBadRequest, bad
	}
	post.Images = images
	s.seq++
	post.Repo, post.RKey, post.URI, post.CID = did, in.RKey, uri, fmt.Sprintf("bafyreifake%d", s.seq)
	s.records[uri] = &post
	s.order = append(s.order, uri)
	return http.StatusOK, map[string]any{
		"uri":              uri,
		"cid":              post.CID,
		"commit":           map[string]string{"cid": post.CID, "rev": in.RKey},
		"validationStatus": "valid",
	}
}

// decodePost checks a post record as the PDS's lexicon validation does
// (and its facets against its text, which a PDS does not); it returns a
// message when the record is invalid.
func decodePost(raw json.RawMessage) (Post, string) {
	var rec struct {
		Type      string  `json:"$type"`
		Text      *string `json:"text"`
		CreatedAt string  `json:"createdAt"`
		Facets    []Facet `json:"facets"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return Post{}, "Record must be an object"
	}
	switch {
	case rec.Type != "app.bsky.feed.post":
		return Post{}, "Record/$type must be app.bsky.feed.post"
	case rec.Text == nil:
		return Post{}, `Record must have the property "text"`
	case uniseg.GraphemeClusterCount(*rec.Text) > 300:
		return Post{}, "Record/text must not be longer than 300 graphemes"
	case len(*rec.Text) > 3000:
		return Post{}, "Record/text must not be longer than 3000 characters"
	}
	if _, err := time.Parse(time.RFC3339, rec.CreatedAt); err != nil {
		return Post{}, "Record/createdAt must be an valid atproto datetime (both RFC-3339 and ISO-8601)"
	}
	for i, f := range rec.Facets {
		if f.Index.ByteStart < 0 || f.Index.ByteStart > f.Index.ByteEnd || f.Index.ByteEnd > len(*rec.Text) {
			return Post{}, fmt.Sprintf("Record/facets/%d/index is outside the text", i)
		}
		if len(f.Features) == 0 {
			return Post{}, fmt.Sprintf("Record/facets/%d/features must not be empty", i)
		}
		for j, ft := range f.Features {
			ok := ft.Type == "app.bsky.richtext.facet#link" && ft.URI != "" ||
				ft.Type == "app.bsky.richtext.facet#mention" && strings.HasPrefix(ft.DID, "did:") ||
				ft.Type == "app.bsky.richtext.facet#tag" && ft.Tag != ""
			if !ok {
				return Post{}, fmt.Sprintf("Record/facets/%d/features/%d is not a valid link, mention or tag", i, j)
			}
		}
	}
	return Post{Text: *rec.Text, CreatedAt: rec.CreatedAt, Facets: rec.Facets, Record: raw}, ""
}

func (s *Server) getRecord(r *http.Request, _ []byte) (int, any) {
	q := r.URL.Query()
	repo, coll, rkey := q.Get("repo"), q.Get("collection"), q.Get("rkey")
	if repo == "" || coll == "" || rkey == "" {
		return http.StatusBadRequest, xrpcError("InvalidRequest", `Params must have the properties "repo", "collection", "rkey"`)
	}
	a := s.accounts[strings.ToLower(repo)]
	if a == nil {
		return http.StatusBadRequest, xrpcError("InvalidRequest", "Could not find repo: "+repo)
	}
	uri := "at://" + a.did + "/" + coll + "/" + rkey
	p := s.records[uri]
	if p == nil {
		return http.StatusBadRequest, xrpcError("RecordNotFound", "Could not locate record: "+uri)
	}
	return http.StatusOK, map[string]any{"uri": p.URI, "cid": p.CID, "value": p.Record}
}

// Other is a post of another account that getPosts serves (a mention
// being answered): RootURI and RootCID are its record's reply root, empty
// when it starts its thread.
type Other struct {
	URI, CID, DID, Handle, Text string
	RootURI, RootCID            string
}

// AddOther makes getPosts serve o, as the AppView serves posts of the
// whole network.
func (s *Server) AddOther(o Other) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.others[o.URI] = o
}

// getPosts serves app.bsky.feed.getPosts (authenticated, as through a
// PDS): the posts AddOther gave and those created here; unknown URIs are
// left out, as the AppView does.
func (s *Server) getPosts(r *http.Request, _ []byte) (int, any) {
	if _, status, fail := s.auth(r); fail != nil {
		return status, fail
	}
	posts := []map[string]any{}
	for _, uri := range r.URL.Query()["uris"] {
		if o, ok := s.others[uri]; ok {
			rec := map[string]any{"$type": "app.bsky.feed.post", "text": o.Text, "createdAt": "2026-12-01T09:00:00Z"}
			if o.RootURI != "" {
				ref := map[string]string{"uri": o.RootURI, "cid": o.RootCID}
				rec["reply"] = map[string]any{"root": ref, "parent": ref}
			}
			posts = append(posts, map[string]any{"uri": o.URI, "cid": o.CID, "author": map[string]string{"did": o.DID, "handle": o.Handle}, "record": rec})
		} else if p := s.records[uri]; p != nil {
			posts = append(posts, map[string]any{"uri": p.URI, "cid": p.CID, "author": map[string]string{"did": p.Repo}, "record": p.Record})
		}
	}
	return http.StatusOK, map[string]any{"posts": posts}
}

func (s *Server) resolveHandle(r *http.Request, _ []byte) (int, any) {
	h := strings.ToLower(r.URL.Query().Get("handle"))
	if h == "" {
		return http.StatusBadRequest, xrpcError("InvalidRequest", `Params must have the property "handle"`)
	}
	did, ok := s.handles[h]
	if !ok {
		return http.StatusBadRequest, xrpcError("InvalidRequest", "Unable to resolve handle")
	}
	return http.StatusOK, map[string]string{"did": did}
}

func xrpcError(name, message string) map[string]string {
	return map[string]string{"error": name, "message": message}
}

// rawBody is an answer sent as it is.
type rawBody string

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if b, ok := v.(rawBody); ok {
		_, _ = w.Write([]byte(b))
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}

func writeFault(w http.ResponseWriter, f Fault) {
	for k, vs := range f.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
}
