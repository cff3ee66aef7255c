package xtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

func (s *Server) initialize(w http.ResponseWriter, r *http.Request, _ string) {
	var b struct {
		MediaType     string `json:"media_type"`
		TotalBytes    int64  `json:"total_bytes"`
		MediaCategory string `json:"media_category"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil || b.TotalBytes <= 0 || b.MediaType == "" {
		Problem(w, 400, "Invalid Request", "media_type and total_bytes are required")
		return
	}
	s.mu.Lock()
	m := &Media{ID: s.id(), Type: b.MediaType, Category: b.MediaCategory, Total: b.TotalBytes, PollsLeft: s.Polls}
	s.media[m.ID] = m
	s.mu.Unlock()
	reply(w, 200, map[string]any{"data": map[string]any{"id": m.ID, "media_key": "7_" + m.ID, "expires_after_secs": 86400}})
}

func (s *Server) appendChunk(w http.ResponseWriter, r *http.Request, _ string) {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		Problem(w, 400, "Invalid Request", "multipart/form-data expected")
		return
	}
	f, _, err := r.FormFile("media")
	seg, serr := strconv.Atoi(r.FormValue("segment_index"))
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.media[r.PathValue("id")]
	if err != nil || serr != nil || !ok || seg != m.Segments || m.Finalized {
		Problem(w, 400, "Invalid Request", "bad append")
		return
	}
	data, _ := io.ReadAll(f)
	m.Data = append(m.Data, data...)
	m.Segments++
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) finalize(w http.ResponseWriter, r *http.Request, _ string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.media[r.PathValue("id")]
	if !ok || int64(len(m.Data)) != m.Total {
		Problem(w, 400, "Invalid Request", "File size does not match the total_bytes given at initialize")
		return
	}
	m.Finalized = true
	reply(w, 200, map[string]any{"data": s.info(m)})
}

// info is a media's data with its processing_info.
func (s *Server) info(m *Media) map[string]any {
	d := map[string]any{"id": m.ID, "media_key": "7_" + m.ID, "size": m.Total, "expires_after_secs": 86400}
	switch {
	case m.FailWith != "":
		d["processing_info"] = map[string]any{"state": "failed", "error": map[string]any{"code": 1, "name": "InvalidMedia", "message": m.FailWith}}
	case m.PollsLeft > 0:
		d["processing_info"] = map[string]any{"state": "in_progress", "check_after_secs": 5, "progress_percent": 50}
	default:
		d["processing_info"] = map[string]any{"state": "succeeded", "progress_percent": 100}
	}
	return d
}

// status answers command=STATUS; each check brings processing closer.
func (s *Server) status(w http.ResponseWriter, r *http.Request, _ string) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.media[q.Get("media_id")]
	if q.Get("command") != "STATUS" || !ok || !m.Finalized {
		Problem(w, 400, "Invalid Request", "bad status request")
		return
	}
	if m.PollsLeft > 0 {
		m.PollsLeft--
	}
	reply(w, 200, map[string]any{"data": s.info(m)})
}

// FailProcessing makes the next video's processing fail with message.
func (s *Server) FailProcessing(id, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.media[id]; ok {
		m.FailWith = message
	}
}

func (s *Server) metadata(w http.ResponseWriter, r *http.Request, _ string) {
	var b struct {
		ID       string `json:"id"`
		Metadata struct {
			AltText struct {
				Text string `json:"text"`
			} `json:"alt_text"`
		} `json:"metadata"`
	}
	_ = json.NewDecoder(r.Body).Decode(&b)
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.media[b.ID]
	if !ok {
		Problem(w, 400, "Invalid Request", "unknown media id")
		return
	}
	m.Alt = b.Metadata.AltText.Text
	reply(w, 200, map[string]any{"data": map[string]any{"associated_metadata": true, "id": b.ID}})
}
