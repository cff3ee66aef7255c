package mastodontest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif" // the fake decodes what it is sent
	_ "image/jpeg"
	_ "image/png"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/heraldhq/herald/media/mediatest"
)

// maxDecode bounds the pictures the fake decodes (the bytes are hashed
// whatever their size, never kept).
const maxDecode = 32 << 20

// Media is an attachment the server made from an upload.
type Media struct {
	ID          string
	Description string
	FileName    string
	Type        string // the file part's Content-Type
	Size        int64
	SHA256      string // hex SHA-256 of the bytes received
	// Width and Height are the decoded picture's (0 for other files, or
	// when it does not decode: Decoded is false).
	Width, Height int
	Decoded       bool
	// Leaks are the metadata found in a picture's bytes (mediatest.Leaks:
	// GPS and other EXIF, XMP, comments): what Herald must never send.
	Leaks []string
	// ContentLength is the request's Content-Length (-1 when chunked).
	ContentLength int64
	polls         int // 206 answers left before it is processed
	StatusID      string
}

// media is the media part of the server's state, under Server.mu.
type mediaState struct {
	items      []Media
	byID       map[string]int
	processing int // polls each next upload answers 206 to (after a 202)
	uploads    int // POST /api/v2/media requests
	gets       int // GET /api/v1/media/:id requests
	hang       []chan<- struct{}
}

// Processing makes each later upload answer 202 and be processing for
// polls GET /api/v1/media/:id requests (206) before it is processed;
// 0 answers 200 at once (the default).
func (s *Server) Processing(polls int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.media.processing = polls
}

// Media returns the attachments made, in order.
func (s *Server) Media() []Media {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Media(nil), s.media.items...)
}

// Uploads is how many upload requests reached the server.
func (s *Server) Uploads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.media.uploads
}

// MediaGets is how many GET /api/v1/media/:id requests reached the server.
func (s *Server) MediaGets() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.media.gets
}

// OnUpload makes the next upload signal ch once its attachment exists,
// before it is answered (a crash test kills Herald then).
func (s *Server) OnUpload(ch chan<- struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.media.hang = append(s.media.hang, ch)
}

func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" || (s.token != "" && token != s.token) {
		answer(w, http.StatusUnauthorized, nil, `{"error":"The access token is invalid"}`)
		return false
	}
	return true
}

// postMedia serves POST /api/v2/media as Mastodon does: multipart with a
// file and an optional description; 200 with the attachment when it is
// processed, 202 with a null url while it is.
func (s *Server) postMedia(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.media.uploads++
	s.mu.Unlock()
	if !s.authorized(w, r) {
		return
	}
	m, err := readUpload(r)
	if err != nil {
		answer(w, http.StatusUnprocessableEntity, nil, fmt.Sprintf(`{"error":%q}`, "Validation failed: "+err.Error()))
		return
	}
	m.ContentLength = r.ContentLength
	s.mu.Lock()
	m.ID = strconv.Itoa(220_000_000_000_000_001 + len(s.media.items))
	m.polls = s.media.processing
	s.media.byID[m.ID] = len(s.media.items)
	s.media.items = append(s.media.items, m)
	var signal chan<- struct{}
	if len(s.media.hang) > 0 {
		signal, s.media.hang = s.media.hang[0], s.media.hang[1:]
	}
	s.mu.Unlock()
	if signal != nil {
		close(signal)
	}
	code := http.StatusOK
	if m.polls > 0 {
		code = http.StatusAccepted
	}
	answer(w, code, nil, s.attachmentJSON(m))
}

// getMedia serves GET /api/v1/media/:id: 206 while processing, 200 once
// processed, 404 for an id the server never made or that a status took
// (Mastodon finds only unattached media there).
func (s *Server) getMedia(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	s.mu.Lock()
	s.media.gets++
	i, ok := s.media.byID[r.PathValue("id")]
	var m Media
	if ok {
		if s.media.items[i].polls > 0 {
			s.media.items[i].polls--
		}
		m = s.media.items[i]
	}
	s.mu.Unlock()
	if !ok || m.StatusID != "" { // Mastodon shows only attachments no status has taken
		answer(w, http.StatusNotFound, nil, `{"error":"Record not found"}`)
		return
	}
	code := http.StatusOK
	if m.polls > 0 {
		code = http.StatusPartialContent
	}
	answer(w, code, nil, s.attachmentJSON(m))
}

func (s *Server) attachmentJSON(m Media) string {
	kind := "image"
	if strings.HasPrefix(m.Type, "video/") {
		kind = "video"
	}
	var url any = s.srv.URL + "/system/media_attachments/" + m.ID + "/original"
	if m.polls > 0 {
		url = nil
	}
	b, _ := json.Marshal(map[string]any{"id": m.ID, "type": kind, "url": url, "preview_url": s.srv.URL + "/system/" + m.ID + "/small",
		"description": m.Description, "blurhash": nil})
	return string(b)
}

// readUpload reads the multipart upload as it streams in: the file is
// hashed (and a picture decoded) without being kept.
func readUpload(r *http.Request) (Media, error) {
	var m Media
	mr, err := r.MultipartReader()
	if err != nil {
		return m, fmt.Errorf("not multipart/form-data: %v", err)
	}
	var file bool
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return m, err
		}
		switch p.FormName() {
		case "description":
			b, err := io.ReadAll(io.LimitReader(p, 1<<20))
			if err != nil {
				return m, err
			}
			m.Description = string(b)
		case "file":
			file = true
			if err := readFile(p, &m); err != nil {
				return m, err
			}
		}
	}
	if !file {
		return m, fmt.Errorf("File can't be blank")
	}
	return m, nil
}

func readFile(p *multipart.Part, m *Media) error {
	m.FileName, m.Type = p.FileName(), contentType(p.Header.Get("Content-Type"))
	h := sha256.New()
	var head bytes.Buffer // a picture's bytes, to decode; nothing of other files
	keep := 0
	if strings.HasPrefix(m.Type, "image/") {
		keep = maxDecode
	}
	n, err := io.Copy(io.MultiWriter(h, &limitedBuffer{&head, keep}), p)
	if err != nil {
		return err
	}
	m.Size, m.SHA256 = n, hex.EncodeToString(h.Sum(nil))
	if n > int64(keep) {
		return nil
	}
	if img, _, err := image.Decode(bytes.NewReader(head.Bytes())); err == nil {
		m.Width, m.Height, m.Decoded = img.Bounds().Dx(), img.Bounds().Dy(), true
	}
	m.Leaks = mediatest.Leaks(m.Type, head.Bytes())
	return nil
}

// limitedBuffer keeps the first max bytes written and drops the rest.
type limitedBuffer struct {
	b   *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.b.Len(); room > 0 {
		l.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// contentType is a part's media type without parameters.
func contentType(v string) string {
	t, _, _ := mime.ParseMediaType(v)
	return t
}

// checkMedia returns Mastodon's refusal of a status with ids ("" when it
// may be made): unknown ids, attachments still processing, more than four,
// a video with anything else, one attached to another status (a status
// with the same key within KeyWindow is the same status).
func (s *Server) checkMedia(key string, ids []string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(ids) > 4 {
		return "Validation failed: You can't attach more than 4 files"
	}
	for _, id := range ids {
		i, ok := s.media.byID[id]
		if !ok {
			return "Validation failed: Media attachments are invalid"
		}
		m := s.media.items[i]
		switch {
		case m.polls > 0:
			return "Cannot attach files that have not finished processing. Try again in a moment!"
		case strings.HasPrefix(m.Type, "video/") && len(ids) > 1:
			return "Validation failed: You can't attach a video to a post that already contains images"
		case m.StatusID != "" && key == "":
			return "Validation failed: Media attachments are invalid"
		}
	}
	return ""
}

// attach marks the attachments ids as the status id's.
func (s *Server) attach(ids []string, status string) {
	for _, id := range ids {
		if i, ok := s.media.byID[id]; ok && s.media.items[i].StatusID == "" {
			s.media.items[i].StatusID = status
		}
	}
}
