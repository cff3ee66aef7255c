// Package telegramtest is a fake Telegram Bot API for tests: it answers
// POST /bot<token>/<method> as Telegram does (JSON, form or
// multipart/form-data parameters; {"ok":true,"result":…} or
// {"ok":false,"error_code":…,"description":…,"parameters":{…}}) for
// sendMessage, sendPhoto, sendVideo, sendAnimation, sendMediaGroup
// (attach://name), getMe, getChat and getChatMember. It knows its bots'
// tokens and its chats, refuses what Telegram refuses (an unknown token,
// an unknown chat, a bot that is not an administrator of a channel, a
// text or caption too long in UTF-16 code units), records every message
// made and can be told to fail the next call, answer 429 with
// retry_after, or drop the connection after reading a request. It is
// safe for concurrent use.
package telegramtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
)

// Bot is a bot the server knows, by its token.
type Bot struct {
	ID       int64
	Username string
}

// Chat is a chat the server knows, with the bots' standing in it.
type Chat struct {
	ID       int64
	Type     string // channel, supergroup, group
	Title    string
	Username string // without @; "" for a private chat
	// Members are each bot's status there (creator, administrator,
	// member, restricted, left, kicked), by bot id; a bot absent has left.
	Members map[int64]string
	// NoPost lists the administrators not allowed to post messages.
	NoPost map[int64]bool
}

// File is one uploaded file of a message.
type File struct {
	Field       string // the form field it came in
	Name        string // its file name
	ContentType string
	Data        []byte
}

// Message is a message the server made.
type Message struct {
	ID        int64
	ChatID    int64
	Method    string
	Text      string // text or caption
	ParseMode string // the parse_mode sent; "" when none
	Kind      string // text, photo, video, animation
	Files     []File
	Group     string // the media_group_id of an album's messages
}

// Server is a fake Bot API.
type Server struct {
	srv *httptest.Server

	mu     sync.Mutex
	bots   map[string]Bot
	chats  []*Chat
	msgs   []Message
	nextID int64
	fails  []fault
}

type fault struct {
	status     int
	desc       string
	retryAfter int
	drop       bool
}

// New starts a server.
func New() *Server {
	s := &Server{bots: map[string]Bot{}, nextID: 100}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the server's base URL (HERALD_TELEGRAM_API_URL).
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// AddBot makes token a bot's.
func (s *Server) AddBot(token string, b Bot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bots[token] = b
}

// AddChat adds a chat.
func (s *Server) AddChat(c Chat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chats = append(s.chats, &c)
}

// FailNext makes the next call answer status with Telegram's error body
// (retryAfter > 0 adds parameters.retry_after).
func (s *Server) FailNext(status int, description string, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, fault{status: status, desc: description, retryAfter: retryAfter})
}

// DropNext makes the next sending call do its work, then drop the
// connection without an answer (the outcome is unknown to the client).
func (s *Server) DropNext() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, fault{drop: true})
}

// Messages returns the messages made, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// apiError is Telegram's error body.
type apiError struct {
	status int
	desc   string
	params map[string]any
}

func reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func replyErr(w http.ResponseWriter, e *apiError) {
	body := map[string]any{"ok": false, "error_code": e.status, "description": e.desc}
	if e.params != nil {
		body["parameters"] = e.params
	}
	reply(w, e.status, body)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/bot")
	token, method, ok := strings.Cut(path, "/")
	s.mu.Lock()
	bot, known := s.bots[token]
	s.mu.Unlock()
	if !ok || r.Method != http.MethodPost && r.Method != http.MethodGet {
		replyErr(w, &apiError{status: 404, desc: "Not Found"})
		return
	}
	if !known {
		replyErr(w, &apiError{status: 401, desc: "Unauthorized"})
		return
	}
	f, err := readParams(r)
	if err != nil {
		replyErr(w, &apiError{status: 400, desc: "Bad Request: " + err.Error()})
		return
	}
	if flt, ok := s.takeFault(); ok && !flt.drop {
		e := &apiError{status: flt.status, desc: flt.desc}
		if flt.retryAfter > 0 {
			e.params = map[string]any{"retry_after": flt.retryAfter}
		}
		replyErr(w, e)
		return
	} else if ok {
		_, _ = s.dispatch(bot, method, f)
		hangUp(w)
		return
	}
	result, e := s.dispatch(bot, method, f)
	if e != nil {
		replyErr(w, e)
		return
	}
	reply(w, 200, map[string]any{"ok": true, "result": result})
}

func (s *Server) takeFault() (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.fails) == 0 {
		return fault{}, false
	}
	f := s.fails[0]
	s.fails = s.fails[1:]
	return f, true
}

func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.Close()
		}
	}
}

// dispatch runs a method.
func (s *Server) dispatch(bot Bot, method string, f *params) (any, *apiError) {
	switch method {
	case "getMe":
		return map[string]any{"id": bot.ID, "is_bot": true, "first_name": bot.Username, "username": bot.Username}, nil
	case "getChat":
		c, e := s.chat(f.get("chat_id"))
		if e != nil {
			return nil, e
		}
		return chatJSON(c), nil
	case "getChatMember":
		return s.member(bot, f)
	case "sendMessage", "sendPhoto", "sendVideo", "sendAnimation":
		return s.send(bot, method, f)
	case "sendMediaGroup":
		return s.sendGroup(bot, f)
	}
	return nil, &apiError{status: 404, desc: "Not Found: method not found"}
}

func chatJSON(c *Chat) map[string]any {
	m := map[string]any{"id": c.ID, "type": c.Type, "title": c.Title}
	if c.Username != "" {
		m["username"] = c.Username
	}
	return m
}

// chat finds a chat by @username or id, as chat_id names it.
func (s *Server) chat(id string) (*Chat, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.chats {
		if (strings.HasPrefix(id, "@") && strings.EqualFold(id[1:], c.Username)) || id == strconv.FormatInt(c.ID, 10) {
			return c, nil
		}
	}
	if id == "" {
		return nil, &apiError{status: 400, desc: "Bad Request: chat_id is empty"}
	}
	return nil, &apiError{status: 400, desc: "Bad Request: chat not found"}
}

func (s *Server) member(bot Bot, f *params) (any, *apiError) {
	c, e := s.chat(f.get("chat_id"))
	if e != nil {
		return nil, e
	}
	uid, err := strconv.ParseInt(f.get("user_id"), 10, 64)
	if err != nil {
		return nil, &apiError{status: 400, desc: "Bad Request: invalid user_id specified"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	status := c.Members[uid]
	if status == "" {
		status = "left"
	}
	m := map[string]any{"status": status, "user": map[string]any{"id": uid, "is_bot": uid == bot.ID}}
	if status == "administrator" {
		m["can_post_messages"] = !c.NoPost[uid]
	}
	return m, nil
}

// Len counts text as Telegram does: UTF-16 code units.
func Len(s string) int { return len(utf16.Encode([]rune(s))) }

// canPost refuses a bot that may not post in c, as Telegram words it.
func canPost(c *Chat, bot Bot) *apiError {
	st := c.Members[bot.ID]
	switch {
	case st == "" || st == "left" || st == "kicked":
		if c.Type == "channel" {
			return &apiError{status: 400, desc: "Bad Request: need administrator rights in the channel chat"}
		}
		return &apiError{status: 403, desc: "Forbidden: bot is not a member of the group chat"}
	case c.Type == "channel" && st != "administrator" && st != "creator", c.NoPost[bot.ID]:
		return &apiError{status: 400, desc: "Bad Request: need administrator rights in the channel chat"}
	}
	return nil
}

func (s *Server) record(m Message) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	m.ID = s.nextID
	s.msgs = append(s.msgs, m)
	return m
}

func messageJSON(m Message, c *Chat) map[string]any {
	return map[string]any{"message_id": m.ID, "date": 1700000000, "chat": chatJSON(c)}
}

// Count is how many messages have text (or caption).
func (s *Server) Count(text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.msgs {
		if m.Text == text {
			n++
		}
	}
	return n
}
