package discord

import (
	"fmt"
	"strings"
	"testing"
)

// Option types in test payloads.
const (
	tString      = 3
	tInteger     = 4
	tMentionable = 9
)

// card is what a card message shows, read back from a REST call.
type card struct {
	title, state, review, text string
	buttons                    map[string]string // label → custom id
}

// cardOf reads the card in a message body (nil when there is none).
func cardOf(c apiCall) *card {
	body := c.Body
	if d, ok := body["data"].(map[string]any); ok {
		body = d
	}
	embeds, _ := body["embeds"].([]any)
	if len(embeds) == 0 {
		return nil
	}
	e, _ := embeds[0].(map[string]any)
	out := &card{buttons: map[string]string{}}
	out.title, _ = e["title"].(string)
	out.text, _ = e["description"].(string)
	fields, _ := e["fields"].([]any)
	for _, f := range fields {
		f, _ := f.(map[string]any)
		switch f["name"] {
		case "State":
			out.state, _ = f["value"].(string)
		case "Review":
			out.review, _ = f["value"].(string)
		}
	}
	rows, _ := body["components"].([]any)
	for _, r := range rows {
		r, _ := r.(map[string]any)
		bs, _ := r["components"].([]any)
		for _, b := range bs {
			b, _ := b.(map[string]any)
			label, _ := b["label"].(string)
			out.buttons[label], _ = b["custom_id"].(string)
		}
	}
	return out
}

// flow checks the draft card of one draft in channel C1.
type flow struct {
	h     *harness
	draft int
	msgID string // the card's message
	mark  int    // calls seen so far
}

func isCard(c apiCall, draft int) bool {
	cd := cardOf(c)
	return c.Status < 300 && strings.HasPrefix(c.Path, "/channels/C1/messages") && cd != nil &&
		strings.Contains(cd.title, fmt.Sprintf("Draft #%d ", draft))
}

// posted waits for the card's first post and remembers its message.
func (f *flow) posted(t *testing.T, state string) *card {
	t.Helper()
	c := f.h.fake.wait(t, "the card post", func(c apiCall) bool { return c.Method == "POST" && isCard(c, f.draft) })
	f.msgID = c.ID
	f.mark = f.h.fake.count()
	cd := cardOf(c)
	if cd.state != state {
		t.Errorf("posted card state = %q, want %q", cd.state, state)
	}
	return cd
}

// edited waits for the card's next in-place edit and checks its state; no
// new copy of the card may be posted meanwhile.
func (f *flow) edited(t *testing.T, state string) *card {
	t.Helper()
	path := "/channels/C1/messages/" + f.msgID
	got := f.h.fake.waitFrom(t, f.mark, "an edit of the card to "+state, func(c apiCall) bool {
		return c.Method == "PATCH" && c.Path == path && isCard(c, f.draft) && cardOf(c).state == state
	})
	calls, n := f.h.fake.since(f.mark)
	for _, c := range calls {
		if c.Method == "POST" && isCard(c, f.draft) {
			t.Errorf("a second copy of the card was posted: %s", c.Raw)
		}
	}
	f.mark = n
	return cardOf(got)
}

// said waits for the callback of interaction id and checks it is a
// message (type 4) containing want, public or not.
func said(t *testing.T, h *harness, id, want string, ephemeral bool) {
	t.Helper()
	c := h.callbackOf(id)
	if typ, _ := c.Body["type"].(float64); typ != callbackMessage {
		t.Fatalf("callback of %s: type %v, want %d: %s", id, c.Body["type"], callbackMessage, c.Raw)
	}
	if got := content(c); !strings.Contains(got, want) {
		t.Errorf("callback of %s says %q, want it to contain %q", id, got, want)
	}
	d, _ := c.Body["data"].(map[string]any)
	flags, _ := d["flags"].(float64)
	if (int(flags)&flagEphemeral != 0) != ephemeral {
		t.Errorf("callback of %s: flags %v, ephemeral want %v", id, flags, ephemeral)
	}
	am, _ := d["allowed_mentions"].(map[string]any)
	if parse, ok := am["parse"].([]any); !ok || len(parse) != 0 {
		t.Errorf("callback of %s: allowed_mentions = %v, want {parse: []}", id, d["allowed_mentions"])
	}
}

// setUp creates brand Acme with policy team:1 client:1, bob approver and
// the Clients Discord role (which claire has) client.
func setUp(t *testing.T, h *harness) {
	t.Helper()
	said(t, h, h.slash(alice, "brand add", opt{"name", tString, "Acme"}), "Brand Acme created", false)
	said(t, h, h.slash(alice, "policy", opt{"policy", tString, "team:1 client:1"}), "team:1 client:1", false)
	said(t, h, h.slash(alice, "role", opt{"user", tMentionable, bob.id}, opt{"role", tString, "approver"}), "bob is now approver on Acme", false)
	said(t, h, h.slash(alice, "role", opt{"user", tMentionable, "2001"}, opt{"role", tString, "client"}), "@Clients is now client on Acme", false)
}

// TestApprovalFlowSlashCommands runs draft → submit → approve (team) →
// approve (client) with /herald commands: one card, posted once and edited
// in place after each step; the client approves through a Discord role.
func TestApprovalFlowSlashCommands(t *testing.T) {
	h := newHarness(t, nil)
	setUp(t, h)
	f := &flow{h: h, draft: 1}
	said(t, h, h.slash(alice, "draft", opt{"text", tString, "Hello Discord @everyone"}), "Draft #1 created", false)
	cd := f.posted(t, "draft")
	if !strings.Contains(cd.text, "Hello Discord @everyone") {
		t.Errorf("card text = %q", cd.text)
	}
	said(t, h, h.slash(alice, "submit", opt{"id", tInteger, 1}), "alice submitted draft #1", false)
	f.edited(t, "in review")
	said(t, h, h.slash(bob, "approve", opt{"id", tInteger, 1}), "bob approved draft #1", false)
	cd = f.edited(t, "in review")
	if !strings.Contains(cd.review, "client") {
		t.Errorf("after the team approval the review shows %q, want the client stage", cd.review)
	}
	said(t, h, h.slash(claire, "approve", opt{"id", tInteger, 1}, opt{"comment", tString, "lovely"}), "claire approved draft #1", false)
	f.edited(t, "approved")
}

// modalOf waits for the callback of interaction id, which must open a
// modal, and returns its custom id and its inputs (custom id → value).
func modalOf(t *testing.T, h *harness, id string) (string, map[string]string) {
	t.Helper()
	c := h.callbackOf(id)
	if typ, _ := c.Body["type"].(float64); typ != callbackModal {
		t.Fatalf("callback of %s: type %v, want a modal (9): %s", id, c.Body["type"], c.Raw)
	}
	d, _ := c.Body["data"].(map[string]any)
	inputs := map[string]string{}
	rows, _ := d["components"].([]any)
	for _, r := range rows {
		r, _ := r.(map[string]any)
		cs, _ := r["components"].([]any)
		for _, in := range cs {
			in, _ := in.(map[string]any)
			v, _ := in["value"].(string)
			inputs[in["custom_id"].(string)] = v
		}
	}
	cid, _ := d["custom_id"].(string)
	return cid, inputs
}

// TestApprovalFlowButtonsAndModals runs the same flow with clicks: the
// draft form as a modal, then the card's buttons (Submit, Request changes
// with its modal, Edit with the current text in a modal, Approve twice),
// the card edited in place after each step.
func TestApprovalFlowButtonsAndModals(t *testing.T) {
	h := newHarness(t, nil)
	setUp(t, h)
	f := &flow{h: h, draft: 1}

	form, inputs := modalOf(t, h, h.slash(alice, "draft"))
	if form != CustomForm+"draft" || len(inputs) != 3 {
		t.Fatalf("draft form = %q %v", form, inputs)
	}
	for _, name := range []string{"text", "--to", "--at"} {
		if _, ok := inputs[name]; !ok {
			t.Errorf("the draft form has no input %q: %v", name, inputs)
		}
	}
	said(t, h, h.submit(alice, form, map[string]string{"text": "Opening day!", "--to": "discord:#news"}), "Draft #1 created", false)
	cd := f.posted(t, "draft")

	said(t, h, h.click(alice, f.msgID, cd.buttons["Submit for review"]), "alice submitted draft #1", false)
	cd = f.edited(t, "in review")

	ask := cd.buttons["Request changes"]
	if !strings.HasPrefix(ask, CustomAsk+"comment:changes 1") {
		t.Fatalf("Request changes button = %q", ask)
	}
	form, inputs = modalOf(t, h, h.click(bob, f.msgID, ask))
	if _, ok := inputs["comment"]; !ok || form != CustomForm+"changes 1 --rev 1" {
		t.Fatalf("request changes form = %q %v", form, inputs)
	}
	said(t, h, h.submit(bob, form, map[string]string{"comment": "Say \"grand opening\""}), "bob requested changes to draft #1", false)
	cd = f.edited(t, "changes requested")

	form, inputs = modalOf(t, h, h.click(alice, f.msgID, cd.buttons["Edit"]))
	if inputs["text"] != "Opening day!" {
		t.Errorf("the edit form holds %q, want the current text", inputs["text"])
	}
	said(t, h, h.submit(alice, form, map[string]string{"text": "Grand opening day!"}), "alice edited draft #1 (revision 2)", false)
	cd = f.edited(t, "changes requested")
	if !strings.Contains(cd.text, "Grand opening day!") {
		t.Errorf("card text after the edit = %q", cd.text)
	}

	said(t, h, h.click(alice, f.msgID, cd.buttons["Submit for review"]), "alice submitted draft #1", false)
	cd = f.edited(t, "in review")
	said(t, h, h.click(bob, f.msgID, cd.buttons["Approve"]), "bob approved draft #1 (revision 2)", false)
	cd = f.edited(t, "in review")
	said(t, h, h.click(claire, f.msgID, cd.buttons["Approve"]), "claire approved draft #1 (revision 2)", false)
	cd = f.edited(t, "approved")
	if _, ok := cd.buttons["Approve"]; ok {
		t.Errorf("an approved draft still has an Approve button: %v", cd.buttons)
	}
}

// TestRoleChecksOnClicks: a click runs as the clicker, with the same role
// checks as a typed command; the refusal is private and the card stays.
func TestRoleChecksOnClicks(t *testing.T) {
	h := newHarness(t, nil)
	setUp(t, h)
	f := &flow{h: h, draft: 1}
	said(t, h, h.slash(alice, "draft", opt{"text", tString, "Hi"}), "Draft #1 created", false)
	cd := f.posted(t, "draft")
	said(t, h, h.click(alice, f.msgID, cd.buttons["Submit for review"]), "submitted", false)
	cd = f.edited(t, "in review")
	// claire is a client: the team stage comes first.
	said(t, h, h.click(claire, f.msgID, cd.buttons["Approve"]), "waits for team review", true)
	// alice wrote it.
	said(t, h, h.click(alice, f.msgID, cd.buttons["Approve"]), "someone else must review it", true)
	outsider := person{"1009", "mallory", nil}
	said(t, h, h.click(outsider, f.msgID, cd.buttons["Approve"]), "do not belong to any brand", true)
	calls, _ := h.fake.since(f.mark)
	for _, c := range calls {
		if c.Method == "PATCH" && strings.HasPrefix(c.Path, "/channels/") {
			t.Errorf("a refused click changed the card: %s %s", c.Method, c.Path)
		}
	}
}

// TestMoreRunsExtraCommands: a command registered only through `/herald
// more` runs from its text, with the same parser and checks.
func TestMoreRunsExtraCommands(t *testing.T) {
	h := newHarness(t, nil)
	setUp(t, h)
	said(t, h, h.slash(alice, "more", opt{"command", tString, "remind 2h"}), "Acme", false)
	said(t, h, h.slash(alice, "more", opt{"command", tString, "remind soon"}), "soon", true)
}
