package mastodontest

import (
	"encoding/json"
	"net/http"
)

// Flavor is which server software the fake describes itself as, which
// decides the instance endpoints that answer and what they say.
type Flavor int

const (
	// Mastodon4 answers GET /api/v2/instance and GET /api/v1/instance,
	// both with configuration.statuses.
	Mastodon4 Flavor = iota
	// Mastodon3 answers only GET /api/v1/instance (v2 is 404), with
	// configuration.statuses (Mastodon 3.4 to 3.5).
	Mastodon3
	// Pleroma answers only GET /api/v1/instance, with max_toot_chars and no
	// configuration (Pleroma, Akkoma and older glitch-soc servers).
	Pleroma
)

// Instance is what the server says of itself.
type Instance struct {
	Flavor   Flavor
	MaxChars int // max_characters or max_toot_chars; 500 when 0
	// URLChars is characters_reserved_per_url; 23 when 0, absent for
	// Pleroma.
	URLChars int
	// MaxMedia, ImageSize and VideoSize are max_media_attachments,
	// image_size_limit and video_size_limit (4, 16 MiB, 99 MiB when 0).
	MaxMedia             int
	ImageSize, VideoSize int64
	// Status, when set, is the status both instance endpoints answer
	// with an error body instead (e.g. 503: the instance is down).
	Status int
	// Body, when set, is the body both instance endpoints answer with
	// status 200 instead of the document.
	Body string
}

// WithInstance makes the server describe itself as in (by default a
// Mastodon 4 instance with 500 characters and 23 per link).
func WithInstance(in Instance) Option { return func(s *Server) { s.instance = in } }

// SetInstance changes what the server says of itself from now on.
func (s *Server) SetInstance(in Instance) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.instance = in
}

// InstanceRequests is how many requests reached the instance endpoints,
// v1 and v2 together.
func (s *Server) InstanceRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.instGets {
		n += c
	}
	return n
}

func (s *Server) getInstance(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.instGets[r.URL.Path]++
	in := s.instance
	s.mu.Unlock()
	v2 := r.URL.Path == "/api/v2/instance"
	switch {
	case in.Status != 0:
		answer(w, in.Status, nil, `{"error":"Something went wrong"}`)
		return
	case v2 && in.Flavor != Mastodon4:
		answer(w, http.StatusNotFound, nil, `{"error":"Record not found"}`)
		return
	case in.Body != "":
		answer(w, http.StatusOK, nil, in.Body)
		return
	}
	b, _ := json.Marshal(s.document(in, v2))
	answer(w, http.StatusOK, nil, string(b))
}

// document is the instance entity, with the fields the flavor carries.
func (s *Server) document(in Instance, v2 bool) map[string]any {
	maxChars, urlChars := in.MaxChars, in.URLChars
	if maxChars == 0 {
		maxChars = 500
	}
	if urlChars == 0 {
		urlChars = 23
	}
	doc := map[string]any{"title": "Herald test instance", "version": "4.3.0", "languages": []string{"en"}}
	if v2 {
		doc["domain"] = s.srv.Listener.Addr().String()
	} else {
		doc["uri"] = s.srv.Listener.Addr().String()
	}
	if in.Flavor == Pleroma {
		doc["version"] = "2.7.2 (compatible; Pleroma 2.6.0)"
		doc["max_toot_chars"] = maxChars
		return doc
	}
	if in.Flavor == Mastodon3 {
		doc["version"] = "3.5.3"
	}
	doc["configuration"] = map[string]any{
		"statuses": map[string]any{
			"max_characters": maxChars, "max_media_attachments": or(in.MaxMedia, 4), "characters_reserved_per_url": urlChars,
		},
		"media_attachments": map[string]any{
			"supported_mime_types": []string{"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/quicktime"},
			"image_size_limit":     or(in.ImageSize, 16<<20), "image_matrix_limit": 33177600,
			"video_size_limit": or(in.VideoSize, 99<<20), "video_frame_rate_limit": 120, "video_matrix_limit": 8294400,
		},
	}
	return doc
}

func or[T int | int64](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}
