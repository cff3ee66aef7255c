// Package assisttest is a fake OpenAI-compatible server for tests: it
// speaks the real /v1/chat/completions wire format on loopback and answers
// from a script (content, an error status, a Retry-After, or no answer at
// all until the test ends).
package assisttest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	openai "github.com/sashabaranov/go-openai"
)

// Answer is one scripted answer.
type Answer struct {
	Status     int    // HTTP status; 0 is 200
	Content    string // the assistant message (200) or the error message
	RetryAfter string // the Retry-After header, if any
	Hang       bool   // answer nothing until the client gives up or the server closes
}

// Server is the fake. Answers are given in order; the last one repeats.
type Server struct {
	srv     *httptest.Server
	mu      sync.Mutex
	script  []Answer
	reqs    []openai.ChatCompletionRequest
	headers []http.Header
	stop    chan struct{}
	once    sync.Once
}

// New starts a server answering script, closed when the test ends.
func New(tb testing.TB, script ...Answer) *Server {
	tb.Helper()
	if len(script) == 0 {
		tb.Fatal("assisttest.New needs at least one answer")
	}
	s := &Server{script: script, stop: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// URL is the base URL to give as OPENAI_BASE_URL (it ends in /v1).
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Close releases hanging requests and stops the server.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.stop)
		s.srv.Close()
	})
}

// Requests returns the chat completion requests received, in order.
func (s *Server) Requests() []openai.ChatCompletionRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]openai.ChatCompletionRequest(nil), s.reqs...)
}

// Headers returns the headers of the requests received, in order.
func (s *Server) Headers() []http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]http.Header(nil), s.headers...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	var req openai.ChatCompletionRequest
	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" || json.Unmarshal(body, &req) != nil {
		http.Error(w, `{"error":{"message":"not found","type":"invalid_request_error"}}`, http.StatusNotFound)
		return
	}
	s.mu.Lock()
	n := len(s.reqs)
	s.reqs = append(s.reqs, req)
	s.headers = append(s.headers, r.Header.Clone())
	a := s.script[min(n, len(s.script)-1)]
	s.mu.Unlock()
	if a.Hang {
		select {
		case <-r.Context().Done():
		case <-s.stop:
		}
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if a.RetryAfter != "" {
		w.Header().Set("Retry-After", a.RetryAfter)
	}
	if a.Status != 0 && a.Status != http.StatusOK {
		w.WriteHeader(a.Status)
		msg, _ := json.Marshal(a.Content)
		fmt.Fprintf(w, `{"error":{"message":%s,"type":"server_error","code":null}}`, msg)
		return
	}
	resp := openai.ChatCompletionResponse{
		ID: fmt.Sprintf("chatcmpl-%d", n+1), Object: "chat.completion", Created: 1, Model: req.Model,
		Choices: []openai.ChatCompletionChoice{{Index: 0, FinishReason: openai.FinishReasonStop,
			Message: openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: a.Content}}},
		Usage: openai.Usage{PromptTokens: 120, CompletionTokens: 40, TotalTokens: 160},
	}
	json.NewEncoder(w).Encode(resp)
}

// Variants returns the JSON content of an answer with these variant texts.
func Variants(texts ...string) string {
	type v struct {
		Text    string   `json:"text"`
		Targets []string `json:"targets"`
		Note    string   `json:"note"`
	}
	out := struct {
		Variants []v `json:"variants"`
	}{}
	for i, t := range texts {
		out.Variants = append(out.Variants, v{Text: t, Targets: []string{}, Note: fmt.Sprintf("variant %d", i+1)})
	}
	b, _ := json.Marshal(out)
	return string(b)
}
