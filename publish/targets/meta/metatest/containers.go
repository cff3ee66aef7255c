package metatest

import (
	"net/http"
	"net/url"
	"strings"
)

// instagram answers an Instagram account's edges: media (create a
// container, list), media_publish, content_publishing_limit.
func (s *Server) instagram(w http.ResponseWriter, r *http.Request, ig, edge string, t *token) {
	if !s.mayUse(t, ig) {
		graphError(w, 403, 10, 0, "(#10) Application does not have permission for this action")
		return
	}
	switch {
	case edge == "media" && r.Method == http.MethodPost:
		s.create(w, r.Form, ig, "caption", map[string]bool{"REELS": true, "VIDEO": true, "CAROUSEL": true, "": true})
	case edge == "media" && r.Method == http.MethodGet:
		s.list(w, ig, "caption")
	case edge == "media_publish" && r.Method == http.MethodPost:
		if s.quota[0] >= s.quota[1] {
			graphError(w, 400, 9, 2207042, "Application request limit reached: the account has reached its publishing limit")
			return
		}
		if s.publish(w, r.Form, ig) {
			s.quota[0]++
		}
	case edge == "content_publishing_limit" && r.Method == http.MethodGet:
		writeJSON(w, map[string]any{"data": []map[string]any{{"quota_usage": s.quota[0],
			"config": map[string]int{"quota_total": s.quota[1], "quota_duration": 86400}}}})
	default:
		graphError(w, 400, 100, 0, "Unsupported "+r.Method+" request on /"+edge)
	}
}

// threads answers a Threads account's edges: threads (create, list),
// threads_publish.
func (s *Server) threads(w http.ResponseWriter, r *http.Request, id, edge string) {
	switch {
	case edge == "threads" && r.Method == http.MethodPost:
		s.create(w, r.Form, id, "text", map[string]bool{"TEXT": true, "IMAGE": true, "VIDEO": true, "CAROUSEL": true})
	case edge == "threads" && r.Method == http.MethodGet:
		s.list(w, id, "text")
	case edge == "threads_publish" && r.Method == http.MethodPost:
		s.publish(w, r.Form, id)
	default:
		graphError(w, 400, 100, 0, "Unsupported "+r.Method+" request on /"+edge)
	}
}

// create makes a container from f for account, its text under field.
func (s *Server) create(w http.ResponseWriter, f url.Values, account, field string, types map[string]bool) {
	c := &Container{ID: s.id(""), Account: account, Status: "IN_PROGRESS", Type: f.Get("media_type"), Text: f.Get(field),
		Carousel: f.Get("is_carousel_item") == "true"}
	if !types[c.Type] && !(c.Carousel && c.Type == "VIDEO") && c.Type != "" {
		graphError(w, 400, 100, 0, "(#100) The parameter media_type is invalid: "+c.Type)
		return
	}
	switch {
	case c.Type == "CAROUSEL":
		c.Children = strings.Split(f.Get("children"), ",")
		for _, id := range c.Children {
			ch := s.containers[id]
			if ch == nil || !ch.Carousel || ch.Status != "FINISHED" {
				graphError(w, 400, 100, 0, "(#100) The carousel item "+id+" is not ready or not a carousel item")
				return
			}
		}
	case f.Get("video_url") != "":
		c.Media = []MediaRef{{Kind: "VIDEO", URL: f.Get("video_url")}}
	case f.Get("image_url") != "":
		c.Media = []MediaRef{{Kind: "IMAGE", URL: f.Get("image_url"), Alt: f.Get("alt_text")}}
	case c.Type != "TEXT":
		graphError(w, 400, 9004, 2207052, "The media could not be fetched from this uri: no image_url or video_url")
		return
	}
	if c.Type == "TEXT" {
		c.Status = "FINISHED"
	}
	s.containers[c.ID] = c
	writeJSON(w, map[string]string{"id": c.ID})
}

// publish publishes the container creation_id, once: a container not
// FINISHED is not ready (9007), one published already is refused.
func (s *Server) publish(w http.ResponseWriter, f url.Values, account string) bool {
	c := s.containers[f.Get("creation_id")]
	switch {
	case c == nil || c.Account != account:
		graphError(w, 400, 100, 33, "Unsupported post request. Object with ID '"+f.Get("creation_id")+"' does not exist")
		return false
	case c.Status == "PUBLISHED":
		graphError(w, 400, 9, 2207006, "The media has already been published")
		return false
	case c.Status != "FINISHED":
		graphError(w, 400, 9007, 2207027, "Media ID is not available")
		return false
	}
	c.Status = "PUBLISHED"
	p := Post{ID: s.id(""), Account: account, Text: c.Text, Type: c.Type, Media: c.Media}
	for _, id := range c.Children {
		p.Media = append(p.Media, s.containers[id].Media...)
	}
	s.posts = append(s.posts, p)
	writeJSON(w, map[string]string{"id": p.ID})
	return true
}
