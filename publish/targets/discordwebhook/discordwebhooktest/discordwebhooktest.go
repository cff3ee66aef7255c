// Package discordwebhooktest is a fake Discord webhook for tests. It
// speaks "Execute Webhook" as Discord does: POST /api/webhooks/{id}/{token}
// with a JSON body, or multipart/form-data with payload_json and files[n]
// whose attachments (id n, filename, description) name the files; wait=true
// answers the message, otherwise 204. It checks what it receives (the
// attachments match the files, at most ten, the request within the upload
// limit: 413 with code 40005 past it), hashes the files as they stream in
// without keeping them, and records each message. It is safe for
// concurrent use.
package discordwebhooktest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"

	"github.com/heraldhq/herald/media/mediatest"
)

// The webhook the server serves.
const (
	ID    = "123456789012345678"
	Token = "tok-EN_abc123"
)

// DefaultMaxBytes is the upload limit of a server without boosts (10 MiB).
const DefaultMaxBytes = 10 << 20

// Attachment is a file of a message, as received.
type Attachment struct {
	ID          int
	Filename    string
	Description string // the alt text
	Type        string // the part's Content-Type
	Size        int64
	SHA256      string   // hex SHA-256 of the bytes received
	Leaks       []string // metadata found in a picture (mediatest.Leaks)
}

// Message is a message the webhook posted.
type Message struct {
	ID      string
	Content string
	// Parse is allowed_mentions.parse as sent; ParseSent is false when
	// allowed_mentions.parse was absent (everything would ping).
	Parse         []string
	ParseSent     bool
	Attachments   []Attachment
	ContentType   string // multipart/form-data or application/json
	ContentLength int64  // -1 when chunked
}

// Server is a fake Discord webhook.
type Server struct {
	srv *httptest.Server

	mu       sync.Mutex
	maxBytes int64
	messages []Message
	requests int
}

// New starts a server; Close stops it.
func New() *Server {
	s := &Server{maxBytes: DefaultMaxBytes}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/webhooks/{id}/{token}", s.execute)
	s.srv = httptest.NewServer(mux)
	return s
}

// URL is the webhook's URL.
func (s *Server) URL() string { return s.srv.URL + "/api/webhooks/" + ID + "/" + Token }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// SetMaxBytes sets the upload limit of a request (a boosted server takes
// more).
func (s *Server) SetMaxBytes(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxBytes = n
}

// Messages returns the messages posted, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Requests is how many requests reached the webhook.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// apiError is Discord's error body.
func apiError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"message": msg, "code": code})
	w.Write(b)
}

func (s *Server) execute(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	max := s.maxBytes
	s.mu.Unlock()
	if r.PathValue("id") != ID || r.PathValue("token") != Token {
		apiError(w, http.StatusUnauthorized, 50027, "Invalid Webhook Token")
		return
	}
	if r.ContentLength > max {
		apiError(w, http.StatusRequestEntityTooLarge, 40005, "Request entity too large")
		return
	}
	m, status, msg := read(r, max)
	if status != 0 {
		apiError(w, status, 50035, msg)
		return
	}
	s.mu.Lock()
	m.ID = strconv.Itoa(1_300_000_000_000_000_001 + len(s.messages))
	s.messages = append(s.messages, m)
	s.mu.Unlock()
	if r.URL.Query().Get("wait") != "true" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	b, _ := json.Marshal(map[string]any{"id": m.ID, "channel_id": "987654321098765432", "content": m.Content, "webhook_id": ID})
	w.Write(b)
}

type payloadJSON struct {
	Content         string `json:"content"`
	AllowedMentions *struct {
		Parse *[]string `json:"parse"`
	} `json:"allowed_mentions"`
	Attachments []struct {
		ID          json.Number `json:"id"`
		Filename    string      `json:"filename"`
		Description string      `json:"description"`
	} `json:"attachments"`
}

// read reads a JSON or multipart request into a message; status is not 0
// when it is refused.
func read(r *http.Request, max int64) (Message, int, string) {
	m := Message{ContentLength: r.ContentLength}
	m.ContentType, _, _ = mime.ParseMediaType(r.Header.Get("Content-Type"))
	r.Body = http.MaxBytesReader(nil, r.Body, max)
	var pl payloadJSON
	files := map[int]Attachment{}
	switch m.ContentType {
	case "application/json":
		if err := json.NewDecoder(r.Body).Decode(&pl); err != nil {
			return m, http.StatusBadRequest, "Invalid JSON: " + err.Error()
		}
	case "multipart/form-data":
		var err error
		if pl, err = readMultipart(r, files); err != nil {
			if strings.Contains(err.Error(), "too large") {
				return m, http.StatusRequestEntityTooLarge, "Request entity too large"
			}
			return m, http.StatusBadRequest, err.Error()
		}
	default:
		return m, http.StatusBadRequest, "Cannot send an empty message"
	}
	m.Content = pl.Content
	if pl.AllowedMentions != nil && pl.AllowedMentions.Parse != nil {
		m.Parse, m.ParseSent = *pl.AllowedMentions.Parse, true
	}
	if len(pl.Attachments) > 10 || len(files) > 10 {
		return m, http.StatusBadRequest, "Invalid Form Body: attachments: Must be 10 or fewer in length."
	}
	for _, a := range pl.Attachments {
		id, _ := strconv.Atoi(a.ID.String())
		f, ok := files[id]
		if !ok {
			return m, http.StatusBadRequest, fmt.Sprintf("Invalid Form Body: attachments.%s: no files[%s] part", a.ID, a.ID)
		}
		f.ID, f.Filename, f.Description = id, a.Filename, a.Description
		m.Attachments = append(m.Attachments, f)
		delete(files, id)
	}
	if len(files) > 0 {
		return m, http.StatusBadRequest, "Invalid Form Body: a files[n] part without its attachment"
	}
	if m.Content == "" && len(m.Attachments) == 0 {
		return m, http.StatusBadRequest, "Cannot send an empty message"
	}
	return m, 0, ""
}

// readMultipart reads payload_json and the files[n] parts, hashing each
// file as it streams in.
func readMultipart(r *http.Request, files map[int]Attachment) (payloadJSON, error) {
	var pl payloadJSON
	mr, err := r.MultipartReader()
	if err != nil {
		return pl, err
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return pl, nil
		}
		if err != nil {
			return pl, err
		}
		name := p.FormName()
		switch {
		case name == "payload_json":
			if err := json.NewDecoder(p).Decode(&pl); err != nil {
				return pl, fmt.Errorf("Invalid payload_json: %v", err)
			}
		case strings.HasPrefix(name, "files[") && strings.HasSuffix(name, "]"):
			n, err := strconv.Atoi(name[len("files[") : len(name)-1])
			if err != nil {
				return pl, fmt.Errorf("Invalid Form Body: %s", name)
			}
			a, err := readFile(p.FileName(), p.Header.Get("Content-Type"), p)
			if err != nil {
				return pl, err
			}
			files[n] = a
		}
	}
}

func readFile(name, typ string, r io.Reader) (Attachment, error) {
	a := Attachment{Filename: name, Type: typ}
	h := sha256.New()
	var keep bytes.Buffer
	var w io.Writer = h
	if strings.HasPrefix(typ, "image/") {
		w = io.MultiWriter(h, &keep)
	}
	n, err := io.Copy(w, r)
	if err != nil {
		return a, err
	}
	a.Size, a.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	a.Leaks = mediatest.Leaks(typ, keep.Bytes())
	return a, nil
}
