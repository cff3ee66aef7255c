package linkedintest

import (
	"encoding/json"
	"io"
	"net/http"
	"time"
)

func (s *Server) userinfo(w http.ResponseWriter, r *http.Request, m Member) {
	writeJSON(w, 200, map[string]any{"sub": m.Sub, "name": m.Name, "email_verified": true, "locale": map[string]string{"country": "FR", "language": "fr"}})
}

func (s *Server) acls(w http.ResponseWriter, r *http.Request, m Member) {
	q := r.URL.Query()
	if q.Get("q") != "roleAssignee" {
		Problem(w, 400, 0, "ILLEGAL_ARGUMENT", "q must be roleAssignee")
		return
	}
	var els []map[string]string
	for _, id := range m.Pages {
		if role := q.Get("role"); role != "" && role != "ADMINISTRATOR" {
			continue
		}
		els = append(els, map[string]string{"roleAssignee": "urn:li:person:" + m.Sub, "role": "ADMINISTRATOR", "state": "APPROVED", "organization": "urn:li:organization:" + id})
	}
	writeJSON(w, 200, map[string]any{"elements": els, "paging": map[string]int{"count": 100, "start": 0, "total": len(els)}})
}

func (s *Server) organization(w http.ResponseWriter, r *http.Request, m Member) {
	s.mu.Lock()
	name, ok := s.orgs[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		Problem(w, 404, 0, "NOT_FOUND", "Organization not found")
		return
	}
	writeJSON(w, 200, map[string]any{"id": r.PathValue("id"), "localizedName": name})
}

// may reports whether m may post as author.
func may(m Member, author string) bool {
	if author == "urn:li:person:"+m.Sub {
		return true
	}
	for _, id := range m.Pages {
		if author == "urn:li:organization:"+id {
			return true
		}
	}
	return false
}

type postIn struct {
	Author       string `json:"author"`
	Commentary   string `json:"commentary"`
	Visibility   string `json:"visibility"`
	Distribution struct {
		FeedDistribution string `json:"feedDistribution"`
	} `json:"distribution"`
	LifecycleState string `json:"lifecycleState"`
	Content        *struct {
		Media *struct {
			ID string `json:"id"`
		} `json:"media"`
		MultiImage *struct {
			Images []struct {
				ID string `json:"id"`
			} `json:"images"`
		} `json:"multiImage"`
	} `json:"content"`
}

func (s *Server) createPost(w http.ResponseWriter, r *http.Request, m Member) {
	var in postIn
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		Problem(w, 400, 0, "ILLEGAL_ARGUMENT", "Invalid JSON: "+err.Error())
		return
	}
	switch {
	case !may(m, in.Author):
		Problem(w, 403, 100, "ACCESS_DENIED", "Not enough permissions to access: partnerApiPostsExternal.CREATE.20261101")
		return
	case in.Visibility != "PUBLIC" || in.LifecycleState != "PUBLISHED" || in.Distribution.FeedDistribution != "MAIN_FEED":
		Problem(w, 422, 0, "UNPROCESSABLE_ENTITY", "visibility, lifecycleState and distribution are required")
		return
	case Length(Unescape(in.Commentary).Text) > 3000:
		Problem(w, 422, 0, "UNPROCESSABLE_ENTITY", "/commentary :: length of commentary exceeds 3000")
		return
	}
	images, ok := s.imagesOf(in)
	if !ok {
		Problem(w, 400, 0, "ILLEGAL_ARGUMENT", "/content :: image not uploaded")
		return
	}
	parsed := Unescape(in.Commentary)
	s.mu.Lock()
	p := Post{ID: "urn:li:share:" + s.newID("7")[:12], Author: in.Author, Commentary: in.Commentary, Text: parsed.Text,
		Mentions: parsed.Mentions, Hashtags: parsed.Hashtags, Images: images, Version: r.Header.Get("LinkedIn-Version")}
	s.posts = append(s.posts, p)
	s.mu.Unlock()
	w.Header().Set("X-RestLi-Id", p.ID)
	w.WriteHeader(http.StatusCreated)
}

// imagesOf returns the image URNs of a post, each uploaded.
func (s *Server) imagesOf(in postIn) ([]string, bool) {
	var ids []string
	if c := in.Content; c != nil && c.Media != nil {
		ids = append(ids, c.Media.ID)
	}
	if c := in.Content; c != nil && c.MultiImage != nil {
		for _, i := range c.MultiImage.Images {
			ids = append(ids, i.ID)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if s.images[id] == nil {
			return nil, false
		}
	}
	return ids, true
}

func (s *Server) listPosts(w http.ResponseWriter, r *http.Request, m Member) {
	q := r.URL.Query()
	if q.Get("q") != "author" || !may(m, q.Get("author")) {
		Problem(w, 403, 100, "ACCESS_DENIED", "Not enough permissions to access: partnerApiPostsExternal.FINDER-author")
		return
	}
	s.mu.Lock()
	var els []map[string]any
	for i := len(s.posts) - 1; i >= 0; i-- {
		if p := s.posts[i]; p.Author == q.Get("author") {
			els = append(els, map[string]any{"id": p.ID, "author": p.Author, "commentary": p.Commentary, "lifecycleState": "PUBLISHED"})
		}
	}
	s.mu.Unlock()
	writeJSON(w, 200, map[string]any{"elements": els, "paging": map[string]int{"count": 10, "start": 0, "total": len(els)}})
}

func (s *Server) initializeUpload(w http.ResponseWriter, r *http.Request, m Member) {
	var in struct {
		InitializeUploadRequest struct {
			Owner string `json:"owner"`
		} `json:"initializeUploadRequest"`
	}
	if r.URL.Query().Get("action") != "initializeUpload" || json.NewDecoder(r.Body).Decode(&in) != nil || !may(m, in.InitializeUploadRequest.Owner) {
		Problem(w, 400, 0, "ILLEGAL_ARGUMENT", "action=initializeUpload with an owner the member may post as is required")
		return
	}
	s.mu.Lock()
	id := s.newID("C4E")
	urn := "urn:li:image:" + id
	s.images[urn] = nil
	s.mu.Unlock()
	writeJSON(w, 200, map[string]any{"value": map[string]any{"uploadUrlExpiresAt": s.clock.Now().Add(time.Hour).UnixMilli(),
		"uploadUrl": s.URL + "/upload/" + id, "image": urn}})
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request, m Member) {
	urn := "urn:li:image:" + r.PathValue("id")
	b, err := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.images[urn]; !ok || err != nil || len(b) == 0 {
		Problem(w, 400, 0, "ILLEGAL_ARGUMENT", "unknown upload")
		return
	}
	s.images[urn] = b
	w.WriteHeader(http.StatusCreated)
}

// Length counts text in UTF-16 code units, as LinkedIn does.
func Length(text string) int {
	n := 0
	for _, r := range text {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}
