package discord

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
)

// TestAnnounce: news about a card shown nowhere on Discord posts it in the
// announcement's Discord channel with the note as a reply; news about a
// card already shown edits every copy and replies under the first; a
// channel on another platform gets nothing.
func TestAnnounce(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	here := herald.ChannelRef{Platform: Platform, Workspace: "G1", Channel: "C7"}
	c := commands.Card{Key: "draft:42", Title: "Draft #42 · Acme", Text: "Out now", Fields: []commands.Field{{Label: "State", Value: "scheduled"}}}

	if err := h.a.Announce(ctx, bot.Announcement{Card: c, Channel: herald.ChannelRef{Platform: "slack", Channel: "C1"}}); err != nil {
		t.Fatal(err)
	}
	if n := h.fake.count(); n != 0 {
		t.Fatalf("a card for Slack made %d Discord calls", n)
	}

	note := commands.Response{Text: "Scheduled for Monday 9:00 by @everyone"}
	if err := h.a.Announce(ctx, bot.Announcement{Card: c, Note: note, Channel: here}); err != nil {
		t.Fatal(err)
	}
	posted := h.fake.wait(t, "the card", func(c apiCall) bool {
		return c.Method == "POST" && c.Path == "/channels/C7/messages" && cardOf(c) != nil
	})
	reply := h.fake.wait(t, "the note", func(c apiCall) bool {
		return c.Method == "POST" && c.Path == "/channels/C7/messages" && strings.HasPrefix(content(apiCall{Body: map[string]any{"data": c.Body}}), "Scheduled")
	})
	if ref, _ := reply.Body["message_reference"].(map[string]any); ref["message_id"] != posted.ID {
		t.Errorf("the note replies to %v, want the card %s", reply.Body["message_reference"], posted.ID)
	}

	mark := h.fake.count()
	c.Fields[0].Value = "published"
	if err := h.a.Announce(ctx, bot.Announcement{Card: c, Note: commands.Response{Text: "Published."}, Channel: herald.ChannelRef{Platform: Platform, Channel: "C8"}}); err != nil {
		t.Fatal(err)
	}
	calls, _ := h.fake.since(mark)
	if len(calls) != 2 || calls[0].Method != "PATCH" || calls[0].Path != "/channels/C7/messages/"+posted.ID || calls[1].Path != "/channels/C7/messages" {
		t.Errorf("second announcement calls:\n%s", h.fake.dump())
	}
	refs, _ := h.store.CardRefs(ctx, "draft:42")
	if len(refs) != 1 || refs[0].Channel != here || refs[0].MessageID != posted.ID {
		t.Errorf("card refs = %+v", refs)
	}

	t.Run("OKInChannel", func(t *testing.T) {
		// A mention routed to a second channel gets a copy there; the
		// first copy is updated too; a second announcement in the same
		// channel only edits.
		other := herald.ChannelRef{Platform: Platform, Workspace: "G1", Channel: "C9"}
		mark := h.fake.count()
		if err := h.a.Announce(ctx, bot.Announcement{Card: c, Channel: other, InChannel: true}); err != nil {
			t.Fatal(err)
		}
		calls, _ := h.fake.since(mark)
		if len(calls) != 2 || calls[0].Method != "PATCH" || calls[1].Method != "POST" || calls[1].Path != "/channels/C9/messages" {
			t.Errorf("InChannel calls:\n%s", h.fake.dump())
		}
		mark = h.fake.count()
		if err := h.a.Announce(ctx, bot.Announcement{Card: c, Channel: other, InChannel: true}); err != nil {
			t.Fatal(err)
		}
		calls, _ = h.fake.since(mark)
		if len(calls) != 2 || calls[0].Method != "PATCH" || calls[1].Method != "PATCH" {
			t.Errorf("second InChannel calls (want two edits):\n%s", h.fake.dump())
		}
		if refs, _ := h.store.CardRefs(ctx, "draft:42"); len(refs) != 2 {
			t.Errorf("card refs = %+v, want two copies", refs)
		}
	})

	t.Run("OKMentions", func(t *testing.T) {
		mark := h.fake.count()
		note := commands.Response{Text: "Draft #42 waits for your review.", Mentions: []herald.Actor{
			{Platform: Platform, UserID: "111"}, {Platform: Platform, UserID: "role-222"},
			{Platform: "slack", UserID: "U1"}, {Platform: Platform, UserID: "not-an-id"},
		}}
		if err := h.a.Announce(ctx, bot.Announcement{Card: c, Note: note}); err != nil {
			t.Fatal(err)
		}
		calls, _ := h.fake.since(mark)
		var reply *apiCall
		for i := range calls {
			if calls[i].Method == "POST" {
				reply = &calls[i]
			}
		}
		if reply == nil {
			t.Fatalf("no note posted:\n%s", h.fake.dump())
		}
		if got, _ := reply.Body["content"].(string); got != "<@111> <@&222> Draft #42 waits for your review." {
			t.Errorf("content = %q, want the Discord user and role mentioned first", got)
		}
		am, _ := reply.Body["allowed_mentions"].(map[string]any)
		if fmt.Sprint(am["parse"], am["users"], am["roles"]) != "[] [111] [222]" {
			t.Errorf("allowed_mentions = %v, want only user 111 and role 222", am)
		}
	})
}

// TestAutocomplete proposes the user's drafts, brands, channels as
// targets and command names, each within Discord's limits.
func TestAutocomplete(t *testing.T) {
	h := newHarness(t, nil)
	withGuilds(h.fake)
	setUp(t, h)
	said(t, h, h.slash(alice, "draft", opt{"text", tString, "First post about shoes"}), "Draft #1 created", false)
	said(t, h, h.slash(alice, "draft", opt{"text", tString, "Second post"}, opt{"to", tString, "discord:#news"}), "Draft #2 created", false)
	auto := func(p person, guild, path, option string, typ int, typed any) []any {
		t.Helper()
		it := slashPayload(p, path, opt{option, typ, typed})
		it["type"] = 4
		it["guild_id"] = guild
		opts := it["data"].(map[string]any)["options"].([]any)
		top := opts[0].(map[string]any)
		if top["type"] == 2 {
			top = top["options"].([]any)[0].(map[string]any)
		}
		top["options"].([]map[string]any)[0]["focused"] = true
		c := h.callbackOf(h.send(it))
		if typ, _ := c.Body["type"].(float64); typ != callbackChoices {
			t.Fatalf("autocomplete answered type %v: %s", c.Body["type"], c.Raw)
		}
		choices, _ := c.Body["data"].(map[string]any)["choices"].([]any)
		return choices
	}
	names := func(cs []any) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.(map[string]any)["name"].(string))
		}
		return strings.Join(out, " | ")
	}
	if got := names(auto(bob, "901", "approve", "id", tInteger, "")); !strings.HasPrefix(got, "#2 · Acme · draft · Second post | #1 · Acme") {
		t.Errorf("draft ids for bob: %s", got)
	}
	if got := names(auto(person{"1009", "mallory", nil}, "901", "show", "id", tInteger, "")); got != "" {
		t.Errorf("an outsider is offered drafts: %s", got)
	}
	if got := names(auto(claire, "901", "drafts", "brand", tString, "ac")); got != "Acme · client" {
		t.Errorf("brands for claire (through her Discord role): %q", got)
	}
	if got := names(auto(alice, "901", "draft", "to", tString, "slack:#a, discord:#g")); got != "slack:#a, discord:#general" {
		t.Errorf("targets: %q", got)
	}
	if got := names(auto(alice, "901", "help", "command", tString, "bra")); got != "brand add | brand list | brand use | brand zone" {
		t.Errorf("commands: %q", got)
	}
}

// TestDuplicateInteraction: an interaction delivered twice is answered
// once.
func TestDuplicateInteraction(t *testing.T) {
	var d countingDispatcher
	h := newHarness(t, func(*harness) bot.Dispatcher { return &d })
	body := `{"id":"77","application_id":"100","type":2,"token":"tok77","version":1,"channel_id":"C1","guild_id":"G1",` +
		`"member":{"user":{"id":"1001","username":"alice"},"roles":[]},"data":{"id":"1","name":"herald","type":1,"options":[{"name":"help","type":1}]}}`
	for range 2 {
		resp := h.post(body)
		resp.Body.Close()
		if resp.StatusCode != 202 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	h.callbackOf("77")
	h.a.work.Wait() // both deliveries handled
	if d.count() != 1 {
		t.Errorf("dispatched %d times, want once", d.count())
	}
}

// TestAutocompleteUnreadable: an autocomplete Herald cannot read gets an
// empty list (the only answer autocomplete takes), not a message.
func TestAutocompleteUnreadable(t *testing.T) {
	h := newHarness(t, nil)
	it := slashPayload(alice, "nosuchcommand", opt{"x", tString, "a"})
	it["type"] = 4
	c := h.callbackOf(h.send(it))
	choices, ok := c.Body["data"].(map[string]any)["choices"].([]any)
	if typ, _ := c.Body["type"].(float64); typ != callbackChoices || !ok || len(choices) != 0 {
		t.Errorf("callback = %s, want an empty choice list", c.Raw)
	}
}

// TestTell: a card for one Discord person goes to them alone, as a direct
// message with its buttons; one for a person on another platform makes
// no call.
func TestTell(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	c := commands.Card{Title: "Post as which account? · linkedin:acme", Buttons: []commands.Button{{Label: "Acme SAS (page)", Command: "target choose linkedin:acme urn:li:organization:1"}}}
	where := herald.ChannelRef{Platform: Platform, Workspace: "G1", Channel: "C7"}
	if err := h.a.Announce(ctx, bot.Announcement{Card: c, Channel: where, To: &herald.Actor{Platform: "slack", UserID: "U1"}}); err != nil {
		t.Fatal(err)
	}
	if n := h.fake.count(); n != 0 {
		t.Fatalf("a card for a Slack person made %d Discord calls", n)
	}
	if err := h.a.Announce(ctx, bot.Announcement{Card: c, Channel: where, To: &herald.Actor{Platform: Platform, UserID: "1234567890123"}}); err != nil {
		t.Fatal(err)
	}
	h.fake.wait(t, "the DM channel", func(c apiCall) bool {
		return c.Method == "POST" && c.Path == "/users/@me/channels" && c.Body["recipient_id"] == "1234567890123"
	})
	msg := h.fake.wait(t, "the card in the DM", func(c apiCall) bool {
		return c.Method == "POST" && c.Path == "/channels/DM1234567890123/messages" && cardOf(c) != nil
	})
	if !strings.Contains(fmt.Sprint(msg.Body["components"]), "target choose linkedin:acme") {
		t.Errorf("the DM has no choice buttons: %v", msg.Body["components"])
	}
	for _, call := range func() []apiCall { cs, _ := h.fake.since(0); return cs }() {
		if call.Path == "/channels/C7/messages" {
			t.Errorf("the private card was posted in the channel: %+v", call)
		}
	}
}
