package discord

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/publish"
)

const (
	chNewsA   = "111111111111111111"
	chGeneral = "222222222222222222"
	chNewsB   = "333333333333333333"
)

// withGuilds gives the fake two guilds, each with a #news.
func withGuilds(f *fakeDiscord) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.guilds = []guildInfo{{ID: "901", Name: "Acme"}, {ID: "902", Name: "Other"}}
	f.channels["901"] = []channelInfo{{ID: chNewsA, GuildID: "901", Name: "news", Type: 0}, {ID: chGeneral, GuildID: "901", Name: "general", Type: 0}, {ID: "444444444444444444", GuildID: "901", Name: "Voice", Type: 2}}
	f.channels["902"] = []channelInfo{{ID: chNewsB, GuildID: "902", Name: "news", Type: 5}}
}

func post(target, text, key string) publish.Post {
	t, err := herald.ParseTarget(target)
	if err != nil {
		panic(err)
	}
	return publish.Post{DraftID: 1, Rev: 1, Target: t, Text: text, Key: key}
}

func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	return publish.Classify(err).Outcome.String()
}

func TestPublish(t *testing.T) {
	h := newHarness(t, nil)
	withGuilds(h.fake)
	ctx := context.Background()

	t.Run("OKByName", func(t *testing.T) {
		mark := h.fake.count()
		r, err := h.a.Publish(ctx, post("discord:#general", "Hello @everyone <@&1>", "post:1:1:discord:#general"))
		if err != nil {
			t.Fatal(err)
		}
		c := h.fake.waitFrom(t, mark, "the post", func(c apiCall) bool { return c.Method == "POST" && c.Path == "/channels/"+chGeneral+"/messages" })
		n, _ := c.Body["nonce"].(string)
		if n != nonce("post:1:1:discord:#general") || len(n) > maxNonce || c.Body["enforce_nonce"] != true {
			t.Errorf("nonce %q enforce %v", n, c.Body["enforce_nonce"])
		}
		if am, _ := c.Body["allowed_mentions"].(map[string]any); am == nil || len(am["parse"].([]any)) != 0 {
			t.Errorf("allowed_mentions = %v", c.Body["allowed_mentions"])
		}
		if c.Body["content"] != "Hello @everyone <@&1>" {
			t.Errorf("content = %v", c.Body["content"])
		}
		if r.ID != c.ID || r.URL != "https://discord.com/channels/901/"+chGeneral+"/"+c.ID {
			t.Errorf("receipt = %+v", r)
		}
	})
	t.Run("OKByID", func(t *testing.T) {
		if _, err := h.a.Publish(ctx, post("discord:#"+chNewsB, "Hi", "k2")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OKSameKeySameNonce", func(t *testing.T) {
		if nonce("k") != nonce("k") || nonce("k") == nonce("k2") || len(nonce(strings.Repeat("x", 500))) != 24 {
			t.Error("nonce is not a deterministic 24-character digest of the key")
		}
	})
	t.Run("OKLongTextAsEmbed", func(t *testing.T) {
		mark := h.fake.count()
		text := strings.Repeat("a", 3000)
		if _, err := h.a.Publish(ctx, post("discord:#general", text, "k3")); err != nil {
			t.Fatal(err)
		}
		c := h.fake.waitFrom(t, mark, "the post", func(c apiCall) bool { return c.Method == "POST" })
		es, _ := c.Body["embeds"].([]any)
		if c.Body["content"] != "" || len(es) != 1 || es[0].(map[string]any)["description"] != text {
			t.Errorf("a 3000-character post was not sent whole in an embed: %.200s", c.Raw)
		}
	})
	for _, c := range []struct {
		name, target, text, want, say string
	}{
		{"ErrAmbiguousName", "discord:#news", "x", "rejected", "names 2 Discord channels (in Acme, Other)"},
		{"ErrUnknownName", "discord:#nope", "x", "rejected", "has a text channel named #nope"},
		{"ErrVoiceChannel", "discord:#Voice", "x", "rejected", "named #Voice"},
		{"ErrUnknownID", "discord:#999999999999999999", "x", "rejected", "no channel 999999999999999999"},
		{"ErrTooLong", "discord:#general", strings.Repeat("b", 4097), "rejected", "at most 4096 characters"},
		{"ErrNotDiscord", "slack:#general", "x", "rejected", "cannot publish to slack:#general"},
	} {
		t.Run(c.name, func(t *testing.T) {
			mark := h.fake.count()
			_, err := h.a.Publish(ctx, post(c.target, c.text, "k-"+c.name))
			if outcome(err) != c.want || !strings.Contains(publish.Classify(err).Message, c.say) {
				t.Errorf("Publish = %v (%s), want %s saying %q", err, outcome(err), c.want, c.say)
			}
			calls, _ := h.fake.since(mark)
			for _, call := range calls {
				if call.Method == "POST" {
					t.Errorf("a refused post was sent: %s", call.Path)
				}
			}
		})
	}
	t.Run("ErrRateLimitedIsTransient", func(t *testing.T) {
		h.fake.mu.Lock()
		h.fake.limit["POST /channels/"+chGeneral] = 1
		h.fake.mu.Unlock()
		_, err := h.a.Publish(ctx, post("discord:#general", "x", "k4"))
		if e := publish.Classify(err); e.Outcome != publish.Transient || e.RetryAfter != time.Second {
			t.Errorf("Publish after a 429 = %v (%s, retry after %s), want transient after 1s", err, e.Outcome, e.RetryAfter)
		}
	})
	t.Run("ErrCutAfterSendingIsAmbiguous", func(t *testing.T) {
		h.fake.mu.Lock()
		h.fake.drop["POST /channels/"+chGeneral] = 1
		h.fake.mu.Unlock()
		_, err := h.a.Publish(ctx, post("discord:#general", "x", "k5"))
		if outcome(err) != "ambiguous" {
			t.Errorf("Publish with the connection cut = %v (%s), want ambiguous", err, outcome(err))
		}
	})
	t.Run("ErrNoKey", func(t *testing.T) {
		_, err := h.a.Publish(ctx, post("discord:#general", "x", ""))
		if outcome(err) != "rejected" {
			t.Errorf("Publish without a key = %v", err)
		}
	})
}

func TestValidateAndKeyWindow(t *testing.T) {
	h := newHarness(t, nil)
	if err := h.a.Validate(publish.Account{}, strings.Repeat("é", 4096)); err != nil {
		t.Errorf("4096 characters refused: %v", err)
	}
	err := h.a.Validate(publish.Account{}, strings.Repeat("é", 4097))
	if herald.ErrorCode(err) != herald.EINVALID || !strings.Contains(herald.ErrorMessage(err), "4097") {
		t.Errorf("Validate(4097) = %v", err)
	}
	if w := h.a.KeyWindow(); w <= 0 || w > 5*time.Minute {
		t.Errorf("KeyWindow = %s", w)
	}
}

// TestBucketLimitHeaders: after an answer with X-RateLimit-Remaining: 0
// and X-RateLimit-Reset-After: 0.3, the next call on that route waits for
// the reset (discordgo's limiter, per bucket); another channel does not.
func TestBucketLimitHeaders(t *testing.T) {
	h := newHarness(t, nil)
	withGuilds(h.fake)
	h.fake.mu.Lock()
	h.fake.headers["X-RateLimit-Remaining"] = "0"
	h.fake.headers["X-RateLimit-Reset-After"] = "0.3"
	h.fake.headers["X-RateLimit-Bucket"] = "abc"
	h.fake.mu.Unlock()
	ctx := context.Background()
	if _, err := h.a.post(ctx, chGeneral, message{Content: "one"}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := h.a.post(ctx, chNewsA, message{Content: "other channel"}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 250*time.Millisecond {
		t.Errorf("another channel's bucket waited %s", d)
	}
	if _, err := h.a.post(ctx, chGeneral, message{Content: "two"}); err != nil {
		t.Fatal(err)
	}
	calls, _ := h.fake.since(0)
	var times []time.Time
	for _, c := range calls {
		if c.Path == "/channels/"+chGeneral+"/messages" {
			times = append(times, c.At)
		}
	}
	if len(times) != 2 || times[1].Sub(times[0]) < 250*time.Millisecond {
		t.Errorf("the second call on an exhausted bucket came %s after the first, want ≥ 0.3 s", times[1].Sub(times[0]))
	}
}
