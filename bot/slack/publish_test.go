package slack

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bot"
	"github.com/heraldhq/herald/commands"
	"github.com/heraldhq/herald/publish"
)

// TestPublish posts a post to a slack:#channel target: escaped text (no
// @channel ping), the key in message metadata, a receipt naming the
// message.
func TestPublish(t *testing.T) {
	h := newHarness(t, false, nil)
	p := publish.Post{DraftID: 7, Rev: 2, Target: herald.Target{Kind: "slack", Name: "#news"},
		Text: "<!channel> Our store opens *Monday* & more", Key: publish.DeliveryKey(7, 2, herald.Target{Kind: "slack", Name: "#news"})}
	r, err := h.a.Publish(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	c := h.fake.wait(t, "the post", func(c apiCall) bool { return c.Method == "chat.postMessage" })
	if c.Channel != "#news" {
		t.Errorf("channel = %q, want #news", c.Channel)
	}
	if strings.Contains(c.Text, "<!channel>") || !strings.Contains(c.Text, "&lt;!channel&gt;") {
		t.Errorf("text = %q: a post must not ping the channel", c.Text)
	}
	if !strings.Contains(c.Metadata, `"event_type":"herald_post"`) || !strings.Contains(c.Metadata, p.Key) {
		t.Errorf("metadata = %q, want the herald_post event with key %s", c.Metadata, p.Key)
	}
	if r.ID != "#news/"+c.TS {
		t.Errorf("receipt id = %q, want #news/%s", r.ID, c.TS)
	}
}

func TestPostChannel(t *testing.T) {
	for name, tt := range map[string]struct{ in, want string }{
		"OKName":      {"#news", "#news"},
		"OKChannelID": {"#C0123ABCD", "C0123ABCD"},
		"OKGroupID":   {"#G0123ABCD", "G0123ABCD"},
		"OKLowerName": {"#c0123abcd", "#c0123abcd"},
	} {
		t.Run(name, func(t *testing.T) {
			if got := postChannel(herald.Target{Kind: "slack", Name: tt.in}); got != tt.want {
				t.Errorf("postChannel(%s) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		wrote bool
		want  publish.Outcome
		retry time.Duration
	}{
		{"ErrRefused", slackapi.SlackErrorResponse{Err: "channel_not_found"}, true, publish.Rejected, 0},
		{"ErrRateLimited", &slackapi.RateLimitedError{RetryAfter: 3 * time.Second}, true, publish.Transient, 3 * time.Second},
		{"ErrServer", slackapi.StatusCodeError{Code: 503, Status: "503 Service Unavailable"}, true, publish.Transient, 0},
		{"ErrClient", slackapi.StatusCodeError{Code: 403, Status: "403 Forbidden"}, true, publish.Rejected, 0},
		{"ErrNotSent", errors.New("dial tcp: connection refused"), false, publish.Transient, 0},
		{"ErrNoAnswer", context.DeadlineExceeded, true, publish.Ambiguous, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := publish.Classify(classify(tt.err, func() bool { return tt.wrote }))
			if e.Outcome != tt.want || e.RetryAfter != tt.retry {
				t.Errorf("classify(%v) = %s after %s, want %s after %s", tt.err, e.Outcome, e.RetryAfter, tt.want, tt.retry)
			}
		})
	}
	if got := publish.Classify(classify(slackapi.SlackErrorResponse{Err: "not_in_channel"}, nil)).Message; !strings.Contains(got, "not_in_channel") {
		t.Errorf("a refusal's message %q does not say Slack's reason", got)
	}
}

// TestAnnounce updates the card where it is shown and posts the note in
// its thread, mentioning the Slack people it is for.
func TestAnnounce(t *testing.T) {
	h := newHarness(t, false, nil)
	ctx := context.Background()
	ch := channelOf("C1")
	card := commands.Card{Key: "draft:9", Title: "Draft #9", Text: "hello"}
	ts, err := h.a.showCard(ctx, ch, card)
	if err != nil {
		t.Fatal(err)
	}
	card.Text = "hello, published"
	note := commands.Response{Text: "Draft #9 is published.", Mentions: []herald.Actor{
		{Platform: Platform, UserID: "U42"}, {Platform: "discord", UserID: "123"}, {Platform: Platform, UserID: "<!here>"},
	}}
	if err := h.a.Announce(ctx, bot.Announcement{Card: card, Note: note}); err != nil {
		t.Fatal(err)
	}
	h.fake.wait(t, "the card update", func(c apiCall) bool { return c.Method == "chat.update" && c.TS == ts })
	n := h.fake.wait(t, "the note", func(c apiCall) bool { return c.Method == "chat.postMessage" && c.ThreadTS == ts })
	body := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">").Replace(n.Body) // JSON's escapes
	if !strings.Contains(body, "<@U42>") || strings.Contains(body, "<!here>") || strings.Contains(body, "123") {
		t.Errorf("note blocks = %s, want a mention of U42 only", n.Body)
	}
	if got := h.fake.count(func(c apiCall) bool { return c.Method == "chat.postMessage" }); got != 2 {
		t.Errorf("%d posts, want the card and the note:\n%s", got, h.fake.dump())
	}

	t.Run("OKInChannel", func(t *testing.T) {
		posts := func() int { return h.fake.count(func(c apiCall) bool { return c.Method == "chat.postMessage" }) }
		before := posts()
		for range 2 { // the second time, only edits
			if err := h.a.Announce(ctx, bot.Announcement{Card: card, Channel: channelOf("C2"), InChannel: true}); err != nil {
				t.Fatal(err)
			}
		}
		if got := posts() - before; got != 1 {
			t.Errorf("%d posts, want one copy in C2:\n%s", got, h.fake.dump())
		}
		if refs, _ := h.a.cards.CardRefs(ctx, "draft:9"); len(refs) != 2 {
			t.Errorf("card refs = %+v, want copies in C1 and C2", refs)
		}
	})

	t.Run("OKNotShownOnSlack", func(t *testing.T) {
		before := h.fake.count(func(apiCall) bool { return true })
		if err := h.a.Announce(ctx, bot.Announcement{Card: commands.Card{Key: "draft:10", Title: "Draft #10"}, Note: note}); err != nil {
			t.Fatal(err)
		}
		if after := h.fake.count(func(apiCall) bool { return true }); after != before {
			t.Errorf("a card shown nowhere on Slack was posted:\n%s", h.fake.dump())
		}
	})
}

// TestTell: a card for one Slack person is posted for them alone
// (chat.postEphemeral) in the channel where they asked, with its
// buttons; a person of another platform gets nothing here.
func TestTell(t *testing.T) {
	h := newHarness(t, false, nil)
	ctx := context.Background()
	card := commands.Card{Title: "Post as which account? · linkedin:acme",
		Buttons: []commands.Button{{Label: "Acme SAS (page)", Command: "target choose linkedin:acme urn:li:organization:1"}}}
	if err := h.a.Announce(ctx, bot.Announcement{Card: card, Channel: channelOf("C1"), To: &herald.Actor{Platform: "discord", UserID: "123"}}); err != nil {
		t.Fatal(err)
	}
	if err := h.a.Announce(ctx, bot.Announcement{Card: card, Channel: channelOf("C1"), To: &herald.Actor{Platform: Platform, UserID: "UALICE"}}); err != nil {
		t.Fatal(err)
	}
	c := h.fake.wait(t, "the ephemeral card", func(c apiCall) bool { return c.Method == "chat.postEphemeral" })
	if c.User != "UALICE" || c.Channel != "C1" || !strings.Contains(c.Body, "target choose linkedin:acme") {
		t.Errorf("ephemeral = %+v", c)
	}
	if n := h.fake.count(func(c apiCall) bool { return c.Method != "chat.postEphemeral" }); n != 0 {
		t.Errorf("%d other calls:\n%s", n, h.fake.dump())
	}
}
