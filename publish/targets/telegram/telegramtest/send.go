package telegramtest

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// params are a call's parameters, however sent.
type params struct {
	values map[string]string
	files  map[string]File
}

func (p *params) get(k string) string { return p.values[k] }

// readParams reads parameters as the Bot API takes them: the query
// string, a JSON object, a URL-encoded form or multipart/form-data.
func readParams(r *http.Request) (*params, error) {
	p := &params{values: map[string]string{}, files: map[string]File{}}
	for k, v := range r.URL.Query() {
		p.values[k] = v[0]
	}
	ct, mp, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var m map[string]any
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&m); err != nil {
			return nil, errors.New("can't parse JSON object")
		}
		for k, v := range m {
			if s, ok := v.(string); ok {
				p.values[k] = s
			} else {
				b, _ := json.Marshal(v)
				p.values[k] = string(b)
			}
		}
	case "application/x-www-form-urlencoded":
		b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		q, err := url.ParseQuery(string(b))
		if err != nil {
			return nil, err
		}
		for k, v := range q {
			p.values[k] = v[0]
		}
	case "multipart/form-data":
		return p, readMultipart(multipart.NewReader(r.Body, mp["boundary"]), p)
	}
	return p, nil
}

func readMultipart(mr *multipart.Reader, p *params) error {
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return errors.New("can't parse multipart form")
		}
		data, err := io.ReadAll(io.LimitReader(part, 60<<20))
		if err != nil {
			return errors.New("can't read multipart form")
		}
		if part.FileName() != "" {
			p.files[part.FormName()] = File{Field: part.FormName(), Name: part.FileName(), ContentType: part.Header.Get("Content-Type"), Data: data}
			continue
		}
		p.values[part.FormName()] = string(data)
	}
}

// send runs sendMessage, sendPhoto, sendVideo and sendAnimation.
func (s *Server) send(bot Bot, method string, f *params) (any, *apiError) {
	c, e := s.chat(f.get("chat_id"))
	if e != nil {
		return nil, e
	}
	if e := canPost(c, bot); e != nil {
		return nil, e
	}
	m := Message{ChatID: c.ID, Method: method, ParseMode: f.get("parse_mode")}
	switch method {
	case "sendMessage":
		m.Kind, m.Text = "text", f.get("text")
		if strings.TrimSpace(m.Text) == "" {
			return nil, &apiError{status: 400, desc: "Bad Request: message text is empty"}
		}
		if Len(m.Text) > 4096 {
			return nil, &apiError{status: 400, desc: "Bad Request: message is too long"}
		}
	default:
		m.Kind = strings.ToLower(strings.TrimPrefix(method, "send"))
		m.Text = f.get("caption")
		file, ok := f.files[m.Kind]
		if !ok {
			return nil, &apiError{status: 400, desc: "Bad Request: there is no " + m.Kind + " in the request"}
		}
		if Len(m.Text) > 1024 {
			return nil, &apiError{status: 400, desc: "Bad Request: message caption is too long"}
		}
		m.Files = []File{file}
	}
	return messageJSON(s.record(m), c), nil
}

// sendGroup runs sendMediaGroup: 2 to 10 items, each attach://name a
// file part; the caption of the first is the album's.
func (s *Server) sendGroup(bot Bot, f *params) (any, *apiError) {
	c, e := s.chat(f.get("chat_id"))
	if e != nil {
		return nil, e
	}
	if e := canPost(c, bot); e != nil {
		return nil, e
	}
	var items []struct {
		Type      string `json:"type"`
		Media     string `json:"media"`
		Caption   string `json:"caption"`
		ParseMode string `json:"parse_mode"`
	}
	if err := json.Unmarshal([]byte(f.get("media")), &items); err != nil {
		return nil, &apiError{status: 400, desc: "Bad Request: can't parse media JSON object"}
	}
	if len(items) < 2 || len(items) > 10 {
		return nil, &apiError{status: 400, desc: "Bad Request: media must include 2-10 items"}
	}
	var ms []Message
	s.mu.Lock()
	group := strconv.FormatInt(s.nextID+1, 10) + "00"
	s.mu.Unlock()
	for _, it := range items {
		name, ok := strings.CutPrefix(it.Media, "attach://")
		file, found := f.files[name]
		if !ok || !found || (it.Type != "photo" && it.Type != "video") {
			return nil, &apiError{status: 400, desc: "Bad Request: wrong file identifier/HTTP URL specified"}
		}
		if Len(it.Caption) > 1024 {
			return nil, &apiError{status: 400, desc: "Bad Request: message caption is too long"}
		}
		ms = append(ms, Message{ChatID: c.ID, Method: "sendMediaGroup", Kind: it.Type, Text: it.Caption,
			ParseMode: it.ParseMode, Files: []File{file}, Group: group})
	}
	out := make([]any, len(ms))
	for i, m := range ms {
		out[i] = messageJSON(s.record(m), c)
	}
	return out, nil
}
