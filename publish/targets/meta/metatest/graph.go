package metatest

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// graph answers the Graph API's calls with token t (s.mu held).
func (s *Server) graph(w http.ResponseWriter, r *http.Request, path string, t *token) {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	get := r.Method == http.MethodGet
	switch {
	case len(seg) == 1 && seg[0] == "me" && get:
		s.me(w, t)
	case len(seg) == 2 && seg[0] == "me" && seg[1] == "accounts" && get:
		s.accounts(w, t)
	case len(seg) == 1 && get:
		s.object(w, r, seg[0], t)
	case len(seg) == 2 && s.pages[seg[0]] != nil:
		s.page(w, r, s.pages[seg[0]], seg[1], t)
	case len(seg) == 2 && s.igPage(seg[0]) != nil:
		s.instagram(w, r, seg[0], seg[1], t)
	case len(seg) == 2 && t.kind == "threads" && t.owner == seg[0]:
		s.threads(w, r, seg[0], seg[1])
	default:
		graphError(w, 400, 100, 33, "Unsupported "+r.Method+" request. Object with ID '"+seg[0]+"' does not exist, cannot be loaded due to missing permissions, or does not support this operation.")
	}
}

func (s *Server) me(w http.ResponseWriter, t *token) {
	switch t.kind {
	case "page":
		writeJSON(w, map[string]string{"id": t.owner, "name": s.pages[t.owner].Name})
	case "threads":
		writeJSON(w, map[string]string{"id": t.owner, "username": s.person.ThreadsName, "name": s.person.Name})
	default:
		writeJSON(w, map[string]string{"id": t.owner, "name": s.person.Name})
	}
}

// accounts lists the Pages of a user token's person, each with a Page
// token that does not expire (the user token is long-lived).
func (s *Server) accounts(w http.ResponseWriter, t *token) {
	if t.kind != "user" && t.kind != "short" {
		graphError(w, 400, 100, 0, "(#100) Tried accessing nonexisting field (accounts)")
		return
	}
	var data []map[string]any
	for _, id := range s.person.Pages {
		p := s.pages[id]
		if p == nil {
			continue
		}
		tok := "EAA" + s.id("page-")
		pt := &token{kind: "page", owner: p.ID}
		if t.kind == "short" {
			pt.expires = t.expires
		}
		s.tokens[tok] = pt
		e := map[string]any{"id": p.ID, "name": p.Name, "access_token": tok, "category": "Brand",
			"tasks": []string{"ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MODERATE", "MANAGE"}}
		if p.IGID != "" {
			e["instagram_business_account"] = map[string]string{"id": p.IGID, "username": p.IGName}
		}
		data = append(data, e)
	}
	writeJSON(w, map[string]any{"data": data, "paging": map[string]any{"cursors": map[string]string{"before": "QVFI", "after": "QVFJ"}}})
}

// object reads one object: a container's status, a media's permalink.
func (s *Server) object(w http.ResponseWriter, r *http.Request, id string, t *token) {
	if c := s.containers[id]; c != nil && s.mayUse(t, c.Account) {
		c.polls++
		if c.Status == "IN_PROGRESS" && c.polls > s.Polls {
			c.Status = "FINISHED"
		}
		if strings.Contains(r.Form.Get("fields"), "status_code") {
			out := map[string]string{"status_code": c.Status, "id": c.ID, "status": igStatus[c.Status]}
			writeJSON(w, out)
			return
		}
		out := map[string]string{"status": c.Status, "id": c.ID}
		if c.Status == "ERROR" {
			out["error_message"] = "FAILED_DOWNLOADING_VIDEO"
		}
		writeJSON(w, out)
		return
	}
	for _, p := range s.posts {
		if p.ID == id && s.mayUse(t, p.Account) {
			writeJSON(w, map[string]string{"id": id, "permalink": "https://www.instagram.com/p/" + id + "/"})
			return
		}
	}
	graphError(w, 400, 100, 33, "Unsupported get request. Object with ID '"+id+"' does not exist")
}

// mayUse reports whether t may act for account (a Page, its Instagram
// account, a Threads account).
func (s *Server) mayUse(t *token, account string) bool {
	if t.owner == account {
		return true
	}
	p := s.pages[t.owner]
	return t.kind == "page" && p != nil && p.IGID == account
}

// igPage is the Page an Instagram account is linked to.
func (s *Server) igPage(ig string) *Page {
	for _, p := range s.pages {
		if p.IGID == ig {
			return p
		}
	}
	return nil
}

// upload reads a multipart "source" file.
func upload(r *http.Request) []byte {
	if r.MultipartForm == nil || len(r.MultipartForm.File["source"]) == 0 {
		return nil
	}
	f, err := r.MultipartForm.File["source"][0].Open()
	if err != nil {
		return nil
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	return b
}

// page answers a Page's edges: feed, photos, videos, published_posts.
func (s *Server) page(w http.ResponseWriter, r *http.Request, p *Page, edge string, t *token) {
	if t.kind != "page" || t.owner != p.ID {
		graphError(w, 403, 200, 0, "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission")
		return
	}
	f := r.Form
	switch {
	case edge == "feed" && r.Method == http.MethodPost:
		post := Post{ID: p.ID + "_" + s.id(""), Account: p.ID, Text: f.Get("message"), Link: f.Get("link")}
		for i := 0; f.Has(attached(i)); i++ {
			var m struct {
				ID string `json:"media_fbid"`
			}
			if json.Unmarshal([]byte(f.Get(attached(i))), &m) != nil || s.photos[m.ID].ID == "" {
				graphError(w, 400, 100, 0, "(#100) param attached_media must be an array of valid media_fbid")
				return
			}
			post.Photos = append(post.Photos, m.ID)
			delete(s.photos, m.ID)
		}
		s.posts = append(s.posts, post)
		writeJSON(w, map[string]string{"id": post.ID})
	case edge == "photos" && r.Method == http.MethodPost:
		if f.Get("published") != "false" || f.Get("url") == "" && upload(r) == nil {
			graphError(w, 400, 324, 0, "(#324) Requires upload file")
			return
		}
		ph := Post{ID: s.id(""), Account: p.ID, Link: f.Get("url"), Uploaded: upload(r)}
		s.photos[ph.ID] = ph
		writeJSON(w, map[string]string{"id": ph.ID})
	case edge == "videos" && r.Method == http.MethodPost:
		v := Post{ID: s.id(""), Account: p.ID, Text: f.Get("description"), Video: f.Get("file_url"), Uploaded: upload(r)}
		if v.Video == "" && v.Uploaded == nil {
			graphError(w, 400, 390, 0, "There was a problem uploading your video file. Please try again.")
			return
		}
		s.posts = append(s.posts, v)
		writeJSON(w, map[string]string{"id": v.ID})
	case (edge == "feed" || edge == "published_posts") && r.Method == http.MethodGet:
		s.list(w, p.ID, "message")
	default:
		graphError(w, 400, 100, 0, "Unsupported "+r.Method+" request on /"+edge)
	}
}

func attached(i int) string { return "attached_media[" + strconv.Itoa(i) + "]" }

// list writes an account's posts, newest first, with their text under
// field.
func (s *Server) list(w http.ResponseWriter, account, field string) {
	var data []map[string]string
	for i := len(s.posts) - 1; i >= 0; i-- {
		if p := s.posts[i]; p.Account == account {
			data = append(data, map[string]string{"id": p.ID, field: p.Text, "permalink": "https://www.instagram.com/p/" + p.ID + "/"})
		}
	}
	writeJSON(w, map[string]any{"data": data})
}

// igStatus are Instagram's words of a container's status.
var igStatus = map[string]string{
	"IN_PROGRESS": "In Progress: Media is still being processed.",
	"FINISHED":    "Finished: Media has been uploaded and it is complete.",
	"PUBLISHED":   "Published: Media has been successfully published.",
	"ERROR":       "Error: Media download has failed. The media URI doesn't meet our requirements.",
	"EXPIRED":     "Expired: The container was not published within 24 hours and has expired.",
}
