package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/publish"
)

// answer is every Bot API answer: ok with a result, or an error_code with
// Telegram's description and, for a 429, how long to wait.
type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// message is the part of a Bot API Message Herald reads.
type message struct {
	MessageID int64 `json:"message_id"`
	Chat      chat  `json:"chat"`
}

// chat is the part of a Bot API Chat Herald reads.
type chat struct {
	ID       int64  `json:"id"`
	Type     string `json:"type"`
	Title    string `json:"title"`
	Username string `json:"username"`
}

// call sends one Bot API method (body: JSON or multipart/form-data, of
// contentType) and returns its result, its failure classified as
// Telegram writes it. The token is part of the URL: no error carries the
// URL.
func (p *Publisher) call(ctx context.Context, token, method, contentType string, body io.Reader) (json.RawMessage, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.o.APIURL+"/bot"+token+"/"+method, body)
	if err != nil {
		return nil, publish.Rejectedf("HERALD_TELEGRAM_API_URL is not usable")
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	resp, err := publish.Do(p.o.Client, req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, rerr := io.ReadAll(io.LimitReader(resp.Body, publish.MaxResponse))
	return classify(resp, raw, rerr, p.o.Clock.Now())
}

// callJSON sends a method whose parameters are JSON.
func (p *Publisher) callJSON(ctx context.Context, token, method string, params any) (json.RawMessage, error) {
	b, err := json.Marshal(params)
	if err != nil {
		return nil, publish.Rejectedf("the %s request cannot be encoded: %v", method, err)
	}
	return p.call(ctx, token, method, "application/json", bytes.NewReader(b))
}

// classify reads a Bot API answer: ok → its result; 429 → Transient after
// parameters.retry_after seconds; 5xx → Transient; 401 and 404 (a bot
// token Telegram does not know) and other refusals (400, 403) → Rejected
// with Telegram's description. A success that cannot be read is
// Ambiguous.
func classify(resp *http.Response, raw []byte, readErr error, now time.Time) (json.RawMessage, error) {
	ok2xx := resp.StatusCode >= 200 && resp.StatusCode < 300
	var a answer
	jerr := json.Unmarshal(bytes.TrimSpace(raw), &a)
	switch {
	case ok2xx && (readErr != nil || jerr != nil || !a.OK):
		return nil, publish.AmbiguousError(errors.New("Telegram answered success with a body Herald cannot read"))
	case a.OK && ok2xx:
		return a.Result, nil
	}
	code := a.ErrorCode
	if code == 0 {
		code = resp.StatusCode
	}
	words := strings.TrimSpace(a.Description)
	if words == "" {
		words = fmt.Sprintf("%d %s", code, http.StatusText(code))
	}
	switch {
	case code == http.StatusTooManyRequests:
		wait := httpx.RetryAfter(resp.Header, now)
		if a.Parameters != nil && a.Parameters.RetryAfter > 0 {
			wait = time.Duration(a.Parameters.RetryAfter) * time.Second
		}
		return nil, &publish.Error{Outcome: publish.Transient, Message: "Telegram: " + words, RetryAfter: wait}
	case code >= 500 || resp.StatusCode >= 500:
		return nil, &publish.Error{Outcome: publish.Transient, Message: "Telegram: " + words}
	case code == http.StatusUnauthorized || code == http.StatusNotFound:
		return nil, publish.Rejectedf("Telegram refused the bot token: %s", words)
	}
	if a.Parameters != nil && a.Parameters.MigrateToChatID != 0 {
		words += fmt.Sprintf(" (the group is now the supergroup %d: set the target up again with that chat id)", a.Parameters.MigrateToChatID)
	}
	return nil, publish.Rejectedf("Telegram refused the post: %s", words)
}
