package discord

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
)

// fuzzSeeds are real interactions and broken ones.
var fuzzSeeds = []string{
	`{"id":"1","application_id":"2","type":1,"token":"t","version":1}`,
	`{"id":"1","application_id":"2","type":2,"token":"t","channel_id":"C1","guild_id":"G1","member":{"user":{"id":"1001","username":"a"},"roles":["5"]},"data":{"id":"3","name":"herald","type":1,"options":[{"name":"draft","type":1,"options":[{"name":"text","type":3,"value":"hi"},{"name":"to","type":3,"value":"discord:#news"}]}]}}`,
	`{"id":"1","application_id":"2","type":2,"token":"t","channel_id":"C1","user":{"id":"1001","username":"a"},"data":{"name":"herald","options":[{"name":"brand","type":2,"options":[{"name":"add","type":1,"options":[{"name":"name","type":3,"value":"Acme"}]}]}]}}`,
	`{"id":"1","application_id":"2","type":2,"token":"t","channel_id":"C1","user":{"id":"1001"},"data":{"name":"herald","options":[{"name":"role","type":1,"options":[{"name":"user","type":9,"value":"2001"},{"name":"role","type":3,"value":"client"}]}],"resolved":{"roles":{"2001":{"id":"2001","name":"Clients"}}}}}`,
	`{"id":"1","application_id":"2","type":2,"token":"t","channel_id":"C1","user":{"id":"1001"},"data":{"name":"herald","options":[{"name":"show","type":1,"options":[{"name":"id","type":4,"value":1.5}]}]}}`,
	`{"id":"1","application_id":"2","type":3,"token":"t","channel_id":"C1","user":{"id":"1001"},"data":{"custom_id":"herald.run:approve 1 --rev 1","component_type":2}}`,
	`{"id":"1","application_id":"2","type":3,"token":"t","channel_id":"C1","user":{"id":"1001"},"data":{"custom_id":"herald.ask.comment:changes 1","component_type":2}}`,
	`{"id":"1","application_id":"2","type":3,"token":"t","channel_id":"C1","user":{"id":"1001"},"data":{"custom_id":"other","component_type":2}}`,
	`{"id":"1","application_id":"2","type":4,"token":"t","channel_id":"C1","user":{"id":"1001"},"data":{"name":"herald","options":[{"name":"show","type":1,"options":[{"name":"id","type":4,"value":"1","focused":true}]}]}}`,
	`{"id":"1","application_id":"2","type":5,"token":"t","channel_id":"C1","user":{"id":"1001"},"data":{"custom_id":"herald.form:draft","components":[{"type":1,"components":[{"type":4,"custom_id":"text","value":"x"}]}]}}`,
	`{"id":"1","application_id":"2","type":5,"token":"t","channel_id":"C1","user":{"id":"1001"},"data":{"custom_id":"herald.form:draft","components":[{"type":18}]}}`,
	`{"id":"1","application_id":"2","type":5,"token":"t","channel_id":"C1","user":{"id":"1001"},"data":{"custom_id":"herald.form:draft","components":[{"type":10,"id":1},{"type":18,"id":2,"component":{"type":4,"id":3,"custom_id":"text","value":"x"}}]}}`,
	`{"id":"1","application_id":"2","type":3,"token":"t","channel_id":"C1","user":{"id":"1001"},"data":{"custom_id":"herald.run:approve 1 --rev 1","component_type":2},"message":{"id":"M1","components":[{"type":17,"components":[{"type":1,"components":[{"type":2,"label":"Approve","custom_id":"herald.run:approve 1 --rev 1"}]}]}]}}`,
	`{"id":"1","application_id":"2","type":2,"token":"t","channel_id":"C1","user":{"id":"1001"},"data":{"name":"herald","options":[{"name":"draft","type":1,"options":[{"name":"text","type":3,"value":"hi"},{"name":"media1","type":11,"value":"5"}]}],"resolved":{"attachments":{"5":{"id":"5","filename":"a.jpg","size":3,"url":"https://cdn.discordapp.com/attachments/1/5/a.jpg?ex=1&is=2&hm=3","proxy_url":"https://media.discordapp.net/attachments/1/5/a.jpg","content_type":"image/jpeg"}}}}}`,
	`{"id":"1","application_id":"2","type":2,"token":"t","channel_id":"C1","user":{"id":"1001"},"data":{"name":"herald","options":[{"name":"draft","type":1,"options":[{"name":"text","type":3,"value":"hi"},{"name":"media2","type":11,"value":"6"}]}],"resolved":{"attachments":{"6":{"id":"6","filename":"a.jpg","url":"https://evil.example/a.jpg"}}}}}`,
	`{"id":"1","application_id":"2","type":2,"token":"t","channel_id":"C1","user":{"id":"1001"},"data":{"name":"herald","options":[{"name":"draft","type":1,"options":[{"name":"media3","type":11,"value":7}]}]}}`,
	`{"type":2}`, `{"type":9,"id":"1"}`, `[]`, `null`, `{"id":"1","type":2,"token":"t","application_id":"2","data":null}`, ``, `{"type":"2"}`,
}

// FuzzInteraction feeds interaction payloads to the parser and the
// translation: nothing panics; what is refused is an EINVALID *herald.Error
// with a message for the user; what is accepted names a user, a channel
// and something to do.
func FuzzInteraction(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	a, err := New(Options{BotToken: "x", Commands: heraldDefs()})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		it, err := parseInteraction(body)
		if err != nil {
			checkRefusal(t, err)
			return
		}
		if it.Type == discordgo.InteractionPing {
			return
		}
		in, err := a.translate(it)
		if err != nil {
			checkRefusal(t, err)
			return
		}
		if in.actor.UserID == "" || in.channel.Channel == "" || in.ref.Token == "" {
			t.Fatalf("accepted without a user, channel or token: %+v", in)
		}
		switch in.kind {
		case kindCommand, kindClick, kindSubmit:
			if strings.TrimSpace(in.line) == "" {
				t.Fatalf("accepted %s with no command line", in.kind)
			}
			for _, f := range in.files {
				if f.Open == nil || f.Param == "" {
					t.Fatalf("attached file without Open or option: %+v", f)
				}
			}
		case kindAsk:
			if in.ask.Input == "" || in.ask.Command == "" {
				t.Fatalf("ask without input or command: %+v", in.ask)
			}
		case kindAutocomplete:
			if in.focus.def == nil {
				t.Fatal("autocomplete without a command")
			}
		}
	})
}

func checkRefusal(t *testing.T, err error) {
	t.Helper()
	if herald.ErrorCode(err) != herald.EINVALID || strings.TrimSpace(herald.ErrorMessage(err)) == "" {
		t.Fatalf("refusal %v (code %s) is not a clear EINVALID", err, herald.ErrorCode(err))
	}
}

// TestMalformedInteractions: a signed but malformed payload gets 400 with
// a clear reason, and nothing is dispatched or sent to Discord; a
// well-formed interaction Herald cannot read gets a private error answer
// and is not dispatched either.
func TestMalformedInteractions(t *testing.T) {
	var d countingDispatcher
	h := newHarness(t, func(*harness) bot.Dispatcher { return &d })
	for _, body := range []string{`[]`, `{"type":2}`, `{"type":9,"id":"1","token":"t","application_id":"2"}`, `not json`, `{"type":2,"id":"1","token":"t","application_id":"2","data":"x"}`} {
		calls := h.fake.count()
		resp := h.post(body)
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || len(strings.TrimSpace(string(msg))) < 10 {
			t.Errorf("%s → %d %q, want 400 with a reason", body, resp.StatusCode, msg)
		}
		if h.fake.count() != calls {
			t.Errorf("%s made REST calls", body)
		}
	}
	unreadable := map[string]any{"type": 3, "member": alice.member(), "data": map[string]any{"custom_id": "someone-elses-button", "component_type": 2}}
	id := h.send(unreadable)
	said(t, h, id, "not one of Herald's", true)
	id = h.send(slashPayload(alice, "show", opt{"id", tInteger, 1.5}))
	said(t, h, id, "could not be read", true)
	if d.count() != 0 {
		t.Errorf("%d malformed interactions were dispatched", d.count())
	}
}
