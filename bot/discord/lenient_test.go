package discord

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
)

// labelForm is a modal submission as Discord's current documentation
// shows it (docs/components/reference: Label, "Label Interaction Response
// Structure"; Text Input interaction response): each field a Label (type
// 18) wrapping its Text Input (type 4), every component with an id. It
// also carries a Text Display (type 10) and a String Select in a Label,
// which Herald's forms do not have and does not need to read. The ids,
// token and names are ours.
const labelForm = `{"id":"%ID%","application_id":"100","type":5,"token":"tok-%ID%","version":1,"channel_id":"C1","guild_id":"G1",
"member":{"user":{"id":"1001","username":"alice"},"roles":[]},
"data":{"custom_id":"herald.form:draft","components":[
 {"type":10,"id":1},
 {"type":18,"id":2,"component":{"type":4,"id":3,"custom_id":"text","value":"Opening day! 🎉"}},
 {"type":18,"id":4,"component":{"type":3,"id":5,"custom_id":"mood","values":["ant"]}},
 {"type":18,"id":6,"component":{"type":4,"id":7,"custom_id":"--to","value":"discord:#news"}}
]}}`

func labelPayload(id string) string { return strings.ReplaceAll(labelForm, "%ID%", id) }

// TestModalSubmitWithLabel: a form answered in Discord's current layout is
// accepted (202) and runs the same command line as one in the legacy
// layout (Action Rows), where it was refused with 400 before.
func TestModalSubmitWithLabel(t *testing.T) {
	var d countingDispatcher
	h := newHarness(t, func(*harness) bot.Dispatcher { return &d })
	resp := h.post(labelPayload("910001"))
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("Label form → %s %q, want 202", resp.Status, msg)
	}
	said(t, h, "910001", "ok", true)
	legacy := h.submit(alice, "herald.form:draft", map[string]string{"text": "Opening day! 🎉", "--to": "discord:#news"})
	said(t, h, legacy, "ok", true)
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.calls) != 2 {
		t.Fatalf("%d calls dispatched, want 2", len(d.calls))
	}
	want := `draft "Opening day! 🎉" --to "discord:#news"`
	for i, c := range d.calls {
		if c.Text != want || c.Actor.UserID != "1001" || c.Channel.Channel != "C1" {
			t.Errorf("call %d = %q by %q in %q, want %q by 1001 in C1", i, c.Text, c.Actor.UserID, c.Channel.Channel, want)
		}
	}
}

// TestLenientInteractions: component types discordgo does not know, wherever
// they are, do not stop Herald from reading what it needs; a form without
// any text input is still refused, with a message for the user.
func TestLenientInteractions(t *testing.T) {
	a, err := New(Options{BotToken: "x", Commands: heraldDefs()})
	if err != nil {
		t.Fatal(err)
	}
	const head = `{"id":"1","application_id":"2","token":"t","channel_id":"C1","user":{"id":"1001","username":"a"},`
	tests := []struct {
		name    string
		body    string
		line    string // the command line run
		label   string // the clicked button's label, for a click
		refused string // else part of the refusal
	}{
		{name: "OKLabel", body: labelPayload("1"), line: `draft "Opening day! 🎉" --to "discord:#news"`},
		{name: "OKLegacyRows", body: head + `"type":5,"data":{"custom_id":"herald.form:draft","components":[{"type":1,"components":[{"type":4,"custom_id":"text","value":"x"}]}]}}`,
			line: `draft "x"`},
		{name: "OKFileUploadAndUnknownTypes", body: head + `"type":5,"data":{"custom_id":"herald.form:draft","components":[` +
			`{"type":18,"id":1,"component":{"type":19,"id":2,"custom_id":"file","values":["111"]}},` +
			`{"type":99,"id":3,"components":[{"type":18,"id":4,"component":{"type":4,"id":5,"custom_id":"text","value":"nested"}}]},` +
			`{"type":10,"id":6,"content":"# Heading"}],"resolved":{"attachments":{"111":{"id":"111","filename":"a.png"}}}}}`,
			line: `draft "nested"`},
		{name: "OKEmptyOptionalField", body: head + `"type":5,"data":{"custom_id":"herald.form:draft","components":[` +
			`{"type":18,"component":{"type":4,"custom_id":"text","value":"hi"}},{"type":18,"component":{"type":4,"custom_id":"--to"}}]}}`,
			line: `draft "hi"`},
		{name: "OKClickOnComponentsV2Message", body: head + `"type":3,"data":{"custom_id":"herald.run:approve 1 --rev 1","component_type":2},` +
			`"message":{"id":"M1","channel_id":"C1","flags":32768,"components":[{"type":17,"id":1,"components":[{"type":10,"id":2,"content":"Draft #1"},` +
			`{"type":9,"id":3,"components":[{"type":10,"content":"x"}],"accessory":{"type":11,"media":{"url":"https://x.example/a.png"}}},` +
			`{"type":1,"id":4,"components":[{"type":2,"id":5,"style":3,"label":"Approve","custom_id":"herald.run:approve 1 --rev 1"}]}]}]}}`,
			line: "approve 1 --rev 1", label: "Approve"},
		{name: "ErrOnlyUnknownTypes", body: head + `"type":5,"data":{"custom_id":"herald.form:draft","components":[{"type":18},{"type":10,"content":"hi"}]}}`,
			refused: "has no answers"},
		{name: "ErrTwiceTheSameField", body: head + `"type":5,"data":{"custom_id":"herald.form:draft","components":[` +
			`{"type":18,"component":{"type":4,"custom_id":"text","value":"a"}},{"type":1,"components":[{"type":4,"custom_id":"text","value":"b"}]}]}}`,
			refused: "twice"},
		{name: "ErrNotHerald", body: head + `"type":5,"data":{"custom_id":"other","components":[{"type":18,"component":{"type":4,"custom_id":"text","value":"a"}}]}}`,
			refused: "not one of Herald's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, err := parseInteraction([]byte(tt.body))
			if err != nil {
				t.Fatalf("parseInteraction: %v", err)
			}
			in, err := a.translate(it)
			switch {
			case tt.refused != "":
				if herald.ErrorCode(err) != herald.EINVALID || !strings.Contains(herald.ErrorMessage(err), tt.refused) {
					t.Errorf("translate = %+v, %v; want EINVALID %q", in, err, tt.refused)
				}
				return
			case err != nil:
				t.Fatalf("translate: %v", err)
			}
			if in.line != tt.line {
				t.Errorf("line = %q, want %q", in.line, tt.line)
			}
			if tt.label != "" {
				if got := clickedLabel(it.Message, "herald.run:approve 1 --rev 1"); got != tt.label {
					t.Errorf("clicked label = %q, want %q", got, tt.label)
				}
			}
		})
	}
}

// TestGatewayModalSubmitWithLabel: over the gateway too, a form in the Label
// layout runs its command (discordgo's own reading of the event has no
// data: it does not know type 18).
func TestGatewayModalSubmitWithLabel(t *testing.T) {
	f, g, a := gatewayHarness(t, 0)
	var d countingDispatcher
	stop := runGateway(t, a, &d, g)
	defer stop()
	g.events <- strings.ReplaceAll(labelPayload("56"), "\n", "")
	f.wait(t, "the callback", func(c apiCall) bool { return c.Path == "/interactions/56/tok-56/callback" })
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.calls) != 1 || d.calls[0].Text != `draft "Opening day! 🎉" --to "discord:#news"` {
		t.Errorf("dispatched %+v, want the draft command", d.calls)
	}
}

// runGateway runs a until the returned function is called, and waits for
// it to identify.
func runGateway(t *testing.T, a *Adapter, d bot.Dispatcher, g *fakeGateway) func() {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, d) }()
	select {
	case <-g.identify:
	case <-time.After(10 * time.Second):
		t.Fatal("the adapter never identified")
	}
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
}
