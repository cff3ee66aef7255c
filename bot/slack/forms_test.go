package slack

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	slackapi "github.com/slack-go/slack"

	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/storage/sqlite"
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
		// The thread reply follows the card's recorded place.
		h.fake.wait(t, "the thread reply", func(c apiCall) bool { return c.ThreadTS == card.TS })
	})
	t.Run("OKEditButtonShowsCurrentText", func(t *testing.T) {
		h.click("alice", ActionRun+"edit", "edit 1", false)
		form := h.fake.wait(t, "the edit form", func(c apiCall) bool { return c.Method == "views.open" && strings.Contains(c.Body, `edit 1`) })
		if !strings.Contains(form.Body, `line two`) {
			t.Errorf("the edit form does not hold the current text: %.400s", form.Body)
		}
		if got := h.submitView("alice", form, map[string]string{"text": "Hello again"}); got != "" {
			t.Errorf("answer %q", got)
		}
		h.fake.wait(t, "the card updated", func(c apiCall) bool { return c.Method == "chat.update" && strings.Contains(c.Text, "Hello again") })
	})
	t.Run("OKAskButton", func(t *testing.T) {
		h.slash("alice", "policy team:1", false)
		h.fake.wait(t, "the policy", func(c apiCall) bool { return strings.Contains(c.Text, "now team:1") })
		h.slash("alice", "submit 1", false)
		h.fake.wait(t, "the submission", func(c apiCall) bool { return strings.Contains(c.Text, "submitted draft #1") })
		h.click("alice", ActionAsk+"comment", "changes 1 --rev 2", false)
		ask := h.fake.wait(t, "the comment form", func(c apiCall) bool { return c.Method == "views.open" && strings.Contains(c.Body, `changes 1 --rev 2`) })
		// alice wrote the draft: a refusal that is not about the input
		// closes the form and reaches her alone.
		if got := h.submitView("alice", ask, map[string]string{"comment": "shorter"}); got != "" {
			t.Errorf("answer %q; want the form closed", got)
		}
		h.fake.wait(t, "the refusal, to alice only", func(c apiCall) bool {
			return c.Method == "chat.postEphemeral" && c.User == "UALICE" && strings.Contains(c.Text, "someone else must review")
		})
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

// FuzzCommand posts arbitrary, correctly signed slash command bodies: never
// a panic or a 5xx; a body without a user or channel is a 400.
func FuzzCommand(f *testing.F) {
	for _, s := range []string{
		"command=%2Fherald&text=help&user_id=U1&channel_id=C1&team_id=T1",
		"command=%2Fherald&text=draft+%22unterminated&user_id=U1&channel_id=C1",
		"text=%ZZ", "", "&&&", "user_id=U1", "command=%2Fherald&text=" + strings.Repeat("a", 5000) + "&user_id=U1&channel_id=C1",
	} {
		f.Add(s)
	}
	h := newHarness(f, false, func(*sqlite.Store) bot.Dispatcher { return quickDispatcher{} })
	f.Fuzz(func(t *testing.T, body string) {
		resp, err := http.DefaultClient.Do(h.request("/slack/commands", "application/x-www-form-urlencoded", body))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusBadRequest {
			t.Errorf("body %q: %s", body, resp.Status)
		}
		v, perr := url.ParseQuery(body)
		if (perr != nil || v.Get("user_id") == "" || v.Get("channel_id") == "") && resp.StatusCode != http.StatusBadRequest {
			t.Errorf("body %q without a user or channel got %s; want 400", body, resp.Status)
		}
	})
}

// TestEscapedFormAndButton: a form's values and a button's value are read
// as typed, like a slash command's text: Slack's links and &amp; do not
// reach the draft.
func TestEscapedFormAndButton(t *testing.T) {
	h := newHarness(t, false, nil)
	h.slash("alice", "brand add Acme", false)
	h.fake.wait(t, "the brand", func(c apiCall) bool { return strings.Contains(c.Text, "Brand Acme created") })
	h.slash("alice", "draft", false)
	opened := h.fake.wait(t, "the draft form", func(c apiCall) bool { return c.Method == "views.open" })
	if got := h.submitView("alice", opened, map[string]string{"text": "Read <https://acme.example/spring> &amp; <http://acme.example|acme.example>"}); got != "" {
		t.Fatalf("answer %q", got)
	}
	// Herald's card escapes & again for Slack: &amp;amp; would be the escape kept.
	h.fake.wait(t, "the form's draft", func(c apiCall) bool {
		return isCardPost(c) && strings.Contains(c.Text, "Read https://acme.example/spring &amp; acme.example")
	})
	h.click("alice", ActionRun+"draft", "draft Look <https://acme.example/b|acme.example/b> &lt;3", false)
	h.fake.wait(t, "the button's draft", func(c apiCall) bool {
		return c.Method == "chat.postMessage" && strings.Contains(c.Text, "Draft #2") && strings.Contains(c.Text, "Look acme.example/b &lt;3")
	})
}
