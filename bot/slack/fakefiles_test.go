package slack

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/slack-go/slack/slacktest"
)

// fakeFiles is the files side of the fake Slack, speaking the Web API's
// wire protocol: url_private_download (GET with the bot token),
// files.info, files.getUploadURLExternal (filename, length, alt_txt →
// upload_url, file_id), the upload itself (the bytes POSTed to
// upload_url), files.completeUploadExternal (files=[{id,title}],
// channel_id, initial_comment, thread_ts) and conversations.list.
type fakeFiles struct {
	mu        sync.Mutex
	base      string            // the fake's API URL
	served    map[string][]byte // path under /files-pri/ → bytes
	redirects map[string]string // path under /files-pri/ → where it redirects
	info      map[string]string // file id → its url_private_download (files.info)
	downloads []fakeRequest
	uploads   map[string]*fakeUpload // file id → upload
	completes []map[string]string
	nextFile  int
	channels  map[string]string // name → id (conversations.list)
}

// fakeRequest is what a download or upload request carried.
type fakeRequest struct {
	Path, Auth, ContentType string
	Length                  int64
	Body                    []byte
}

// fakeUpload is one getUploadURLExternal and what was POSTed to its URL.
type fakeUpload struct {
	Name, Alt string
	Length    int
	Sent      *fakeRequest
}

func (ff *fakeFiles) handle(c slacktest.Customize, f *fakeSlack) {
	ff.served, ff.info, ff.uploads, ff.redirects = map[string][]byte{}, map[string]string{}, map[string]*fakeUpload{}, map[string]string{}
	ff.channels = map[string]string{"news": "CNEWS"}
	c.Handle("/files-pri/", ff.download)
	c.Handle("/files.info", ff.fileInfo)
	c.Handle("/files.getUploadURLExternal", ff.getUploadURL(f))
	c.Handle("/upload/", ff.receive)
	c.Handle("/files.completeUploadExternal", ff.complete(f))
	c.Handle("/conversations.list", ff.conversations)
}

// serve makes b downloadable at the returned URL (url_private_download).
func (ff *fakeFiles) serve(base, name string, b []byte) string {
	ff.mu.Lock()
	defer ff.mu.Unlock()
	ff.nextFile++
	p := fmt.Sprintf("T1-F%d/%s", ff.nextFile, name)
	ff.served[p] = b
	return base + "files-pri/" + p
}

func readRequest(r *http.Request) fakeRequest {
	body, _ := io.ReadAll(r.Body)
	return fakeRequest{Path: r.URL.Path, Auth: r.Header.Get("Authorization"), ContentType: r.Header.Get("Content-Type"), Length: r.ContentLength, Body: body}
}

func (ff *fakeFiles) download(w http.ResponseWriter, r *http.Request) {
	req := readRequest(r)
	ff.mu.Lock()
	ff.downloads = append(ff.downloads, req)
	b, ok := ff.served[strings.TrimPrefix(r.URL.Path, "/files-pri/")]
	to := ff.redirects[strings.TrimPrefix(r.URL.Path, "/files-pri/")]
	ff.mu.Unlock()
	switch {
	case to != "":
		http.Redirect(w, r, to, http.StatusFound)
	case req.Auth != "Bearer xoxb-test": // Slack answers a login page without the token
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html>sign in</html>")
	case !ok:
		http.NotFound(w, r)
	default:
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.Write(b)
	}
}

func (ff *fakeFiles) fileInfo(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	ff.mu.Lock()
	u, ok := ff.info[r.Form.Get("file")]
	ff.mu.Unlock()
	if !ok {
		json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "file_not_found"})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "file": map[string]any{"id": r.Form.Get("file"), "name": "photo.jpg", "url_private_download": u, "size": 0}})
}

func (ff *fakeFiles) getUploadURL(f *fakeSlack) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		n, err := strconv.Atoi(r.Form.Get("length"))
		if r.Form.Get("filename") == "" || err != nil || n <= 0 {
			json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "invalid_arguments"})
			return
		}
		ff.mu.Lock()
		ff.nextFile++
		id := fmt.Sprintf("F%04d", ff.nextFile)
		ff.uploads[id] = &fakeUpload{Name: r.Form.Get("filename"), Alt: r.Form.Get("alt_txt"), Length: n}
		ff.mu.Unlock()
		f.record(apiCall{Method: "files.getUploadURLExternal", Text: r.Form.Get("filename")})
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "file_id": id, "upload_url": f.srv.GetAPIURL() + "upload/v1/" + id})
	}
}

func (ff *fakeFiles) receive(w http.ResponseWriter, r *http.Request) {
	req := readRequest(r)
	id := strings.TrimPrefix(r.URL.Path, "/upload/v1/")
	ff.mu.Lock()
	defer ff.mu.Unlock()
	u, ok := ff.uploads[id]
	if !ok || r.Method != http.MethodPost || len(req.Body) != u.Length {
		http.Error(w, "bad upload", http.StatusBadRequest)
		return
	}
	u.Sent = &req
	io.WriteString(w, "OK - "+strconv.Itoa(len(req.Body)))
}

func (ff *fakeFiles) complete(f *fakeSlack) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		var files []struct{ ID, Title string }
		if err := json.Unmarshal([]byte(r.Form.Get("files")), &files); err != nil || len(files) == 0 || r.Form.Get("channel_id") == "" {
			json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "invalid_arguments"})
			return
		}
		ff.mu.Lock()
		for _, fl := range files {
			if u := ff.uploads[fl.ID]; u == nil || u.Sent == nil {
				ff.mu.Unlock()
				json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "file_not_found"})
				return
			}
		}
		got := map[string]string{"files": r.Form.Get("files"), "channel_id": r.Form.Get("channel_id"),
			"initial_comment": r.Form.Get("initial_comment"), "thread_ts": r.Form.Get("thread_ts")}
		ff.completes = append(ff.completes, got)
		ff.mu.Unlock()
		f.record(apiCall{Method: "files.completeUploadExternal", Channel: got["channel_id"], Text: got["initial_comment"], Body: got["files"]})
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "files": files})
	}
}

func (ff *fakeFiles) conversations(w http.ResponseWriter, r *http.Request) {
	var chans []map[string]any
	ff.mu.Lock()
	for name, id := range ff.channels {
		chans = append(chans, map[string]any{"id": id, "name": name, "is_channel": true})
	}
	ff.mu.Unlock()
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "channels": chans, "response_metadata": map[string]string{"next_cursor": ""}})
}
