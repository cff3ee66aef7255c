package slack

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	slackapi "github.com/slack-go/slack"
)

// submitView sends a view_submission for the modal Slack received, with
// values by block id, and returns Slack's answer body.
func (h *harness) submitView(name string, opened apiCall, values map[string]string) string {
	h.t.Helper()
	var req struct {
		View slackapi.ModalViewRequest `json:"view"`
	}
	if err := json.Unmarshal([]byte(opened.Body), &req); err != nil {
		h.t.Fatalf("views.open body: %v", err)
	}
	state := map[string]map[string]map[string]string{}
	for k, v := range values {
		state[k] = map[string]map[string]string{"value": {"type": "plain_text_input", "value": v}}
	}
	cb := map[string]any{
		"type": "view_submission",
		"user": map[string]string{"id": people[name], "name": name}, "team": map[string]string{"id": "T1"},
		"view": map[string]any{"callback_id": req.View.CallbackID, "private_metadata": req.View.PrivateMetadata, "state": map[string]any{"values": state}},
	}
	js, _ := json.Marshal(cb)
	return h.signedBody("/slack/interactivity", "application/x-www-form-urlencoded", url.Values{"payload": {string(js)}}.Encode())
}

func TestForms(t *testing.T) {
	h := newHarness(t, false, nil)
	h.slash("alice", "brand add Acme", false)
	h.fake.wait(t, "the brand", func(c apiCall) bool { return strings.Contains(c.Text, "Brand Acme created") })

	h.slash("alice", "draft", false) // no text: a form
	opened := h.fake.wait(t, "the draft form", func(c apiCall) bool { return c.Method == "views.open" && strings.Contains(c.Body, "trig") })

	t.Run("ErrShownOnTheForm", func(t *testing.T) {
		got := h.submitView("alice", opened, map[string]string{"text": "Hello", "at": "yesterday"})
		if !strings.Contains(got, `"response_action":"errors"`) || !strings.Contains(got, "yesterday") {
			t.Errorf("answer %q; want the error on the form", got)
		}
	})
	t.Run("OKSubmitted", func(t *testing.T) {
		if got := h.submitView("alice", opened, map[string]string{"text": "Hello \"world\"\nline two", "to": "slack:#news"}); got != "" {
			t.Errorf("answer %q; want an empty 200 that closes the form", got)
		}
		card := h.fake.wait(t, "the card", isCardPost)
		if !strings.Contains(card.Text, "Hello \"world\"\nline two") {
			t.Errorf("the draft's text did not survive the form: %q", card.Text)
		}
	})
	t.Run("OKAskButton", func(t *testing.T) {
		h.click("alice", ActionAsk+"text", "edit 1", false)
		ask := h.fake.wait(t, "the edit form", func(c apiCall) bool { return c.Method == "views.open" && strings.Contains(c.Body, `edit 1`) })
		if got := h.submitView("alice", ask, map[string]string{"text": "Hello again"}); got != "" {
			t.Errorf("answer %q", got)
		}
		h.fake.wait(t, "the card updated", func(c apiCall) bool { return c.Method == "chat.update" && strings.Contains(c.Text, "Hello again") })
	})
}

// FuzzInteraction posts arbitrary, correctly signed interaction payloads:
// never a panic, never a 5xx, and a payload that is not JSON is a 400.
func FuzzInteraction(f *testing.F) {
	for _, s := range []string{
		`{"type":"block_actions","actions":[{"action_id":"herald.run.approve","block_id":"b","value":"approve 1"}]}`,
		`{"type":"view_submission","view":{"callback_id":"herald.form","private_metadata":"{\"c\":\"draft\"}"}}`,
		`{"type":"view_submission","view":{"callback_id":"other"}}`,
		`{"type":"shortcut"}`, `{}`, `[]`, `null`, `{"actions":"x"}`, "\x00",
	} {
		f.Add(s)
	}
	h := newHarness(f, false, nil)
	f.Fuzz(func(t *testing.T, payload string) {
		h.t = t
		body := url.Values{"payload": {payload}}.Encode()
		req := h.request("/slack/interactivity", "application/x-www-form-urlencoded", body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Errorf("payload %q: %s", payload, resp.Status)
		}
		if !json.Valid([]byte(payload)) && resp.StatusCode != http.StatusBadRequest {
			t.Errorf("invalid JSON %q got %s; want 400", payload, resp.Status)
		}
	})
}
